"""What the partners read of their meetings: the pair page's section and one meeting's page.

Each partner sees the pair's meetings (when, where, status, topics and summary of the held ones), their OWN
check-in and private note, and of their partner's check-in only whether there is one. A constant number of
queries whatever the number of meetings: the meetings, the check-ins, the viewer's notes, the topics.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.board.models import Topic
from tandem.platform.clock import now
from tandem.platform.cohorts.models import Participation
from tandem.platform.database import as_utc
from tandem.platform.i18n import current_language
from tandem.platform.identity.models import User
from tandem.platform.pairs.loading import Membership
from tandem.platform.pairs.meetings.calendar import MeetingWords, meeting_words
from tandem.platform.pairs.models import MeetingNote, MeetingStatus, PairCheckIn, PairMeeting
from tandem.platform.tenancy import club_scope

RECENT_HELD = 20  # the pair page lists this many held meetings, newest first


@dataclass(frozen=True)
class OwnCheckIn:
    usefulness: int
    comment: str | None


@dataclass(frozen=True)
class MeetingRow:
    """One meeting as a partner sees it."""

    meeting: PairMeeting
    words: MeetingWords
    topics: tuple[str, ...]  # the topics' labels in the viewer's language
    summary: str | None  # held meetings only
    own_check_in: OwnCheckIn | None  # the viewer's own answer
    partner_checked_in: bool  # the partner's check-in: whether there is one, nothing more
    has_note: bool  # whether the viewer keeps a private note on it

    @property
    def id(self) -> int:
        return self.meeting.id

    @property
    def status(self) -> str:
        return self.meeting.status

    @property
    def is_past(self) -> bool:
        return as_utc(self.meeting.starts_at) <= now()


@dataclass(frozen=True)
class MeetingsSection:
    """The meetings on the pair's page."""

    upcoming: tuple[MeetingRow, ...]  # planned, still to come, soonest first
    awaiting: tuple[MeetingRow, ...]  # planned, past: "did it take place?", oldest first
    held: tuple[MeetingRow, ...]  # held, newest first (at most RECENT_HELD)
    held_count: int
    called_off: tuple[MeetingRow, ...]  # not held or cancelled, newest first
    can_change: bool  # the pair is active: plan, log, cancel

    @property
    def is_empty(self) -> bool:
        return not (self.upcoming or self.awaiting or self.held or self.called_off)


def _rows(session: Session, membership: Membership, meetings: Sequence[PairMeeting],
          language: str) -> list[MeetingRow]:
    ids = [meeting.id for meeting in meetings]
    if not ids:
        return []
    check_ins = session.execute(
        sa.select(PairCheckIn.meeting_id, PairCheckIn.participation_id, PairCheckIn.usefulness,
                  PairCheckIn.comment).where(PairCheckIn.meeting_id.in_(ids))).all()
    own: dict[int, OwnCheckIn] = {}
    partner: set[int] = set()
    for meeting_id, participation_id, usefulness, comment in check_ins:
        if participation_id == membership.participation_id:
            own[meeting_id] = OwnCheckIn(usefulness, comment)
        elif participation_id == membership.partner_participation_id:
            partner.add(meeting_id)
    noted = set(session.scalars(sa.select(MeetingNote.meeting_id).where(
        MeetingNote.meeting_id.in_(ids), MeetingNote.author_participation_id == membership.participation_id)))
    labels = topic_labels(session, {topic for meeting in meetings for topic in (meeting.topic_ids or [])},
                          language)
    rows = []
    for meeting in meetings:
        held = meeting.status == MeetingStatus.HELD
        rows.append(MeetingRow(
            meeting=meeting, words=meeting_words(meeting, language),
            topics=tuple(labels[t] for t in (meeting.topic_ids or []) if t in labels),
            summary=meeting.summary if held else None, own_check_in=own.get(meeting.id),
            partner_checked_in=meeting.id in partner, has_note=meeting.id in noted))
    return rows


def topic_labels(session: Session, topic_ids: set[int], language: str) -> dict[int, str]:
    if not topic_ids:
        return {}
    topics = session.scalars(sa.select(Topic).where(Topic.id.in_(sorted(topic_ids)))).all()
    return {topic.id: topic.label(language) for topic in topics}


def meetings_section(session: Session, membership: Membership, language: str | None = None) -> MeetingsSection:
    """The pair's meetings as the viewer sees them (in `language`, the request's by default). Four queries."""
    language = language or current_language()
    moment = now()
    meetings = session.scalars(
        sa.select(PairMeeting).where(PairMeeting.pair_id == membership.pair.id)
        .order_by(PairMeeting.starts_at.desc(), PairMeeting.id.desc())).all()
    held_all = [m for m in meetings if m.status == MeetingStatus.HELD]
    held = held_all[:RECENT_HELD]
    planned = [m for m in meetings if m.status == MeetingStatus.PLANNED]
    upcoming = sorted((m for m in planned if as_utc(m.starts_at) > moment), key=lambda m: as_utc(m.starts_at))
    awaiting = sorted((m for m in planned if as_utc(m.starts_at) <= moment), key=lambda m: as_utc(m.starts_at))
    called_off = [m for m in meetings if m.status in (MeetingStatus.NOT_HELD, MeetingStatus.CANCELLED)][:10]
    rows = {row.id: row for row in _rows(session, membership, upcoming + awaiting + held + called_off, language)}
    return MeetingsSection(
        upcoming=tuple(rows[m.id] for m in upcoming), awaiting=tuple(rows[m.id] for m in awaiting),
        held=tuple(rows[m.id] for m in held), held_count=len(held_all),
        called_off=tuple(rows[m.id] for m in called_off), can_change=membership.is_active)


def meeting_of(session: Session, membership: Membership, meeting_id: int) -> PairMeeting | None:
    """The pair's meeting, or None (another pair's meeting does not exist here)."""
    return session.scalar(sa.select(PairMeeting).where(PairMeeting.id == meeting_id,
                                                       PairMeeting.pair_id == membership.pair.id))


def meeting_row(session: Session, membership: Membership, meeting: PairMeeting, language: str) -> MeetingRow:
    return _rows(session, membership, [meeting], language)[0]


def own_note(session: Session, membership: Membership, meeting_id: int) -> str | None:
    """The viewer's private note on the meeting: only its author ever reads it."""
    return session.scalar(sa.select(MeetingNote.text).where(
        MeetingNote.meeting_id == meeting_id, MeetingNote.author_participation_id == membership.participation_id))


def is_past(meeting: PairMeeting, moment: datetime | None = None) -> bool:
    return as_utc(meeting.starts_at) <= (moment or now())


def partner_name(session: Session, membership: Membership) -> str:
    """The partner's name: a narrow read in club scope (the partner belongs to another organisation)."""
    with club_scope(session):
        name = session.scalar(sa.select(User.display_name).join(Participation, Participation.user_id == User.id)
                              .where(Participation.id == membership.partner_participation_id))
    return name or ""


def topic_choices(session: Session, language: str, keep: list[int] | None = None) -> list[tuple[int, str]]:
    """The catalogue's active topics (and any already chosen), labelled in `language`, alphabetically."""
    keep_ids = sorted(set(keep or []))
    condition: sa.ColumnElement[bool] = Topic.is_active.is_(True)
    if keep_ids:
        condition = sa.or_(condition, Topic.id.in_(keep_ids))
    topics = session.scalars(sa.select(Topic).where(condition)).all()
    return sorted(((topic.id, topic.label(language)) for topic in topics), key=lambda item: item[1].casefold())
