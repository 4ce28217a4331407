"""SQLite under concurrent use: Gunicorn with several worker processes and threads (deploy/gunicorn.conf.py) on
one SQLite file, and eight clients at once, signed in as board members and an organisation's admin, mixing
pages that record who saw whose data (a GET that reads, then writes an audit row), pages that only read, and
changes (a POST that reads, then writes), while the sessions' bookkeeping touches their rows. No answer may
be a 500 and no log may say "database is locked".

What makes it hold (tandem/platform/database.py): WAL, so that readers and the writer do not block each other;
a busy timeout; transactions of requests that change data begun IMMEDIATE (they wait for the write lock rather
than fail when their read snapshot has gone stale); and the few writes of a GET (the session's bookkeeping, the
log of reads) in a short transaction of their own.
"""

from __future__ import annotations

import os
import re
import secrets
import signal
import subprocess
import sys
import threading
import time
from datetime import timedelta
from pathlib import Path

import pytest
import requests
import sqlalchemy as sa
from flask_login.utils import _create_identifier

from tandem import create_app
from tandem.platform.audit_models import AuditEvent
from tandem.platform.database import as_utc, utcnow
from tandem.platform.identity.models import UserSession
from tandem.platform.identity.sessions import COOKIE_KEY
from tandem.platform.identity.tokens import new_token, token_hash
from tandem.platform.migrate import upgrade
from tandem.platform.tenancy import use_club_scope
from tests.factories import (
    make_board_member,
    make_catalogue_topic,
    make_cohort,
    make_org_admin,
    make_organisation,
    make_tandem,
)
from tests.fixtures.apps import free_port
from tests.fixtures.services import config_for_tests, fresh_database

ROOT = Path(__file__).resolve().parents[2]
CLIENTS = 8
ROUNDS = 12
USER_AGENT = "tandem-concurrency-test"
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _wait_until_up(process: subprocess.Popen, url: str, logs: Path) -> None:
    deadline = time.monotonic() + 60
    while time.monotonic() < deadline:
        if process.poll() is not None:
            pytest.fail(f"gunicorn stopped:\n{logs.read_text()[-3000:]}")
        try:
            if requests.get(url, timeout=5).status_code == 200:
                return
        except requests.RequestException:
            pass
        time.sleep(0.2)
    pytest.fail(f"gunicorn did not answer within a minute:\n{logs.read_text()[-3000:]}")


def _signed_in_cookie(app, session, user_id: int) -> str:
    """The cookie of a session the app made at sign-in: a session row (last seen two minutes ago, so that the
    first request touches it) and Flask's signed cookie holding its token, for this test's address and agent."""
    token = new_token()
    session.add(UserSession(user_id=user_id, token_hash=token_hash(token), method="link",
                            last_seen_at=utcnow() - timedelta(minutes=2)))
    session.flush()
    with app.test_request_context(environ_base={"REMOTE_ADDR": "127.0.0.1"}, headers={"User-Agent": USER_AGENT}):
        identifier = _create_identifier()
    serializer = app.session_interface.get_signing_serializer(app)
    return serializer.dumps({"_user_id": str(user_id), "_fresh": True, "_id": identifier, COOKIE_KEY: token,
                             "language": "en"})


