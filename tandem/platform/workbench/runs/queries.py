"""Reading a cohort's matching runs: the current (latest successful), the active, the published one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from tandem.platform.cohorts.models import Cohort, CohortState, Participation, ParticipationStatus
from tandem.platform.database import as_utc, utcnow
from tandem.platform.identity.models import User
from tandem.platform.matching import Weights
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import ACTIVE_RUN_STATUSES, MatchingRun, MatchingRunStatus, Pair, PairStatus

# Cohort states in which the board may run matching and change proposals.
MATCHING_STATES = (CohortState.MATCHING,)
# Once published, new tandems (after an accepted rematch request) can be formed in these states; later, the
# programme is over or closing, and its tandems are shown as they were.
PUBLISHED_PAIRING_STATES = (CohortState.MATCHING, CohortState.RUNNING)
# The programme is over: its tandems, still active or ended with it, have completed it.
PROGRAMME_OVER_STATES = (CohortState.SHOWCASE_PUBLISHED, CohortState.ARCHIVED)


def cohort_weights(cohort: Cohort) -> Weights:
    """The board's weights for the cohort, or the engine's defaults."""
    return Weights(**cohort.matching_weights) if cohort.matching_weights else Weights()


# ------------------------------------------------------------------------------------------------ reading


@dataclass(frozen=True)
class CohortRuns:
    """Every run of a cohort, newest first, read once per request: the current, active and published run of
    the workbench's panels and checks come from it instead of a query each."""

    runs: tuple[MatchingRun, ...]

    @property
    def current(self) -> MatchingRun | None:
        """The latest successful run (as `current_run`)."""
        return next((run for run in self.runs if run.status == MatchingRunStatus.SUCCEEDED), None)

    @property
    def active(self) -> MatchingRun | None:
        """The queued or running run (as `active_run`)."""
        return next((run for run in self.runs if run.status in ACTIVE_RUN_STATUSES), None)

    @property
    def published(self) -> MatchingRun | None:
        """The published run (as `published_run`)."""
        return next((run for run in self.runs if run.published_at is not None), None)


def cohort_runs(session: Session, cohort_id: int) -> CohortRuns:
    """The cohort's runs, newest first: one query."""
    return CohortRuns(tuple(runs_of(session, cohort_id)))


def current_run(session: Session, cohort_id: int) -> MatchingRun | None:
    """The run the board works on: the cohort's latest successful run (None before the first)."""
    with club_scope(session):
        return session.scalars(
            sa.select(MatchingRun)
            .where(MatchingRun.cohort_id == cohort_id, MatchingRun.status == MatchingRunStatus.SUCCEEDED)
            .order_by(MatchingRun.id.desc()).limit(1)
        ).first()


def runs_of(session: Session, cohort_id: int) -> list[MatchingRun]:
    """Every run of the cohort, newest first."""
    with club_scope(session):
        return list(session.scalars(
            sa.select(MatchingRun).where(MatchingRun.cohort_id == cohort_id).order_by(MatchingRun.id.desc())))


def active_run(session: Session, cohort_id: int) -> MatchingRun | None:
    """The cohort's queued or running run, if any (at most one, by the database's rule)."""
    with club_scope(session):
        return session.scalars(
            sa.select(MatchingRun)
            .where(MatchingRun.cohort_id == cohort_id, MatchingRun.status.in_(ACTIVE_RUN_STATUSES))
        ).first()


def published_run(session: Session, cohort_id: int) -> MatchingRun | None:
    with club_scope(session):
        return session.scalars(
            sa.select(MatchingRun)
            .where(MatchingRun.cohort_id == cohort_id, MatchingRun.published_at.is_not(None))
        ).first()


def last_sign_of_life(run: MatchingRun) -> datetime:
    return as_utc(run.heartbeat_at or run.started_at or run.created_at)


def is_stale(run: MatchingRun, stale_after: timedelta, now: datetime | None = None) -> bool:
    """Queued or running, but silent for longer than `stale_after`: its worker stopped or its job was lost."""
    if run.status not in ACTIVE_RUN_STATUSES:
        return False
    return (now or utcnow()) - last_sign_of_life(run) > stale_after


@dataclass(frozen=True)
class RunState:
    """What the progress page and its status endpoint show."""

    id: int
    status: str
    progress: int
    finished: bool
    stale: bool
    error: str | None

    def as_dict(self) -> dict[str, Any]:
        return {"id": self.id, "status": self.status, "progress": self.progress, "finished": self.finished,
                "stale": self.stale, "error": self.error}


def run_state(run: MatchingRun, stale_after: timedelta) -> RunState:
    return RunState(id=run.id, status=run.status, progress=run.progress,
                    finished=run.status not in ACTIVE_RUN_STATUSES, stale=is_stale(run, stale_after),
                    error=run.error)


# ------------------------------------------------------------------------------ what a new run keeps


@dataclass(frozen=True)
class KeptPair:
    """A pair a new run keeps as it is: locked by the board, or set by hand (paired by hand or swapped)."""

    mentor_id: int
    mentee_id: int
    mentor: str
    mentee: str
    by_hand: bool


def keepable_pairs(session: Session, run_id: int, *, taking_part_only: bool = True) -> list[KeptPair]:
    """The pairs of run `run_id` that a run based on it keeps: locked ones and those the board set by hand,
    (with `taking_part_only`) both people still taking part. One query, by the people's names."""
    mentor, mentee = aliased(Participation), aliased(Participation)
    mentor_user, mentee_user = aliased(User), aliased(User)
    query = (
        sa.select(Pair.mentor_participation_id, Pair.mentee_participation_id, mentor_user.display_name,
                  mentee_user.display_name, Pair.by_hand)
        .join(mentor, mentor.id == Pair.mentor_participation_id)
        .join(mentee, mentee.id == Pair.mentee_participation_id)
        .join(mentor_user, mentor_user.id == mentor.user_id)
        .join(mentee_user, mentee_user.id == mentee.user_id)
        .where(Pair.matching_run_id == run_id,
               sa.or_(Pair.status == PairStatus.LOCKED,
                      sa.and_(Pair.status == PairStatus.PROPOSED, Pair.by_hand.is_(True))))
    )
    if taking_part_only:
        query = query.where(mentor.status == ParticipationStatus.ACTIVE, mentee.status == ParticipationStatus.ACTIVE)
    with club_scope(session):
        rows = session.execute(query).all()
    kept = [KeptPair(*row) for row in rows]
    kept.sort(key=lambda pair: (pair.mentor.casefold(), pair.mentee.casefold(), pair.mentor_id, pair.mentee_id))
    return kept


def kept_by(session: Session, run: MatchingRun) -> list[KeptPair]:
    """What `run` keeps of the run it is based on: once it succeeded, the kept pairs it holds (two queries);
    before, what it is to keep."""
    based_on = (run.parameters or {}).get("based_on_run_id")
    if not isinstance(based_on, int):
        return []
    succeeded = run.status == MatchingRunStatus.SUCCEEDED
    kept = keepable_pairs(session, based_on, taking_part_only=not succeeded)
    if not succeeded or not kept:
        return kept
    with club_scope(session):
        holds = {(a, b) for a, b in session.execute(
            sa.select(Pair.mentor_participation_id, Pair.mentee_participation_id)
            .where(Pair.matching_run_id == run.id))}
    return [pair for pair in kept if (pair.mentor_id, pair.mentee_id) in holds]
