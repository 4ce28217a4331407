"""The story's jobs: thin shells around their body in reminders.py.

- `invite_story_writers(cohort_id)`: enqueued after the board began closing the cohort (cohorts/views.py);
- `remind_story_writers()`: hourly, on RQ's scheduler (tandem/workers/schedule.py).
"""

from __future__ import annotations

from datetime import datetime

from tandem.platform.clock import now
from tandem.platform.database import db_session
from tandem.platform.showcase.stories.reminders import remind_story_writers as run_reminders
from tandem.workers.job import club_job


def _moment(moment: str | None) -> datetime:
    return datetime.fromisoformat(moment) if moment else now()


@club_job
def invite_story_writers(cohort_id: int, moment: str | None = None) -> dict[str, int]:
    """Invite the pairs of a cohort that has begun closing to write their story (and send any step due).
    `moment` (ISO, with offset) is for tests; returns what was done."""
    return run_reminders(db_session(), _moment(moment), cohort_id=cohort_id).as_dict()


@club_job
def remind_story_writers(moment: str | None = None) -> dict[str, int]:
    """The story's steps due for every closing cohort: the invitation, the reminder a week later, the last call
    a week before the symposium. `moment` (ISO, with offset) is for tests; returns what was done."""
    return run_reminders(db_session(), _moment(moment)).as_dict()
