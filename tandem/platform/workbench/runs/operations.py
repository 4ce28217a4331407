"""Starting a matching run and retrying one whose worker stopped. Flush, never commit."""

from __future__ import annotations

from datetime import timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.cohorts.models import Cohort
from tandem.platform.database import matched_rows, utcnow
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.refusals import OperationRefused
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import ACTIVE_RUN_STATUSES, MatchingRun, MatchingRunStatus
from tandem.platform.workbench.runs.queries import (
    MATCHING_STATES,
    active_run,
    cohort_weights,
    current_run,
    is_stale,
    published_run,
)
from tandem.workers.queues import enqueue_after_commit


class RunRefused(OperationRefused):
    """A run cannot be started or retried now; the message says why."""


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
    changed = matched_rows(
        session,
        sa.update(MatchingRun)
        .where(MatchingRun.id == run.id, MatchingRun.attempt == attempt,
               MatchingRun.status.in_(ACTIVE_RUN_STATUSES))
        .values(status=MatchingRunStatus.QUEUED, attempt=attempt + 1, progress=0, started_at=None,
                heartbeat_at=None, error=None, created_at=utcnow())
        .execution_options(synchronize_session=False),
    )
    if changed != 1:
        raise RunRefused(_l("Someone else changed the run meanwhile. Please look again."))
    session.refresh(run)
    audit.record(session, "matching.run_retried", actor_user_id=actor_user_id, organisation_id=None,
                 target_type="matching_run", target_id=run.id, details={"attempt": run.attempt})
    _enqueue(session, run)
    return run


def _enqueue(session: Session, run: MatchingRun) -> None:
    from tandem.platform.workbench.runs.jobs import run_matching

    enqueue_after_commit(session, run_matching, run.id, run.attempt, queue="default")
