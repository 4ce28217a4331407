"""How long a message can be in doubt, and what happens after the SMTP server has accepted it.

A message is claimed (status `sending`) for OUTBOX_CLAIM_LEASE_SECONDS; a send that outlives half of it is cut
off, so a live worker never still holds a message that another has taken over. Once the server has accepted
the message it is marked `sent` at once, before the goodbye (QUIT): what goes wrong after acceptance is no
reason to send it again.
"""

from __future__ import annotations

import socket
import threading
import time
from collections.abc import Iterator
from dataclasses import replace
from datetime import timedelta

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller
from flask import Flask

from tandem.platform.config import load_config
from tandem.platform.database import utcnow
from tandem.platform.mail.jobs import flush_outbox, send_outbox_message
from tandem.platform.mail.models import OutboxMessage, OutboxStatus
from tandem.platform.mail.smtp import MailTransportError
from tandem.platform.tenancy import club_scope
from tandem.workers.schedule import PERIODIC_JOBS
from tests.fixtures.smtp import Mailbox, _free_port


def _message(db, tag: str, **fields) -> OutboxMessage:
    message = OutboxMessage(message_id=f"<{tag}@test>", recipient=f"{tag}@b.example", language="en",
                            kind="test", subject=tag.title(), body_text="x", **fields)
    db.add(message)
    db.flush()
    return message


def _stored(db, message_id: int) -> OutboxMessage:
    db.expire_all()
    message = db.get(OutboxMessage, message_id)
    assert message is not None
    return message


class _GrumpyAtGoodbye(Mailbox):
    """Accepts the message, then answers QUIT with an error (a server shutting down, a proxy cutting in)."""

    async def handle_QUIT(self, server, session, envelope):  # noqa: ANN001, N802 - aiosmtpd's hook
        return "421 4.3.0 Service shutting down"


@pytest.fixture()
def grumpy_server() -> Iterator[Mailbox]:
    mailbox = _GrumpyAtGoodbye(host="127.0.0.1", port=_free_port())
    controller = Controller(mailbox, hostname=mailbox.host, port=mailbox.port)
    controller.start()
    try:
        yield mailbox
    finally:
        controller.stop()


class _Stalling:
    """A server that never finishes its greeting: one continuation line ("220-") every 0.2 s, for `seconds`."""

    def __init__(self, seconds: float) -> None:
        self.listener = socket.socket()
        self.listener.bind(("127.0.0.1", 0))
        self.listener.listen(1)
        self.port = self.listener.getsockname()[1]
        self.seconds = seconds
        self.thread = threading.Thread(target=self._serve, daemon=True)

    def _serve(self) -> None:
        try:
            connection, _ = self.listener.accept()
        except OSError:
            return
        with connection:
            deadline = time.monotonic() + self.seconds
            try:
                while time.monotonic() < deadline:
                    connection.sendall(b"220-still thinking\r\n")
                    time.sleep(0.2)
                connection.sendall(b"220 ready\r\n")
                time.sleep(0.5)
            except OSError:
                return

    def __enter__(self) -> _Stalling:
        self.thread.start()
        return self

    def __exit__(self, *_exc: object) -> None:
        self.listener.close()
        self.thread.join(timeout=self.seconds + 2)


@pytest.fixture()
def configured(app: Flask, app_context) -> Iterator:
    """Change the suite app's settings for one test, and put them back."""
    original = app.config["TANDEM"]

    def _configure(**changes) -> None:
        app.config["TANDEM"] = replace(original, **changes)

    try:
        yield _configure
    finally:
        app.config["TANDEM"] = original


def test_an_error_after_the_server_accepted_the_message_does_not_send_it_again(configured, db, grumpy_server):
    configured(smtp_url=grumpy_server.url)
    with club_scope(db):
        message = _message(db, "accepted")
        db.commit()
        assert send_outbox_message(message.id) == "sent"
        stored = _stored(db, message.id)
        assert (stored.status, stored.attempts, stored.last_error) == (OutboxStatus.SENT, 1, None)
        assert send_outbox_message(message.id) == "skipped"
    assert len(grumpy_server.wait_for(2, timeout=1.0)) == 1


def test_a_send_is_cut_off_at_half_the_lease_so_no_live_worker_outlasts_its_claim(configured, db):
    with _Stalling(seconds=6) as stalling:
        configured(smtp_url=f"smtp://127.0.0.1:{stalling.port}", outbox_claim_lease_seconds=2)
        with club_scope(db):
            message = _message(db, "stalled")
            db.commit()
            started = time.monotonic()
            with pytest.raises(MailTransportError, match="1 s"):
                send_outbox_message(message.id)
            elapsed = time.monotonic() - started
            stored = _stored(db, message.id)
    assert elapsed < 2, f"the send took {elapsed:.1f} s, longer than the claim's lease"
    assert stored.status == OutboxStatus.PENDING and stored.attempts == 1


def test_the_lease_is_a_setting_of_two_minutes_and_an_expired_claim_is_swept(configured, db, smtp_server,
                                                                              run_jobs):
    assert load_config({"TANDEM_ENV": "test"}).outbox_claim_lease_seconds == 120
    assert load_config({"TANDEM_ENV": "test", "OUTBOX_CLAIM_LEASE_SECONDS": "45"}).outbox_claim_lease_seconds == 45
    configured(smtp_url=smtp_server.url)
    with club_scope(db):
        long_ago = utcnow() - timedelta(minutes=4)
        _message(db, "dead", status=OutboxStatus.SENDING, attempts=1, created_at=long_ago,
                 claimed_at=utcnow() - timedelta(seconds=150))
        _message(db, "busy", status=OutboxStatus.SENDING, attempts=1, created_at=long_ago,
                 claimed_at=utcnow() - timedelta(seconds=60))
        db.commit()
    assert flush_outbox() == 1
    run_jobs()
    assert [m["Subject"] for m in smtp_server.wait_for(2, timeout=1.0)] == ["Dead"]


def test_the_sweep_runs_every_minute_and_a_failed_attempt_waits_five_minutes(configured, db, smtp_server,
                                                                             run_jobs):
    assert [job.every_seconds for job in PERIODIC_JOBS if job.func is flush_outbox] == [60]
    configured(smtp_url=smtp_server.url)
    with club_scope(db):
        long_ago = utcnow() - timedelta(minutes=30)
        _message(db, "lost", created_at=utcnow() - timedelta(minutes=2))  # its job was lost: never tried
        _message(db, "failed-lately", attempts=1, created_at=long_ago, claimed_at=utcnow() - timedelta(minutes=2))
        _message(db, "failed-long-ago", attempts=1, created_at=long_ago,
                 claimed_at=utcnow() - timedelta(minutes=6))
        db.commit()
    assert flush_outbox() == 2
    run_jobs()
    assert sorted(m["Subject"] for m in smtp_server.wait_for(3, timeout=1.0)) == ["Failed-Long-Ago", "Lost"]
    with club_scope(db):
        lately = db.scalar(sa.select(OutboxMessage).where(OutboxMessage.message_id == "<failed-lately@test>"))
        assert lately is not None and lately.status == OutboxStatus.PENDING
