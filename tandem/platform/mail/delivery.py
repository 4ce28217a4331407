"""Sending one outbox message exactly once (at least once after a crash), and finding the ones to
send again."""

from __future__ import annotations

import logging
from datetime import datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from tandem.platform.database import matched_rows, utcnow
from tandem.platform.mail.models import OutboxMessage, OutboxStatus
from tandem.platform.mail.smtp import MailTransportError, deliver

log = logging.getLogger(__name__)

MAX_ATTEMPTS = 5
CLAIM_LEASE = timedelta(minutes=10)


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    """Pending, or claimed by a worker that died before finishing (its lease ran out)."""
    return sa.or_(
        OutboxMessage.status == OutboxStatus.PENDING,
        sa.and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < now - CLAIM_LEASE),
    )


def send_message(session: Session, message_id: int) -> str:
    """Claim, send and mark one message. Returns what happened; safe to run any number of times.

    The claim is one conditional UPDATE, so two workers never both send. A worker killed after sending
    and before marking leaves the claim to expire after CLAIM_LEASE; the retry then sends again with the
    same Message-ID, so receiving servers can drop the duplicate.
    """
    settings = current_app.config["TANDEM"]
    now = utcnow()
    claimed = matched_rows(
        session,
        sa.update(OutboxMessage)
        .where(OutboxMessage.id == message_id, _claimable(now))
        .values(status=OutboxStatus.SENDING, claimed_at=now, attempts=OutboxMessage.attempts + 1)
        .execution_options(synchronize_session=False),
    )
    session.commit()
    if not claimed:
        return "skipped"
    message = session.get(OutboxMessage, message_id, populate_existing=True)
    assert message is not None
    if not settings.smtp_url:
        if settings.is_demo or settings.is_test:
            message.status = OutboxStatus.KEPT
            message.sent_at = utcnow()
            session.commit()
            return "kept"
        message.status = OutboxStatus.PENDING
        message.last_error = "SMTP_URL is not set"
        session.commit()
        log.warning("outbox message %s stays pending: SMTP_URL is not set", message_id)
        return "pending"
    try:
        deliver(settings.smtp_url, settings.mail_from, message)
    except MailTransportError as error:
        message.last_error = str(error)[:2000]
        message.status = OutboxStatus.FAILED if message.attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING
        session.commit()
        raise
    message.status = OutboxStatus.SENT
    message.sent_at = utcnow()
    message.last_error = None
    session.commit()
    return "sent"


def pending_message_ids(session: Session, older_than: timedelta = timedelta(minutes=1)) -> list[int]:
    """Messages a sweep should (re)enqueue: pending for a while, or stuck with an expired claim."""
    now = utcnow()
    return list(
        session.scalars(
            sa.select(OutboxMessage.id)
            .where(_claimable(now), OutboxMessage.created_at < now - older_than)
            .order_by(OutboxMessage.id)
        )
    )
