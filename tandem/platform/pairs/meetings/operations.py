"""What changes a pair's meetings: plan, change, cancel, log as held, mark as not held; the private note;
the check-in. Flush, never commit; the partner's mail (with the calendar entry) is sent by a job after commit.

Rules:
- only an active pair plans, changes, logs or cancels (an ended pair's meetings are history); notes and
  check-ins stay possible;
- a meeting is planned (or changed) for the future, not after the cohort's end (its symposium, or its
  closing + `AFTER_CLOSING`); in person with a place, online with an http(s) link;
- a meeting logged as held lies in the past, not before the pair began (its publication, else the kick-off);
- `sequence` grows with each version the calendars must know (a change, a cancellation, "not held"), under
  the same `uid`; `planned_by_participation_id` is whoever last planned, changed or cancelled it: their
  partner is the one mailed (`mailing.py`).
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from tandem.platform.clock import now
from tandem.platform.cohorts.models import Cohort
from tandem.platform.database import as_utc, matched_rows
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.pairs.facts import club_date
from tandem.platform.pairs.loading import Membership
from tandem.platform.pairs.meetings.jobs import send_meeting_mail
from tandem.platform.pairs.models import (
    MAX_COMMENT,
    MAX_DURATION_MINUTES,
    MAX_NOTE,
    MAX_PLACE,
    MAX_SUMMARY,
    MAX_URL,
    MIN_DURATION_MINUTES,
    MeetingFormat,
    MeetingNote,
    MeetingStatus,
    PairCheckIn,
    PairMeeting,
)
from tandem.platform.refusals import FieldProblem, FieldProblems, OperationRefused
from tandem.platform.tenancy import club_scope
from tandem.workers.queues import enqueue_after_commit

AFTER_CLOSING = timedelta(days=30)  # meetings may be planned until the symposium, or this long after the closing
WITHOUT_DATES = timedelta(days=365)  # a cohort without a closing date: up to a year ahead


class MeetingRefused(OperationRefused):
    """The change to the meeting is not possible now; the message says why."""


@dataclass(frozen=True)
class MeetingInput:
    """A meeting as a partner enters it; `starts_at` is timezone-aware."""

    starts_at: datetime
    duration_minutes: int
    format: str
    place: str | None
    online_url: str | None


@dataclass(frozen=True)
class HeldInput:
    """What a partner logs of a meeting held."""

    meeting: MeetingInput
    topic_ids: list[int]
    summary: str | None
    private_note: str | None


def _active(membership: Membership) -> None:
    if not membership.is_active:
        raise MeetingRefused(_l("Your tandem has ended: its meetings can no longer be planned or changed."))


def cohort_of(session: Session, membership: Membership) -> Cohort:
    with club_scope(session):
        cohort = session.get(Cohort, membership.pair.cohort_id)
    assert cohort is not None  # a pair's cohort exists (foreign key)
    return cohort


def last_day(cohort: Cohort) -> date:
    """The last day a meeting of the cohort's pairs may be planned for."""
    candidates = [day for day in (cohort.symposium_on,
                                  cohort.closing_on + AFTER_CLOSING if cohort.closing_on else None) if day]
    if candidates:
        return max(candidates)
    return (club_date(now()) or now().date()) + WITHOUT_DATES


def first_day(membership: Membership, cohort: Cohort) -> date | None:
    """The first day a meeting of the pair may be logged for: the pair's publication, else the kick-off."""
    return club_date(membership.pair.activated_at) or cohort.kickoff_on


def _is_web_link(url: str) -> bool:
    try:
        parts = urlsplit(url)
    except ValueError:
        return False
    return parts.scheme in ("http", "https") and bool(parts.netloc) and not any(c.isspace() for c in url)


def _common_problems(data: MeetingInput, *, place_required: bool) -> dict[str, object]:
    problems: dict[str, object] = {}
    if not MIN_DURATION_MINUTES <= data.duration_minutes <= MAX_DURATION_MINUTES:
        problems["duration"] = _l("Between %(min)s and %(max)s minutes.", min=MIN_DURATION_MINUTES,
                                  max=MAX_DURATION_MINUTES)
    if data.format not in tuple(MeetingFormat):
        problems["format"] = _l("Choose in person or online.")
    if data.place and len(data.place) > MAX_PLACE:
        problems["place"] = _l("At most %(max)d characters.", max=MAX_PLACE)
    if data.online_url and len(data.online_url) > MAX_URL:
        problems["online_url"] = _l("At most %(max)d characters.", max=MAX_URL)
    elif data.online_url and not _is_web_link(data.online_url):
        problems["online_url"] = _l("Give a web address that starts with https:// (or http://).")
    if place_required and data.format == MeetingFormat.IN_PERSON and not data.place:
        problems["place"] = _l("Say where you meet.")
    if place_required and data.format == MeetingFormat.ONLINE and not data.online_url:
        problems["online_url"] = _l("Give the link of the online meeting.")
    return problems


