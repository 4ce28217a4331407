"""The board's changes to the proposals of the current run: lock, unlock, unpair, swap, pair by hand.

Club scope; the caller commits (or rolls back on a refusal). Changes are possible while the cohort is in its
matching step, on the current run (the latest successful one), before publishing and while no new run is
queued or running (its result would replace the proposals and lose the change).

Concurrency: every change first takes the run's row with a conditional UPDATE (still successful and
unpublished). On PostgreSQL that row lock makes two board members' changes to one run wait for each other,
and publishing (which stamps the same row) too; reads after it see what the other committed. Pairs are then
re-read, and changed with conditional UPDATEs and DELETEs; the database's unique index (a mentee at most once
per run) catches the rest, turned into a refusal.
"""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.cohorts.matching_input import MatchingInput, load_matching_input
from tandem.platform.cohorts.models import Cohort, Participation, ParticipationStatus
from tandem.platform.database import matched_rows, utcnow
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.identity.models import User
from tandem.platform.matching import Candidate, MatchingError, ProposedPair
from tandem.platform.refusals import OperationRefused
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingRun, MatchingRunStatus, Pair, PairStatus
from tandem.platform.workbench.runs.queries import (
    MATCHING_STATES,
    PUBLISHED_PAIRING_STATES,
    CohortRuns,
    active_run,
    cohort_weights,
    current_run,
    published_run,
)
from tandem.platform.workbench.wording import poor_criteria, rule_sentence

EDITABLE_STATUSES = (PairStatus.PROPOSED, PairStatus.LOCKED)


class WorkbenchRefused(OperationRefused):
    """A change to the proposals is not possible; the message says why."""


@dataclass(frozen=True)
class Evaluation:
    """A pair the board asked for, scored by the engine: what to warn about."""

    mentor_id: int
    mentee_id: int
    proposed: ProposedPair
    poor: list[str]  # weighed criteria whose value is poor
    below_threshold: bool
    threshold: float

    @property
    def warnings(self) -> bool:
        return bool(self.poor) or self.below_threshold


@dataclass
class HandResult:
    """What pairing by hand did: the new pair, or (unconfirmed, with warnings) nothing yet."""

    evaluation: Evaluation
    pair: Pair | None = None

    @property
    def needs_confirmation(self) -> bool:
        return self.pair is None


@dataclass
class SwapResult:
    first: Pair
    second: Pair
    evaluations: list[Evaluation] = field(default_factory=list)


# ------------------------------------------------------------------------------------------------ reading


def edit_problem(session: Session, cohort: Cohort, runs: CohortRuns | None = None) -> str | None:
    """Why the proposals of the cohort cannot be changed now (None: they can). At most three queries; none with
    the cohort's runs read already (`runs`)."""
    if cohort.state not in MATCHING_STATES:
        return str(_l("Proposals can be changed only while the cohort is in its matching step."))
    with club_scope(session):
        published = runs.published if runs is not None else published_run(session, cohort.id)
        if published is not None:
            return str(_l("The pairs of this cohort are published: the proposals can no longer be changed."))
        current = runs.current if runs is not None else current_run(session, cohort.id)
        if current is None:
            return str(_l("There are no proposals yet: start a matching run first."))
        active = runs.active if runs is not None else active_run(session, cohort.id)
        if active is not None:
            return str(_l("A matching run is queued or running: its proposals will replace these. Wait until it "
                          "has finished."))
    return None


def hand_problem(session: Session, cohort: Cohort, runs: CohortRuns | None = None) -> str | None:
    """Why nobody can be paired by hand now (None: they can).

    Before publishing, as any change to the proposals. After publishing, while the cohort is matching or
    running: people whose tandem ended (an accepted rematch request) get a new partner, an active pair at once.
    """
    with club_scope(session):
        published = runs.published if runs is not None else published_run(session, cohort.id)
        if published is not None:
            if cohort.state not in PUBLISHED_PAIRING_STATES:
                return str(_l("New tandems can be formed only until the programme begins closing."))
            return None
    return edit_problem(session, cohort, runs)


# --------------------------------------------------------------------------------------------- operations


def lock_pair(session: Session, cohort: Cohort, pair_id: int, actor_user_id: int | None) -> Pair:
    """Lock a proposed pair: a new run keeps it as it is."""
    return _set_status(session, cohort, pair_id, actor_user_id, PairStatus.PROPOSED, PairStatus.LOCKED,
                       "matching.pair_locked", _l("This pair is already locked."))


def unlock_pair(session: Session, cohort: Cohort, pair_id: int, actor_user_id: int | None) -> Pair:
    """Unlock a locked pair: a new run may change it."""
    return _set_status(session, cohort, pair_id, actor_user_id, PairStatus.LOCKED, PairStatus.PROPOSED,
                       "matching.pair_unlocked", _l("This pair is not locked."))


