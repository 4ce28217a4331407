"""The certificate of optimality: on cohorts built to trap a solver that prunes candidate pairs ("stars"
everyone prefers, a dominant organisation, language islands), forced onto the candidate path, the engine's
count, lowest pair and total equal an exact solution computed independently on the full matrix, and the
dual prices the certificate rests on are checked here pair by pair."""

from __future__ import annotations

import numpy as np
import pytest
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st
from scipy.optimize import linear_sum_assignment
from scipy.sparse import csr_matrix
from scipy.sparse.csgraph import maximum_bipartite_matching

from bench.cohorts import generate
from tandem.platform.matching import Candidate, Rules, Weights, match
from tandem.platform.matching.scoring import Problem
from tandem.platform.matching.solver import solve
from tandem.platform.matching.vocabulary import CAREER_BANDS, FORMATS, SCALE, WEEKDAYS
from tests.unit.matching.test_properties import check_rules

TRAPS = settings(max_examples=40, deadline=None, suppress_health_check=[HealthCheck.too_slow])
TOPICS = list(range(1, 9))


@st.composite
def trap_cohorts(draw: st.DrawFn) -> tuple[list[Candidate], list[Candidate], Rules]:
    """A cohort of 12 to 60 per side: a few stars on each side (every topic, any format in Bern, every
    weekday, four languages), a dominant organisation holding up to 90% of the people, and language islands
    (people who speak only Romansh), with random others, exclusions and people kept apart."""
    n_mentors, n_mentees = draw(st.integers(12, 60)), draw(st.integers(12, 60))
    stars = draw(st.integers(0, 6))
    dominant = draw(st.sampled_from([0.0, 0.5, 0.8, 0.9]))
    islands = draw(st.sampled_from([0.0, 0.1, 0.3]))
    rng = np.random.default_rng(draw(st.integers(0, 2**32 - 1)))

    def person(pid: int, mentor: bool, star: bool) -> Candidate:
        org = 1 if rng.random() < dominant else int(rng.integers(2, 7))
        languages = {str(rng.choice(["de", "fr", "it"]))}
        if star:
            return Candidate(id=pid, person_key=1000 + pid, organisation_id=org,
                             languages=frozenset({"de", "fr", "it", "rm"}),
                             topics={t: (t if t <= 3 else None) for t in TOPICS} if mentor else {1: 1},
                             format="both", city="Bern", weekdays=frozenset(WEEKDAYS),
                             career_band=CAREER_BANDS[0] if mentor else CAREER_BANDS[-1],
                             capacity=int(rng.integers(1, 3)) if mentor else 1)
        if rng.random() < islands:
            languages, org = {"rm"}, 7 + int(rng.integers(2))
        picks = rng.choice(TOPICS, size=int(rng.integers(0, 4)), replace=False)
        return Candidate(
            id=pid, person_key=1000 + pid, organisation_id=org, languages=frozenset(languages),
            topics={int(t): (i + 1 if rng.random() < 0.7 else None) for i, t in enumerate(picks)},
            format=str(rng.choice(FORMATS)) if rng.random() < 0.9 else None,
            city=str(rng.choice(["Bern", "Basel", "Zurich"])) if rng.random() < 0.8 else None,
            weekdays=frozenset(str(d) for d in rng.choice(WEEKDAYS, size=int(rng.integers(0, 4)), replace=False)),
            career_band=CAREER_BANDS[int(rng.integers(len(CAREER_BANDS)))] if rng.random() < 0.9 else None,
            capacity=(2 if rng.random() < 0.2 else 1) if mentor else 1,
        )

    mentors = [person(i, True, i <= stars) for i in range(1, n_mentors + 1)]
    mentees = [person(100 + i, False, i <= stars) for i in range(1, n_mentees + 1)]
    apart = {frozenset({int(rng.integers(1, n_mentors + 1)), 100 + int(rng.integers(1, n_mentees + 1))})
             for _ in range(draw(st.integers(0, 5)))}
    excluded = draw(st.sets(st.sampled_from([frozenset({1, 2}), frozenset({2, 3}), frozenset({1, 7})]), max_size=2))
    return mentors, mentees, Rules(excluded_organisation_pairs=frozenset(excluded), never_together=frozenset(apart))


def full_scores(mentors, mentees, rules) -> tuple[np.ndarray, np.ndarray]:
    """The whole score matrix, one row per mentor place, and each place's mentor."""
    ms, es = sorted(mentors, key=lambda c: c.id), sorted(mentees, key=lambda c: c.id)
    problem = Problem.build(ms, es, rules, Weights())
    places = np.repeat(np.arange(len(ms)), problem.mentors.capacity)
    return problem.block_scores(np.arange(len(ms)), np.arange(len(es)))[places].astype(np.int64), places


def pairs_possible(scores: np.ndarray, level: int) -> int:
    graph = csr_matrix((scores >= level).astype(np.int8))
    return int((maximum_bipartite_matching(graph, perm_type="column") >= 0).sum()) if scores.size else 0


