"""Calendar files (RFC 5545) for programme events, built with `icalendar`: one event as an attachment or a
download, and a person's feed of every event they are invited to.

Times are written in the club's time zone with its VTIMEZONE (so that calendar programs show the right hour
on both sides of a daylight-saving change); each event has its stable UID, its SEQUENCE, a DTSTAMP, its
LOCATION and a URL to its page. Pure: plain values in, bytes out.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import datetime
from zoneinfo import ZoneInfo

from icalendar import Calendar, Event

PRODID = "-//Tandem//Programme//EN"


@dataclass(frozen=True)
class CalendarEntry:
    """What a calendar program needs of one event, in one language."""

    uid: str
    sequence: int
    title: str
    description: str
    starts_at: datetime  # timezone-aware
    ends_at: datetime
    location: str
    url: str
    cancelled: bool = False
    updated_at: datetime | None = None


def _event(entry: CalendarEntry, zone: ZoneInfo, stamp: datetime) -> Event:
    event = Event()
    event.add("uid", entry.uid)
    event.add("sequence", entry.sequence)
    event.add("dtstamp", stamp)
    if entry.updated_at is not None:
        event.add("last-modified", entry.updated_at)
    event.add("dtstart", entry.starts_at.astimezone(zone))
    event.add("dtend", entry.ends_at.astimezone(zone))
    event.add("summary", entry.title)
    if entry.description:
        event.add("description", entry.description)
    if entry.location:
        event.add("location", entry.location)
    if entry.url:
        event.add("url", entry.url)
    event.add("status", "CANCELLED" if entry.cancelled else "CONFIRMED")
    event.add("transp", "OPAQUE")
    return event


def calendar_file(entries: Iterable[CalendarEntry], *, zone: ZoneInfo, stamp: datetime,
                  method: str | None = None, name: str | None = None) -> bytes:
    """A VCALENDAR with the entries; `method` REQUEST or CANCEL for mail attachments (RFC 5546), None for
    downloads and feeds."""
    calendar = Calendar()
    calendar.add("prodid", PRODID)
    calendar.add("version", "2.0")
    calendar.add("calscale", "GREGORIAN")
    if method:
        calendar.add("method", method)
    if name:
        calendar.add("x-wr-calname", name)
        calendar.add("name", name)
    for entry in entries:
        calendar.add_component(_event(entry, zone, stamp))
    calendar.add_missing_timezones()
    return calendar.to_ical()


def location_of(parts: Sequence[str | None]) -> str:
    """The LOCATION text: venue, room and address (or the online link), the parts that are given."""
    return ", ".join(part.strip() for part in parts if part and part.strip())