def _future_problems(session: Session, membership: Membership, data: MeetingInput) -> dict[str, object]:
    problems = _common_problems(data, place_required=True)
    cohort = cohort_of(session, membership)
    day = club_date(data.starts_at)
    if as_utc(data.starts_at) <= now():
        problems["starts_at"] = _l("Choose a date and time in the future.")
    elif day is not None and day > last_day(cohort):
        problems["starts_at"] = _l("Choose a date on or before %(day)s: your cohort ends then.",
                                   day=last_day(cohort).isoformat())
    return problems


def _past_problems(session: Session, membership: Membership, data: MeetingInput) -> dict[str, object]:
    problems = _common_problems(data, place_required=False)
    cohort = cohort_of(session, membership)
    day, first = club_date(data.starts_at), first_day(membership, cohort)
    if as_utc(data.starts_at) > now():
        problems["starts_at"] = _l("A meeting is logged once it took place: choose a date and time in the past.")
    elif day is not None and first is not None and day < first:
        problems["starts_at"] = _l("Choose a date on or after %(day)s, when your tandem began.",
                                   day=first.isoformat())
    return problems


def _held_problems(data: HeldInput) -> dict[str, object]:
    problems: dict[str, object] = {}
    if data.summary and len(data.summary) > MAX_SUMMARY:
        problems["summary"] = _l("At most %(max)d characters.", max=MAX_SUMMARY)
    if data.private_note and len(data.private_note) > MAX_NOTE:
        problems["private_note"] = _l("At most %(max)d characters.", max=MAX_NOTE)
    return problems


def _uid() -> str:
    host = urlsplit(current_app.config["TANDEM"].base_url).hostname or "tandem"
    return f"{uuid.uuid4()}@{host}"


def _apply(meeting: PairMeeting, data: MeetingInput) -> None:
    meeting.starts_at = as_utc(data.starts_at).astimezone(UTC)  # stored in UTC (SQLite keeps the digits)
    meeting.duration_minutes = data.duration_minutes
    meeting.format = data.format
    meeting.place = data.place if data.format == MeetingFormat.IN_PERSON else None
    meeting.online_url = data.online_url if data.format == MeetingFormat.ONLINE else None


def _told(meeting: PairMeeting) -> tuple[object, ...]:
    return (as_utc(meeting.starts_at), meeting.duration_minutes, meeting.format, meeting.place,
            meeting.online_url)


def plan_meeting(session: Session, membership: Membership, data: MeetingInput) -> PairMeeting:
    """A new planned meeting; the partner is mailed the invitation with its calendar entry."""
    _active(membership)
    problems = _future_problems(session, membership, data)
    if problems:
        raise FieldProblems(problems, _l("Please check the meeting."))
    moment = now()
    meeting = PairMeeting(pair_id=membership.pair.id, uid=_uid(), sequence=0, status=MeetingStatus.PLANNED,
                          planned_by_participation_id=membership.participation_id, partner_mailed_sequence=-1,
                          topic_ids=[], created_at=moment, updated_at=moment)
    _apply(meeting, data)
    session.add(meeting)
    session.flush()
    enqueue_after_commit(session, send_meeting_mail, meeting.id, queue="default")
    return meeting


def _planned(meeting: PairMeeting, *, future: bool) -> None:
    if meeting.status != MeetingStatus.PLANNED:
        raise MeetingRefused(_l("This meeting is no longer planned: it was logged, cancelled or marked as not "
                                "held."))
    started = as_utc(meeting.starts_at) <= now()
    if future and started:
        raise MeetingRefused(_l("This meeting's time has passed: say whether it took place instead."))
    if not future and not started:
        raise MeetingRefused(_l("This meeting is still to come."))


def change_meeting(session: Session, membership: Membership, meeting: PairMeeting, data: MeetingInput) -> bool:
    """Change a planned future meeting. Returns whether anything changed (then the partner is mailed the
    update, same UID, the next SEQUENCE)."""
    _active(membership)
    _planned(meeting, future=True)
    problems = _future_problems(session, membership, data)
    if problems:
        raise FieldProblems(problems, _l("Please check the meeting."))
    before = _told(meeting)
    _apply(meeting, data)
    if _told(meeting) == before:
        return False
    _bump(session, meeting, membership)
    enqueue_after_commit(session, send_meeting_mail, meeting.id, queue="default")
    return True


def _bump(session: Session, meeting: PairMeeting, membership: Membership) -> None:
    """The next version of the meeting, by the viewer (a conditional UPDATE: two changes at once do not
    become one version)."""
    sequence = meeting.sequence
    changed = matched_rows(session, sa.update(PairMeeting)
                           .where(PairMeeting.id == meeting.id, PairMeeting.sequence == sequence)
                           .values(sequence=sequence + 1)
                           .execution_options(synchronize_session=False))
    if changed != 1:
        raise MeetingRefused(_l("Your partner changed this meeting meanwhile. Please look again."))
    meeting.sequence = sequence + 1
    meeting.planned_by_participation_id = membership.participation_id
    meeting.updated_at = now()
    session.flush()


