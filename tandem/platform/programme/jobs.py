"""The programme's jobs: thin shells that open the club scope and call the job's body in mailing.py."""

from __future__ import annotations

from datetime import datetime

from tandem.platform.clock import now
from tandem.platform.database import db_session
from tandem.platform.programme.mailing import lagging_event_ids, mail_invitees, remind_invitees
from tandem.workers.job import club_job
from tandem.workers.queues import get_queues


@club_job
def send_event_mails(event_id: int) -> int:
    """Tell the event's invitees of its current version (invitation, update or cancellation), once each."""
    return mail_invitees(db_session(), event_id)


@club_job
def remind_upcoming_events(moment: str | None = None) -> int:
    """The reminders before events (periodic). `moment` (ISO, with offset) is for tests; returns how many."""
    return remind_invitees(db_session(), datetime.fromisoformat(moment) if moment else now())


@club_job
def sweep_event_mails() -> int:
    """Enqueue the mails of events whose invitees were not all told (a lost enqueue, a killed worker)."""
    session = db_session()
    ids = lagging_event_ids(session)
    session.commit()
    queues = get_queues()
    for event_id in ids:
        queues.enqueue(send_event_mails, event_id, queue="default")
    return len(ids)
