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
# A failed attempt is tried again by the sweep after this long (the sweep itself runs every minute).
RETRY_AFTER = timedelta(minutes=5)


def _lease() -> timedelta:
    """How long a claim holds (OUTBOX_CLAIM_LEASE_SECONDS): a claim older than this was a worker that died."""
    return timedelta(seconds=current_app.config["TANDEM"].outbox_claim_lease_seconds)


def _claimable(now: datetime) -> sa.ColumnElement[bool]:
    """Pending, or claimed by a worker that died before finishing (its lease ran out)."""
    return sa.or_(
        OutboxMessage.status == OutboxStatus.PENDING,
        sa.and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < now - _lease()),
    )


def send_message(session: Session, message_id: int) -> str:
    """Claim, send and mark one message. Returns what happened; safe to run any number of times.

    The claim is one conditional UPDATE, so two workers never both send. The send is cut off at half the
    lease (OUTBOX_CLAIM_LEASE_SECONDS), so no live worker still sends once its claim may be taken over, and
    `sent` is committed the moment the SMTP server has accepted the message (before QUIT). Only a worker
    killed in between (milliseconds) leaves a claim that expires after the lease; the sweep's retry then
    sends again with the same Message-ID, so receiving servers can drop the duplicate.
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

    def mark_sent() -> None:  # called by deliver as soon as the server has accepted the message
        message.status = OutboxStatus.SENT
        message.sent_at = utcnow()
        message.last_error = None
        session.commit()

    try:
        deliver(settings.smtp_url, settings.mail_from, message,
                deadline=settings.outbox_claim_lease_seconds / 2, accepted=mark_sent)
    except MailTransportError as error:
        message.last_error = str(error)[:2000]
        message.status = OutboxStatus.FAILED if message.attempts >= MAX_ATTEMPTS else OutboxStatus.PENDING
        session.commit()
        raise
    return "sent"


def pending_message_ids(session: Session, older_than: timedelta = timedelta(minutes=1)) -> list[int]:
    """Messages a sweep should (re)enqueue: pending for a while (never tried: its job was lost; tried and
    failed: RETRY_AFTER after the attempt), or stuck in `sending` with an expired claim."""
    now = utcnow()
    return list(
        session.scalars(
            sa.select(OutboxMessage.id)
            .where(sa.or_(
                sa.and_(OutboxMessage.status == OutboxStatus.PENDING,
                        OutboxMessage.created_at < now - older_than,
                        sa.or_(OutboxMessage.attempts == 0, OutboxMessage.claimed_at.is_(None),
                               OutboxMessage.claimed_at < now - RETRY_AFTER)),
                sa.and_(OutboxMessage.status == OutboxStatus.SENDING, OutboxMessage.claimed_at < now - _lease()),
            ))
            .order_by(OutboxMessage.id)
        )
    )
