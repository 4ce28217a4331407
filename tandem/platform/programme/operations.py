"""What changes the programme: events (create, change, publish, cancel, the dated ones from the cohort's
dates), invitations and answers. Flush, never commit; mails are sent by the area's jobs after commit.

The kick-off, the closing and the symposium are the cohort's dates: once such an event exists it is the one
source of the date, and the cohort's `kickoff_on`/`closing_on`/`symposium_on` (and `symposium_venue`) are
written here only, in the same transaction, for the lifecycle and the pages that read them.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, time, timedelta
from urllib.parse import urlsplit

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.clock import club_zone, now
from tandem.platform.cohorts.models import Cohort, CohortState
from tandem.platform.database import as_utc, matched_rows
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.programme.jobs import send_event_mails
from tandem.platform.programme.mailing import queue_place_free
from tandem.platform.programme.models import (
    DATED_KINDS,
    MAX_DESCRIPTION,
    MAX_TITLE,
    MAX_URL,
    MAX_VENUE,
    Answer,
    Audience,
    EventInvitation,
    EventKind,
    EventStatus,
    ProgrammeEvent,
)
from tandem.platform.programme.queries import audience_people
from tandem.platform.programme.wording import has_started
from tandem.platform.refusals import FieldProblem, FieldProblems, OperationRefused
from tandem.platform.tenancy import club_scope
from tandem.workers.queues import enqueue_after_commit

# How far before the kick-off and after the last date of a cohort its events may lie.
SPAN_BEFORE = timedelta(weeks=16)
SPAN_AFTER = timedelta(weeks=8)
ENDED_STATES = (CohortState.ARCHIVED,)
ANSWERABLE = (Answer.YES, Answer.NO, Answer.MAYBE)


class EventRefused(OperationRefused):
    """The change to the event is not possible now; the message says why."""


@dataclass(frozen=True)
class EventInput:
    """An event as the board enters it; times are timezone-aware."""

    kind: str
    titles: dict[str, str]
    starts_at: datetime
    ends_at: datetime
    descriptions: dict[str, str] = field(default_factory=dict)
    venue_name: str | None = None
    venue_address: str | None = None
    venue_room: str | None = None
    host_organisation_id: int | None = None
    online_url: str | None = None
    audience: tuple[str, ...] = (Audience.MENTORS, Audience.MENTEES)
    capacity: int | None = None


# ------------------------------------------------------------------------------------------------ checks


def cohort_span(cohort: Cohort) -> tuple[date, date] | None:
    """The dates between which the cohort's events may lie (None while the cohort has no dates)."""
    dates = [d for d in (cohort.nomination_deadline, cohort.kickoff_on, cohort.closing_on, cohort.symposium_on)
             if d is not None]
    if not dates:
        return None
    first = min(cohort.kickoff_on or min(dates), min(dates))
    return first - SPAN_BEFORE, max(dates) + SPAN_AFTER


def _clean_text(value: str | None, limit: int) -> str | None:
    text = (value or "").strip()
    return text[:limit] if text else None


def _check(cohort: Cohort, data: EventInput, event: ProgrammeEvent | None) -> dict[str, object]:
    """Problems with the input, by form field (empty when it is fine)."""
    problems: dict[str, object] = {}
    if data.kind not in tuple(EventKind):
        problems["kind"] = _l("Choose the kind of event.")
    titles = {lang: text.strip() for lang, text in data.titles.items() if text and text.strip()}
    if not titles:
        first = cohort.languages[0] if cohort.languages else "en"
        problems[f"title_{first}"] = _l("Give the event a title in at least one language.")
    for lang, text in titles.items():
        if len(text) > MAX_TITLE:
            problems[f"title_{lang}"] = _l("At most %(max)d characters.", max=MAX_TITLE)
    for lang, text in data.descriptions.items():
        if text and len(text) > MAX_DESCRIPTION:
            problems[f"description_{lang}"] = _l("At most %(max)d characters.", max=MAX_DESCRIPTION)
    if data.starts_at.tzinfo is None or data.ends_at.tzinfo is None:
        raise ValueError("event times must be timezone-aware")
    if data.ends_at <= data.starts_at:
        problems["ends_at"] = _l("The end must be after the start.")
    span = cohort_span(cohort)
    if span is not None:
        zone = club_zone()
        start_day = data.starts_at.astimezone(zone).date()
        if not span[0] <= start_day <= span[1]:
            problems["starts_at"] = _l("Choose a date between %(first)s and %(last)s, the span of this cohort.",
                                       first=span[0].isoformat(), last=span[1].isoformat())
    if data.online_url:
        parts = urlsplit(data.online_url.strip())
        if parts.scheme not in ("http", "https") or not parts.netloc or len(data.online_url) > MAX_URL:
            problems["online_url"] = _l("Give a web address starting with https:// (or http://).")
    if not data.audience or any(a not in tuple(Audience) for a in data.audience):
        problems["audience"] = _l("Choose who is invited.")
    if data.capacity is not None and not 1 <= data.capacity <= 100_000:
        problems["capacity"] = _l("Give a number of places from 1 to 100,000, or leave it empty.")
    if data.kind in DATED_KINDS and not problems:
        problems.update(_dated_kind_problems(cohort, data, event))
    return problems


