"""What the board's rules and comparison pages show, read in a fixed number of queries (club scope)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, defer

from tandem.platform.cohorts.models import (
    OCCUPYING_STATUSES,
    Cohort,
    Participation,
    ParticipationRole,
    ParticipationStatus,
)
from tandem.platform.identity.models import User
from tandem.platform.matching import MatchingError, Weights
from tandem.platform.matching.vocabulary import CRITERIA
from tandem.platform.pagination import Page, paginate
from tandem.platform.rematch.models import RematchRequest, RematchStatus
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingRun, MatchingRunStatus, MatchingSeparation, Pair, PairStatus
from tandem.tenants.models import Organisation

BUCKETS = 10  # score distribution: 0-0.1, ..., 0.9-1.0
MENTORS_PER_PAGE = 50  # the mentors' capacities, a page at a time
ALL_PEOPLE_UP_TO = 300  # up to this many people holding a place, all are offered for a separation
FOUND_PEOPLE = 100  # beyond, at most this many of those found by a search


@dataclass(frozen=True)
class Person:
    """A participation of the cohort, with what the pages name it by."""

    id: int
    name: str
    organisation: str
    role: str
    status: str
    capacity: int

    @property
    def holds_place(self) -> bool:
        return self.status in OCCUPYING_STATUSES


@dataclass(frozen=True)
class SeparationRow:
    id: int
    first: Person
    second: Person
    reason: str | None
    created_at: datetime


@dataclass(frozen=True)
class MentorRow:
    person: Person
    pairs_in_current_run: int


@dataclass(frozen=True)
class RulesView:
    people: list[Person]  # offered for a separation: holding a place, mentors first, by name (or those found)
    separations: list[SeparationRow]
    mentors: list[MentorRow]  # the mentors' page shown
    current_run: MatchingRun | None
    holding: int = 0  # people holding a place, in the whole cohort
    mentors_page: Page = field(default_factory=lambda: paginate(0, 1, MENTORS_PER_PAGE))
    search: str = ""  # what the people offered were found by (empty: everyone, or nobody yet in a large cohort)

    @property
    def needs_search(self) -> bool:
        """Too many people to offer them all: the board searches for the two first."""
        return self.holding > ALL_PEOPLE_UP_TO


def _person_query() -> Any:
    return (sa.select(Participation.id, User.display_name, Organisation.name, Participation.role,
                      Participation.status, Participation.mentor_capacity)
            .join(User, User.id == Participation.user_id)
            .join(Organisation, Organisation.id == Participation.organisation_id))


def _by_role_and_name() -> tuple[Any, ...]:
    return (sa.case((Participation.role == ParticipationRole.MENTOR, 0), else_=1),
            sa.func.lower(User.display_name), Participation.id)


def rules_view(session: Session, cohort: Cohort, *, search: str = "", mentors_page: int = 1,
               chosen: tuple[int, ...] = ()) -> RulesView:
    """The cohort's separations, the people offered for a new one and a page of the mentors' capacities: seven
    queries, whatever the cohort's size. Up to ALL_PEOPLE_UP_TO people holding a place are all offered;
    beyond, those whose name or organisation contains `search` (at most FOUND_PEOPLE), and the `chosen` ones
    (a form sent back)."""
    holds = sa.and_(Participation.cohort_id == cohort.id, Participation.status.in_(OCCUPYING_STATUSES))
    with club_scope(session):
        totals = {role: int(count) for role, count in session.execute(
            sa.select(Participation.role, sa.func.count(Participation.id)).where(holds)
            .group_by(Participation.role))}
        holding = sum(totals.values())
        needle = " ".join(search.split()).casefold()
        offered = _person_query().where(holds).order_by(*_by_role_and_name())
        if holding > ALL_PEOPLE_UP_TO:
            found = sa.or_(sa.func.lower(User.display_name).contains(needle, autoescape=True),
                           sa.func.lower(Organisation.name).contains(needle, autoescape=True))
            offered = offered.where(sa.or_(Participation.id.in_(chosen), found if needle else sa.false()))
            offered = offered.limit(FOUND_PEOPLE + len(chosen))
        people = [Person(*row) for row in session.execute(offered)]
        separations = session.execute(
            sa.select(MatchingSeparation.id, MatchingSeparation.participation_a_id,
                      MatchingSeparation.participation_b_id, MatchingSeparation.reason, MatchingSeparation.created_at)
            .where(MatchingSeparation.cohort_id == cohort.id)
            .order_by(MatchingSeparation.id)
        ).all()
        separated = {pid for row in separations for pid in (row[1], row[2])}
        named = {row[0]: Person(*row) for row in session.execute(
            _person_query().where(Participation.cohort_id == cohort.id, Participation.id.in_(separated)))}
        run = session.scalars(
            sa.select(MatchingRun)
            .where(MatchingRun.cohort_id == cohort.id, MatchingRun.status == MatchingRunStatus.SUCCEEDED)
            .order_by(MatchingRun.id.desc()).limit(1)
        ).first()
        page = paginate(totals.get(ParticipationRole.MENTOR, 0), mentors_page, MENTORS_PER_PAGE)
        mentors = [Person(*row) for row in session.execute(
            _person_query().where(holds, Participation.role == ParticipationRole.MENTOR)
            .order_by(*_by_role_and_name()).offset(page.offset).limit(page.size))]
        counts: dict[int, int] = {mentor_id: int(count) for mentor_id, count in session.execute(
            sa.select(Pair.mentor_participation_id, sa.func.count(Pair.id))
            .where(Pair.matching_run_id == run.id, Pair.status != PairStatus.ENDED,
                   Pair.mentor_participation_id.in_([m.id for m in mentors]))
            .group_by(Pair.mentor_participation_id)
        )} if run is not None else {}
    return RulesView(
        people=people,
        separations=[SeparationRow(row[0], named[row[1]], named[row[2]], row[3], row[4]) for row in separations
                     if row[1] in named and row[2] in named],
        mentors=[MentorRow(p, counts.get(p.id, 0)) for p in mentors],
        current_run=run,
        holding=holding,
        mentors_page=page,
        search=needle,
    )


# ------------------------------------------------------------------------------------------------ comparing


def weight_shares(parameters: dict[str, Any] | None) -> dict[str, float] | None:
    """A run's (or the cohort's) weights as shares of the score, or None when none were recorded."""
    weights = (parameters or {}).get("weights") or {}
    try:
        return Weights(**{name: float(weights[name]) for name in CRITERIA}).normalised()
    except (KeyError, TypeError, ValueError, MatchingError):
        return None


@dataclass(frozen=True)
class RunSummary:
    run: MatchingRun
    figures: dict[str, Any]  # computed from the run's pairs as they are now (the engine's names)
    shares: dict[str, float] | None
    threshold: float | None
    buckets: list[int]  # pairs per score bucket
    scored_pairs: int
    changed: bool  # changed by hand after it finished: its stored figures (on its page) differ


@dataclass(frozen=True)
class Comparison:
    first: RunSummary
    second: RunSummary
    shared_pairs: int
    largest_bucket: int


def succeeded_runs(session: Session, cohort: Cohort) -> list[MatchingRun]:
    """The cohort's successful runs, newest first (one query; their reasons for the unmatched are not loaded)."""
    with club_scope(session):
        return list(session.scalars(
            sa.select(MatchingRun)
            .where(MatchingRun.cohort_id == cohort.id, MatchingRun.status == MatchingRunStatus.SUCCEEDED)
            .options(defer(MatchingRun.unmatched)).order_by(MatchingRun.id.desc())
        ))


