"""No sign-in token or other secret reaches a log line, over a whole sign-in: the app's own logs (caplog, every
logger, every level), and Gunicorn's access and error logs of a real Gunicorn started with the project's
deploy/gunicorn.conf.py. Secrets come in request paths (sign-in links, calendar feeds), in query strings (the
provider's code and state at the SSO callback, a `next` naming a secret path), percent-encoded in referers (a
webmail's redirector), and in the messages of exceptions raised at such paths."""

from __future__ import annotations

import logging
import os
import re
import secrets
import signal
import subprocess
import sys
import time
from pathlib import Path
from urllib.parse import quote

import pytest
import requests
import sqlalchemy as sa

from tandem import create_app
from tandem.platform.identity.crypto import encrypt_secret
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.migrate import upgrade
from tandem.platform.tenancy import club_scope, use_club_scope
from tandem.tenants.models import OrganisationSSO
from tests.factories import make_organisation, make_user
from tests.fixtures.apps import free_port
from tests.fixtures.services import config_for_tests, fresh_database
from tests.fixtures.signing_in import run_sign_in_jobs

ROOT = Path(__file__).resolve().parents[3]
LINK = re.compile(r"/sign-in/link/([A-Za-z0-9_\-]+)")
CSRF = re.compile(r'name="csrf_token" (?:type="hidden" )?value="([^"]+)"')


def _link_token(session, address: str) -> str:
    body = session.scalar(sa.select(OutboxMessage.body_text).where(OutboxMessage.recipient == address)
                          .order_by(OutboxMessage.id.desc()).limit(1))
    return LINK.search(body).group(1)


def _referers(base: str, token: str) -> list[str]:
    link = f"{base}/sign-in/link/{token}"
    return [link, "https://webmail.example/redirect?url=" + quote(link, safe=""),
            "https://webmail.example/redirect?url=" + quote(quote(link, safe=""), safe="")]


# ------------------------------------------------------------------------------------------- the app's logs


def test_a_whole_sign_in_leaves_no_secret_in_the_apps_logs(app, db, client, caplog, monkeypatch):
    organisation = make_organisation(db, "stadtwerke")
    person = make_user(db, organisation, email="lea.keller@stadtwerke.example")
    sso_org = make_organisation(db, "alpenbank")
    client_secret = "client-secret-" + secrets.token_urlsafe(16)
    with app.app_context(), club_scope(db):
        db.add(OrganisationSSO(organisation_id=sso_org.id, issuer="https://login.alpenbank.example",
                               client_id="tandem", client_secret_encrypted=encrypt_secret(client_secret)))
        db.commit()
    feed_token, code, state = (secrets.token_urlsafe(32) for _ in range(3))
    caplog.set_level(logging.DEBUG)

    assert client.get("/me/").status_code == 401
    client.get("/sign-in", query_string={"next": f"/calendar/{feed_token}.ics"})
    assert client.post("/sign-in", data={"email": person.email, "send_link": "1"}).status_code == 302
    run_sign_in_jobs(app)
    with club_scope(db):
        db.expire_all()
        token = _link_token(db, person.email)
    for referer in _referers("http://localhost", token):
        assert client.get(f"/sign-in/link/{token}", headers={"Referer": referer}).status_code == 200
    assert client.post(f"/sign-in/link/{token}").status_code == 302
    assert client.get("/me/").status_code == 200
    assert client.post(f"/sign-in/link/{token}").status_code == 400  # used: refused, and logged as such
    client.get(f"/calendar/{feed_token}.ics")
    client.get(f"/o/alpenbank/sso/callback?code={code}&state={state}&iss=https://login.alpenbank.example")
    session_token = client.get_cookie("tandem_session").value

    # An unexpected failure at a secret path: Flask logs "Exception on <path>", with the exception's text.
    def broken(_session, given):
        raise RuntimeError(f"could not look up /sign-in/link/{given}")

    monkeypatch.setitem(app.config, "PROPAGATE_EXCEPTIONS", False)
    monkeypatch.setattr("tandem.platform.identity.views.link_state", broken)
    assert client.get(f"/sign-in/link/{token}").status_code == 500

    written = caplog.text + "\n".join(record.getMessage() for record in caplog.records)
    assert "Exception on /sign-in/link/[masked] [GET]" in written
    assert "could not look up /sign-in/link/[masked]" in written
    assert "sign-in refused: link_used" in written, "the logs still say what happened"
    for secret in (token, feed_token, code, state, client_secret, session_token, app.config["SECRET_KEY"]):
        assert secret not in written