def _dated_kind_problems(cohort: Cohort, data: EventInput, event: ProgrammeEvent | None) -> dict[str, object]:
    """A kick-off, closing or symposium sets the cohort's date: the dates must stay in order."""
    day = data.starts_at.astimezone(club_zone()).date()
    dates = {"kickoff_on": cohort.kickoff_on, "closing_on": cohort.closing_on, "symposium_on": cohort.symposium_on}
    dates[DATED_KINDS[EventKind(data.kind)]] = day
    kickoff, closing, symposium = dates["kickoff_on"], dates["closing_on"], dates["symposium_on"]
    if kickoff and closing and not kickoff < closing:
        return {"starts_at": _l("The kick-off must come before the closing.")}
    if closing and symposium and not closing <= symposium:
        return {"starts_at": _l("The symposium cannot come before the closing.")}
    if cohort.nomination_deadline and kickoff and cohort.nomination_deadline > kickoff:
        return {"starts_at": _l("The kick-off cannot come before the nomination deadline.")}
    return {}


def _apply(event: ProgrammeEvent, data: EventInput) -> None:
    event.kind = data.kind
    event.titles = {lang: text.strip() for lang, text in data.titles.items() if text and text.strip()}
    event.descriptions = {lang: text.strip() for lang, text in data.descriptions.items() if text and text.strip()}
    # Stored in UTC: SQLite keeps a timestamp's digits and drops its offset.
    event.starts_at = data.starts_at.astimezone(UTC)
    event.ends_at = data.ends_at.astimezone(UTC)
    event.venue_name = _clean_text(data.venue_name, MAX_VENUE)
    event.venue_address = _clean_text(data.venue_address, MAX_VENUE)
    event.venue_room = _clean_text(data.venue_room, MAX_VENUE)
    event.host_organisation_id = data.host_organisation_id
    event.online_url = _clean_text(data.online_url, MAX_URL)
    event.audience = [a for a in tuple(Audience) if a in data.audience]
    event.capacity = data.capacity


def _sync_cohort_date(cohort: Cohort, event: ProgrammeEvent) -> None:
    if event.kind not in DATED_KINDS or event.status == EventStatus.CANCELLED:
        return
    setattr(cohort, DATED_KINDS[EventKind(event.kind)], as_utc(event.starts_at).astimezone(club_zone()).date())
    if event.kind == EventKind.SYMPOSIUM:
        cohort.symposium_venue = event.venue_name


def owned_dates(session: Session, cohort_id: int) -> set[str]:
    """The cohort's date fields that an event sets (kickoff_on, closing_on, symposium_on)."""
    with club_scope(session):
        kinds = session.scalars(sa.select(ProgrammeEvent.kind).where(
            ProgrammeEvent.cohort_id == cohort_id, ProgrammeEvent.kind.in_(list(DATED_KINDS)),
            ProgrammeEvent.status != EventStatus.CANCELLED)).all()
    return {DATED_KINDS[EventKind(kind)] for kind in kinds}


