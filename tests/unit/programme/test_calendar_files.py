"""Calendar files (RFC 5545), read back with icalendar: the club's hour on both sides of a daylight-saving
change, the properties calendar programs need, text that survives escaping, METHOD only for mail, and a
cancelled entry marked as such."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest
from icalendar import Calendar

from tandem.platform.programme.calendar_files import CalendarEntry, calendar_file, location_of

ZURICH = ZoneInfo("Europe/Zurich")
STAMP = datetime(2026, 9, 1, 12, 0, tzinfo=UTC)


def entry(uid: str = "event-1@tandem.test", starts: datetime | None = None, **fields: object) -> CalendarEntry:
    starts = starts or datetime(2026, 10, 25, 10, 0, tzinfo=ZURICH)
    values: dict[str, object] = dict(uid=uid, sequence=0, title="Kick-off", description="Welcome",
                                     starts_at=starts, ends_at=starts + timedelta(hours=2),
                                     location="Alpha Bank, Room 1", url="https://tandem.test/me/events/1")
    values.update(fields)
    return CalendarEntry(**values)  # type: ignore[arg-type]


def parse(data: bytes) -> Calendar:
    assert isinstance(data, bytes)
    return Calendar.from_ical(data)


def events_of(calendar: Calendar) -> list:
    return list(calendar.walk("VEVENT"))


def test_the_club_hour_is_kept_on_both_sides_of_a_daylight_saving_change():
    """10:00 in Zurich is 09:00 UTC on the last Sunday of October (winter time from 03:00 that night) and
    08:00 UTC on the last Sunday of March (summer time from 02:00)."""
    autumn = entry("autumn@tandem.test", datetime(2026, 10, 25, 10, 0, tzinfo=ZURICH))
    spring = entry("spring@tandem.test", datetime(2026, 3, 29, 10, 0, tzinfo=ZURICH))
    calendar = parse(calendar_file([autumn, spring], zone=ZURICH, stamp=STAMP))
    starts = {str(event["uid"]): event.decoded("dtstart") for event in events_of(calendar)}
    assert starts["autumn@tandem.test"].astimezone(UTC) == datetime(2026, 10, 25, 9, 0, tzinfo=UTC)
    assert starts["spring@tandem.test"].astimezone(UTC) == datetime(2026, 3, 29, 8, 0, tzinfo=UTC)
    # Written as the local hour with its zone, not converted to UTC.
    for event in events_of(calendar):
        assert event["dtstart"].params["TZID"] == "Europe/Zurich"
        assert event["dtend"].params["TZID"] == "Europe/Zurich"
        assert event.decoded("dtstart").hour == 10

    # The VTIMEZONE in the file alone (no zone database on the reader's side) gives the same instants.
    zones = list(calendar.walk("VTIMEZONE"))
    assert [str(zone["tzid"]) for zone in zones] == ["Europe/Zurich"]
    embedded = zones[0].to_tz()
    assert datetime(2026, 10, 25, 10, 0, tzinfo=embedded).astimezone(UTC).hour == 9
    assert datetime(2026, 3, 29, 10, 0, tzinfo=embedded).astimezone(UTC).hour == 8


def test_every_event_has_the_properties_calendar_programs_need():
    data = calendar_file([entry("a@tandem.test", sequence=3), entry("b@tandem.test")], zone=ZURICH,
                         stamp=STAMP)
    calendar = parse(data)
    assert str(calendar["version"]) == "2.0"
    assert str(calendar["prodid"])
    events = events_of(calendar)
    assert [str(event["uid"]) for event in events] == ["a@tandem.test", "b@tandem.test"]
    for event in events:
        for name in ("UID", "DTSTAMP", "SEQUENCE", "DTSTART", "DTEND", "SUMMARY"):
            assert name in event, name
        assert event.decoded("dtstamp") == STAMP
        assert event["dtstart"].params["TZID"] == "Europe/Zurich"
    assert [int(event["sequence"]) for event in events] == [3, 0]
    assert list(calendar.walk("VTIMEZONE")), "a VTIMEZONE for the TZID the events use"
    # Lines end with CRLF, as RFC 5545 requires.
    assert b"\r\n" in data and data.count(b"\n") == data.count(b"\r\n")


TRICKY = "Semi; colon, comma \\ backslash\nsecond line <b>bold</b> & \"quotes\" <script>alert(1)</script>"


def test_text_with_separators_backslashes_newlines_and_markup_round_trips_exactly():
    written = entry(title=TRICKY, description=TRICKY + "\n\nhttps://tandem.test/me/events/1",
                    location="Room 1; Floor 2, Tower \\ B")
    data = calendar_file([written], zone=ZURICH, stamp=STAMP, name="Club; Calendar, Name")
    # Escaped on the wire: no raw newline inside a value, separators escaped.
    assert b"Semi\\; colon\\, comma \\\\ backslash\\nsecond line" in data.replace(b"\r\n ", b"")
    event = events_of(parse(data))[0]
    assert str(event["summary"]) == TRICKY
    assert str(event["description"]) == TRICKY + "\n\nhttps://tandem.test/me/events/1"
    assert str(event["location"]) == "Room 1; Floor 2, Tower \\ B"
    assert str(parse(data)["x-wr-calname"]) == "Club; Calendar, Name"


def test_long_text_is_folded_and_unfolds_to_the_same_text():
    long_title = "Ä" * 150 + " end"
    data = calendar_file([entry(title=long_title)], zone=ZURICH, stamp=STAMP)
    assert max(len(line) for line in data.split(b"\r\n")) <= 75
    assert str(events_of(parse(data))[0]["summary"]) == long_title


@pytest.mark.parametrize("method", ["REQUEST", "CANCEL"])
def test_method_is_set_only_when_asked(method):
    with_method = parse(calendar_file([entry()], zone=ZURICH, stamp=STAMP, method=method))
    assert str(with_method["method"]) == method
    without = parse(calendar_file([entry()], zone=ZURICH, stamp=STAMP))
    assert "METHOD" not in without
    assert b"METHOD" not in calendar_file([entry()], zone=ZURICH, stamp=STAMP)


def test_a_cancelled_entry_is_marked_cancelled_and_others_confirmed():
    data = calendar_file([entry("gone@tandem.test", cancelled=True, sequence=2), entry("on@tandem.test")],
                         zone=ZURICH, stamp=STAMP, method="CANCEL")
    statuses = {str(event["uid"]): str(event["status"]) for event in events_of(parse(data))}
    assert statuses == {"gone@tandem.test": "CANCELLED", "on@tandem.test": "CONFIRMED"}


def test_an_empty_feed_is_a_valid_calendar():
    calendar = parse(calendar_file([], zone=ZURICH, stamp=STAMP, name="Tandem"))
    assert events_of(calendar) == []
    assert str(calendar["version"]) == "2.0"


def test_optional_parts_are_left_out_when_empty():
    event = events_of(parse(calendar_file([entry(description="", location="", url="")], zone=ZURICH,
                                          stamp=STAMP)))[0]
    for name in ("DESCRIPTION", "LOCATION", "URL"):
        assert name not in event


def test_location_joins_the_given_parts():
    assert location_of(["Alpha Bank", None, "  ", " Room 4 ", "Bahnhofstrasse 1, Zürich"]) == \
        "Alpha Bank, Room 4, Bahnhofstrasse 1, Zürich"
    assert location_of([None, ""]) == ""