def unpair(session: Session, cohort: Cohort, pair_id: int, actor_user_id: int | None) -> tuple[int, int]:
    """Remove a proposed or locked pair of the current run; returns (mentor id, mentee id), now unmatched."""
    with club_scope(session):
        run = _begin(session, cohort)
        pair = _pair(session, cohort, run, pair_id)
        people = (pair.mentor_participation_id, pair.mentee_participation_id)
        removed = matched_rows(
            session,
            sa.delete(Pair)
            .where(Pair.id == pair.id, Pair.matching_run_id == run.id, Pair.status.in_(EDITABLE_STATUSES),
                   Pair.mentor_participation_id == people[0], Pair.mentee_participation_id == people[1])
            .execution_options(synchronize_session=False),
        )
        if removed != 1:
            raise WorkbenchRefused(_l("Someone else changed this pair meanwhile. Please look again."))
        session.expunge(pair)
        audit.record(session, "matching.pair_removed", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="matching_run", target_id=run.id,
                     details={"cohort_id": cohort.id, "pair_id": pair_id, "mentor_participation_id": people[0],
                              "mentee_participation_id": people[1]})
    return people


def swap_mentees(session: Session, cohort: Cohort, first_pair_id: int, second_pair_id: int,
                 actor_user_id: int | None) -> SwapResult:
    """Exchange the mentees of two proposed pairs of the current run (by exchanging their mentors).

    Both new pairs are scored by the engine: refused when a hard rule would break for either; the result
    names the weighed criteria that are poor. Both become proposals changed by hand.
    """
    if first_pair_id == second_pair_id:
        raise WorkbenchRefused(_l("Choose two different pairs to swap their mentees."))
    with club_scope(session):
        run = _begin(session, cohort)
        first = _pair(session, cohort, run, first_pair_id)
        second = _pair(session, cohort, run, second_pair_id)
        for pair in (first, second):
            if pair.status == PairStatus.LOCKED:
                raise WorkbenchRefused(_l("A locked pair is kept as it is: unlock it first to swap its mentee."))
        if first.mentor_participation_id == second.mentor_participation_id:
            raise WorkbenchRefused(_l("Both pairs have the same mentor: swapping their mentees changes nothing."))
        given = load_matching_input(session, cohort.id)
        names = _names(session, [first.mentor_participation_id, first.mentee_participation_id,
                                 second.mentor_participation_id, second.mentee_participation_id])
        # first's mentee gets second's mentor, and the other way round
        new_first = _evaluate(cohort, given, names, second.mentor_participation_id, first.mentee_participation_id)
        new_second = _evaluate(cohort, given, names, first.mentor_participation_id, second.mentee_participation_id)
        old = {pair.id: (pair.mentor_participation_id, pair.mentee_participation_id) for pair in (first, second)}
        for pair, evaluation in ((first, new_first), (second, new_second)):
            changed = matched_rows(
                session,
                sa.update(Pair)
                .where(Pair.id == pair.id, Pair.matching_run_id == run.id, Pair.status == PairStatus.PROPOSED,
                       Pair.mentor_participation_id == old[pair.id][0],
                       Pair.mentee_participation_id == old[pair.id][1])
                .values(mentor_participation_id=evaluation.mentor_id, score=evaluation.proposed.score,
                        explanation=evaluation.proposed.explanation(), by_hand=True, status=PairStatus.PROPOSED)
                .execution_options(synchronize_session=False),
            )
            if changed != 1:
                raise WorkbenchRefused(_l("Someone else changed these pairs meanwhile. Please look again."))
        session.refresh(first)
        session.refresh(second)
        audit.record(session, "matching.mentees_swapped", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="matching_run", target_id=run.id,
                     details={"cohort_id": cohort.id, "pair_ids": [first.id, second.id],
                              "before": [list(old[first.id]), list(old[second.id])],
                              "after": [[first.mentor_participation_id, first.mentee_participation_id],
                                        [second.mentor_participation_id, second.mentee_participation_id]]})
    return SwapResult(first=first, second=second, evaluations=[new_first, new_second])


