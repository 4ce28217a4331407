"""Which of the story's mails is due for a pair (reminders.due_step, pure): the invitation once, the reminder a
week later, the last call in the week before the symposium, nothing once the story is confirmed by both."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta

from tandem.platform.showcase.models import ReminderStep
from tandem.platform.showcase.stories.reminders import due_step

INVITED = datetime(2027, 8, 25, 8, tzinfo=UTC)
SYMPOSIUM = date(2027, 9, 16)


def step(sent: dict, days_after: float, confirmed: bool = False, symposium: date | None = SYMPOSIUM):
    moment = INVITED + timedelta(days=days_after)
    return due_step(sent, confirmed, moment, moment.date(), symposium)


def test_the_invitation_comes_first_whatever_the_story():
    assert step({}, 0) == ReminderStep.INVITATION
    assert step({}, 0, confirmed=True) == ReminderStep.INVITATION


def test_the_reminder_a_week_after_the_invitation_unless_confirmed_by_both():
    sent = {ReminderStep.INVITATION: INVITED}
    assert step(sent, 6.9) is None
    assert step(sent, 7) == ReminderStep.REMINDER
    assert step(sent, 7, confirmed=True) is None
    assert step({**sent, ReminderStep.REMINDER: INVITED + timedelta(days=7)}, 8) is None


def test_the_last_call_in_the_week_before_the_symposium_replaces_the_reminder():
    sent = {ReminderStep.INVITATION: INVITED, ReminderStep.REMINDER: INVITED + timedelta(days=7)}
    assert step(sent, 14) is None  # 2027-09-08: eight days before
    assert step(sent, 15) == ReminderStep.LAST_CALL  # 2027-09-09: seven days before
    assert step({ReminderStep.INVITATION: INVITED}, 15) == ReminderStep.LAST_CALL  # the reminder is not sent then
    assert step({**sent, ReminderStep.LAST_CALL: INVITED + timedelta(days=15)}, 16) is None
    assert step(sent, 15, confirmed=True) is None
    assert step(sent, 22) is None  # the symposium's day: too late
    assert step({ReminderStep.INVITATION: INVITED}, 30) is None  # after the symposium, not even the reminder


def test_no_mail_follows_the_invitation_within_two_days():
    late = {ReminderStep.INVITATION: datetime(2027, 9, 13, 8, tzinfo=UTC)}  # three days before the symposium
    moment = datetime(2027, 9, 14, 8, tzinfo=UTC)
    assert due_step(late, False, moment, moment.date(), SYMPOSIUM) is None
    moment = datetime(2027, 9, 15, 8, tzinfo=UTC)
    assert due_step(late, False, moment, moment.date(), SYMPOSIUM) == ReminderStep.LAST_CALL


def test_without_a_symposium_date_only_the_reminder():
    sent = {ReminderStep.INVITATION: INVITED}
    assert step(sent, 7, symposium=None) == ReminderStep.REMINDER
    assert step({**sent, ReminderStep.REMINDER: INVITED}, 30, symposium=None) is None