def test_concurrent_readers_and_writers_on_one_sqlite_file_get_no_locked_database(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    secret = "concurrency-test-" + secrets.token_urlsafe(24)
    with fresh_database("concurrency", kind="sqlite") as database_url:
        setup = create_app(config_for_tests(database_url, SECRET_KEY=secret))
        upgrade(setup.extensions["tandem.db"].engine)
        with setup.app_context():
            session = setup.extensions["tandem.db"].session()
            use_club_scope(session)
            home, other = make_organisation(session, "stadtwerke"), make_organisation(session, "kantonsspital")
            board = [make_board_member(session, other) for _ in range(CLIENTS // 2)]
            admin = make_org_admin(session, home)
            topics = [make_catalogue_topic(session) for _ in range(3)]
            cohort = make_cohort(session, "running")
            pairs = [make_tandem(session, home, other, topics, cohort=cohort)[2] for _ in range(6)]
            people = board + [admin] * (CLIENTS - len(board))
            cookies = [_signed_in_cookie(setup, session, person.id) for person in people]
            session.commit()
            cohort_id, pair_ids = cohort.id, [pair.id for pair in pairs]
        setup.extensions["tandem.db"].dispose()

        out, err = tmp_path / "access.log", tmp_path / "error.log"
        environment = {**os.environ, "TANDEM_ENV": "test", "DATABASE_URL": database_url, "REDIS_URL": "",
                       "SMTP_URL": "", "SECRET_KEY": secret, "BASE_URL": base, "DEFAULT_LANGUAGE": "en",
                       "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_WORKERS": "3", "GUNICORN_THREADS": "4",
                       "GUNICORN_LOG_LEVEL": "info", "PYTHONPATH": str(ROOT)}
        with out.open("w") as stdout, err.open("w") as stderr:
            process = subprocess.Popen(
                [str(Path(sys.executable).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py",
                 "tandem:create_app()"], cwd=ROOT, env=environment, stdout=stdout, stderr=stderr)
        answers: list[tuple[str, str, int]] = []
        failures: list[str] = []
        start = threading.Barrier(CLIENTS)

        def client(number: int) -> None:
            browser = requests.Session()
            browser.headers["User-Agent"] = USER_AGENT
            browser.cookies.set("tandem_session", cookies[number], domain="127.0.0.1", path="/")
            is_board = number < len(board)
            reads = ([f"/board/cohorts/{cohort_id}/pairs", f"/board/cohorts/{cohort_id}/pairs/{pair_ids[number]}",
                      "/board/"] if is_board else ["/o/stadtwerke/pairs", "/o/stadtwerke/", "/me/"])
            try:
                start.wait(timeout=60)
                for round_ in range(ROUNDS):
                    for path in reads:
                        page = browser.get(base + path, timeout=30)
                        answers.append(("GET", path, page.status_code))
                    token = CSRF.search(page.text)
                    if token is None:
                        failures.append(f"client {number}: no form on {path} ({page.status_code})")
                        return
                    language = ("de", "fr", "en")[(number + round_) % 3]
                    changed = browser.post(base + "/language", data={"csrf_token": token.group(1),
                                                                     "language": language, "next": "/me/"},
                                           allow_redirects=False, timeout=30)
                    answers.append(("POST", "/language", changed.status_code))
            except Exception as error:  # noqa: BLE001 - reported below with the server's logs
                failures.append(f"client {number}: {type(error).__name__}: {error}")

        try:
            _wait_until_up(process, f"{base}/healthz", err)
            began = time.monotonic()
            threads = [threading.Thread(target=client, args=(n,)) for n in range(CLIENTS)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=300)
            print(f"{len(answers)} requests from {CLIENTS} clients in {time.monotonic() - began:.1f} s")
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

        logs = err.read_text() + out.read_text()
        refused = [answer for answer in answers if answer[2] not in (200, 302)]
        assert not failures, "\n".join(failures) + "\n" + logs[-3000:]
        assert not refused, f"{len(refused)} of {len(answers)} answers failed, e.g. {refused[:5]}\n{logs[-3000:]}"
        assert "database is locked" not in logs
        assert len(answers) == CLIENTS * ROUNDS * 4
        engine = sa.create_engine(database_url)
        try:
            with engine.connect() as connection:
                recorded = connection.scalar(sa.select(sa.func.count()).select_from(AuditEvent)
                                             .where(AuditEvent.action == "personal_data.viewed"))
                journal = connection.exec_driver_sql("PRAGMA journal_mode").scalar()
                seen = connection.scalars(sa.select(UserSession.last_seen_at)).all()
        finally:
            engine.dispose()
        # Every GET of a pairs page recorded the people it showed (two a pair), and every session was touched.
        assert recorded >= CLIENTS * ROUNDS * 2
        assert journal == "wal"
        assert all(as_utc(moment) > utcnow() - timedelta(minutes=1) for moment in seen) and len(seen) == CLIENTS
