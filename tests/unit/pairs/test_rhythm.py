"""The meeting rhythm as pure rules (tandem/platform/pairs/rhythm.py): the start, the due date, the steps of
the nudges by days overdue, the meetings expected by a date, the check-in average and the flags."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

import pytest

from tandem.platform.pairs.models import NudgeStep
from tandem.platform.pairs.rhythm import (
    FLAG_ORDER,
    Flag,
    PairFacts,
    Rhythm,
    check_in_average,
    days_overdue,
    due_on,
    expected_by,
    flags,
    started_on,
    step_due,
)

RHYTHM = Rhythm(min_weeks=3, max_weeks=4, second_reminder_days=14, flag_days=28)
KICKOFF = date(2027, 3, 1)
CLOSING = date(2027, 8, 30)


def facts(**changes: object) -> PairFacts:
    base = PairFacts(pair_id=1, activated_on=date(2027, 2, 20), kickoff_on=KICKOFF, closing_on=CLOSING,
                     last_held_on=None, next_planned_on=None)
    return replace(base, **changes)  # type: ignore[arg-type]


# ---------------------------------------------------------------------------------------------- start, due


def test_a_pair_starts_on_the_later_of_its_publication_and_the_kickoff():
    assert started_on(facts()) == KICKOFF
    assert started_on(facts(activated_on=date(2027, 3, 10))) == date(2027, 3, 10)
    assert started_on(facts(kickoff_on=None)) == date(2027, 2, 20)
    assert started_on(facts(activated_on=None, kickoff_on=None)) is None


def test_the_next_meeting_is_due_max_weeks_after_the_start_or_the_last_meeting_held():
    assert due_on(facts(), RHYTHM) == KICKOFF + timedelta(weeks=4) == date(2027, 3, 29)
    assert due_on(facts(last_held_on=date(2027, 4, 10)), RHYTHM) == date(2027, 5, 8)
    assert due_on(facts(), replace(RHYTHM, max_weeks=6)) == KICKOFF + timedelta(weeks=6)


def test_an_ended_or_unstarted_pair_has_nothing_due():
    assert due_on(facts(ended=True), RHYTHM) is None
    assert due_on(facts(activated_on=None, kickoff_on=None), RHYTHM) is None
    assert days_overdue(facts(ended=True), RHYTHM, date(2027, 6, 1)) is None
    assert step_due(facts(ended=True), RHYTHM, date(2027, 6, 1)) is None


# ---------------------------------------------------------------------------------------------- overdue, steps


def test_days_overdue_count_from_the_due_date():
    due = date(2027, 3, 29)
    assert days_overdue(facts(), RHYTHM, due - timedelta(days=1)) is None
    assert days_overdue(facts(), RHYTHM, due) == 0
    assert days_overdue(facts(), RHYTHM, due + timedelta(days=9)) == 9


def test_a_meeting_planned_for_today_or_later_means_the_pair_is_on_it():
    late = date(2027, 4, 20)
    assert days_overdue(facts(next_planned_on=late), RHYTHM, late) is None
    assert days_overdue(facts(next_planned_on=late + timedelta(days=3)), RHYTHM, late) is None
    assert days_overdue(facts(next_planned_on=late - timedelta(days=1)), RHYTHM, late) == 22


def test_nothing_is_due_when_the_programme_closes_before_the_due_date():
    last = CLOSING - timedelta(weeks=2)
    assert days_overdue(facts(last_held_on=last), RHYTHM, CLOSING + timedelta(days=30)) is None
    assert step_due(facts(last_held_on=last), RHYTHM, CLOSING + timedelta(days=30)) is None


@pytest.mark.parametrize(("days", "step"), [
    (-1, None), (0, NudgeStep.REMINDER), (13, NudgeStep.REMINDER), (14, NudgeStep.SECOND_REMINDER),
    (27, NudgeStep.SECOND_REMINDER), (28, NudgeStep.FLAG), (90, NudgeStep.FLAG),
])
def test_the_furthest_step_reached_is_the_one_due(days, step):
    assert step_due(facts(), RHYTHM, date(2027, 3, 29) + timedelta(days=days)) == step


def test_the_steps_follow_the_club_settings():
    rhythm = replace(RHYTHM, second_reminder_days=7, flag_days=10)
    due = date(2027, 3, 29)
    assert step_due(facts(), rhythm, due + timedelta(days=7)) == NudgeStep.SECOND_REMINDER
    assert step_due(facts(), rhythm, due + timedelta(days=10)) == NudgeStep.FLAG


# ---------------------------------------------------------------------------------------------- expected


def test_meetings_expected_follow_the_mean_rhythm_up_to_closing():
    assert RHYTHM.mean_days == 24.5
    assert expected_by(facts(), RHYTHM, KICKOFF) == 0
    assert expected_by(facts(), RHYTHM, KICKOFF - timedelta(days=5)) == 0
    assert expected_by(facts(), RHYTHM, KICKOFF + timedelta(days=24)) == 0
    assert expected_by(facts(), RHYTHM, KICKOFF + timedelta(days=25)) == 1
    assert expected_by(facts(), RHYTHM, KICKOFF + timedelta(days=98)) == 4
    at_closing = expected_by(facts(), RHYTHM, CLOSING)
    assert at_closing == (CLOSING - KICKOFF).days // 24.5 == 7
    assert expected_by(facts(), RHYTHM, CLOSING + timedelta(days=200)) == at_closing
    assert expected_by(facts(activated_on=None, kickoff_on=None), RHYTHM, CLOSING) == 0


# ---------------------------------------------------------------------------------------------- check-ins, flags


def test_the_check_in_average():
    assert check_in_average(facts()) is None
    assert check_in_average(facts(check_in_count=4, check_in_total=11)) == 2.75


def test_a_pair_in_rhythm_has_no_flag():
    assert flags(facts(), RHYTHM, date(2027, 3, 10)) == ()


def test_overdue_then_silent():
    due = date(2027, 3, 29)
    assert flags(facts(), RHYTHM, due) == (Flag.OVERDUE,)
    assert flags(facts(), RHYTHM, due + timedelta(days=27)) == (Flag.OVERDUE,)
    assert flags(facts(), RHYTHM, due + timedelta(days=28)) == (Flag.SILENT,)
    assert flags(facts(next_planned_on=due + timedelta(days=30)), RHYTHM, due + timedelta(days=28)) == ()


def test_low_check_ins_need_enough_answers_or_a_lowest_recent_answer():
    day = date(2027, 3, 10)
    assert flags(facts(check_in_count=1, check_in_total=2), RHYTHM, day) == ()
    assert flags(facts(check_in_count=2, check_in_total=4), RHYTHM, day) == (Flag.LOW_CHECK_INS,)
    assert flags(facts(check_in_count=2, check_in_total=5), RHYTHM, day) == ()
    assert flags(facts(check_in_count=1, check_in_total=1, lowest_recent_check_in=1), RHYTHM, day) == \
        (Flag.LOW_CHECK_INS,)
    assert flags(facts(check_in_count=6, check_in_total=20, lowest_recent_check_in=2), RHYTHM, day) == ()


def test_every_flag_in_the_fixed_order():
    day = date(2027, 3, 29) + timedelta(days=40)
    everything = facts(check_in_count=3, check_in_total=4, partner_withdrew=True, help_open=True,
                       rematch_open=True)
    assert flags(everything, RHYTHM, day) == (Flag.SILENT, Flag.LOW_CHECK_INS, Flag.PARTNER_WITHDREW,
                                              Flag.HELP_ASKED, Flag.REMATCH_ASKED)
    assert tuple(Flag) == FLAG_ORDER


def test_an_ended_pair_is_not_overdue_but_keeps_its_other_flags():
    day = date(2027, 6, 1)
    assert flags(facts(ended=True, partner_withdrew=True), RHYTHM, day) == (Flag.PARTNER_WITHDREW,)
