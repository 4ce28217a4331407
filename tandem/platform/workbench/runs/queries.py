"""Reading a cohort's matching runs: the current (latest successful), the active, the published one."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.cohorts.models import Cohort, CohortState
from tandem.platform.database import as_utc, utcnow
from tandem.platform.matching import Weights
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import ACTIVE_RUN_STATUSES, MatchingRun, MatchingRunStatus

# Cohort states in which the board may run matching and change proposals.
MATCHING_STATES = (CohortState.MATCHING,)


def cohort_weights(cohort: Cohort) -> Weights:
    """The board's weights for the cohort, or the engine's defaults."""
    return Weights(**cohort.matching_weights) if cohort.matching_weights else Weights()


# ------------------------------------------------------------------------------------------------ reading


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