def _one_of_its_kind(session: Session, cohort: Cohort, kind: str) -> None:
    """A cohort has one kick-off, one closing and one symposium (the database refuses a second one too)."""
    if kind in DATED_KINDS and DATED_KINDS[EventKind(kind)] in owned_dates(session, cohort.id):
        raise FieldProblem("kind", _l("The cohort has this event already: change that one instead."))


# -------------------------------------------------------------------------------------------- the events


def _editable(cohort: Cohort) -> None:
    if cohort.state in ENDED_STATES:
        raise EventRefused(_l("The programme of an archived cohort can no longer be changed."))


def create_event(session: Session, cohort: Cohort, data: EventInput, actor_user_id: int | None) -> ProgrammeEvent:
    """A new event of the cohort, as a draft (nobody is told until the board publishes it)."""
    _editable(cohort)
    problems = _check(cohort, data, None)
    if problems:
        raise FieldProblems(problems, _l("Please check the event."))
    _one_of_its_kind(session, cohort, data.kind)
    domain = current_app.config["TANDEM"].base_url.split("//")[-1].split("/")[0].split(":")[0] or "tandem"
    event = ProgrammeEvent(uid=f"{uuid.uuid4()}@{domain}", cohort_id=cohort.id, status=EventStatus.DRAFT,
                           sequence=0, created_at=now(), updated_at=now())
    _apply(event, data)
    with club_scope(session):
        session.add(event)
        session.flush()
        _sync_cohort_date(cohort, event)
        audit.record(session, "programme.event_created", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="programme_event", target_id=event.id,
                     details={"cohort_id": cohort.id, "kind": event.kind})
    return event


# What invitees are told of when it changes (a new SEQUENCE of the calendar entry).
TOLD_FIELDS = ("starts_at", "ends_at", "venue_name", "venue_address", "venue_room", "online_url", "titles")


def update_event(session: Session, event: ProgrammeEvent, data: EventInput, actor_user_id: int | None) -> bool:
    """Change the event. When it is published and its time, place or title changes, its SEQUENCE grows and
    every invitee is mailed the update (once). Returns whether invitees will be told."""
    cohort = event.cohort
    _editable(cohort)
    if event.status == EventStatus.CANCELLED:
        raise EventRefused(_l("A cancelled event cannot be changed."))
    if data.kind != event.kind and (event.kind in DATED_KINDS or data.kind in DATED_KINDS) \
            and event.status != EventStatus.DRAFT:
        raise FieldProblem("kind", _l("A published kick-off, closing or symposium keeps its kind."))
    problems = _check(cohort, data, event)
    if problems:
        raise FieldProblems(problems, _l("Please check the event."))
    if data.kind != event.kind:
        _one_of_its_kind(session, cohort, data.kind)
    before = {name: getattr(event, name) for name in TOLD_FIELDS}
    before["starts_at"], before["ends_at"] = as_utc(event.starts_at), as_utc(event.ends_at)
    _apply(event, data)
    after = {name: getattr(event, name) for name in TOLD_FIELDS}
    after["starts_at"], after["ends_at"] = as_utc(event.starts_at), as_utc(event.ends_at)
    told = event.status == EventStatus.PUBLISHED and before != after
    with club_scope(session):
        event.updated_at = now()
        if told:
            event.sequence += 1
        _sync_cohort_date(cohort, event)
        if event.status == EventStatus.PUBLISHED:
            sync_invitations(session, event)
            _fill_free_places(session, event)  # more places (or none limited): the waiting move up
        session.flush()
        audit.record(session, "programme.event_changed", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="programme_event", target_id=event.id,
                     details={"told": told, "sequence": event.sequence})
    if event.status == EventStatus.PUBLISHED:
        # the update (when told) and the invitation of anyone the audience now adds: each only once
        enqueue_after_commit(session, send_event_mails, event.id, queue="default")
    return told