def exact(scores: np.ndarray) -> tuple[int, int | None, int]:
    """(pairs, lowest pair, total) of the lexicographic optimum, on the full matrix: Hopcroft-Karp for the
    count, every distinct score tried for the level, and SciPy's dense assignment on lexicographic weights."""
    k = pairs_possible(scores, 0)
    if k == 0:
        return 0, None, 0
    level = max(int(t) for t in np.unique(scores[scores >= 0]) if pairs_possible(scores, int(t)) == k)
    big = (min(scores.shape) + 1) * SCALE
    rows, cols = linear_sum_assignment(np.where(scores >= level, -(big + scores), 0).astype(np.float64))
    chosen = scores[rows, cols]
    chosen = chosen[chosen >= level]
    assert len(chosen) == k
    return k, level, int(chosen.sum())


def check_prices(scores: np.ndarray, solution) -> None:
    """The dual prices, checked on every pair of the full matrix: non-negative, every pair at or above the
    level covered (price of the place + price of the mentee >= BIG + score), the chosen pairs exactly, and
    the prices cost what the assignment is worth. By LP duality that proves the total optimal."""
    certificate = solution.certificate
    u, v, big = solution.place_prices, solution.mentee_prices, solution.big
    assert (u >= 0).all() and (v >= 0).all()
    worth = np.where(scores >= certificate.level, big + scores, 0)
    assert (u[:, None] + v[None, :] >= worth).all()
    assert int(u.sum() + v.sum()) == certificate.pairs * big + certificate.total


@TRAPS
@given(trap_cohorts(), st.sampled_from([1, 2, 4]))
def test_the_candidate_path_reaches_the_exact_optimum_and_proves_it(cohort, k_best):
    mentors, mentees, rules = cohort
    result = match(mentors, mentees, rules, exact_cells=0, k_best=k_best)
    check_rules(result, mentors, mentees, rules)
    scores, places = full_scores(mentors, mentees, rules)
    k, level, total = exact(scores)
    chosen = [round(p.score * SCALE) for p in result.pairs]
    assert (len(chosen), min(chosen, default=None), sum(chosen)) == (k, level, total)
    certificate = result.certificate
    assert certificate.proven and certificate.largest_violation == 0 and certificate.duality_gap == 0
    assert (certificate.pairs, certificate.total) == (k, total)
    if k:
        assert certificate.level == level and certificate.pricing_rounds >= 1 and not certificate.exact
    solution = solve(scores[np.unique(places, return_index=True)[1]].astype(np.int32),
                     np.bincount(places), exact_cells=0, k_best=k_best)
    if k:
        check_prices(scores, solution)


@TRAPS
@given(trap_cohorts())
def test_the_all_pairs_path_carries_a_certificate_too(cohort):
    mentors, mentees, rules = cohort
    scores, places = full_scores(mentors, mentees, rules)
    solution = solve(scores[np.unique(places, return_index=True)[1]].astype(np.int32), np.bincount(places))
    k, level, total = exact(scores)
    assert solution.certificate.exact and solution.certificate.proven
    assert (solution.certificate.pairs, solution.certificate.total) == (k, total)
    if k:
        assert solution.certificate.level == level and solution.certificate.pricing_rounds == 1
        check_prices(scores, solution)


def test_pricing_adds_the_pairs_the_candidates_miss():
    """Stars fill everyone's one best candidate: the first assignment misses ordinary pairs, the prices
    show it, and the rounds add them until the total is the exact one."""
    cohort = generate(150, seed=3, stars=0.1)
    result = match(cohort.mentors, cohort.mentees, cohort.rules, exact_cells=0, k_best=1)
    scores, _ = full_scores(cohort.mentors, cohort.mentees, cohort.rules)
    assert (result.certificate.pairs, result.certificate.level, result.certificate.total) == exact(scores)
    assert result.certificate.pricing_rounds > 1 and result.certificate.added_pairs > 0
    assert result.certificate.proven


def test_nobody_to_pair_gives_an_empty_certificate():
    result = match([Candidate(id=1, person_key=1, organisation_id=1, languages=frozenset({"de"}))],
                   [Candidate(id=2, person_key=2, organisation_id=1, languages=frozenset({"de"}))])
    assert result.pairs == () and result.certificate.pairs == 0 and result.certificate.proven


@pytest.mark.matching_big
@pytest.mark.parametrize(("per_side", "seed"), [(2000, 1), (5000, 2)])
def test_star_cohorts_at_full_size_are_proven_optimal(per_side, seed):
    """The issue's trap at its size: about a hundred stars per side (2,000) or 250 (5,000), the engine's
    default path (candidates), against SciPy's dense assignment on the full matrix at the same level."""
    cohort = generate(per_side, seed=seed, stars=0.05)
    result = match(cohort.mentors, cohort.mentees, cohort.rules)
    certificate = result.certificate
    assert certificate.proven and not certificate.exact and certificate.pairs == per_side
    scores, _ = full_scores(cohort.mentors, cohort.mentees, cohort.rules)
    assert pairs_possible(scores, certificate.level + 1) < certificate.pairs
    big = (min(scores.shape) + 1) * SCALE
    rows, cols = linear_sum_assignment(np.where(scores >= certificate.level, -(big + scores), 0).astype(np.float64))
    chosen = scores[rows, cols]
    assert int(chosen[chosen >= certificate.level].sum()) == certificate.total
    assert round(result.figures.total_score * SCALE) == certificate.total