def bucket_of(score: float) -> int:
    return min(BUCKETS - 1, max(0, int(score * BUCKETS)))


@dataclass(frozen=True)
class _PairNow:
    mentor_id: int
    mentee_id: int
    score: float | None
    status: str
    by_hand: bool


def _figures_now(pairs: list[_PairNow], mentors: dict[int, int], mentees: set[int],
                 threshold: float) -> dict[str, Any]:
    """The engine's figures (see matching.Figures) for pairs as they are now, with the people taking part now
    (`mentors`: id -> capacity)."""
    places = sum(mentors.values())
    possible = min(len(mentees), places)
    scores = [pair.score for pair in pairs if pair.score is not None]
    matched_mentors = {pair.mentor_id for pair in pairs} & set(mentors)
    matched_mentees = {pair.mentee_id for pair in pairs} & mentees
    people = len(mentors) + len(mentees)
    return {
        "mentors": len(mentors), "mentees": len(mentees), "mentor_places": places, "possible_pairs": possible,
        "pairs": len(pairs),
        "locked_pairs": sum(1 for pair in pairs if pair.status == PairStatus.LOCKED),
        "share_matched": round(len(pairs) / possible, 4) if possible else 1.0,
        "share_people_matched": round((len(matched_mentors) + len(matched_mentees)) / people, 4) if people else 1.0,
        "unmatched_mentors": len(mentors) - len(matched_mentors),
        "unmatched_mentees": len(mentees) - len(matched_mentees),
        "lowest_score": min(scores) if scores else None,
        "mean_score": round(sum(scores) / len(scores), 4) if scores else None,
        "total_score": round(sum(scores), 4),
        "threshold": threshold,
        "below_threshold": sum(1 for score in scores if score < threshold),
    }


