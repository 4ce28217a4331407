"""The pair page's pure rules: what is due next (from the facts and the rhythm), the goals as written one a
line, and the goals suggested from the mentee's aims."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta

from tandem.platform.pairs.models import MAX_GOAL
from tandem.platform.pairs.rhythm import PairFacts, Rhythm
from tandem.platform.pairs.space.operations import parse_goals
from tandem.platform.pairs.space.queries import Due, DueNext, due_next, suggested_goals

RHYTHM = Rhythm(min_weeks=3, max_weeks=4, second_reminder_days=14, flag_days=28)
FACTS = PairFacts(pair_id=1, activated_on=date(2027, 2, 20), kickoff_on=date(2027, 3, 1),
                  closing_on=date(2027, 8, 30), last_held_on=None, next_planned_on=None)
DUE = date(2027, 3, 29)


def test_due_by_a_date_to_come_and_on_the_day():
    assert due_next(FACTS, RHYTHM, date(2027, 3, 2)) == DueNext(Due.DUE, DUE)
    assert due_next(FACTS, RHYTHM, DUE) == DueNext(Due.DUE, DUE)


def test_overdue_since_the_due_date_with_the_days():
    assert due_next(FACTS, RHYTHM, DUE + timedelta(days=5)) == DueNext(Due.OVERDUE, DUE, 5)


def test_a_planned_meeting_is_named():
    planned = replace(FACTS, next_planned_on=date(2027, 4, 2))
    assert due_next(planned, RHYTHM, DUE + timedelta(days=1)) == DueNext(Due.PLANNED, date(2027, 4, 2))


def test_after_a_meeting_held_the_next_is_due_max_weeks_later():
    held = replace(FACTS, last_held_on=date(2027, 3, 20), held_count=1)
    assert due_next(held, RHYTHM, date(2027, 3, 21)) == DueNext(Due.DUE, date(2027, 4, 17))


def test_nothing_due_before_closing_ended_and_not_started():
    late = replace(FACTS, last_held_on=date(2027, 8, 20))
    assert due_next(late, RHYTHM, date(2027, 8, 21)) == DueNext(Due.NOT_BEFORE_CLOSING, date(2027, 8, 30))
    assert due_next(replace(FACTS, ended=True), RHYTHM, DUE).kind == Due.ENDED
    assert due_next(None, RHYTHM, DUE).kind == Due.ENDED
    assert due_next(replace(FACTS, activated_on=None, kickoff_on=None), RHYTHM, DUE).kind == Due.NOT_STARTED


def test_goals_are_lines_without_the_empty_ones():
    assert parse_goals("  First goal \n\n\r\nSecond\n   \n") == ["First goal", "Second"]
    assert parse_goals("") == []


def test_goals_suggested_from_aims_written_as_lines_with_bullets():
    aims = "- Understand social media\n* Learn about hybrid work\n\n3) Lead a younger team\n• Give feedback"
    assert suggested_goals(aims) == ["Understand social media", "Learn about hybrid work", "Lead a younger team",
                                     "Give feedback"]


def test_goals_suggested_from_one_paragraph_are_its_sentences_at_most_five():
    aims = "I want to understand TikTok. How do young people learn? Feedback! Hybrid work; Teams. AI. Six."
    assert suggested_goals(aims) == ["I want to understand TikTok.", "How do young people learn?", "Feedback!",
                                     "Hybrid work;", "Teams."]


def test_suggested_goals_fit_a_goal_and_nothing_comes_of_no_aims():
    long = "word " * 200
    [goal] = suggested_goals(long)
    assert len(goal) <= MAX_GOAL and goal.endswith("\u2026")
    assert suggested_goals(None) == [] and suggested_goals("  \n ") == []
