"""What the partners change on their pair's own page: the agreement and its goals, the confirmations, a goal's
status, the mentor's confidential request for help, and "we completed our tandem" at closing.

Every operation takes the viewer's `Membership` (the pair loaded through the membership check), flushes and
never commits, and refuses with `OperationRefused`/`FieldProblem` (the request's transaction rolls back, all or
nothing). An ended pair is read-only. Moments are read from the one clock. Audit events name the pair and
figures, never a text (the agreement, goals and the mentor's message stay with the pair and the board).
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.clock import now as clock_now
from tandem.platform.clock import today
from tandem.platform.cohorts.models import Cohort, CohortState
from tandem.platform.database import as_utc, matched_rows
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.mail.language import mail_language
from tandem.platform.pairs.loading import Membership
from tandem.platform.pairs.models import (
    MAX_AGREEMENT,
    MAX_GOAL,
    MAX_GOALS,
    MAX_MESSAGE,
    ClosureOutcome,
    GoalStatus,
    HelpRequest,
    PairAgreement,
    PairClosure,
    PairGoal,
)
from tandem.platform.pairs.space.queries import agreement_of, closure_of, goals_of, pair_people
from tandem.platform.refusals import FieldProblem, OperationRefused
from tandem.platform.rematch.queries import board_recipients
from tandem.platform.tenancy import club_scope
from tandem.platform.urls import absolute_url
from tandem.platform.workbench.models import Pair, PairStatus


class PairRefused(OperationRefused):
    """The change is not possible for this pair now; the message says why."""


@dataclass(frozen=True)
class Actor:
    """Who changes something: the signed-in person and their organisation (for the audit log)."""

    user_id: int
    organisation_id: int | None


def now() -> datetime:
    """The clock's moment in UTC, as stored (SQLite keeps a moment's wall time and drops its zone)."""
    return clock_now().astimezone(UTC)


# ------------------------------------------------------------------------------------------------- goals' text


def parse_goals(text: str) -> list[str]:
    """The goals written one a line: each stripped, empty lines left out."""
    return [line.strip() for line in (text or "").splitlines() if line.strip()]


def goal_problem(text: str) -> str | None:
    """What is wrong with the goals as written (None: one to five, none too long)."""
    goals = parse_goals(text)
    if not goals:
        return str(_l("Write at least one goal."))
    if len(goals) > MAX_GOALS:
        return str(_l("At most %(max)d goals, one a line: you wrote %(count)d.", max=MAX_GOALS, count=len(goals)))
    for number, goal in enumerate(goals, start=1):
        if len(goal) > MAX_GOAL:
            return str(_l("Goal %(number)d is too long: at most %(max)d characters.", number=number, max=MAX_GOAL))
    return None


def _writable(membership: Membership) -> None:
    if not membership.is_active:
        raise PairRefused(_l("This tandem has ended: its page can be read, no longer changed."))


def _confirmed_field(membership: Membership) -> str:
    return "mentor_confirmed_at" if membership.is_mentor else "mentee_confirmed_at"


# -------------------------------------------------------------------------------------------------- agreement


def agreement_version(agreement: PairAgreement) -> str:
    """The version of the agreement's text as a page shows it (a confirmation names the version it read)."""
    return as_utc(agreement.updated_at).isoformat()


