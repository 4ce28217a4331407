"""The mail jobs: send one message, sweep the ones left pending. Each takes ids and may run twice."""

from __future__ import annotations

from tandem.platform.database import db_session
from tandem.platform.mail.delivery import pending_message_ids, send_message
from tandem.workers.job import club_job
from tandem.workers.queues import get_queues


@club_job
def send_outbox_message(message_id: int) -> str:
    """Send one outbox message (club scope: the outbox is infrastructure, not tenant data)."""
    return send_message(db_session(), message_id)


@club_job
def flush_outbox() -> int:
    """Re-enqueue messages left pending (a lost enqueue, a failed attempt). Returns how many."""
    session = db_session()
    ids = pending_message_ids(session)
    session.commit()  # end the read before the sends start (in-process they run right here)
    queues = get_queues()
    for message_id in ids:
        queues.enqueue(send_outbox_message, message_id, queue="high")
    return len(ids)
