"""Behind a reverse proxy every request comes from the proxy's address. With TRUSTED_PROXIES=n the
client's address is taken from X-Forwarded-For (the n-th from the right): rate limits, the audit log and
sessions see the client. With 0 (the default) the header is ignored, so a client cannot choose its address."""

from __future__ import annotations

import re

import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.identity.models import UserSession
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.tenancy import club_scope
from tests.factories import make_organisation, make_user
from tests.fixtures.apps import app_on_test_connection
from tests.fixtures.signing_in import run_sign_in_jobs

LINK = re.compile(r"/sign-in/link/([A-Za-z0-9_\-]+)")


def ask_for_link(client, email: str, forwarded_for: str):
    return client.post("/sign-in", data={"email": email, "continue_": "1"},
                       headers={"X-Forwarded-For": forwarded_for})


def last_audit_address(db, action: str) -> str | None:
    with club_scope(db):
        db.expire_all()
        return db.scalar(sa.select(AuditEvent.ip_address).where(AuditEvent.action == action)
                         .order_by(AuditEvent.id.desc()).limit(1))


def test_behind_one_trusted_proxy_clients_have_their_own_limits_and_addresses(db):
    with app_on_test_connection(db, TRUSTED_PROXIES="1") as app:
        app.extensions["tandem.limiter"].reset()
        first, second = app.test_client(), app.test_client()
        statuses = [ask_for_link(first, f"p{i}@nowhere.example", "198.51.100.7").status_code for i in range(21)]
        assert statuses[:20] == [302] * 20 and statuses[20] == 429
        # The proxy appends the address it saw: what the client wrote before it is not believed.
        assert ask_for_link(second, "q@nowhere.example", "198.51.100.7, 203.0.113.9").status_code == 302

        assert second.get("/sign-in/link/not-a-token",
                          headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 400
        assert last_audit_address(db, "sign_in.failed") == "203.0.113.9"

        person = make_user(db, make_organisation(db))
        db.commit()
        assert ask_for_link(second, person.email, "203.0.113.9").status_code == 302
        run_sign_in_jobs(app)  # the link is made by a job, after the answer (queued in Redis when REDIS_URL is set)
        with club_scope(db):
            body = db.scalar(sa.select(OutboxMessage.body_text).where(OutboxMessage.recipient == person.email))
        token = LINK.search(body).group(1)
        assert second.post(f"/sign-in/link/{token}", headers={"X-Forwarded-For": "203.0.113.9"}).status_code == 302
        with club_scope(db):
            db.expire_all()
            address = db.scalar(sa.select(UserSession.ip_address).where(UserSession.user_id == person.id))
        assert address == "203.0.113.9"


def test_without_trusted_proxies_the_forwarded_header_is_ignored(client, db):
    statuses = [ask_for_link(client, f"p{i}@nowhere.example", f"198.51.100.{i}").status_code for i in range(21)]
    assert statuses[:20] == [302] * 20 and statuses[20] == 429, "a client cannot escape its limit"
    client.get("/sign-in/link/not-a-token", headers={"X-Forwarded-For": "198.51.100.99"})
    assert last_audit_address(db, "sign_in.failed") == "127.0.0.1"