def compare_runs(session: Session, first: MatchingRun, second: MatchingRun) -> Comparison:
    """Two runs side by side, every figure from one source: each run's pairs as they are now (after the
    board's changes by hand; a tandem ended after a rematch request is left out), with the people taking part
    now. The figures the engine stored when a run finished are on the run's page; here they would sit beside
    pairs that no longer exist. Also the runs' parameters, the pairs they share and the distribution of their
    scores. Two queries, whatever the number of pairs."""
    rematched = sa.exists().where(RematchRequest.pair_id == Pair.id, RematchRequest.status == RematchStatus.ACCEPTED)
    with club_scope(session):
        rows = session.execute(
            sa.select(Pair.matching_run_id, Pair.mentor_participation_id, Pair.mentee_participation_id, Pair.score,
                      Pair.status, Pair.by_hand)
            .where(Pair.matching_run_id.in_({first.id, second.id}),
                   sa.or_(Pair.status != PairStatus.ENDED, ~rematched))
        ).all()
        taking_part = session.execute(
            sa.select(Participation.id, Participation.role, Participation.mentor_capacity)
            .where(Participation.cohort_id == first.cohort_id, Participation.status == ParticipationStatus.ACTIVE)
        ).all()
    mentors = {pid: capacity for pid, role, capacity in taking_part if role == ParticipationRole.MENTOR}
    mentees = {pid for pid, role, _capacity in taking_part if role == ParticipationRole.MENTEE}
    by_run: dict[int, list[_PairNow]] = {first.id: [], second.id: []}
    for run_id, mentor_id, mentee_id, score, status, by_hand in rows:
        if run_id is None:  # never: the query asked for the two runs' pairs
            continue
        by_run[run_id].append(_PairNow(mentor_id, mentee_id, score, status, by_hand))

    def summary(run: MatchingRun) -> RunSummary:
        parameters = run.parameters or {}
        threshold = parameters.get("threshold")
        threshold = float(threshold) if isinstance(threshold, int | float) else None
        pairs = by_run[run.id]
        counted = Counter(bucket_of(pair.score) for pair in pairs if pair.score is not None)
        buckets = [counted[index] for index in range(BUCKETS)]
        stored = run.figures or {}
        changed = any(pair.by_hand for pair in pairs) or (
            isinstance(stored.get("pairs"), int) and stored["pairs"] != len(pairs))
        figures = _figures_now(pairs, mentors, mentees, threshold if threshold is not None else 0.0)
        if threshold is None:
            figures["below_threshold"] = None
        return RunSummary(run=run, figures=figures, shares=weight_shares(parameters), threshold=threshold,
                          buckets=buckets, scored_pairs=len(pairs), changed=changed)

    a, b = summary(first), summary(second)
    shared = ({(p.mentor_id, p.mentee_id) for p in by_run[first.id]}
              & {(p.mentor_id, p.mentee_id) for p in by_run[second.id]})
    return Comparison(first=a, second=b, shared_pairs=len(shared), largest_bucket=max([*a.buckets, *b.buckets, 1]))
