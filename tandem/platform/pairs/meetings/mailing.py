"""The meetings' mails, the body of the area's jobs: the partner of whoever planned, changed or cancelled a
meeting is told, with the meeting's calendar entry (METHOD:REQUEST for a new or changed meeting, CANCEL for
a cancellation).

Each version of a meeting is mailed once: `partner_mailed_sequence` is claimed by a conditional UPDATE in the
same transaction as the outbox message. A job run twice, or two jobs at once, mail nothing twice; a worker
killed in the middle leaves the meeting lagging, and the sweep (`lagging_meeting_ids`) runs it again.
"""

from __future__ import annotations

import logging

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.clock import club_zone, now
from tandem.platform.cohorts.models import Participation
from tandem.platform.database import matched_rows
from tandem.platform.identity.models import User
from tandem.platform.mail.language import mail_language
from tandem.platform.mail.outbox import MailAttachment, queue_mail
from tandem.platform.pairs.meetings.calendar import calendar_entry, meeting_url, meeting_words
from tandem.platform.pairs.models import MeetingStatus, PairMeeting
from tandem.platform.programme.calendar_files import calendar_file
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair

log = logging.getLogger(__name__)

TOLD = (MeetingStatus.PLANNED, MeetingStatus.CANCELLED)  # the statuses a partner is mailed about
KINDS = ("pair_meeting_planned", "pair_meeting_changed", "pair_meeting_cancelled")


def _people(session: Session, meeting: PairMeeting) -> tuple[User, User] | None:
    """(whoever last planned, changed or cancelled the meeting; their partner, to tell), club scope."""
    pair = session.get(Pair, meeting.pair_id)
    if pair is None:
        return None
    actor_id = meeting.planned_by_participation_id or pair.mentor_participation_id
    other_id = (pair.mentee_participation_id if actor_id == pair.mentor_participation_id
                else pair.mentor_participation_id)
    users = dict(session.execute(
        sa.select(Participation.id, User).join(User, User.id == Participation.user_id)
        .where(Participation.id.in_([actor_id, other_id]))).all())
    if actor_id not in users or other_id not in users:
        return None
    return users[actor_id], users[other_id]


def _queue(session: Session, meeting: PairMeeting, actor: User, person: User, template: str, method: str) -> None:
    language = mail_language(person)
    content = calendar_file([calendar_entry(meeting, language, actor.display_name)], zone=club_zone(),
                            stamp=now(), method=method)
    attachment = MailAttachment(filename="meeting.ics", content_type=f"text/calendar; method={method}",
                                content=content.decode("utf-8"))
    words = meeting_words(meeting, language)
    queue_mail(session, template=template, recipient=person.email, language=language, kind=template,
               organisation_id=person.organisation_id, recipient_user_id=person.id, attachments=[attachment],
               person=person, partner_name=actor.display_name, when=words.when, zone=words.zone,
               where=words.where, format=words.format, duration=meeting.duration_minutes, url=meeting_url(meeting),
               online=meeting.format == "online")


def mail_partner(session: Session, meeting_id: int) -> int:
    """Tell the partner the meeting's current version, if not told yet: 1 when a mail is queued, else 0.
    Commits."""
    with club_scope(session):
        row = session.execute(sa.select(PairMeeting.sequence, PairMeeting.partner_mailed_sequence)
                              .where(PairMeeting.id == meeting_id)).first()
        if row is None or row.partner_mailed_sequence >= row.sequence:
            session.commit()
            return 0
        sequence, mailed_before = row.sequence, row.partner_mailed_sequence
        claimed = matched_rows(session, sa.update(PairMeeting)
                               .where(PairMeeting.id == meeting_id,
                                      PairMeeting.partner_mailed_sequence == mailed_before)
                               .values(partner_mailed_sequence=sequence)
                               .execution_options(synchronize_session=False))
        if claimed != 1:
            session.rollback()
            return 0  # another run told the partner meanwhile
        meeting = session.get(PairMeeting, meeting_id)
        people = _people(session, meeting) if meeting is not None else None
        if meeting is None or people is None:
            session.commit()
            return 0
        actor, person = people
        template, method = None, "REQUEST"
        if meeting.status == MeetingStatus.PLANNED:
            template = "pair_meeting_planned" if mailed_before < 0 else "pair_meeting_changed"
        elif meeting.status == MeetingStatus.CANCELLED and mailed_before >= 0:
            template, method = "pair_meeting_cancelled", "CANCEL"
        sent = 0
        if template is not None and person.is_active:
            _queue(session, meeting, actor, person, template, method)
            sent = 1
        session.commit()
        log.info("pair meeting %s (sequence %s): %s mails", meeting_id, sequence, sent)
        return sent


def lagging_meeting_ids(session: Session) -> list[int]:
    """Planned or cancelled meetings whose latest version the partner has not been told (a lost or killed
    job)."""
    with club_scope(session):
        return list(session.scalars(
            sa.select(PairMeeting.id)
            .where(PairMeeting.status.in_(TOLD), PairMeeting.partner_mailed_sequence < PairMeeting.sequence)
            .order_by(PairMeeting.id)))