# ------------------------------------------------------------------------------------------ a real Gunicorn


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


def _csrf(page: requests.Response) -> str:
    return CSRF.search(page.text).group(1)


def test_gunicorns_access_and_error_logs_hold_no_secret_of_a_whole_sign_in(tmp_path):
    port = free_port()
    base = f"http://127.0.0.1:{port}"
    with fresh_database("gunicorn-logs") as database_url:
        setup = create_app(config_for_tests(database_url))
        upgrade(setup.extensions["tandem.db"].engine)
        with setup.app_context():
            session = setup.extensions["tandem.db"].session()
            use_club_scope(session)
            person = make_user(session, make_organisation(session, "stadtwerke"), email="lea@stadtwerke.example")
            session.commit()
            address = person.email
        setup.extensions["tandem.db"].dispose()

        out, err = tmp_path / "access.log", tmp_path / "error.log"
        environment = {**os.environ, "TANDEM_ENV": "test", "DATABASE_URL": database_url, "REDIS_URL": "",
                       "SMTP_URL": "", "SECRET_KEY": "gunicorn-log-test-" + secrets.token_urlsafe(24),
                       "BASE_URL": base, "DEFAULT_LANGUAGE": "en", "GUNICORN_BIND": f"127.0.0.1:{port}",
                       "GUNICORN_WORKERS": "1", "GUNICORN_THREADS": "2", "GUNICORN_LOG_LEVEL": "debug",
                       "PYTHONPATH": str(ROOT)}
        with out.open("w") as stdout, err.open("w") as stderr:
            process = subprocess.Popen(
                [str(Path(sys.executable).with_name("gunicorn")), "-c", "deploy/gunicorn.conf.py",
                 "tandem:create_app()"], cwd=ROOT, env=environment, stdout=stdout, stderr=stderr)
        feed_token, code, state = (secrets.token_urlsafe(32) for _ in range(3))
        try:
            _wait_until_up(process, f"{base}/healthz", err)
            browser = requests.Session()
            browser.get(f"{base}/sign-in", params={"next": f"/calendar/{feed_token}.ics"})
            page = browser.get(f"{base}/sign-in")
            sent = browser.post(f"{base}/sign-in", data={"csrf_token": _csrf(page), "email": address,
                                                         "send_link": "1"}, allow_redirects=False)
            assert sent.status_code == 302
            engine = sa.create_engine(database_url)
            with engine.connect() as connection:
                token = _link_token(connection, address)
            engine.dispose()
            for referer in _referers(base, token):
                confirm = browser.get(f"{base}/sign-in/link/{token}", headers={"Referer": referer})
                assert confirm.status_code == 200
            signed_in = browser.post(f"{base}/sign-in/link/{token}", data={"csrf_token": _csrf(confirm)},
                                     headers={"Referer": f"{base}/sign-in/link/{token}"}, allow_redirects=False)
            assert signed_in.status_code == 302, signed_in.text[:500]
            assert browser.get(f"{base}/me/", headers={"Referer": f"{base}/sign-in/link/{token}"}).ok
            browser.get(f"{base}/calendar/{feed_token}.ics")
            browser.get(f"{base}/o/stadtwerke/sso/callback", params={"code": code, "state": state})
            session_cookie = browser.cookies["tandem_session"]
        finally:
            process.send_signal(signal.SIGTERM)
            try:
                process.wait(timeout=30)
            except subprocess.TimeoutExpired:
                process.kill()
                process.wait()

    access, errors = out.read_text(), err.read_text()
    assert '"GET /sign-in/link/[masked] HTTP/1.1" 200' in access
    assert '"POST /sign-in/link/[masked] HTTP/1.1" 302' in access
    assert '"GET /calendar/[masked].ics HTTP/1.1" 404' in access
    assert '"GET /o/stadtwerke/sso/callback?[masked] HTTP/1.1"' in access
    assert "webmail.example/redirect?url=" in access, "referers are still logged, their secrets masked"
    assert "Booting worker" in errors, "the error log is the one Gunicorn writes"
    for secret in (token, feed_token, code, state, session_cookie, environment["SECRET_KEY"]):
        assert secret not in access and secret not in errors
