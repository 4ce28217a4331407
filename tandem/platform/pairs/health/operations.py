"""The board's actions on a pair (club scope): writing to the pair, ending it early, marking the mentor's
request for help as dealt with. Each flushes and never commits (the caller's transaction); mails go to the
outbox in the same transaction; each is audited without its texts.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.clock import now
from tandem.platform.cohorts.models import Cohort
from tandem.platform.database import matched_rows
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.identity.models import User
from tandem.platform.mail.language import mail_language
from tandem.platform.mail.outbox import queue_mail
from tandem.platform.pairs.health.queries import PairPeople, Person, pair_people
from tandem.platform.pairs.models import (
    MAX_MESSAGE,
    MAX_REASON,
    BoardMessage,
    ClosureOutcome,
    HelpRequest,
    PairClosure,
)
from tandem.platform.refusals import FieldProblem, OperationRefused
from tandem.platform.tenancy import club_scope
from tandem.platform.urls import absolute_url
from tandem.platform.workbench.models import Pair, PairStatus
from tandem.tenants.models import OrganisationAdmin

MESSAGE_KIND = "pair_board_message"
ENDED_KIND = "pair_ended_early"


class PairActionRefused(OperationRefused):
    """The board's action is not possible on this pair now; the message says why."""


def _text(value: str | None, field: str, *, limit: int, missing: object) -> str:
    text = (value or "").strip()
    if not text:
        raise FieldProblem(field, missing)
    if len(text) > limit:
        raise FieldProblem(field, _l("At most %(max)d characters.", max=limit))
    return text


def _people(session: Session, cohort: Cohort, pair: Pair) -> PairPeople:
    found = pair_people(session, cohort.id, pair.id)
    if not found:
        raise LookupError(pair.id)
    return found[0]


def _pair_url(pair_id: int) -> str:
    return absolute_url("pairs.pair", pair_id=pair_id)


def send_board_message(session: Session, cohort: Cohort, pair: Pair, body: str | None,
                       sender_user_id: int | None) -> BoardMessage:
    """Write to an active pair: the message is kept (the pair's page shows it) and mailed to both partners,
    each in their language. Raises FieldProblem("body") for an empty or too long text, PairActionRefused for
    a pair that has ended."""
    text = _text(body, "body", limit=MAX_MESSAGE, missing=_l("Write the message to the pair."))
    with club_scope(session):
        people = _people(session, cohort, pair)
        if people.status != PairStatus.ACTIVE or people.closure_outcome is not None:
            raise PairActionRefused(_l("This tandem has ended: the board no longer writes to it here."))
        sender_name = session.scalar(sa.select(User.display_name).where(User.id == sender_user_id)) \
            if sender_user_id is not None else None
        message = BoardMessage(pair_id=pair.id, sender_user_id=sender_user_id, body=text, created_at=now())
        session.add(message)
        session.flush()
        for person, partner in ((people.mentor, people.mentee), (people.mentee, people.mentor)):
            if not person.is_active:
                continue
            queue_mail(session, template="pair_board_message", recipient=person.email,
                       language=mail_language(person), kind=MESSAGE_KIND, organisation_id=person.organisation_id,
                       recipient_user_id=person.user_id, person=person, partner=partner, cohort=cohort,
                       body=text, sender_name=sender_name, pair_url=_pair_url(pair.id))
        audit.record(session, "pair.board_message_sent", actor_user_id=sender_user_id, organisation_id=None,
                     target_type="pair", target_id=pair.id,
                     details={"cohort_id": cohort.id, "message_id": message.id})
        session.flush()
    return message


@dataclass(frozen=True)
class AdminRecipient:
    user_id: int
    name: str
    email: str
    preferred_language: str | None
    organisation_id: int


def _admins(session: Session, organisation_ids: Sequence[int]) -> list[AdminRecipient]:
    """The active admins of the organisations (club scope): one query."""
    rows = session.execute(
        sa.select(User.id, User.display_name, User.email, User.preferred_language, OrganisationAdmin.organisation_id)
        .join(OrganisationAdmin, OrganisationAdmin.user_id == User.id)
        .where(OrganisationAdmin.organisation_id.in_(list(organisation_ids)), User.is_active.is_(True))
        .order_by(User.id)
    ).all()
    return [AdminRecipient(*row) for row in rows]


