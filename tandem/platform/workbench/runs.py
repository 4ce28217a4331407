"""Matching runs of a cohort: start one, run it (the job's body), retry one that stopped, read them.

A run reads the cohort's input (`load_matching_input`), calls the pure engine and stores its proposals as
Pair rows of the run, with its figures and the reasons of the unmatched. Progress and a heartbeat are
committed while the engine reports, so the board's page shows them live. The database allows one queued or
running run per cohort. Each retry starts a new attempt: a worker writes to its run only while its attempt
is the current one, so a worker thought dead that wakes up later changes nothing.

The run the board works on (the workbench) is the cohort's latest successful run: a failed run leaves it as
it was. A new run keeps the locked pairs of the run it is based on.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

import sqlalchemy as sa
from flask_babel import lazy_gettext as _l
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.cohorts.matching_input import load_matching_input
from tandem.platform.database import as_utc, utcnow
from tandem.platform.matching import MatchingError, Weights, match
from tandem.platform.models import (
    ACTIVE_RUN_STATUSES,
    Cohort,
    CohortState,
    MatchingRun,
    MatchingRunStatus,
    Pair,
    PairStatus,
)
from tandem.platform.tenancy import club_scope
from tandem.tenants.operations import OperationRefused
from tandem.workers.queues import enqueue_after_commit

logger = logging.getLogger(__name__)

# Cohort states in which the board may run matching and change proposals.
MATCHING_STATES = (CohortState.MATCHING,)


class RunRefused(OperationRefused):
    """A run cannot be started or retried now; the message says why."""


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


# --------------------------------------------------------------------------------------------- operations


def start_run(session: Session, cohort: Cohort, actor_user_id: int | None) -> MatchingRun:
    """Queue a run for the cohort, based on its current run (whose locks it keeps). The caller commits.

    Refused outside the matching state, once pairs are published, or while another run is queued or
    running (checked first for a clear message, and by the database's unique indexes against a race: one
    active run per cohort, one run per cohort and number).
    """
    if cohort.state not in MATCHING_STATES:
        raise RunRefused(_l("Matching runs are possible while the cohort is in its matching step."))
    if published_run(session, cohort.id) is not None:
        raise RunRefused(_l("The pairs of this cohort are published: a new run would not change them."))
    if active_run(session, cohort.id) is not None:
        raise RunRefused(_l("A run for this cohort is already queued or running: wait until it has finished."))
    base = current_run(session, cohort.id)
    weights = cohort_weights(cohort)
    with club_scope(session):
        number = (session.scalar(sa.select(sa.func.max(MatchingRun.number))
                                 .where(MatchingRun.cohort_id == cohort.id)) or 0) + 1
    run = MatchingRun(
        cohort_id=cohort.id,
        number=number,
        status=MatchingRunStatus.QUEUED,
        parameters={
            "weights": dict(zip(("topics", "format", "weekdays", "career_gap"), weights.as_tuple(), strict=True)),
            "threshold": cohort.matching_threshold,
            "based_on_run_id": base.id if base else None,
        },
        requested_by_user_id=actor_user_id,
    )
    try:
        with session.begin_nested():
            session.add(run)
            session.flush()
    except IntegrityError as error:
        raise RunRefused(
            _l("A run for this cohort is already queued or running: wait until it has finished.")) from error
    audit.record(session, "matching.run_started", actor_user_id=actor_user_id, organisation_id=None,
                 target_type="matching_run", target_id=run.id,
                 details={"cohort_id": cohort.id, "based_on_run_id": run.parameters["based_on_run_id"]})
    _enqueue(session, run)
    return run


def retry_run(session: Session, run: MatchingRun, actor_user_id: int | None, stale_after: timedelta) -> MatchingRun:
    """Queue a stale run again as a new attempt (its worker was stopped or its job lost). The caller commits."""
    if not is_stale(run, stale_after):
        raise RunRefused(_l("Only a run that has stopped giving signs of life can be retried."))
    attempt = run.attempt
    changed = session.execute(
        sa.update(MatchingRun)
        .where(MatchingRun.id == run.id, MatchingRun.attempt == attempt,
               MatchingRun.status.in_(ACTIVE_RUN_STATUSES))
        .values(status=MatchingRunStatus.QUEUED, attempt=attempt + 1, progress=0, started_at=None,
                heartbeat_at=None, error=None, created_at=utcnow())
        .execution_options(synchronize_session=False)
    ).rowcount
    if changed != 1:
        raise RunRefused(_l("Someone else changed the run meanwhile. Please look again."))
    session.refresh(run)
    audit.record(session, "matching.run_retried", actor_user_id=actor_user_id, organisation_id=None,
                 target_type="matching_run", target_id=run.id, details={"attempt": run.attempt})
    _enqueue(session, run)
    return run


def _enqueue(session: Session, run: MatchingRun) -> None:
    from tandem.workers.jobs import run_matching

    enqueue_after_commit(session, run_matching, run.id, run.attempt, queue="default")


# ------------------------------------------------------------------------------------------- the job's body


def execute_run(session: Session, run_id: int, attempt: int) -> str:
    """Run attempt `attempt` of run `run_id`: claim it, match, store the proposals. Commits as it goes.

    Returns what happened: "succeeded", "failed", or "skipped" (not this attempt's run any more, or already
    claimed). A failure is stored on the run (the board sees it); earlier runs are untouched.
    """
    with club_scope(session):
        claimed = _update_attempt(session, run_id, attempt, (MatchingRunStatus.QUEUED,),
                                  status=MatchingRunStatus.RUNNING, started_at=utcnow(), heartbeat_at=utcnow(),
                                  progress=0)
        session.commit()
        if not claimed:
            return "skipped"
        run = session.get(MatchingRun, run_id)
        assert run is not None
        cohort_id, parameters = run.cohort_id, dict(run.parameters)
        try:
            given = load_matching_input(session, cohort_id, locked_from_run_id=parameters.get("based_on_run_id"))
            session.commit()  # end the read: progress commits below must not hold it open

            def report(percent: int) -> None:
                # The engine's last step (100) is reported with the result, in one transaction.
                if percent < 100:
                    _update_attempt(session, run_id, attempt, (MatchingRunStatus.RUNNING,),
                                    progress=min(percent, 99), heartbeat_at=utcnow())
                    session.commit()

            result = match(given.mentors, given.mentees, given.rules, Weights(**parameters["weights"]),
                           threshold=parameters["threshold"], progress=report)
            finished = _update_attempt(
                session, run_id, attempt, (MatchingRunStatus.RUNNING,), status=MatchingRunStatus.SUCCEEDED,
                progress=100, heartbeat_at=utcnow(), finished_at=utcnow(), figures=result.figures.as_dict(),
                unmatched=[{"id": u.id, "role": u.role, "code": u.code, "params": dict(u.params)}
                           for u in result.unmatched])
            if not finished:
                session.rollback()
                return "skipped"
            if result.pairs:
                by_hand = _locked_by_hand(session, parameters.get("based_on_run_id"))
                session.execute(sa.insert(Pair), [
                    {"cohort_id": cohort_id, "matching_run_id": run_id, "mentor_participation_id": p.mentor_id,
                     "mentee_participation_id": p.mentee_id,
                     "status": PairStatus.LOCKED if p.locked else PairStatus.PROPOSED,
                     "score": p.score, "explanation": p.explanation(),
                     "by_hand": p.locked and (p.mentor_id, p.mentee_id) in by_hand, "created_at": utcnow()}
                    for p in result.pairs
                ])
            session.commit()
            logger.info("matching run %s (attempt %s): %s pairs", run_id, attempt, len(result.pairs))
            return "succeeded"
        except Exception as error:  # stored for the board; the worker's log has the traceback
            session.rollback()
            if isinstance(error, MatchingError):
                message = str(error)
            else:
                logger.exception("matching run %s (attempt %s) failed", run_id, attempt)
                message = f"{type(error).__name__}: the details are in the worker's log."
            _update_attempt(session, run_id, attempt, (MatchingRunStatus.RUNNING,),
                            status=MatchingRunStatus.FAILED, finished_at=utcnow(), error=message[:2000])
            session.commit()
            return "failed"


def _locked_by_hand(session: Session, run_id: int | None) -> set[tuple[int, int]]:
    """The locked pairs of the base run that the board made by hand: a new run keeps them, and says so."""
    if run_id is None:
        return set()
    return {(a, b) for a, b in session.execute(
        sa.select(Pair.mentor_participation_id, Pair.mentee_participation_id)
        .where(Pair.matching_run_id == run_id, Pair.status == PairStatus.LOCKED, Pair.by_hand.is_(True)))}


def _update_attempt(session: Session, run_id: int, attempt: int, statuses: tuple[str, ...], **values: Any) -> bool:
    return session.execute(
        sa.update(MatchingRun)
        .where(MatchingRun.id == run_id, MatchingRun.attempt == attempt, MatchingRun.status.in_(statuses))
        .values(**values)
        .execution_options(synchronize_session=False)
    ).rowcount == 1
