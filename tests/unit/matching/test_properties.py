"""Properties of the matching engine, checked with hypothesis against independent rule checks and brute force."""

from __future__ import annotations

import itertools
import random

import numpy as np
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from tandem.platform.matching import Candidate, Rules, Weights, match
from tandem.platform.matching.scoring import Problem
from tandem.platform.matching.vocabulary import CAREER_BANDS, FORMATS, SCALE, WEEKDAYS

FAST = settings(max_examples=120, deadline=None, suppress_health_check=[HealthCheck.too_slow])


@st.composite
def candidates(draw: st.DrawFn, ids: list[int], mentor: bool) -> list[Candidate]:
    people = []
    for cid in ids:
        topics = draw(st.lists(st.sampled_from([1, 2, 3, 4]), unique=True, max_size=4))
        ranks = draw(st.permutations([1, 2, 3, None, None]))
        people.append(Candidate(
            id=cid,
            person_key=1000 + cid,
            organisation_id=draw(st.integers(1, 3)),
            languages=frozenset(draw(st.sets(st.sampled_from(["de", "fr", "it"]), min_size=0, max_size=2))),
            topics={t: ranks[i] for i, t in enumerate(topics)},
            format=draw(st.sampled_from((None, *FORMATS))),
            city=draw(st.sampled_from([None, "Bern", "Basel"])),
            weekdays=frozenset(draw(st.sets(st.sampled_from(WEEKDAYS), max_size=3))),
            career_band=draw(st.sampled_from((None, *CAREER_BANDS))),
            capacity=draw(st.integers(1, 2)) if mentor else 1,
        ))
    return people


def allowed(mentor: Candidate, mentee: Candidate, rules: Rules) -> bool:
    """The hard rules, written independently of the engine."""
    return (mentor.organisation_id != mentee.organisation_id
            and frozenset({mentor.organisation_id, mentee.organisation_id}) not in rules.excluded_organisation_pairs
            and bool(mentor.languages & mentee.languages)
            and (mentor.person_key, mentee.person_key) not in rules.earlier_pairs
            and (mentee.person_key, mentor.person_key) not in rules.earlier_pairs
            and frozenset({mentor.id, mentee.id}) not in rules.never_together)


@st.composite
def instances(draw: st.DrawFn, max_side: int = 5, locks: bool = True) -> tuple[list, list, Rules]:
    n_mentors, n_mentees = draw(st.integers(0, max_side)), draw(st.integers(0, max_side))
    mentors = draw(candidates(list(range(1, n_mentors + 1)), True))
    mentees = draw(candidates(list(range(101, 101 + n_mentees)), False))
    excluded = draw(st.sets(st.sampled_from([frozenset({1, 2}), frozenset({1, 3}), frozenset({2, 3})]), max_size=1))
    all_pairs = [(m, e) for m in mentors for e in mentees]
    earlier = draw(st.sets(st.sampled_from(all_pairs), max_size=2)) if all_pairs else set()
    apart = draw(st.sets(st.sampled_from(all_pairs), max_size=2)) if all_pairs else set()
    rules = Rules(excluded_organisation_pairs=frozenset(excluded),
                  earlier_pairs=frozenset((m.person_key, e.person_key) for m, e in earlier),
                  never_together=frozenset(frozenset({m.id, e.id}) for m, e in apart))
    locked: list[tuple[int, int]] = []
    if locks and all_pairs:
        load: dict[int, int] = {}
        for m, e in draw(st.lists(st.sampled_from(all_pairs), max_size=2)):
            if allowed(m, e, rules) and e.id not in {x for _, x in locked} and load.get(m.id, 0) < m.capacity:
                locked.append((m.id, e.id))
                load[m.id] = load.get(m.id, 0) + 1
    return mentors, mentees, Rules(rules.excluded_organisation_pairs, rules.earlier_pairs, tuple(locked),
                                   rules.never_together)


def check_rules(result, mentors, mentees, rules) -> None:
    by_id = {c.id: c for c in (*mentors, *mentees)}
    load: dict[int, int] = {}
    seen_mentees = set()
    for pair in result.pairs:
        mentor, mentee = by_id[pair.mentor_id], by_id[pair.mentee_id]
        assert mentor in mentors and mentee in mentees
        assert allowed(mentor, mentee, rules)
        assert mentee.id not in seen_mentees
        seen_mentees.add(mentee.id)
        load[mentor.id] = load.get(mentor.id, 0) + 1
        assert load[mentor.id] <= mentor.capacity
        assert 0.0 <= pair.score <= 1.0
        assert all(0.0 <= c.value <= 1.0 for c in pair.criteria)
    assert {(p.mentor_id, p.mentee_id) for p in result.pairs if p.locked} == set(rules.locked)
    paired = {p.mentor_id for p in result.pairs} | seen_mentees
    assert {u.id for u in result.unmatched} == {c.id for c in (*mentors, *mentees)} - paired