def end_pair_early(session: Session, cohort: Cohort, pair: Pair, reason: str | None,
                   actor_user_id: int | None) -> PairClosure:
    """End an active pair before the programme's end, with the board's reason (kept for the board alone).

    The pair leaves the rhythm and the nudges (it is ended and its closure says so). Both partners and the
    admins of both organisations are told by mail, neutrally and without the reason. Raises
    FieldProblem("reason") for a missing or too long reason, PairActionRefused for a pair that has ended.
    """
    text = _text(reason, "reason", limit=MAX_REASON,
                 missing=_l("Say why the tandem ends early (for the board's records; the pair is not told)."))
    already = _l("This tandem has already ended.")
    moment = now()
    with club_scope(session):
        people = _people(session, cohort, pair)
        if people.closure_outcome is not None:
            raise PairActionRefused(already)
        changed = matched_rows(
            session,
            sa.update(Pair).where(Pair.id == pair.id, Pair.status == PairStatus.ACTIVE)
            .values(status=PairStatus.ENDED, ended_at=moment).execution_options(synchronize_session=False))
        if changed != 1:
            raise PairActionRefused(already)
        closure = session.scalar(sa.select(PairClosure).where(PairClosure.pair_id == pair.id))
        if closure is None:
            closure = PairClosure(pair_id=pair.id)
            session.add(closure)
        closure.outcome = ClosureOutcome.ENDED_EARLY
        closure.reason = text
        closure.ended_by_user_id = actor_user_id
        closure.ended_at = moment
        session.flush()
        session.expire(pair)
        _tell_of_the_end(session, cohort, people)
        audit.record(session, "pair.ended_early", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="pair", target_id=pair.id, details={"cohort_id": cohort.id})
        session.flush()
    return closure


def _tell_of_the_end(session: Session, cohort: Cohort, people: PairPeople) -> None:
    """One mail to each partner and to each admin of their organisations (once each, even if someone is both)."""
    home_url = absolute_url("participant.home")
    told: set[int] = set()
    partners: tuple[tuple[Person, Person], ...] = ((people.mentor, people.mentee), (people.mentee, people.mentor))
    for person, partner in partners:
        if person.is_active and person.user_id not in told:
            told.add(person.user_id)
            queue_mail(session, template="pair_ended_early", recipient=person.email,
                       language=mail_language(person), kind=ENDED_KIND, organisation_id=person.organisation_id,
                       recipient_user_id=person.user_id, as_admin=False, name=person.name, partner=partner,
                       mentor=people.mentor, mentee=people.mentee, cohort=cohort, home_url=home_url)
    for admin in _admins(session, sorted({people.mentor.organisation_id, people.mentee.organisation_id})):
        if admin.user_id in told:
            continue
        told.add(admin.user_id)
        queue_mail(session, template="pair_ended_early", recipient=admin.email, language=mail_language(admin),
                   kind=ENDED_KIND, organisation_id=admin.organisation_id, recipient_user_id=admin.user_id,
                   as_admin=True, name=admin.name, partner=None, mentor=people.mentor, mentee=people.mentee,
                   cohort=cohort, home_url=home_url)


def resolve_help(session: Session, pair: Pair, help_id: int, actor_user_id: int | None) -> HelpRequest:
    """Mark the mentor's request for help as dealt with. Raises LookupError for a request of another pair,
    PairActionRefused when it is already marked."""
    with club_scope(session):
        request = session.scalar(sa.select(HelpRequest).where(HelpRequest.id == help_id,
                                                              HelpRequest.pair_id == pair.id))
        if request is None:
            raise LookupError(help_id)
        changed = matched_rows(
            session,
            sa.update(HelpRequest).where(HelpRequest.id == help_id, HelpRequest.resolved_at.is_(None))
            .values(resolved_at=now(), resolved_by_user_id=actor_user_id)
            .execution_options(synchronize_session=False))
        if changed != 1:
            raise PairActionRefused(_l("This request for help is already marked as dealt with."))
        session.expire(request)
        audit.record(session, "pair.help_resolved", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="pair_help_request", target_id=help_id,
                     details={"pair_id": pair.id, "cohort_id": pair.cohort_id})
        session.flush()
    return request
