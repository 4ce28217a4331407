"""The programme's mails: invitations, updates and cancellations with the event's calendar entry, the
reminder before an event, and the news that a place became free. The bodies of the area's jobs.

Each invitee is mailed each version of an event once: `mailed_sequence` is claimed by a conditional UPDATE
in the same transaction as the outbox message, one invitee per transaction. A job run twice, or two jobs at
once, mail nobody twice; a worker killed in the middle leaves the rest for the next run (the sweep re-runs
events that still have invitees to tell).
"""

from __future__ import annotations

import logging
from datetime import UTC, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, joinedload

from tandem.platform.clock import club_zone, now
from tandem.platform.database import matched_rows
from tandem.platform.identity.models import User
from tandem.platform.mail.language import mail_language
from tandem.platform.mail.outbox import MailAttachment, queue_mail
from tandem.platform.programme.calendar_files import calendar_file
from tandem.platform.programme.models import Answer, EventInvitation, EventStatus, ProgrammeEvent
from tandem.platform.programme.wording import calendar_entry, event_url, title_of, when_text, where_text
from tandem.platform.tenancy import club_scope

log = logging.getLogger(__name__)


def _language(person: User) -> str:
    """The mail language rule: the person's choice, else the club's default language."""
    return mail_language(person)


def _attachment(event: ProgrammeEvent, language: str, method: str) -> MailAttachment:
    content = calendar_file([calendar_entry(event, language)], zone=club_zone(), stamp=now(), method=method)
    return MailAttachment(filename="event.ics", content_type=f"text/calendar; method={method}",
                          content=content.decode("utf-8"))


def _queue(session: Session, event: ProgrammeEvent, invitation: EventInvitation, person: User, template: str,
           method: str | None) -> None:
    language = _language(person)
    attachments = [_attachment(event, language, method)] if method else []
    queue_mail(session, template=template, recipient=person.email, language=language,
               kind=f"programme_{template.removeprefix('event_')}", organisation_id=invitation.organisation_id,
               recipient_user_id=person.id, attachments=attachments, person=person, event=event,
               title=title_of(event, language), when=when_text(event, language), where=where_text(event),
               url=event_url(event), cohort=event.cohort, invitation=invitation)


def mail_invitees(session: Session, event_id: int) -> int:
    """Tell every invitee who has not been told this version of the event: the invitation (first time), the
    update (a later version) or the cancellation. Commits one invitee at a time; returns how many mails."""
    with club_scope(session):
        event = session.get(ProgrammeEvent, event_id)
        if event is None or event.status == EventStatus.DRAFT:
            session.commit()
            return 0
        sequence, status = event.sequence, event.status
        lagging = session.execute(
            sa.select(EventInvitation.id, EventInvitation.mailed_sequence)
            .where(EventInvitation.event_id == event_id, EventInvitation.mailed_sequence < sequence)
            .order_by(EventInvitation.id)).all()
        session.commit()  # end the read; each invitee below is a transaction of its own
        sent = 0
        for invitation_id, mailed_before in lagging:
            claimed = matched_rows(session, sa.update(EventInvitation)
                                   .where(EventInvitation.id == invitation_id,
                                          EventInvitation.mailed_sequence == mailed_before)
                                   .values(mailed_sequence=sequence)
                                   .execution_options(synchronize_session=False))
            if claimed != 1:
                session.rollback()
                continue  # another run told this person meanwhile
            invitation = session.get(EventInvitation, invitation_id)
            person = session.get(User, invitation.user_id) if invitation else None
            event = session.get(ProgrammeEvent, event_id)
            if invitation is None or person is None or event is None:
                session.rollback()
                continue
            if status == EventStatus.CANCELLED:
                template, method = ("event_cancelled", "CANCEL") if mailed_before >= 0 else (None, None)
            else:
                template, method = ("event_invitation" if mailed_before < 0 else "event_updated"), "REQUEST"
            if template is not None and person.is_active:
                _queue(session, event, invitation, person, template, method)
                sent += 1
            session.commit()
        log.info("programme event %s (sequence %s): %s mails", event_id, sequence, sent)
        return sent


def remind_invitees(session: Session, moment: datetime) -> int:
    """One reminder before each published event, `EVENT_REMINDER_HOURS` ahead, to those who said yes or have
    not answered (and were told of the event). Once per person and event; commits one at a time."""
    hours = current_app.config["TANDEM"].event_reminder_hours
    moment = moment.astimezone(UTC)  # compared with stored UTC times (SQLite compares the digits)
    with club_scope(session):
        due = session.execute(
            sa.select(EventInvitation.id, EventInvitation.event_id)
            .join(ProgrammeEvent, ProgrammeEvent.id == EventInvitation.event_id)
            .where(ProgrammeEvent.status == EventStatus.PUBLISHED, ProgrammeEvent.starts_at > moment,
                   ProgrammeEvent.starts_at <= moment + timedelta(hours=hours),
                   EventInvitation.answer.in_([Answer.YES, Answer.NONE]),
                   EventInvitation.reminded_at.is_(None), EventInvitation.mailed_sequence >= 0)
            .order_by(EventInvitation.id)).all()
        session.commit()
        sent = 0
        for invitation_id, event_id in due:
            claimed = matched_rows(session, sa.update(EventInvitation)
                                   .where(EventInvitation.id == invitation_id, EventInvitation.reminded_at.is_(None))
                                   .values(reminded_at=moment).execution_options(synchronize_session=False))
            if claimed != 1:
                session.rollback()
                continue
            invitation = session.get(EventInvitation, invitation_id)
            event = session.get(ProgrammeEvent, event_id)
            person = session.get(User, invitation.user_id) if invitation else None
            if invitation is not None and event is not None and person is not None and person.is_active:
                _queue(session, event, invitation, person, "event_reminder", "REQUEST")
                sent += 1
            session.commit()
        return sent


def queue_place_free(session: Session, invitation: EventInvitation) -> None:
    """In the caller's transaction: tell someone who moved up from the waiting list that they have a place."""
    with club_scope(session):
        person = session.get(User, invitation.user_id)
        event = session.scalars(sa.select(ProgrammeEvent).options(joinedload(ProgrammeEvent.cohort))
                                .where(ProgrammeEvent.id == invitation.event_id)).one()
        if person is not None and person.is_active:
            _queue(session, event, invitation, person, "event_place_free", None)


def lagging_event_ids(session: Session) -> list[int]:
    """Published or cancelled events that still have invitees to tell (a lost or killed job)."""
    with club_scope(session):
        return list(session.scalars(
            sa.select(ProgrammeEvent.id).distinct()
            .join(EventInvitation, EventInvitation.event_id == ProgrammeEvent.id)
            .where(ProgrammeEvent.status != EventStatus.DRAFT,
                   EventInvitation.mailed_sequence < ProgrammeEvent.sequence)
            .order_by(ProgrammeEvent.id)))
