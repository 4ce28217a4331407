"""A pair's meeting in words (when, in the club's time zone; where; its status) and as a calendar entry, for
the pages, the mails, the `.ics` download and each partner's private calendar feed (`feed_entries`).

The programme's feed (`programme/feeds.py`) imports this module to add a person's pair meetings to their
feed, so it must not import the programme's views or feeds; it uses the programme's pure calendar files.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta

import sqlalchemy as sa
from babel.dates import format_date, format_time, get_timezone_name
from flask_babel import force_locale
from flask_babel import gettext as _
from sqlalchemy.orm import Session, aliased

from tandem.platform.clock import club_zone
from tandem.platform.cohorts.models import Participation
from tandem.platform.database import as_utc
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.identity.models import User
from tandem.platform.pairs.models import MeetingFormat, MeetingStatus, PairMeeting
from tandem.platform.programme.calendar_files import CalendarEntry
from tandem.platform.tenancy import club_scope
from tandem.platform.urls import absolute_url
from tandem.platform.workbench.models import Pair, PairStatus

STATUS_LABELS = {
    MeetingStatus.PLANNED: _l("Planned"),
    MeetingStatus.HELD: _l("Held"),
    MeetingStatus.NOT_HELD: _l("Did not take place"),
    MeetingStatus.CANCELLED: _l("Cancelled"),
}
FORMAT_LABELS = {MeetingFormat.IN_PERSON: _l("In person"), MeetingFormat.ONLINE: _l("Online")}
USEFULNESS_LABELS = {1: _l("Not useful"), 2: _l("A little useful"), 3: _l("Useful"), 4: _l("Very useful")}


@dataclass(frozen=True)
class MeetingWords:
    """A meeting in one language."""

    when: str  # e.g. "Tuesday, 3 November 2026, 18:00 – 19:00"
    zone: str  # the club's time zone, named
    iso: str  # the start, for <time datetime>
    where: str  # the place, or the online link
    format: str
    status: str
    duration_minutes: int


def ends_at(meeting: PairMeeting) -> datetime:
    return as_utc(meeting.starts_at) + timedelta(minutes=meeting.duration_minutes)


def when_text(meeting: PairMeeting, language: str) -> str:
    zone = club_zone()
    start, end = as_utc(meeting.starts_at).astimezone(zone), ends_at(meeting).astimezone(zone)
    return (f"{format_date(start.date(), format='full', locale=language)}, "
            f"{format_time(start, format='short', locale=language)} – "
            f"{format_time(end, format='short', locale=language)}")


def where_text(meeting: PairMeeting) -> str:
    if meeting.format == MeetingFormat.ONLINE:
        return meeting.online_url or ""
    return meeting.place or ""


def meeting_words(meeting: PairMeeting, language: str) -> MeetingWords:
    zone = club_zone()
    start = as_utc(meeting.starts_at).astimezone(zone)
    with force_locale(language):
        return MeetingWords(
            when=when_text(meeting, language),
            zone=f"{get_timezone_name(start, width='long', locale=language)} ({zone.key})",
            iso=as_utc(meeting.starts_at).isoformat(), where=where_text(meeting),
            format=str(FORMAT_LABELS.get(MeetingFormat(meeting.format), meeting.format)),
            status=str(STATUS_LABELS.get(MeetingStatus(meeting.status), meeting.status)),
            duration_minutes=meeting.duration_minutes)


def meeting_url(meeting: PairMeeting) -> str:
    return absolute_url("pairs.meeting", pair_id=meeting.pair_id, meeting_id=meeting.id)


def meeting_title(partner_name: str | None, language: str) -> str:
    with force_locale(language):
        if partner_name:
            return _("Tandem meeting with %(name)s", name=partner_name)
        return _("Tandem meeting")


def calendar_entry(meeting: PairMeeting, language: str, partner_name: str | None) -> CalendarEntry:
    """The meeting as a calendar program shows it to one partner (titled with the other's name). Cancelled
    and not-held meetings are STATUS:CANCELLED; the summary of a held meeting is not written in (calendar
    files travel: the summary stays on the site)."""
    url = meeting_url(meeting)
    with force_locale(language):
        description = _("Your tandem meeting. Its page: %(url)s", url=url)
    return CalendarEntry(
        uid=meeting.uid, sequence=meeting.sequence, title=meeting_title(partner_name, language),
        description=description, starts_at=as_utc(meeting.starts_at), ends_at=ends_at(meeting),
        location=where_text(meeting), url=url,
        cancelled=meeting.status in (MeetingStatus.CANCELLED, MeetingStatus.NOT_HELD),
        updated_at=as_utc(meeting.updated_at))


def feed_entries(session: Session, user_id: int, language: str) -> list[CalendarEntry]:
    """The meetings of every published pair the person is (or was) in, for their private calendar feed:
    planned and held ones, cancelled and not held ones as STATUS:CANCELLED, each titled with the partner's
    name. One statement whatever the number of pairs and meetings."""
    own, partner, partner_user = aliased(Participation), aliased(Participation), aliased(User)
    partner_id = sa.case((Pair.mentor_participation_id == own.id, Pair.mentee_participation_id),
                         else_=Pair.mentor_participation_id)
    with club_scope(session):
        rows = session.execute(
            sa.select(PairMeeting, partner_user.display_name)
            .join(Pair, Pair.id == PairMeeting.pair_id)
            .join(own, sa.and_(own.user_id == user_id,
                               sa.or_(own.id == Pair.mentor_participation_id, own.id == Pair.mentee_participation_id)))
            .join(partner, partner.id == partner_id)
            .join(partner_user, partner_user.id == partner.user_id)
            .where(Pair.status.in_((PairStatus.ACTIVE, PairStatus.ENDED)))
            .order_by(PairMeeting.starts_at, PairMeeting.id)).all()
    return [calendar_entry(meeting, language, name) for meeting, name in rows]
