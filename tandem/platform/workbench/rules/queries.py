"""What the board's rules and comparison pages show, read in a fixed number of queries (club scope)."""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass
from datetime import datetime
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, defer

from tandem.platform.cohorts.models import OCCUPYING_STATUSES, Cohort, Participation, ParticipationRole
from tandem.platform.identity.models import User
from tandem.platform.matching import MatchingError, Weights
from tandem.platform.matching.vocabulary import CRITERIA
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingRun, MatchingRunStatus, MatchingSeparation, Pair, PairStatus
from tandem.tenants.models import Organisation

BUCKETS = 10  # score distribution: 0-0.1, ..., 0.9-1.0


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
    people: list[Person]  # holding a place, mentors first, by name
    separations: list[SeparationRow]
    mentors: list[MentorRow]
    current_run: MatchingRun | None


def rules_view(session: Session, cohort: Cohort) -> RulesView:
    """The cohort's people, separations and mentors' capacities: four queries, whatever the cohort's size."""
    with club_scope(session):
        rows = session.execute(
            sa.select(Participation.id, User.display_name, Organisation.name, Participation.role,
                      Participation.status, Participation.mentor_capacity)
            .join(User, User.id == Participation.user_id)
            .join(Organisation, Organisation.id == Participation.organisation_id)
            .where(Participation.cohort_id == cohort.id)
        ).all()
        separations = session.scalars(
            sa.select(MatchingSeparation).where(MatchingSeparation.cohort_id == cohort.id)
            .order_by(MatchingSeparation.id)
        ).all()
        run = session.scalars(
            sa.select(MatchingRun)
            .where(MatchingRun.cohort_id == cohort.id, MatchingRun.status == MatchingRunStatus.SUCCEEDED)
            .order_by(MatchingRun.id.desc()).limit(1)
        ).first()
        counts: dict[int, int] = dict(session.execute(
            sa.select(Pair.mentor_participation_id, sa.func.count(Pair.id))
            .where(Pair.matching_run_id == run.id, Pair.status != PairStatus.ENDED)
            .group_by(Pair.mentor_participation_id)
        ).all()) if run is not None else {}
    people = {row[0]: Person(*row) for row in rows}
    holding = sorted((p for p in people.values() if p.holds_place),
                     key=lambda p: (p.role != ParticipationRole.MENTOR, p.name.casefold(), p.id))
    return RulesView(
        people=holding,
        separations=[SeparationRow(s.id, people[s.participation_a_id], people[s.participation_b_id], s.reason,
                                   s.created_at) for s in separations],
        mentors=[MentorRow(p, counts.get(p.id, 0)) for p in holding if p.role == ParticipationRole.MENTOR],
        current_run=run,
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
    figures: dict[str, Any]
    shares: dict[str, float] | None
    threshold: float | None
    buckets: list[int]  # pairs per score bucket
    scored_pairs: int


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


def compare_runs(session: Session, first: MatchingRun, second: MatchingRun) -> Comparison:
    """Two runs side by side: their stored figures and parameters, the pairs they share, the distribution of
    their pairs' scores (pairs not ended). One query, whatever the number of pairs."""
    with club_scope(session):
        pairs = session.execute(
            sa.select(Pair.matching_run_id, Pair.mentor_participation_id, Pair.mentee_participation_id, Pair.score)
            .where(Pair.matching_run_id.in_({first.id, second.id}), Pair.status != PairStatus.ENDED)
        ).all()
    by_run: dict[int, set[tuple[int, int]]] = {first.id: set(), second.id: set()}
    buckets: dict[int, Counter[int]] = {first.id: Counter(), second.id: Counter()}
    for run_id, mentor_id, mentee_id, score in pairs:
        if run_id is None:  # never: the query asked for the two runs' pairs
            continue
        by_run[run_id].add((mentor_id, mentee_id))
        if score is not None:
            buckets[run_id][bucket_of(score)] += 1

    def summary(run: MatchingRun) -> RunSummary:
        parameters = run.parameters or {}
        threshold = parameters.get("threshold")
        counted = [buckets[run.id][index] for index in range(BUCKETS)]
        return RunSummary(run=run, figures=dict(run.figures or {}),
                          shares=weight_shares(parameters),
                          threshold=float(threshold) if isinstance(threshold, int | float) else None,
                          buckets=counted, scored_pairs=sum(counted))

    a, b = summary(first), summary(second)
    return Comparison(first=a, second=b, shared_pairs=len(by_run[first.id] & by_run[second.id]),
                      largest_bucket=max([*a.buckets, *b.buckets, 1]))