def pair_by_hand(session: Session, cohort: Cohort, mentor_id: int, mentee_id: int, actor_user_id: int | None, *,
                 confirmed: bool = False) -> HandResult:
    """Pair a mentor with free capacity and an unmatched mentee, both taking part in the cohort.

    Refused when a hard rule would break. When a weighed criterion is poor or the score is below the
    cohort's threshold, nothing is written unless `confirmed`: the result carries the warnings to confirm.
    Before publishing the pair is a proposal of the current run. After publishing it is an active tandem of the
    published run at once, and both people and their organisations' admins are told by mail.
    """
    with club_scope(session):
        published = published_run(session, cohort.id)
        run = _begin_published(session, cohort, published) if published is not None else _begin(session, cohort)
        given = load_matching_input(session, cohort.id)
        names = _names(session, [mentor_id, mentee_id])
        mentors = {c.id: c for c in given.mentors}
        mentees = {c.id: c for c in given.mentees}
        if mentor_id not in mentors:
            raise WorkbenchRefused(_l("%(name)s is not a mentor taking part in this cohort.",
                                      name=names.get(mentor_id, "?")))
        if mentee_id not in mentees:
            raise WorkbenchRefused(_l("%(name)s is not a mentee taking part in this cohort.",
                                      name=names.get(mentee_id, "?")))
        # Before publishing: the pairs of the current run; after: the active tandems.
        holding = (Pair.status == PairStatus.ACTIVE) if published is not None else sa.and_(
            Pair.matching_run_id == run.id, Pair.status != PairStatus.ENDED)
        mentee_paired = session.scalar(sa.select(sa.func.count(Pair.id)).where(
            Pair.cohort_id == cohort.id, Pair.mentee_participation_id == mentee_id, holding))
        if mentee_paired:
            raise WorkbenchRefused(_l("%(name)s already has a mentor in these proposals: unpair them first.",
                                      name=names[mentee_id]) if published is None else
                                   _l("%(name)s already has a mentor.", name=names[mentee_id]))
        load = session.scalar(sa.select(sa.func.count(Pair.id)).where(
            Pair.cohort_id == cohort.id, Pair.mentor_participation_id == mentor_id, holding)) or 0
        capacity = mentors[mentor_id].capacity
        if load >= capacity:
            raise WorkbenchRefused(_l("%(name)s has no free place: %(load)d of %(capacity)d taken.",
                                      name=names[mentor_id], load=load, capacity=capacity))
        evaluation = _evaluate(cohort, given, names, mentor_id, mentee_id)
        if evaluation.warnings and not confirmed:
            return HandResult(evaluation=evaluation)
        now = utcnow()
        pair = Pair(cohort_id=cohort.id, matching_run_id=run.id, mentor_participation_id=mentor_id,
                    mentee_participation_id=mentee_id,
                    status=PairStatus.ACTIVE if published is not None else PairStatus.PROPOSED,
                    score=evaluation.proposed.score, explanation=evaluation.proposed.explanation(), by_hand=True,
                    created_at=now, activated_at=now if published is not None else None)
        try:
            with session.begin_nested():
                session.add(pair)
                session.flush()
        except IntegrityError as error:
            raise WorkbenchRefused(
                _l("Someone else paired one of them meanwhile. Please look again.")) from error
        if published is not None:
            from tandem.platform.workbench.publishing.operations import queue_pair_notifications

            queue_pair_notifications(session, [pair.id], later=True)
        audit.record(session, "matching.paired_by_hand", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="matching_run", target_id=run.id,
                     details={"cohort_id": cohort.id, "pair_id": pair.id, "mentor_participation_id": mentor_id,
                              "mentee_participation_id": mentee_id, "score": pair.score,
                              "confirmed_warnings": evaluation.warnings, "active": published is not None})
    return HandResult(evaluation=evaluation, pair=pair)


# ------------------------------------------------------------------------------------------------ helpers


def _begin(session: Session, cohort: Cohort) -> MatchingRun:
    """The current run, checked editable and taken (its row locked on PostgreSQL until the transaction ends)."""
    problem = edit_problem(session, cohort)
    if problem:
        raise WorkbenchRefused(problem)
    run = current_run(session, cohort.id)
    assert run is not None
    taken = matched_rows(
        session,
        sa.update(MatchingRun)
        .where(MatchingRun.id == run.id, MatchingRun.status == MatchingRunStatus.SUCCEEDED,
               MatchingRun.published_at.is_(None))
        .values(progress=MatchingRun.progress)
        .execution_options(synchronize_session=False),
    )
    if taken != 1:
        raise WorkbenchRefused(_l("Someone else published or changed the proposals meanwhile. Please look again."))
    # Read again now that the run is ours: another run may have finished or the pairs been published meanwhile.
    problem = edit_problem(session, cohort)
    if problem:
        raise WorkbenchRefused(problem)
    latest = current_run(session, cohort.id)
    if latest is None or latest.id != run.id:
        raise WorkbenchRefused(_l("A new run finished meanwhile: its proposals are the ones to change now."))
    return run


