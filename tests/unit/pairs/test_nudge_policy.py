"""The delivery decisions of the nudges, as pure functions: the weekly cap for everybody, the Monday digest."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from zoneinfo import ZoneInfo

import pytest

from tandem.platform.pairs.nudges.policy import CAP, may_mail, next_chance, weeks_between

ZURICH = ZoneInfo("Europe/Zurich")
MONDAY = datetime(2027, 4, 5, 9, 0, tzinfo=ZURICH)  # a Monday
WEDNESDAY = datetime(2027, 4, 7, 15, 0, tzinfo=ZURICH)


def test_the_first_nudge_goes_at_once_as_they_come():
    assert may_mail(None, False, WEDNESDAY, ZURICH)


@pytest.mark.parametrize(("since", "allowed"), [
    (timedelta(0), False), (timedelta(days=1), False), (CAP - timedelta(seconds=1), False), (CAP, True),
    (CAP + timedelta(hours=1), True), (timedelta(days=30), True)])
def test_the_cap_is_seven_days_to_the_second(since, allowed):
    assert may_mail(WEDNESDAY - since, False, WEDNESDAY, ZURICH) is allowed


def test_a_naive_stored_moment_is_read_as_utc():
    last = (WEDNESDAY - CAP).astimezone(UTC).replace(tzinfo=None)
    assert may_mail(last, False, WEDNESDAY, ZURICH)
    assert not may_mail(last + timedelta(minutes=1), False, WEDNESDAY, ZURICH)


@pytest.mark.parametrize("day", range(7))
def test_a_digest_goes_on_mondays_only(day):
    moment = MONDAY + timedelta(days=day)
    assert may_mail(None, True, moment, ZURICH) is (day == 0)


def test_a_monday_is_the_club_zones_monday_not_utcs():
    sunday_night_utc = datetime(2027, 4, 4, 22, 30, tzinfo=UTC)  # Monday 00:30 in Zurich (summer time)
    assert may_mail(None, True, sunday_night_utc, ZURICH)
    monday_late_utc = datetime(2027, 4, 5, 22, 30, tzinfo=UTC)  # Tuesday 00:30 in Zurich
    assert not may_mail(None, True, monday_late_utc, ZURICH)


def test_a_digest_goes_once_a_week_even_if_the_job_runs_a_little_early():
    last = MONDAY
    assert not may_mail(last, True, MONDAY + timedelta(hours=5), ZURICH)  # the same Monday again: no
    # The next Monday, a few seconds before last week's time: the digest still goes (days, not seconds).
    assert may_mail(last, True, MONDAY + CAP - timedelta(seconds=5), ZURICH)


def test_a_digest_after_a_mail_as_they_come_waits_a_whole_week():
    last_saturday = datetime(2027, 4, 3, 10, 0, tzinfo=ZURICH)  # mailed as they come, then chose the digest
    assert not may_mail(last_saturday, True, MONDAY, ZURICH)
    assert may_mail(last_saturday, True, MONDAY + CAP, ZURICH)


def test_next_chance():
    assert next_chance(None, False, WEDNESDAY, ZURICH) == date(2027, 4, 7)
    assert next_chance(WEDNESDAY - timedelta(days=2), False, WEDNESDAY, ZURICH) == date(2027, 4, 12)
    assert next_chance(None, True, WEDNESDAY, ZURICH) == date(2027, 4, 12)  # the next Monday
    assert next_chance(MONDAY, True, MONDAY, ZURICH) == date(2027, 4, 12)
    assert next_chance(None, True, MONDAY, ZURICH) == date(2027, 4, 5)


def test_weeks_between():
    assert weeks_between(date(2027, 3, 29), date(2027, 4, 12)) == 2
    assert weeks_between(date(2027, 3, 29), date(2027, 4, 11)) == 1
    assert weeks_between(date(2027, 3, 29), date(2027, 3, 1)) == 0