def publish_event(session: Session, event: ProgrammeEvent, actor_user_id: int | None) -> int:
    """Invite the audience: each invitee is mailed once, with the event as a calendar file. Returns how many
    people are invited."""
    _editable(event.cohort)
    if event.status != EventStatus.DRAFT:
        raise EventRefused(_l("This event is already published or cancelled."))
    with club_scope(session):
        changed = matched_rows(session, (
            sa.update(ProgrammeEvent)
            .where(ProgrammeEvent.id == event.id, ProgrammeEvent.status == EventStatus.DRAFT)
            .values(status=EventStatus.PUBLISHED, published_at=now(), updated_at=now())
            .execution_options(synchronize_session=False)))
        if changed != 1:
            raise EventRefused(_l("Someone else published or changed the event meanwhile. Please look again."))
        session.refresh(event)
        count = sync_invitations(session, event)
        audit.record(session, "programme.event_published", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="programme_event", target_id=event.id, details={"invited": count})
    enqueue_after_commit(session, send_event_mails, event.id, queue="default")
    return count


def cancel_event(session: Session, event: ProgrammeEvent, actor_user_id: int | None) -> bool:
    """Cancel the event: invitees who were told of it are mailed the cancellation. A draft is simply
    removed. Returns whether anyone will be told."""
    _editable(event.cohort)
    if event.status == EventStatus.CANCELLED:
        raise EventRefused(_l("This event is already cancelled."))
    with club_scope(session):
        if event.status == EventStatus.DRAFT:
            audit.record(session, "programme.event_deleted", actor_user_id=actor_user_id, organisation_id=None,
                         target_type="programme_event", target_id=event.id, details={"kind": event.kind})
            session.delete(event)
            session.flush()
            return False
        event.status = EventStatus.CANCELLED
        event.cancelled_at = now()
        event.updated_at = now()
        event.sequence += 1
        session.flush()
        audit.record(session, "programme.event_cancelled", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="programme_event", target_id=event.id)
    enqueue_after_commit(session, send_event_mails, event.id, queue="default")
    return True


DEFAULT_HOURS = {EventKind.KICKOFF: (time(17, 0), time(20, 0)), EventKind.CLOSING: (time(17, 0), time(20, 0)),
                 EventKind.SYMPOSIUM: (time(14, 0), time(18, 0))}
DEFAULT_TITLES = {
    EventKind.KICKOFF: {"de": "Kick-off", "fr": "Lancement", "it": "Evento di lancio", "en": "Kick-off"},
    EventKind.CLOSING: {"de": "Abschluss", "fr": "Clôture", "it": "Chiusura", "en": "Closing"},
    EventKind.SYMPOSIUM: {"de": "Symposium", "fr": "Symposium", "it": "Simposio", "en": "Symposium"},
}


def create_dated_events(session: Session, cohort: Cohort, actor_user_id: int | None) -> list[ProgrammeEvent]:
    """The kick-off, closing and symposium from the cohort's dates, as drafts (one click for the board):
    those the cohort has a date for and no event yet. Returns the new events."""
    _editable(cohort)
    existing = owned_dates(session, cohort.id)
    zone = club_zone()
    created = []
    for kind, column in DATED_KINDS.items():
        day = getattr(cohort, column)
        if day is None or column in existing:
            continue
        start, end = DEFAULT_HOURS[kind]
        titles = {lang: DEFAULT_TITLES[kind].get(lang, DEFAULT_TITLES[kind]["en"]) for lang in cohort.languages}
        data = EventInput(kind=kind, titles=titles, starts_at=datetime.combine(day, start, zone),
                          ends_at=datetime.combine(day, end, zone),
                          venue_name=cohort.symposium_venue if kind == EventKind.SYMPOSIUM else None,
                          audience=(Audience.MENTORS, Audience.MENTEES, Audience.ORG_ADMINS, Audience.BOARD)
                          if kind == EventKind.SYMPOSIUM else (Audience.MENTORS, Audience.MENTEES))
        created.append(create_event(session, cohort, data, actor_user_id))
    if not created:
        raise EventRefused(_l("The kick-off, closing and symposium that the cohort has dates for exist already."))
    return created


# ------------------------------------------------------------------------------------------ invitations




