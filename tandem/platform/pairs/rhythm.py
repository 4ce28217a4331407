"""The meeting rhythm of a pair and its health, as pure functions of a pair's facts and today's date.

One source for the nudge job (which step is due), the pair's own page (what is due next), the board's pair
health and the organisation admins' flags. No database, no Flask: the callers read the facts (in a fixed
number of queries for any number of pairs) and today's date from the one clock.

- A pair starts on the later of its publication and the cohort's kick-off.
- Its next meeting is due `max_weeks` (the cohort's "every 3 to 4 weeks": 4) after its last meeting held,
  or after its start when none was held yet.
- A meeting planned for today or later means the pair is on it: no step is due.
- Steps, by days past the due date: 0 a reminder to both, `second_reminder_days` a second reminder,
  `flag_days` a flag to the board and both organisations' admins. Only the furthest step reached is taken (a
  pair found 30 days overdue is flagged, not reminded three times at once); each step once per due date.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, timedelta
from enum import StrEnum

from tandem.platform.pairs.models import NudgeStep

LOW_CHECK_IN_AVERAGE = 2.5  # on the scale 1 (not useful) to 4 (very useful)
LOW_CHECK_IN_MINIMUM = 2    # answers needed before an average counts as low


@dataclass(frozen=True)
class Rhythm:
    """The club's and the cohort's settings of the rhythm."""

    min_weeks: int
    max_weeks: int
    second_reminder_days: int
    flag_days: int

    @property
    def mean_days(self) -> float:
        return (self.min_weeks + self.max_weeks) * 7 / 2


@dataclass(frozen=True)
class PairFacts:
    """What the rhythm and the flags need to know of one pair (no texts)."""

    pair_id: int
    activated_on: date | None
    kickoff_on: date | None
    closing_on: date | None
    last_held_on: date | None
    next_planned_on: date | None  # the first planned meeting today or later
    held_count: int = 0
    check_in_count: int = 0
    check_in_total: int = 0
    lowest_recent_check_in: int | None = None  # the lowest of the last meeting's check-ins
    partner_withdrew: bool = False
    help_open: bool = False
    rematch_open: bool = False
    ended: bool = False


class Flag(StrEnum):
    SILENT = "silent"            # PAIR_FLAG_DAYS past the due date: flagged to the board and the admins
    OVERDUE = "overdue"          # past the due date, no meeting planned
    LOW_CHECK_INS = "low_check_ins"
    PARTNER_WITHDREW = "partner_withdrew"
    HELP_ASKED = "help_asked"    # the mentor asked the board for help (the board's view only)
    REMATCH_ASKED = "rematch_asked"


FLAG_ORDER = tuple(Flag)


def started_on(facts: PairFacts) -> date | None:
    days = [day for day in (facts.activated_on, facts.kickoff_on) if day is not None]
    return max(days) if days else None


def due_on(facts: PairFacts, rhythm: Rhythm) -> date | None:
    """The date by which the pair's next meeting is due (None: the pair has not started, or has ended)."""
    if facts.ended:
        return None
    base = facts.last_held_on or started_on(facts)
    if base is None:
        return None
    return base + timedelta(weeks=rhythm.max_weeks)


def days_overdue(facts: PairFacts, rhythm: Rhythm, today: date) -> int | None:
    """Days past the due date with no meeting planned (None: not due, on it, or not in the rhythm)."""
    due = due_on(facts, rhythm)
    if due is None or today < due:
        return None
    if facts.next_planned_on is not None and facts.next_planned_on >= today:
        return None
    if facts.closing_on is not None and due > facts.closing_on:
        return None  # the programme is over before the next meeting would be due
    return (today - due).days


def step_due(facts: PairFacts, rhythm: Rhythm, today: date) -> NudgeStep | None:
    """The furthest step of the rhythm the pair has reached today, if any."""
    overdue = days_overdue(facts, rhythm, today)
    if overdue is None:
        return None
    if overdue >= rhythm.flag_days:
        return NudgeStep.FLAG
    if overdue >= rhythm.second_reminder_days:
        return NudgeStep.SECOND_REMINDER
    return NudgeStep.REMINDER


def expected_by(facts: PairFacts, rhythm: Rhythm, today: date) -> int:
    """Meetings a pair keeping the cohort's mean rhythm would have held by today (up to closing)."""
    start = started_on(facts)
    if start is None:
        return 0
    end = min(today, facts.closing_on) if facts.closing_on is not None else today
    if end <= start:
        return 0
    return int((end - start).days // rhythm.mean_days)


def check_in_average(facts: PairFacts) -> float | None:
    if facts.check_in_count == 0:
        return None
    return facts.check_in_total / facts.check_in_count


def flags(facts: PairFacts, rhythm: Rhythm, today: date) -> tuple[Flag, ...]:
    """The pair's flags, in a fixed order. The board sees them all; organisations' admins all but HELP_ASKED
    (the mentor's message is to the board)."""
    found: set[Flag] = set()
    overdue = days_overdue(facts, rhythm, today)
    if overdue is not None:
        found.add(Flag.SILENT if overdue >= rhythm.flag_days else Flag.OVERDUE)
    average = check_in_average(facts)
    if (average is not None and facts.check_in_count >= LOW_CHECK_IN_MINIMUM and average < LOW_CHECK_IN_AVERAGE) \
            or facts.lowest_recent_check_in == 1:
        found.add(Flag.LOW_CHECK_INS)
    if facts.partner_withdrew:
        found.add(Flag.PARTNER_WITHDREW)
    if facts.help_open:
        found.add(Flag.HELP_ASKED)
    if facts.rematch_open:
        found.add(Flag.REMATCH_ASKED)
    return tuple(flag for flag in FLAG_ORDER if flag in found)
