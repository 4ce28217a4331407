"""Matching runs of a cohort: start one, run it (the job's body), retry one that stopped, read them.

A run reads the cohort's input (`load_matching_input`), calls the pure engine and stores its proposals as
Pair rows of the run, with its figures and the reasons of the unmatched. Progress and a heartbeat are
committed while the engine reports, so the board's page shows them live. The database allows one queued or
running run per cohort. Each retry starts a new attempt: a worker writes to its run only while its attempt
is the current one, so a worker thought dead that wakes up later changes nothing.

The run the board works on (the workbench) is the cohort's latest successful run: a failed run leaves it as
it was. A new run keeps the locked pairs of the run it is based on, and the pairs the board set there by hand
(paired by hand or swapped), like locks: the board's work by hand is not undone without a word.
"""

from __future__ import annotations

import logging
from collections import Counter
from dataclasses import replace
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.cohorts.matching_input import MatchingInput, load_matching_input
from tandem.platform.database import matched_rows, utcnow
from tandem.platform.matching import MatchingError, Rules, Weights
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingRun, MatchingRunStatus, Pair, PairStatus

logger = logging.getLogger(__name__)


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
            rules = _keeping_hand_work(session, given, parameters.get("based_on_run_id"),
                                       Weights(**parameters["weights"]))
            session.commit()  # end the read: progress commits below must not hold it open

            def report(percent: int) -> None:
                # The engine's last step (100) is reported with the result, in one transaction.
                if percent < 100:
                    _update_attempt(session, run_id, attempt, (MatchingRunStatus.RUNNING,),
                                    progress=min(percent, 99), heartbeat_at=utcnow())
                    session.commit()

            from tandem.platform.matching.engine import match  # the engine: NumPy and SciPy, in the job only

            result = match(given.mentors, given.mentees, rules, Weights(**parameters["weights"]),
                           threshold=parameters["threshold"], progress=report)
            finished = _update_attempt(
                session, run_id, attempt, (MatchingRunStatus.RUNNING,), status=MatchingRunStatus.SUCCEEDED,
                progress=100, heartbeat_at=utcnow(), finished_at=utcnow(),
                figures={**result.figures.as_dict(), "certificate": result.certificate.as_dict()},
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


def kept_locks(session: Session, cohort_id: int, run_id: int | None, weights: Weights) -> set[tuple[int, int]]:
    """(mentor id, mentee id) of the pairs a run based on `run_id` would keep now (as the run reads them)."""
    given = load_matching_input(session, cohort_id, locked_from_run_id=run_id)
    return set(_keeping_hand_work(session, given, run_id, weights).locked)


def _keeping_hand_work(session: Session, given: MatchingInput, run_id: int | None, weights: Weights) -> Rules:
    """The rules of the run: the base run's locked pairs (as `load_matching_input` reads them) and the pairs
    the board set there by hand (paired by hand or swapped), kept like locks, with both people taking part.

    A pair set by hand that a rule made since forbids (people kept apart, organisations excluded), or beyond
    its mentor's places, is not kept: the engine proposes its people again under the rules as they are now."""
    if run_id is None:
        return given.rules
    mentors = {c.id: c for c in given.mentors}
    mentees = {c.id: c for c in given.mentees}
    locked = list(given.rules.locked)
    load = Counter(mentor_id for mentor_id, _mentee_id in locked)
    for mentor_id, mentee_id in session.execute(
        sa.select(Pair.mentor_participation_id, Pair.mentee_participation_id)
        .where(Pair.matching_run_id == run_id, Pair.status == PairStatus.PROPOSED, Pair.by_hand.is_(True))
        .order_by(Pair.id)
    ):
        mentor, mentee = mentors.get(mentor_id), mentees.get(mentee_id)
        if (mentor is None or mentee is None or load[mentor_id] >= mentor.capacity
                or any(locked_mentee == mentee_id for _mentor_id, locked_mentee in locked)):
            continue
        from tandem.platform.matching.engine import evaluate_pair  # NumPy, loaded when pairs set by hand exist

        try:
            evaluate_pair(mentor, mentee, given.rules, weights)
        except MatchingError:
            continue
        locked.append((mentor_id, mentee_id))
        load[mentor_id] += 1
    return replace(given.rules, locked=tuple(locked))


def _locked_by_hand(session: Session, run_id: int | None) -> set[tuple[int, int]]:
    """The pairs of the base run that the board set by hand: a new run keeps them locked, and says so."""
    if run_id is None:
        return set()
    return {(a, b) for a, b in session.execute(
        sa.select(Pair.mentor_participation_id, Pair.mentee_participation_id)
        .where(Pair.matching_run_id == run_id, Pair.status.in_((PairStatus.LOCKED, PairStatus.PROPOSED)),
               Pair.by_hand.is_(True)))}


def _update_attempt(session: Session, run_id: int, attempt: int, statuses: tuple[str, ...], **values: Any) -> bool:
    return matched_rows(
        session,
        sa.update(MatchingRun)
        .where(MatchingRun.id == run_id, MatchingRun.attempt == attempt, MatchingRun.status.in_(statuses))
        .values(**values)
        .execution_options(synchronize_session=False),
    ) == 1