def save_agreement(session: Session, membership: Membership, text: str, goals_text: str, confirm: bool,
                   actor: Actor) -> PairAgreement:
    """Create or change the pair's agreement and replace its goals.

    A changed text asks both partners to confirm again; `confirm` sets the saver's own confirmation. Goals
    are kept by position; a goal whose text is unchanged (wherever it moved) keeps its status. Raises
    FieldProblem("text"/"goals") for a missing or too long text and for goals that are not one to five.
    """
    _writable(membership)
    clean = (text or "").strip()
    if not clean:
        raise FieldProblem("text", _l("Write your agreement: a few sentences are enough."))
    if len(clean) > MAX_AGREEMENT:
        raise FieldProblem("text", _l("At most %(max)d characters.", max=MAX_AGREEMENT))
    problem = goal_problem(goals_text)
    if problem is not None:
        raise FieldProblem("goals", problem)
    wanted = parse_goals(goals_text)
    moment = now()
    pair_id = membership.pair.id
    agreement = agreement_of(session, pair_id)
    created = agreement is None
    changed = created or agreement.text != clean  # type: ignore[union-attr]
    if agreement is None:
        agreement = PairAgreement(pair_id=pair_id, text=clean, created_at=moment, updated_at=moment,
                                  updated_by_participation_id=membership.participation_id)
        session.add(agreement)
    elif changed:
        agreement.text = clean
        agreement.mentor_confirmed_at = None
        agreement.mentee_confirmed_at = None
        agreement.updated_at = moment
        agreement.updated_by_participation_id = membership.participation_id
    if confirm:
        setattr(agreement, _confirmed_field(membership), moment)
    goals_changed = _replace_goals(session, pair_id, wanted, moment)
    session.flush()
    audit.record(session, "pair.agreement_saved", actor_user_id=actor.user_id,
                 organisation_id=actor.organisation_id, target_type="pair", target_id=pair_id,
                 details={"pair_id": pair_id, "created": created, "text_changed": changed,
                          "goals": len(wanted), "goals_changed": goals_changed, "confirmed": bool(confirm)})
    session.flush()
    return agreement


def _replace_goals(session: Session, pair_id: int, wanted: list[str], moment: datetime) -> bool:
    """Make the pair's goals `wanted`, positions 1..n. Rows are reused by position (no position moves, so the
    unique (pair, position) never clashes mid-way); a text unchanged keeps its status. Whether anything
    changed."""
    existing = goals_of(session, pair_id)
    status_by_text = {goal.text: goal.status for goal in existing}
    changed = len(existing) != len(wanted)
    for position, goal_text in enumerate(wanted, start=1):
        status = status_by_text.get(goal_text, GoalStatus.OPEN)
        if position <= len(existing):
            goal = existing[position - 1]
            if goal.text != goal_text or goal.status != status:
                goal.text, goal.status, goal.updated_at = goal_text, status, moment
                changed = True
        else:
            session.add(PairGoal(pair_id=pair_id, position=position, text=goal_text, status=status,
                                 created_at=moment, updated_at=moment))
    for goal in existing[len(wanted):]:
        session.delete(goal)
    return changed


def confirm_agreement(session: Session, membership: Membership, seen: str | None, actor: Actor) -> PairAgreement:
    """The viewer confirms the agreement's text as they read it (`seen`: its version on their page)."""
    _writable(membership)
    agreement = agreement_of(session, membership.pair.id)
    if agreement is None:
        raise PairRefused(_l("There is no agreement to confirm yet."))
    if seen != agreement_version(agreement):
        raise PairRefused(_l("The agreement has changed since you opened the page. Please read it again and "
                             "then confirm."))
    field = _confirmed_field(membership)
    if getattr(agreement, field) is not None:
        raise PairRefused(_l("You have already confirmed this agreement."))
    setattr(agreement, field, now())
    session.flush()
    audit.record(session, "pair.agreement_confirmed", actor_user_id=actor.user_id,
                 organisation_id=actor.organisation_id, target_type="pair", target_id=membership.pair.id,
                 details={"pair_id": membership.pair.id, "role": membership.role})
    session.flush()
    return agreement


def set_goal_status(session: Session, membership: Membership, goal_id: int, status: str, actor: Actor) -> PairGoal:
    """Mark one of the pair's goals open, progressing or done. LookupError for another pair's goal."""
    goal = session.scalar(sa.select(PairGoal).where(PairGoal.id == goal_id, PairGoal.pair_id == membership.pair.id))
    if goal is None:
        raise LookupError(goal_id)
    _writable(membership)
    if status not in tuple(GoalStatus):
        raise FieldProblem("status", _l("Choose the goal's status."))
    if goal.status != status:
        goal.status = status
        goal.updated_at = now()
        session.flush()
        audit.record(session, "pair.goal_status_changed", actor_user_id=actor.user_id,
                     organisation_id=actor.organisation_id, target_type="pair_goal", target_id=goal.id,
                     details={"pair_id": membership.pair.id, "status": status})
        session.flush()
    return goal


# ----------------------------------------------------------------------------------------------- help request


