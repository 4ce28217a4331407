"""The jobs. Each takes ids and plain values, never ORM objects, and may run more than once safely."""

from __future__ import annotations

from tandem.platform.database import db_session
from tandem.workers.job import club_job


@club_job
def send_outbox_message(message_id: int) -> str:
    """Send one outbox message (club scope: the outbox is infrastructure, not tenant data)."""
    from tandem.workers.outbox import send_message

    return send_message(db_session(), message_id)


@club_job
def flush_outbox() -> int:
    """Re-enqueue messages left pending (a lost enqueue, a failed attempt). Returns how many."""
    from tandem.workers.outbox import pending_message_ids
    from tandem.workers.queues import get_queues

    session = db_session()
    ids = pending_message_ids(session)
    session.commit()  # end the read before the sends start (in-process they run right here)
    queues = get_queues()
    for message_id in ids:
        queues.enqueue(send_outbox_message, message_id, queue="high")
    return len(ids)


@club_job
def run_matching(run_id: int, attempt: int) -> str:
    """Run one attempt of a matching run (club scope: matching crosses organisations)."""
    from tandem.platform.workbench.runs import execute_run

    return execute_run(db_session(), run_id, attempt)