def cancel_meeting(session: Session, membership: Membership, meeting: PairMeeting) -> None:
    """Call off a planned future meeting; the partner is mailed the cancellation (METHOD:CANCEL)."""
    _active(membership)
    _planned(meeting, future=True)
    meeting.status = MeetingStatus.CANCELLED
    _bump(session, meeting, membership)
    enqueue_after_commit(session, send_meeting_mail, meeting.id, queue="default")


def mark_not_held(session: Session, membership: Membership, meeting: PairMeeting) -> None:
    """A past planned meeting did not take place (calendars show it cancelled; nobody is mailed)."""
    _active(membership)
    _planned(meeting, future=False)
    meeting.status = MeetingStatus.NOT_HELD
    _bump(session, meeting, membership)
    meeting.partner_mailed_sequence = max(meeting.partner_mailed_sequence, meeting.sequence)
    session.flush()


def _log(session: Session, membership: Membership, meeting: PairMeeting, data: HeldInput) -> None:
    _apply(meeting, data.meeting)
    meeting.status = MeetingStatus.HELD
    meeting.topic_ids = sorted(set(data.topic_ids))
    meeting.summary = (data.summary or "").strip() or None
    meeting.logged_by_participation_id = membership.participation_id
    meeting.logged_at = meeting.updated_at = now()
    session.flush()
    if data.private_note and data.private_note.strip():
        save_note(session, membership, meeting, data.private_note)


def log_unplanned(session: Session, membership: Membership, data: HeldInput) -> PairMeeting:
    """A meeting held that was not planned here: logged at once (nobody is mailed)."""
    _active(membership)
    problems = _past_problems(session, membership, data.meeting) | _held_problems(data)
    if problems:
        raise FieldProblems(problems, _l("Please check the meeting."))
    meeting = PairMeeting(pair_id=membership.pair.id, uid=_uid(), sequence=0, status=MeetingStatus.HELD,
                          planned_by_participation_id=None, partner_mailed_sequence=0, created_at=now())
    session.add(meeting)
    _log(session, membership, meeting, data)
    return meeting


def log_planned(session: Session, membership: Membership, meeting: PairMeeting, data: HeldInput) -> None:
    """A planned meeting took place: logged as held (its time may be corrected; never in the future)."""
    _active(membership)
    _planned(meeting, future=False)
    problems = _past_problems(session, membership, data.meeting) | _held_problems(data)
    if problems:
        raise FieldProblems(problems, _l("Please check the meeting."))
    sequence = meeting.sequence
    claimed = matched_rows(session, sa.update(PairMeeting)
                           .where(PairMeeting.id == meeting.id, PairMeeting.status == MeetingStatus.PLANNED,
                                  PairMeeting.sequence == sequence)
                           .values(status=MeetingStatus.HELD)
                           .execution_options(synchronize_session=False))
    if claimed != 1:
        raise MeetingRefused(_l("Your partner changed this meeting meanwhile. Please look again."))
    _log(session, membership, meeting, data)


def save_note(session: Session, membership: Membership, meeting: PairMeeting, text: str | None) -> bool:
    """The viewer's private note on the meeting: created, replaced, or removed when empty. Returns whether
    a note remains."""
    text = (text or "").strip()
    if len(text) > MAX_NOTE:
        raise FieldProblem("text", _l("At most %(max)d characters.", max=MAX_NOTE))
    note = session.scalar(sa.select(MeetingNote).where(
        MeetingNote.meeting_id == meeting.id, MeetingNote.author_participation_id == membership.participation_id))
    if not text:
        if note is not None:
            session.delete(note)
            session.flush()
        return False
    if note is None:
        note = MeetingNote(meeting_id=meeting.id, author_participation_id=membership.participation_id, text=text)
        session.add(note)
    note.text = text
    note.updated_at = now()
    session.flush()
    return True


def check_in(session: Session, membership: Membership, meeting: PairMeeting, usefulness: int,
             comment: str | None) -> PairCheckIn:
    """The viewer's answer to "how useful was it?" after a held meeting: once."""
    if meeting.status != MeetingStatus.HELD:
        raise MeetingRefused(_l("You can check in once the meeting is logged as held."))
    if usefulness not in (1, 2, 3, 4):
        raise FieldProblem("usefulness", _l("Choose how useful it was."))
    comment = (comment or "").strip() or None
    if comment and len(comment) > MAX_COMMENT:
        raise FieldProblem("comment", _l("At most %(max)d characters.", max=MAX_COMMENT))
    existing = session.scalar(sa.select(PairCheckIn.id).where(
        PairCheckIn.meeting_id == meeting.id, PairCheckIn.participation_id == membership.participation_id))
    if existing is not None:
        raise MeetingRefused(_l("You have already checked in on this meeting."))
    answer = PairCheckIn(meeting_id=meeting.id, pair_id=meeting.pair_id,
                         participation_id=membership.participation_id, usefulness=usefulness, comment=comment,
                         created_at=now())
    session.add(answer)
    session.flush()
    return answer