def request_help(session: Session, membership: Membership, message: str, actor: Actor) -> HelpRequest:
    """The mentor's confidential message to the club board: stored, and one mail to each active board member
    (in their language, in this transaction; the message itself stays on the board's page). LookupError for
    the mentee: for them, it does not exist."""
    if not membership.is_mentor:
        raise LookupError(membership.pair.id)
    _writable(membership)
    clean = (message or "").strip()
    if not clean:
        raise FieldProblem("message", _l("Tell the board what you need help with."))
    if len(clean) > MAX_MESSAGE:
        raise FieldProblem("message", _l("At most %(max)d characters.", max=MAX_MESSAGE))
    pair = membership.pair
    item = HelpRequest(pair_id=pair.id, participation_id=membership.participation_id, message=clean,
                       created_at=now())
    session.add(item)
    session.flush()
    audit.record(session, "pair.help_requested", actor_user_id=actor.user_id, organisation_id=actor.organisation_id,
                 target_type="pair_help_request", target_id=item.id,
                 details={"pair_id": pair.id, "cohort_id": pair.cohort_id})
    session.flush()
    _tell_the_board(session, pair, actor.user_id)
    return item


def _tell_the_board(session: Session, pair: Pair, requester_user_id: int) -> None:
    from tandem.platform.mail.outbox import queue_mail

    url = absolute_url("pairs.board_pair", cohort_id=pair.cohort_id, pair_id=pair.id)
    people = pair_people(session, pair)
    with club_scope(session):
        cohort = session.get(Cohort, pair.cohort_id)
        for member in board_recipients(session):
            if member.id == requester_user_id:
                continue  # a board member asking for help knows
            queue_mail(session, template="pair_help_requested_board", recipient=member.email,
                       language=mail_language(member), kind="pair_help_requested",
                       organisation_id=member.organisation_id, recipient_user_id=member.id, member=member,
                       mentor=people.mentor, mentee=people.mentee, cohort=cohort, pair_url=url)


# ---------------------------------------------------------------------------------------------------- closing


def closing_is_open(cohort: Cohort, day: date) -> bool:
    """Whether the pairs of the cohort may say they completed their tandem: the cohort is closing, or its
    closing day has come."""
    if cohort.state == CohortState.CLOSING:
        return True
    return cohort.closing_on is not None and day >= cohort.closing_on


def confirm_completion(session: Session, membership: Membership, actor: Actor) -> PairClosure:
    """"We completed our tandem", by the viewer, at closing. When both partners have said it, the pair is
    completed: the closure's outcome and the pair's status (ended), at the same moment."""
    _writable(membership)
    pair = membership.pair
    with club_scope(session):
        cohort = session.get(Cohort, pair.cohort_id)
    if cohort is None or not closing_is_open(cohort, today()):
        raise PairRefused(_l("You can confirm that you completed your tandem from the closing on."))
    closure = closure_of(session, pair.id)
    if closure is not None and closure.outcome is not None:
        raise PairRefused(_l("This tandem has ended: its page can be read, no longer changed."))
    if closure is None:
        closure = PairClosure(pair_id=pair.id)
        session.add(closure)
    field = _confirmed_field(membership)
    if getattr(closure, field) is not None:
        raise PairRefused(_l("You have already confirmed. Your partner's confirmation completes the tandem."))
    moment = now()
    setattr(closure, field, moment)
    session.flush()
    audit.record(session, "pair.completion_confirmed", actor_user_id=actor.user_id,
                 organisation_id=actor.organisation_id, target_type="pair", target_id=pair.id,
                 details={"pair_id": pair.id, "role": membership.role})
    if closure.mentor_confirmed_at is not None and closure.mentee_confirmed_at is not None:
        ended = matched_rows(session, sa.update(Pair).where(Pair.id == pair.id, Pair.status == PairStatus.ACTIVE)
                             .values(status=PairStatus.ENDED, ended_at=moment)
                             .execution_options(synchronize_session=False))
        if ended != 1:
            raise PairRefused(_l("This tandem has ended: its page can be read, no longer changed."))
        closure.outcome = ClosureOutcome.COMPLETED
        closure.ended_at = moment
        audit.record(session, "pair.completed", actor_user_id=actor.user_id, organisation_id=actor.organisation_id,
                     target_type="pair", target_id=pair.id, details={"pair_id": pair.id, "cohort_id": pair.cohort_id})
        session.flush()
        session.expire(pair)
    session.flush()
    return closure
