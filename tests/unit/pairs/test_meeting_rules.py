"""The meetings' pure rules: web links only, the cohort's last day for planning, the calendar entry of a
meeting (UTC stored, club time zone shown; cancelled and not-held meetings as STATUS:CANCELLED)."""

from __future__ import annotations

from datetime import UTC, date, datetime
from types import SimpleNamespace

import pytest
from icalendar import Calendar

from tandem.platform.pairs.meetings.calendar import calendar_entry, ends_at, where_text
from tandem.platform.pairs.meetings.operations import AFTER_CLOSING, _is_web_link, last_day
from tandem.platform.pairs.models import PairMeeting
from tandem.platform.programme.calendar_files import calendar_file


@pytest.mark.parametrize(("url", "fine"), [
    ("https://meet.example.org/abc", True),
    ("http://meet.example.org", True),
    ("javascript:alert(1)", False),
    ("ftp://files.example.org/x", False),
    ("https://", False),
    ("meet.example.org", False),
    ("https://meet.example.org/a b", False),
    ("https://[::1", False),
])
def test_only_http_and_https_links_with_a_host_are_accepted(url, fine):
    assert _is_web_link(url) is fine


def test_the_last_day_is_the_symposium_or_thirty_days_after_the_closing_whichever_is_later():
    cohort = SimpleNamespace(symposium_on=date(2027, 9, 16), closing_on=date(2027, 8, 30))
    assert last_day(cohort) == date(2027, 8, 30) + AFTER_CLOSING  # type: ignore[arg-type]
    cohort = SimpleNamespace(symposium_on=date(2027, 12, 1), closing_on=date(2027, 8, 30))
    assert last_day(cohort) == date(2027, 12, 1)  # type: ignore[arg-type]


def meeting(**changes) -> PairMeeting:
    values = dict(id=7, pair_id=3, uid="abc@tandem.test", sequence=2, status="planned",
                  starts_at=datetime(2027, 3, 10, 17, 0), duration_minutes=45, format="online",
                  place=None, online_url="https://meet.example.org/x", updated_at=datetime(2027, 3, 1, 8, 0))
    values.update(changes)
    return PairMeeting(**values)


def test_a_meeting_stored_naive_in_utc_is_written_in_the_club_time_zone(app):
    with app.app_context():
        found = meeting()
        assert ends_at(found) == datetime(2027, 3, 10, 17, 45, tzinfo=UTC)
        assert where_text(found) == "https://meet.example.org/x"
        assert where_text(meeting(format="in_person", place="Odeon", online_url=None)) == "Odeon"
        content = calendar_file([calendar_entry(found, "en", "Bernard Favre")], zone=app_zone(app),
                                stamp=datetime(2027, 3, 1, tzinfo=UTC))
        [vevent] = Calendar.from_ical(content).walk("VEVENT")
        assert (str(vevent["uid"]), int(vevent["sequence"]), str(vevent["status"])) == \
            ("abc@tandem.test", 2, "CONFIRMED")
        assert vevent["dtstart"].params["TZID"] == "Europe/Zurich"
        assert vevent.decoded("dtstart").astimezone(UTC) == datetime(2027, 3, 10, 17, 0, tzinfo=UTC)
        assert str(vevent["summary"]) == "Tandem meeting with Bernard Favre"
        assert "/me/pairs/3/meetings/7" in str(vevent["url"])
        for status in ("cancelled", "not_held"):
            assert calendar_entry(meeting(status=status), "en", None).cancelled


def app_zone(app):
    from tandem.platform.clock import club_zone
    return club_zone()