def _begin_published(session: Session, cohort: Cohort, published: MatchingRun) -> MatchingRun:
    """The published run, taken like `_begin` takes the current one (two new tandems at once wait in turn)."""
    problem = hand_problem(session, cohort)
    if problem:
        raise WorkbenchRefused(problem)
    taken = matched_rows(
        session,
        sa.update(MatchingRun)
        .where(MatchingRun.id == published.id, MatchingRun.published_at.is_not(None))
        .values(progress=MatchingRun.progress)
        .execution_options(synchronize_session=False),
    )
    if taken != 1:
        raise WorkbenchRefused(_l("Someone else changed the tandems meanwhile. Please look again."))
    return published


def _pair(session: Session, cohort: Cohort, run: MatchingRun, pair_id: int) -> Pair:
    pair = session.scalars(
        sa.select(Pair).where(Pair.id == pair_id).execution_options(populate_existing=True)).first()
    if pair is None or pair.cohort_id != cohort.id:
        raise WorkbenchRefused(_l("This pair no longer exists. Please look again."))
    if pair.matching_run_id != run.id:
        raise WorkbenchRefused(_l("This pair belongs to an earlier run: only the proposals of the latest run can "
                                  "be changed."))
    if pair.status not in EDITABLE_STATUSES:
        raise WorkbenchRefused(_l("This pair is no longer a proposal."))
    return pair


def _set_status(session: Session, cohort: Cohort, pair_id: int, actor_user_id: int | None, before: str,
                after: str, action: str, already: object) -> Pair:
    with club_scope(session):
        run = _begin(session, cohort)
        pair = _pair(session, cohort, run, pair_id)
        if pair.status == after:
            raise WorkbenchRefused(already)
        if after == PairStatus.LOCKED:
            _taking_part(session, [pair.mentor_participation_id, pair.mentee_participation_id])
        changed = matched_rows(
            session,
            sa.update(Pair)
            .where(Pair.id == pair.id, Pair.matching_run_id == run.id, Pair.status == before)
            .values(status=after)
            .execution_options(synchronize_session=False),
        )
        if changed != 1:
            raise WorkbenchRefused(_l("Someone else changed this pair meanwhile. Please look again."))
        session.refresh(pair)
        audit.record(session, action, actor_user_id=actor_user_id, organisation_id=None, target_type="pair",
                     target_id=pair.id, details={"cohort_id": cohort.id, "run_id": run.id})
    return pair


def _taking_part(session: Session, participation_ids: list[int]) -> None:
    """Refuse when one of them no longer takes part (a new run could not keep a locked pair with them)."""
    for name, status in session.execute(
        sa.select(User.display_name, Participation.status).join(User, User.id == Participation.user_id)
        .where(Participation.id.in_(participation_ids)).order_by(Participation.id)
    ):
        if status != ParticipationStatus.ACTIVE:
            raise WorkbenchRefused(_l("%(name)s no longer takes part in this cohort: unpair them instead.",
                                      name=name))


def _names(session: Session, participation_ids: list[int]) -> dict[int, str]:
    """Participation id -> the person's display name (one query)."""
    return {pid: name for pid, name in session.execute(
        sa.select(Participation.id, User.display_name).join(User, User.id == Participation.user_id)
        .where(Participation.id.in_(participation_ids)))}


def _candidate(candidates: tuple[Candidate, ...], participation_id: int, names: dict[int, str]) -> Candidate:
    for candidate in candidates:
        if candidate.id == participation_id:
            return candidate
    raise WorkbenchRefused(_l("%(name)s no longer takes part in this cohort.",
                              name=names.get(participation_id, "?")))


def _evaluate(cohort: Cohort, given: MatchingInput, names: dict[int, str], mentor_id: int,
              mentee_id: int) -> Evaluation:
    mentor = _candidate(given.mentors, mentor_id, names)
    mentee = _candidate(given.mentees, mentee_id, names)
    try:
        # the engine (NumPy, SciPy) is loaded in a web worker only when the board pairs by hand
        from tandem.platform.matching.engine import evaluate_pair

        proposed = evaluate_pair(mentor, mentee, given.rules, cohort_weights(cohort))
    except MatchingError as error:
        if error.code != "breaks_rule":
            raise
        raise WorkbenchRefused(rule_sentence(str(error.params["rule"]), mentor=names.get(mentor_id, "?"),
                                             mentee=names.get(mentee_id, "?"))) from error
    threshold = cohort.matching_threshold
    return Evaluation(mentor_id=mentor_id, mentee_id=mentee_id, proposed=proposed,
                      poor=poor_criteria(proposed.explanation()), below_threshold=proposed.score < threshold,
                      threshold=threshold)
