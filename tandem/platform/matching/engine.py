"""`match`: candidates and rules in; pairs with explanations, the unmatched with reasons, figures out."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from typing import Any

import numpy as np

from tandem.platform.matching.scoring import Problem, normalise_city
from tandem.platform.matching.solver import solve
from tandem.platform.matching.types import (
    DEFAULT_THRESHOLD,
    Candidate,
    Criterion,
    Figures,
    MatchingError,
    MatchResult,
    ProposedPair,
    Rules,
    Unmatched,
    Weights,
)
from tandem.platform.matching.vocabulary import CAREER_BANDS, CRITERIA, MENTEE, MENTOR, SCALE, WEEKDAYS

Progress = Callable[[int], None]
NEARLY_ALL = 0.9  # from this share of the other side in a person's own organisation, the reason says so
STAGE_RULES = ("same_organisation", "no_shared_language", "excluded_organisations", "earlier_pair",
               "never_together")


def match(
    mentors: Iterable[Candidate],
    mentees: Iterable[Candidate],
    rules: Rules | None = None,
    weights: Weights | None = None,
    threshold: float = DEFAULT_THRESHOLD,
    progress: Progress | None = None,
    *,
    exact_cells: int | None = None,
    k_best: int | None = None,
) -> MatchResult:
    """Pair mentors with mentees of other organisations.

    Never breaks a hard rule (see `Rules`); matches as many people as possible; among those assignments
    raises the lowest pair score as high as possible, then the total. The input order does not matter
    (both sides are sorted by id) and the same input always gives the same result. `progress` is called
    with a percentage (0 to 100) a few times. Raises `MatchingError` for invalid input, such as a locked
    pair that breaks a rule. `result.certificate` proves the optimum (see `solver`); `exact_cells` and
    `k_best` override the solver's size limit of the all-pairs path and its candidates per person (tests
    use them to take the candidate path on small cohorts).
    """
    rules = rules or Rules()
    weights = weights or Weights()
    report = _Reporter(progress)
    report(0)
    mentor_list = sorted(mentors, key=lambda c: c.id)
    mentee_list = sorted(mentees, key=lambda c: c.id)
    _check_ids(mentor_list, mentee_list)
    problem = Problem.build(mentor_list, mentee_list, rules, weights)
    locked_r, locked_e = _locked_indices(problem, rules)

    load = np.bincount(locked_r, minlength=len(mentor_list)).astype(np.int64)
    room = problem.mentors.capacity - load
    free_r = np.flatnonzero(room > 0)
    free_e = np.setdiff1d(np.arange(len(mentee_list)), locked_e)
    scores = problem.block_scores(free_r, free_e)
    report(15)
    solution = solve(scores, room[free_r], lambda fraction: report(15 + 70 * fraction), exact_cells=exact_cells,
                     k_best=k_best)
    chosen_r, chosen_e = solution.mentors, solution.mentees
    del scores
    pair_r = np.concatenate([locked_r, free_r[chosen_r]])
    pair_e = np.concatenate([locked_e, free_e[chosen_e]])
    is_locked = np.concatenate([np.ones(len(locked_r), dtype=bool), np.zeros(len(chosen_r), dtype=bool)])
    pairs = _pairs(problem, pair_r, pair_e, is_locked)
    report(92)
    unmatched = _unmatched(problem, pair_r, pair_e, room, locked_e)
    figures = _figures(problem, pairs, unmatched, threshold)
    report(100)
    return MatchResult(pairs=pairs, unmatched=unmatched, figures=figures, certificate=solution.certificate)


def evaluate_pair(mentor: Candidate, mentee: Candidate, rules: Rules | None = None,
                  weights: Weights | None = None) -> ProposedPair:
    """Score and explain one pair exactly as `match` would (the board pairs two people by hand).

    The hard rules are checked as for a locked pair (capacity and `rules.locked` aside): raises
    `MatchingError` with code `breaks_rule` and `rule` (one of `STAGE_RULES`) when a rule would break.
    """
    rules = rules or Rules()
    weights = weights or Weights()
    _check_ids([mentor], [mentee])
    problem = Problem.build([mentor], [mentee], rules, weights)
    stages = problem.rule_stages(True, np.array([0]))
    for rule, stage in zip(STAGE_RULES, stages, strict=True):
        if not stage[0, 0]:
            raise MatchingError("breaks_rule", f"mentor {mentor.id} and mentee {mentee.id} break a rule: "
                                f"{rule.replace('_', ' ')}", mentor_id=mentor.id, mentee_id=mentee.id, rule=rule)
    zero = np.zeros(1, dtype=np.int64)
    return _pairs(problem, zero, zero, np.zeros(1, dtype=bool))[0]


class _Reporter:
    def __init__(self, progress: Progress | None) -> None:
        self.progress = progress
        self.last = -1

    def __call__(self, percent: float) -> None:
        value = max(0, min(100, int(percent)))
        if self.progress is not None and value > self.last:
            self.last = value
            self.progress(value)


def _check_ids(mentors: Sequence[Candidate], mentees: Sequence[Candidate]) -> None:
    for role, side in ((MENTOR, mentors), (MENTEE, mentees)):
        ids = [c.id for c in side]
        if len(set(ids)) != len(ids):
            duplicates = sorted({i for i in ids if ids.count(i) > 1})
            raise MatchingError("duplicate_id", f"{role} ids repeated: {duplicates}", role=role, ids=duplicates)
    both = sorted({c.id for c in mentors} & {c.id for c in mentees})
    if both:
        raise MatchingError("mentor_and_mentee", f"ids both mentor and mentee: {both}", ids=both)
    for c in mentees:
        if c.capacity != 1:
            raise MatchingError("mentee_capacity", f"mentee {c.id}: a mentee takes exactly one mentor", id=c.id)


def _locked_indices(problem: Problem, rules: Rules) -> tuple[np.ndarray, np.ndarray]:
    mentor_index = {int(i): n for n, i in enumerate(problem.mentors.ids)}
    mentee_index = {int(i): n for n, i in enumerate(problem.mentees.ids)}
    rows, cols = [], []
    for mentor_id, mentee_id in rules.locked:
        pair = f"locked pair (mentor {mentor_id}, mentee {mentee_id})"
        if mentor_id not in mentor_index:
            raise MatchingError("locked_unknown_mentor", f"{pair}: no such mentor", mentor_id=mentor_id,
                                mentee_id=mentee_id)
        if mentee_id not in mentee_index:
            raise MatchingError("locked_unknown_mentee", f"{pair}: no such mentee", mentor_id=mentor_id,
                                mentee_id=mentee_id)
        r, e = mentor_index[mentor_id], mentee_index[mentee_id]
        if e in cols:
            raise MatchingError("locked_mentee_twice", f"{pair}: the mentee is locked to two mentors",
                                mentor_id=mentor_id, mentee_id=mentee_id)
        stages = problem.rule_stages(True, np.array([e]))
        for rule, stage in zip(STAGE_RULES, stages, strict=True):
            if not stage[0, r]:
                raise MatchingError("locked_breaks_rule", f"{pair} breaks a rule: {rule.replace('_', ' ')}",
                                    mentor_id=mentor_id, mentee_id=mentee_id, rule=rule)
        rows.append(r)
        cols.append(e)
    rows_array = np.array(rows, dtype=np.int64)
    load = np.bincount(rows_array, minlength=len(problem.mentors))
    over = np.flatnonzero(load > problem.mentors.capacity)
    if len(over):
        mentor_id = int(problem.mentors.ids[over[0]])
        raise MatchingError("locked_over_capacity", f"mentor {mentor_id} is locked to more mentees than allowed",
                            mentor_id=mentor_id)
    return rows_array, np.array(cols, dtype=np.int64)


# -- pairs and their explanations ---------------------------------------------------------------------------

def _pairs(problem: Problem, rows: np.ndarray, cols: np.ndarray, locked: np.ndarray) -> tuple[ProposedPair, ...]:
    if len(rows) == 0:
        return ()
    scores, values = problem.pair_values(rows, cols)
    weights = problem.weights
    result = []
    for i in range(len(rows)):
        mentor = problem.mentors.candidates[rows[i]]
        mentee = problem.mentees.candidates[cols[i]]
        explained = (_topics(mentor, mentee), _format(mentor, mentee), _weekdays(mentor, mentee),
                     _career(mentor, mentee))
        criteria = tuple(
            Criterion(name=name, value=round(float(values[n][i]), 4), weight=round(float(weights[n]), 4),
                      code=code, params=params)
            for n, (name, (code, params)) in enumerate(zip(CRITERIA, explained, strict=True))
        )
        result.append(ProposedPair(mentor_id=mentor.id, mentee_id=mentee.id, score=int(scores[i]) / SCALE,
                                   locked=bool(locked[i]), criteria=criteria))
    return tuple(sorted(result, key=lambda p: (p.mentor_id, p.mentee_id)))


def _ranked(topics: Any) -> list[list[Any]]:
    return [[t, r] for t, r in sorted(topics.items(), key=lambda item: (item[1] is None, item[1] or 0, item[0]))]


def _topics(mentor: Candidate, mentee: Candidate) -> tuple[str, dict[str, Any]]:
    wanted = _ranked(mentee.topics)
    if not wanted:
        return "mentee_named_none", {}
    if not mentor.topics:
        return "mentor_named_none", {"wanted": wanted}
    shared = [item for item in wanted if item[0] in mentor.topics]
    missing = [item for item in wanted if item[0] not in mentor.topics]
    ranked = [item for item in wanted if item[1] is not None]
    ranked_covered = sum(1 for item in shared if item[1] is not None)
    if not missing:
        code = "all_offered"
    elif not shared:
        code = "none_offered"
    elif ranked and ranked_covered == len(ranked):
        code = "ranked_offered"
    else:
        code = "some_offered"
    return code, {"wanted": wanted, "shared": shared, "missing": missing, "ranked_wanted": len(ranked),
                  "mentee_top_ranked_covered": ranked_covered}


def _format(mentor: Candidate, mentee: Candidate) -> tuple[str, dict[str, Any]]:
    fr, fe = mentor.format, mentee.format
    formats = {"mentor_format": fr, "mentee_format": fe}
    if fr is None or fe is None:
        return "unknown", {**formats, "missing": [role for role, f in ((MENTOR, fr), (MENTEE, fe)) if f is None]}
    remote = fr in ("remote", "both") and fe in ("remote", "both")
    in_person = fr in ("in_person", "both") and fe in ("in_person", "both")
    cr, ce = normalise_city(mentor.city), normalise_city(mentee.city)
    cities = {"mentor_city": mentor.city, "mentee_city": mentee.city}
    if in_person and cr is not None and cr == ce:
        return "in_person", {**formats, "city": mentee.city, "remote_too": remote}
    if remote:
        return "remote", formats
    if in_person and (cr is None or ce is None):
        return "city_unknown", {**formats, **cities}
    if in_person:
        return "different_cities", {**formats, **cities}
    return "in_person_vs_remote", formats


def _weekdays(mentor: Candidate, mentee: Candidate) -> tuple[str, dict[str, Any]]:
    def ordered(days: frozenset[str]) -> list[str]:
        return [d for d in WEEKDAYS if d in days]

    if not mentor.weekdays or not mentee.weekdays:
        missing = [role for role, days in ((MENTOR, mentor.weekdays), (MENTEE, mentee.weekdays)) if not days]
        return "unknown", {"missing": missing}
    shared = ordered(mentor.weekdays & mentee.weekdays)
    if not shared:
        return "none_shared", {"mentor_days": ordered(mentor.weekdays), "mentee_days": ordered(mentee.weekdays)}
    return "shared", {"days": shared}


def _career(mentor: Candidate, mentee: Candidate) -> tuple[str, dict[str, Any]]:
    params: dict[str, Any] = {"mentor_band": mentor.career_band, "mentee_band": mentee.career_band}
    if mentor.career_band is None or mentee.career_band is None:
        return "unknown", params
    steps = CAREER_BANDS.index(mentee.career_band) - CAREER_BANDS.index(mentor.career_band)
    params["steps"] = steps
    if steps >= 2:
        return "clear_gap", params
    if steps == 1:
        return "small_gap", params
    if steps == 0:
        return "same_band", params
    return "mentor_more_senior", params


# -- the unmatched --------------------------------------------------------------------------------------------

def _unmatched(problem: Problem, pair_r: np.ndarray, pair_e: np.ndarray, room: np.ndarray,
               locked_mentees: np.ndarray) -> tuple[Unmatched, ...]:
    """Why each person without a partner has none; `room` is each mentor's capacity left after locks."""
    result: list[Unmatched] = []
    mentee_taken = np.zeros(len(problem.mentees), dtype=bool)
    mentee_taken[pair_e] = True
    mentor_used = np.bincount(pair_r, minlength=len(problem.mentors))
    for role_is_mentee, people, open_partner in (
        (True, np.flatnonzero(~mentee_taken), room > 0),
        (False, np.flatnonzero(mentor_used == 0), None),
    ):
        side = problem.mentees if role_is_mentee else problem.mentors
        other = problem.mentors if role_is_mentee else problem.mentees
        role = MENTEE if role_is_mentee else MENTOR
        if open_partner is None:  # a mentee is open unless a locked pair holds her
            open_partner = np.ones(len(problem.mentees), dtype=bool)
            open_partner[locked_mentees] = False
        step = max(1, 2_000_000 // max(1, len(other)))
        for start in range(0, len(people), step):
            chunk = people[start:start + step]
            stages = problem.rule_stages(role_is_mentee, chunk)
            for row, index in enumerate(chunk):
                result.append(_reason(problem, role, side.candidates[index], other, stages, row, open_partner,
                                      role_is_mentee, int(index)))
    return tuple(sorted(result, key=lambda u: (u.role != MENTOR, u.id)))


def _reason(problem: Problem, role: str, person: Candidate, other: Any, stages: list[np.ndarray], row: int,
            open_partner: np.ndarray, role_is_mentee: bool, index: int) -> Unmatched:
    def unmatched(code: str, **params: Any) -> Unmatched:
        return Unmatched(id=person.id, role=role, code=code, params=params)

    if len(other) == 0:
        return unmatched("nobody_on_other_side")
    counts = [int(stage[row].sum()) for stage in stages]
    if counts[0] == 0:
        return unmatched("only_same_organisation", candidates=len(other))
    if counts[1] == 0:
        if not person.languages:
            return unmatched("no_languages")
        return unmatched("no_shared_language", languages=sorted(person.languages), candidates=counts[0])
    if counts[2] == 0:
        orgs = sorted({problem.organisations[o] for o in other.org[stages[1][row]]})
        return unmatched("excluded_organisations", organisation_ids=orgs, candidates=counts[1])
    if counts[3] == 0:
        return unmatched("earlier_pairs", candidates=counts[2])
    if counts[4] == 0:
        ids = sorted(int(i) for i in other.ids[stages[3][row]])
        return unmatched("never_together", ids=ids, candidates=counts[3])
    compatible = stages[4][row]
    if not (compatible & open_partner).any():
        return unmatched("compatible_partners_locked", compatible=counts[4])
    same = len(other) - counts[0]
    if same >= NEARLY_ALL * len(other):
        return unmatched("mostly_same_organisation", compatible=counts[4], same_organisation=same,
                         candidates=len(other))
    return unmatched("all_compatible_taken", compatible=counts[4])


# -- figures --------------------------------------------------------------------------------------------------

def _figures(problem: Problem, pairs: tuple[ProposedPair, ...], unmatched: tuple[Unmatched, ...],
             threshold: float) -> Figures:
    mentors, mentees = len(problem.mentors), len(problem.mentees)
    places = int(problem.mentors.capacity.sum())
    possible = min(mentees, places)
    scores = np.array([p.score for p in pairs], dtype=np.float64)
    matched_mentors = len({p.mentor_id for p in pairs})
    people = mentors + mentees
    return Figures(
        mentors=mentors,
        mentees=mentees,
        mentor_places=places,
        possible_pairs=possible,
        pairs=len(pairs),
        locked_pairs=sum(1 for p in pairs if p.locked),
        share_matched=round(len(pairs) / possible, 4) if possible else 1.0,
        share_people_matched=round((matched_mentors + len(pairs)) / people, 4) if people else 1.0,
        unmatched_mentors=sum(1 for u in unmatched if u.role == MENTOR),
        unmatched_mentees=sum(1 for u in unmatched if u.role == MENTEE),
        lowest_score=float(scores.min()) if len(scores) else None,
        mean_score=round(float(scores.mean()), 4) if len(scores) else None,
        total_score=round(float(scores.sum()), 4),
        threshold=threshold,
        below_threshold=int((scores < threshold).sum()),
    )