def sync_invitations(session: Session, event: ProgrammeEvent) -> int:
    """Invite whoever the audience now names and who is not invited yet; people no longer in it who were
    never mailed are dropped (those already told stay invited). Returns the number of invitees."""
    with club_scope(session):
        wanted = audience_people(session, event)
        existing = {row.user_id: row for row in session.scalars(
            sa.select(EventInvitation).where(EventInvitation.event_id == event.id))}
        for user_id, (organisation_id, invited_as) in wanted.items():
            if user_id not in existing:
                session.add(EventInvitation(event_id=event.id, user_id=user_id, organisation_id=organisation_id,
                                            invited_as=invited_as, answer=Answer.NONE, mailed_sequence=-1,
                                            created_at=now()))
        for user_id, row in existing.items():
            if user_id not in wanted and row.mailed_sequence < 0:
                session.delete(row)
        session.flush()
        return len(wanted) + sum(1 for u, r in existing.items() if u not in wanted and r.mailed_sequence >= 0)


def refresh_cohort_invitations(session: Session, cohort_id: int) -> None:
    """After the cohort's people change (pairs published, a person withdrew), its published upcoming events
    invite whoever their audience now names. New invitees are mailed by the area's job."""
    with club_scope(session):
        events = session.scalars(sa.select(ProgrammeEvent).where(
            ProgrammeEvent.cohort_id == cohort_id, ProgrammeEvent.status == EventStatus.PUBLISHED,
            ProgrammeEvent.ends_at > now())).all()
        for event in events:
            sync_invitations(session, event)
            enqueue_after_commit(session, send_event_mails, event.id, queue="default")


@dataclass(frozen=True)
class AnswerResult:
    answer: str
    promoted_user_id: int | None = None  # someone who moved up from the waiting list


def answer_invitation(session: Session, invitation: EventInvitation, wanted: str) -> AnswerResult:
    """The invitee answers yes, no or maybe (and may change it until the event starts). When the event is
    full, a yes goes on the waiting list; a place that frees moves the first on the list up (they are
    mailed). Call in the invitee's own scope; the event's places are counted in club scope."""
    if wanted not in ANSWERABLE:
        raise FieldProblem("answer", _l("Choose yes, no or maybe."))
    event = invitation.event
    if event.status != EventStatus.PUBLISHED:
        raise EventRefused(_l("This event is not open for answers."))
    if has_started(event):
        raise EventRefused(_l("This event has started: answers are closed."))
    with club_scope(session):
        # One answer at a time per event: on PostgreSQL the event row is locked until commit.
        session.execute(sa.select(ProgrammeEvent.id).where(ProgrammeEvent.id == event.id).with_for_update())
        before = invitation.answer
        result_answer = wanted
        if wanted == Answer.YES and before != Answer.YES and event.capacity is not None \
                and _places_taken(session, event) >= event.capacity:
            result_answer = Answer.WAITING
        if result_answer == before:
            return AnswerResult(answer=before)  # a waiting yes said again keeps its place in the list
        invitation.answer = result_answer
        invitation.answered_at = now()
        session.flush()
        promoted = None
        if before == Answer.YES and result_answer != Answer.YES:
            promoted = next(iter(_fill_free_places(session, event)), None)
        audit.record(session, "programme.answered", actor_user_id=invitation.user_id,
                     organisation_id=invitation.organisation_id, target_type="programme_event",
                     target_id=event.id, details={"answer": result_answer})
    return AnswerResult(answer=result_answer, promoted_user_id=promoted)


def _places_taken(session: Session, event: ProgrammeEvent) -> int:
    return session.scalar(sa.select(sa.func.count(EventInvitation.id)).where(
        EventInvitation.event_id == event.id, EventInvitation.answer == Answer.YES)) or 0


def _fill_free_places(session: Session, event: ProgrammeEvent) -> list[int]:
    """While the event has a free place (one freed, more places, no limit any more), the first on the
    waiting list takes it. Returns who moved up, in order."""
    promoted: list[int] = []
    while event.capacity is None or _places_taken(session, event) < event.capacity:
        user_id = _move_up(session, event)
        if user_id is None:
            break
        promoted.append(user_id)
    return promoted


def _move_up(session: Session, event: ProgrammeEvent) -> int | None:
    """The first on the waiting list takes the free place and is told by mail."""
    first = session.scalars(sa.select(EventInvitation).where(
        EventInvitation.event_id == event.id, EventInvitation.answer == Answer.WAITING)
        .order_by(EventInvitation.answered_at, EventInvitation.id).limit(1)).first()
    if first is None:
        return None
    first.answer = Answer.YES
    session.flush()
    queue_place_free(session, first)
    return first.user_id