def score_table(mentors, mentees, rules) -> dict[tuple[int, int], int]:
    ms, es = sorted(mentors, key=lambda c: c.id), sorted(mentees, key=lambda c: c.id)
    problem = Problem.build(ms, es, rules, Weights())
    r, e = np.meshgrid(np.arange(len(ms)), np.arange(len(es)), indexing="ij")
    scores, _ = problem.pair_values(r.ravel(), e.ravel())
    return {(ms[i].id, es[j].id): int(s) for i, j, s in zip(r.ravel(), e.ravel(), scores, strict=True)}


def brute_force(mentors, mentees, rules) -> tuple[int, int, int]:
    """Best (pairs, lowest free pair, total of free pairs) over every assignment that keeps the locks."""
    scores = score_table(mentors, mentees, rules)
    locked = dict((e, m) for m, e in rules.locked)
    options = []
    for mentee in mentees:
        if mentee.id in locked:
            options.append([locked[mentee.id]])
        else:
            options.append([None] + [m.id for m in mentors if allowed(m, mentee, rules)])
    capacity = {m.id: m.capacity for m in mentors}
    best = (0, 0, 0)
    for choice in itertools.product(*options):
        used: dict[int, int] = {}
        ok = True
        for mentor_id in choice:
            if mentor_id is not None:
                used[mentor_id] = used.get(mentor_id, 0) + 1
                ok = ok and used[mentor_id] <= capacity[mentor_id]
        if not ok:
            continue
        free = [scores[(m, e.id)] for m, e in zip(choice, mentees, strict=True)
                if m is not None and e.id not in locked]
        key = (sum(m is not None for m in choice), min(free, default=SCALE + 1), sum(free))
        best = max(best, key)
    return best


@FAST
@given(instances())
def test_rules_hold_and_the_result_is_a_brute_force_optimum(instance):
    mentors, mentees, rules = instance
    result = match(mentors, mentees, rules)
    check_rules(result, mentors, mentees, rules)
    free = [round(p.score * SCALE) for p in result.pairs if not p.locked]
    assert (len(result.pairs), min(free, default=SCALE + 1), sum(free)) == brute_force(mentors, mentees, rules)


@FAST
@given(instances(max_side=12, locks=False))
def test_as_many_matched_as_a_maximum_bipartite_matching_allows(instance):
    mentors, mentees, rules = instance
    result = match(mentors, mentees, rules)
    check_rules(result, mentors, mentees, rules)
    places = [m for m in mentors for _ in range(m.capacity)]
    graph = np.array([[allowed(m, e, rules) for e in mentees] for m in places], dtype=np.int8).reshape(
        len(places), len(mentees))
    expected = int((maximum_bipartite_matching(csr_matrix(graph), perm_type="column") >= 0).sum()) if graph.size else 0
    assert len(result.pairs) == expected
    if expected == min(len(mentees), len(places)):  # a complete matching exists: the smaller side is all in
        assert result.figures.share_matched == 1.0


@FAST
@given(instances(max_side=8), st.randoms(use_true_random=False))
def test_shuffling_the_input_changes_nothing(instance, rng: random.Random):
    mentors, mentees, rules = instance
    first = match(mentors, mentees, rules)
    mentors, mentees = list(mentors), list(mentees)
    rng.shuffle(mentors)
    rng.shuffle(mentees)
    assert match(mentors, mentees, rules) == first


@settings(max_examples=25, deadline=None)
@given(instances(max_side=12))
def test_the_large_problem_path_keeps_the_rules_the_count_and_the_level(instance):
    """Forcing the candidate-pair path of the solver (used above EXACT_CELLS) gives the same count and level."""
    from tandem.platform.matching import solver

    mentors, mentees, rules = instance
    exact = match(mentors, mentees, rules)
    original = (solver.EXACT_CELLS, solver.K_BEST)
    solver.EXACT_CELLS, solver.K_BEST = 0, 2
    try:
        sparse = match(mentors, mentees, rules)
    finally:
        solver.EXACT_CELLS, solver.K_BEST = original
    check_rules(sparse, mentors, mentees, rules)
    assert len(sparse.pairs) == len(exact.pairs)
    lowest = [min((p.score for p in r.pairs if not p.locked), default=None) for r in (exact, sparse)]
    assert lowest[0] == lowest[1]
