"""The participant area's jobs: thin shells that open their scope and call the job's body."""

from __future__ import annotations

from datetime import date

from tandem.platform.database import db_session, utcnow
from tandem.platform.participant.reminders import send_profile_reminders
from tandem.workers.job import club_job


@club_job
def remind_incomplete_profiles(today: str | None = None) -> int:
    """Queue one reminder per participation and due step. `today` (ISO date) is for tests; returns how many."""
    day = date.fromisoformat(today) if today else utcnow().date()
    return send_profile_reminders(db_session(), day)
