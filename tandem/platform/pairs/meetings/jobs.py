"""The meetings' jobs: thin shells that open the club scope and call the job's body in mailing.py."""

from __future__ import annotations

from tandem.platform.database import db_session
from tandem.platform.pairs.meetings.mailing import lagging_meeting_ids, mail_partner
from tandem.workers.job import club_job
from tandem.workers.queues import get_queues


@club_job
def send_meeting_mail(meeting_id: int) -> int:
    """Tell the partner of whoever planned, changed or cancelled the meeting its current version, once."""
    return mail_partner(db_session(), meeting_id)


@club_job
def sweep_meeting_mails() -> int:
    """Enqueue the mails of meetings whose partner was not told their latest version (a lost enqueue, a
    killed worker)."""
    session = db_session()
    ids = lagging_meeting_ids(session)
    session.commit()
    queues = get_queues()
    for meeting_id in ids:
        queues.enqueue(send_meeting_mail, meeting_id, queue="default")
    return len(ids)
