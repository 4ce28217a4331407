"""Real RQ workers, killed with SIGKILL while they send the outbox, restarted until everything is out.

Real processes (`rq worker` with Tandem's worker class), real Redis, a real SMTP server (aiosmtpd) that counts
what it accepts by Message-ID. Some kills land at random moments; some exactly in the window the outbox
cannot close: the SMTP server has accepted a message and the worker has not yet committed `sent`. Every
message must arrive, and a message may arrive twice only if its worker died in that window, then with the
same Message-ID.

The figures (messages, kills, duplicates, the acceptance-to-commit window) are printed with `-s`; the ones
measured are in docs/deployment.md ("Mail and the outbox").
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import statistics
import subprocess
import sys
import threading
import time
from collections import Counter
from dataclasses import dataclass, field
from datetime import timedelta
from email import message_from_bytes
from pathlib import Path

import pytest
import sqlalchemy as sa
from aiosmtpd.controller import Controller

from tandem import create_app
from tandem.platform.database import utcnow
from tandem.platform.mail.jobs import flush_outbox, send_outbox_message
from tandem.platform.mail.models import OutboxMessage, OutboxStatus
from tandem.platform.migrate import upgrade
from tandem.platform.tenancy import use_club_scope
from tests.fixtures.processes import descendants
from tests.fixtures.services import config_for_tests, fresh_database
from tests.fixtures.smtp import _free_port

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.redis

MESSAGES = 40
RANDOM_KILLS = 3      # at a random moment while the worker is sending
WINDOW_KILLS = 2      # the moment the server accepts a message: before the worker can commit `sent`
LEASE_SECONDS = 2     # OUTBOX_CLAIM_LEASE_SECONDS for the test (production: 120)


@dataclass
class CountingServer:
    """aiosmtpd handler: records each accepted message with the moment; can kill a worker at that moment."""

    host: str
    port: int
    accepted: list[tuple[str, float]] = field(default_factory=list)
    # Acceptance to the worker's QUIT, which it sends only once it has committed `sent`: the window, in ms.
    windows_ms: list[float] = field(default_factory=list)
    kill_on_next: int | None = None  # a worker to SIGKILL when the next message is accepted
    killed: threading.Event = field(default_factory=threading.Event)
    lock: threading.Lock = field(default_factory=threading.Lock)

    async def handle_DATA(self, server, session, envelope):  # noqa: ANN001, N802 - aiosmtpd's hook
        message = message_from_bytes(envelope.original_content or envelope.content)
        with self.lock:
            # The server has taken the message: from here on a real server delivers it.
            self.accepted.append((message["Message-ID"], time.time()))
            session.tandem_accepted_at = time.monotonic()
            worker, self.kill_on_next = self.kill_on_next, None
        if worker is not None:
            _kill_worker(worker)  # before the 250 reaches the worker: it can never commit `sent`
            self.killed.set()
        return "250 Message accepted for delivery"

    async def handle_QUIT(self, server, session, envelope):  # noqa: ANN001, N802 - aiosmtpd's hook
        accepted_at = getattr(session, "tandem_accepted_at", None)
        if accepted_at is not None:
            with self.lock:
                self.windows_ms.append((time.monotonic() - accepted_at) * 1000)
        return "221 Bye"

    def received_ids(self) -> list[str]:
        with self.lock:
            return [message_id for message_id, _ in self.accepted]




def _kill_worker(pid: int) -> None:
    """SIGKILL the worker and its work horse at once: a pod or machine lost, an OOM kill."""
    for process in [*descendants(pid), pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process, signal.SIGKILL)


@pytest.fixture()
def counting_server():
    server = CountingServer(host="127.0.0.1", port=_free_port())
    controller = Controller(server, hostname=server.host, port=server.port)
    controller.start()
    try:
        yield server
    finally:
        controller.stop()


def _statuses(engine) -> dict[str, str]:
    with engine.connect() as connection:
        return dict(connection.execute(sa.select(OutboxMessage.message_id, OutboxMessage.status)).all())


def test_workers_killed_while_sending_lose_nothing_and_resend_only_what_the_server_had_accepted(
        redis_url, counting_server):
    rng = random.Random(os.environ.get("TANDEM_KILL_SEED") or None)
    started_at = time.monotonic()
    with fresh_database("outbox_kill") as database_url:
        config = config_for_tests(database_url, REDIS_URL=redis_url,
                                  SMTP_URL=f"smtp://{counting_server.host}:{counting_server.port}",
                                  OUTBOX_CLAIM_LEASE_SECONDS=str(LEASE_SECONDS))
        app = create_app(config)
        engine = app.extensions["tandem.db"].engine
        upgrade(engine)
        queues = app.extensions["tandem.jobs"]
        environment = {**os.environ, "TANDEM_ENV": "test", "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                       "SMTP_URL": str(config["SMTP_URL"]), "SECRET_KEY": str(config["SECRET_KEY"]),
                       "OUTBOX_CLAIM_LEASE_SECONDS": str(LEASE_SECONDS), "PYTHONPATH": str(ROOT)}
        command = [str(Path(sys.executable).with_name("rq")), "worker", "--url", redis_url,
                   "--worker-class", "tandem.workers.worker.AppWorker", "high", "default", "low"]
        workers: list[subprocess.Popen] = []

        def start_worker() -> subprocess.Popen:
            worker = subprocess.Popen(command, cwd=ROOT, env=environment, stdout=subprocess.DEVNULL,
                                      stderr=subprocess.DEVNULL, start_new_session=True)
            workers.append(worker)
            return worker

        last_sweep = [0.0]

        def sweep_when_idle() -> None:
            """The sweep, as cron runs it (but every lease rather than every minute), once nothing is queued: it
            takes up what lost its job with a killed worker, and claims that have run out."""
            if queues.queue("high").count == 0 and time.monotonic() - last_sweep[0] >= LEASE_SECONDS:
                with app.app_context():
                    flush_outbox()
                last_sweep[0] = time.monotonic()

        # Written a while ago (so that the sweep takes up a message whose job died with its worker) and
        # enqueued as queue_mail does, after the commit.
        with app.app_context():
            session = app.extensions["tandem.db"].session()
            use_club_scope(session)
            written = utcnow() - timedelta(minutes=2)
            ids = []
            for n in range(MESSAGES):
                message = OutboxMessage(message_id=f"<kill-{n}@tandem.test>", recipient=f"person{n}@b.example",
                                        language="en", kind="test", subject=f"Message {n}",
                                        body_text=f"Message {n}\n", created_at=written)
                session.add(message)
                session.flush()
                ids.append(message.id)
            session.commit()
            app.extensions["tandem.db"].session.remove()
        for message_id in ids:
            queues.enqueue(send_outbox_message, message_id, queue="high")

        in_window: Counter[str] = Counter()  # accepted by the server, not yet `sent`, when the worker died
        seen: Counter[str] = Counter()  # what the server had accepted at the previous kill
        # Alternating, a window kill first: each takes one message, a random one a handful.
        kills = ["window", "random"] * WINDOW_KILLS
        kills += ["random"] * (RANDOM_KILLS + WINDOW_KILLS - len(kills))
        try:
            for kind in kills:
                worker = start_worker()
                before = len(counting_server.received_ids())
                if kind == "window":
                    counting_server.killed.clear()
                    counting_server.kill_on_next = worker.pid
                deadline = time.monotonic() + 30
                while len(counting_server.received_ids()) == before:
                    assert worker.poll() is None and time.monotonic() < deadline, "the worker sent nothing"
                    sweep_when_idle()
                    time.sleep(0.01)
                if kind == "window":
                    assert counting_server.killed.wait(timeout=5)
                else:
                    time.sleep(rng.uniform(0.0, 0.3))
                    _kill_worker(worker.pid)
                worker.wait(timeout=10)
                time.sleep(0.2)  # a send cut short mid-DATA is never accepted; one that finished is recorded
                statuses = _statuses(engine)
                now_seen = Counter(counting_server.received_ids())
                for message_id, count in now_seen.items():
                    if count > seen[message_id] and statuses[message_id] == OutboxStatus.SENDING:
                        in_window[message_id] += 1  # accepted since the last kill, and never marked `sent`
                seen = now_seen

            # Finally a worker that is left alone, until everything is out.
            finisher = start_worker()
            deadline = time.monotonic() + 90  # generous: a loaded two-core machine took more than 30 s once
            while set(_statuses(engine).values()) != {OutboxStatus.SENT}:
                assert finisher.poll() is None and time.monotonic() < deadline, Counter(_statuses(engine).values())
                sweep_when_idle()
                time.sleep(0.1)
        finally:
            for worker in workers:
                if worker.poll() is None:
                    _kill_worker(worker.pid)
                    worker.wait(timeout=10)
            app.extensions["tandem.db"].dispose()

        final = _statuses(engine)

    received = Counter(counting_server.received_ids())
    assert set(received) == set(final), "every message arrived"
    duplicates = {message_id: count - 1 for message_id, count in received.items() if count > 1}
    # A message arrives more than once only if its worker died between the server's acceptance and the
    # commit, once more for each such death; every other kill cost nothing but a retry.
    assert duplicates == dict(in_window), (duplicates, dict(in_window))
    assert sum(in_window.values()) >= WINDOW_KILLS

    # The window itself: from the server's acceptance to the worker's QUIT, sent after its commit.
    windows = counting_server.windows_ms
    assert len(windows) >= MESSAGES - RANDOM_KILLS  # a random kill may land between the commit and QUIT
    print(f"\noutbox under SIGKILL: {MESSAGES} messages, {len(kills)} kills ({WINDOW_KILLS} in the window), "
          f"{sum(received.values()) - MESSAGES} duplicates (same Message-ID), from acceptance to the commit of "
          f"`sent` (the worker's QUIT): median {statistics.median(windows):.1f} ms, "
          f"95th percentile {statistics.quantiles(windows, n=20)[-1]:.1f} ms, max {max(windows):.1f} ms; "
          f"{time.monotonic() - started_at:.1f} s")
