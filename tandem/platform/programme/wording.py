"""An event in words, in one language: its title, when (in the club's time zone) and where; and its calendar
entry. Shared by the pages, the mails and the calendar files."""

from __future__ import annotations

from datetime import datetime

from babel.dates import format_date, format_datetime, format_time, get_timezone_name
from flask import current_app

from tandem.platform.clock import club_zone, now
from tandem.platform.database import as_utc
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.programme.calendar_files import CalendarEntry, location_of
from tandem.platform.programme.models import EventKind, EventStatus, ProgrammeEvent

KIND_LABELS = {
    EventKind.KICKOFF: _l("Kick-off"),
    EventKind.TRAINING: _l("Training for the mentors"),
    EventKind.WORKSHOP: _l("Workshop"),
    EventKind.CLOSING: _l("Closing"),
    EventKind.SYMPOSIUM: _l("Symposium"),
    EventKind.OTHER: _l("Other"),
}


def language_of(texts: dict[str, str], language: str, preferred: list[str] | None = None) -> str:
    """The language `in_language` answers in: `language` when there is a text in it, else the first of
    `preferred` that has one, else English, German, French, Italian, else any; `language` when none has one.
    A page marks a text in another language than its own with it (`lang="..."`)."""
    if texts.get(language):
        return language
    for other in (preferred or []) + ["en", "de", "fr", "it"]:
        if texts.get(other):
            return other
    return next((code for code, text in texts.items() if text), language)


def in_language(texts: dict[str, str], language: str, preferred: list[str] | None = None) -> str:
    """The text in `language`, else in the first of `preferred` that has one, else any."""
    return texts.get(language_of(texts, language, preferred)) or next(iter(texts.values()), "")


def title_of(event: ProgrammeEvent, language: str) -> str:
    return in_language(event.titles, language, list(event.cohort.languages))


def title_language(event: ProgrammeEvent, language: str) -> str:
    """The language `title_of` answers in (for `lang` on the title when it is not the page's)."""
    return language_of(event.titles, language, list(event.cohort.languages))


def description_of(event: ProgrammeEvent, language: str) -> str:
    return in_language(event.descriptions or {}, language, list(event.cohort.languages))


def local(moment: datetime) -> datetime:
    return as_utc(moment).astimezone(club_zone())


def when_text(event: ProgrammeEvent, language: str) -> str:
    """E.g. "Sunday, 25 October 2026, 10:00 – 12:00" in the club's time zone (both days when it spans two)."""
    start, end = local(event.starts_at), local(event.ends_at)
    if start.date() == end.date():
        return (f"{format_date(start.date(), format='full', locale=language)}, "
                f"{format_time(start, format='short', locale=language)} – "
                f"{format_time(end, format='short', locale=language)}")
    return (f"{format_datetime(start, format='medium', locale=language, tzinfo=club_zone())} – "
            f"{format_datetime(end, format='medium', locale=language, tzinfo=club_zone())}")


def where_text(event: ProgrammeEvent) -> str:
    """Venue, room and address; or the online link."""
    place = location_of([event.venue_name, event.venue_room, event.venue_address])
    if place and event.online_url:
        return f"{place} / {event.online_url}"
    return place or (event.online_url or "")


def event_url(event: ProgrammeEvent) -> str:
    return current_app.config["TANDEM"].base_url.rstrip("/") + f"/me/events/{event.id}"


def calendar_entry(event: ProgrammeEvent, language: str) -> CalendarEntry:
    description = description_of(event, language)
    url = event_url(event)
    return CalendarEntry(uid=event.uid, sequence=event.sequence, title=title_of(event, language),
                         description=(description + "\n\n" + url).strip(), starts_at=as_utc(event.starts_at),
                         ends_at=as_utc(event.ends_at), location=where_text(event), url=url,
                         cancelled=event.status == EventStatus.CANCELLED,
                         updated_at=as_utc(event.updated_at))

def has_started(event: ProgrammeEvent) -> bool:
    return as_utc(event.starts_at) <= now()


def is_past(event: ProgrammeEvent) -> bool:
    return as_utc(event.ends_at) <= now()


def open_for_answers(event: ProgrammeEvent) -> bool:
    return event.status == EventStatus.PUBLISHED and not has_started(event)


def event_words(event: ProgrammeEvent, language: str) -> dict[str, str]:
    """The event's title, description, time (with the club's time zone named) and place, in `language`."""
    zone = club_zone()
    preferred = list(event.cohort.languages)
    return {"title": title_of(event, language), "description": description_of(event, language),
            "title_lang": title_language(event, language),
            "description_lang": language_of(event.descriptions or {}, language, preferred),
            "when": when_text(event, language),
            "zone": f"{get_timezone_name(local(event.starts_at), width='long', locale=language)} ({zone.key})",
            "where": where_text(event), "kind": str(KIND_LABELS.get(EventKind(event.kind), event.kind)),
            "iso": as_utc(event.starts_at).isoformat()}
