"""A failed sign-in attempt (a used, expired or unknown link, a provider's error) shows its page and leaves the
session of the person who is signed in alone: anyone can make a browser open such an address."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.database import utcnow
from tandem.platform.identity.crypto import encrypt_secret
from tandem.platform.identity.models import SignInLink, UserSession
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import OrganisationSSO
from tests.factories import make_organisation, make_user
from tests.fixtures.signing_in import run_sign_in_jobs

LINK = re.compile(r"http://[^\s]+/sign-in/link/([A-Za-z0-9_\-]+)")
EN = {"Accept-Language": "en"}


@pytest.fixture()
def lea(db):
    organisation = make_organisation(db, "stadtwerke")
    person = make_user(db, organisation, email="lea.keller@stadtwerke.example", display_name="Lea Keller")
    db.commit()
    return person


def _mailed_token(client, db, address: str) -> str:
    assert client.post("/sign-in", data={"email": address, "send_link": "1"}).status_code == 302
    run_sign_in_jobs(client.application)
    with club_scope(db):
        db.expire_all()
        body = db.scalar(sa.select(OutboxMessage.body_text).where(OutboxMessage.recipient == address)
                         .order_by(OutboxMessage.id.desc()).limit(1))
    return LINK.search(body).group(1)


def _open_sessions(db) -> int:
    with club_scope(db):
        db.expire_all()
        return db.scalar(sa.select(sa.func.count()).select_from(UserSession).where(UserSession.ended_at.is_(None)))


def _used_token(app, db, lea) -> str:
    """A link Lea used earlier (in another browser)."""
    other_browser = app.test_client()
    token = _mailed_token(other_browser, db, lea.email)
    assert other_browser.post(f"/sign-in/link/{token}").status_code == 302
    return token


def _expired_token(app, db, lea) -> str:
    token = _mailed_token(app.test_client(), db, lea.email)
    with club_scope(db):
        link = db.scalar(sa.select(SignInLink).where(SignInLink.used_at.is_(None)))
        link.created_at, link.expires_at = utcnow() - timedelta(minutes=30), utcnow() - timedelta(minutes=15)
        db.commit()
    return token


@pytest.mark.parametrize(("kind", "method", "words"), [
    ("used", "GET", "This sign-in link has already been used."),
    ("used", "POST", "This sign-in link has already been used."),
    ("expired", "GET", "This sign-in link has expired"),
    ("expired", "POST", "This sign-in link has expired"),
    ("unknown", "GET", "This sign-in link is not recognised."),
    ("unknown", "POST", "This sign-in link is not recognised."),
])
def test_a_used_expired_or_unknown_link_leaves_the_signed_in_person_signed_in(
        app, db, client, sign_in, lea, kind, method, words):
    token = {"used": _used_token, "expired": _expired_token,
             "unknown": lambda *_: "not-a-token-at-all"}[kind](app, db, lea)
    sign_in(client, lea)
    assert client.get("/me/").status_code == 200
    open_before = _open_sessions(db)

    page = client.open(f"/sign-in/link/{token}", method=method, headers=EN)
    assert page.status_code == 400
    assert words in page.get_data(as_text=True)

    assert client.get("/me/").status_code == 200, "the live session is untouched"
    assert _open_sessions(db) == open_before
    with club_scope(db):
        assert db.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id.desc()).limit(1)).one() == (
            "sign_in.failed")


def test_a_providers_error_leaves_the_signed_in_person_signed_in(app, db, client, sign_in):
    organisation = make_organisation(db, "alpenbank")
    person = make_user(db, organisation, email="max.huber@alpenbank.example")
    with app.app_context(), club_scope(db):
        db.add(OrganisationSSO(organisation_id=organisation.id, issuer="https://login.alpenbank.example",
                               client_id="tandem", client_secret_encrypted=encrypt_secret("secret")))
        db.commit()
    sign_in(client, person)
    page = client.get("/o/alpenbank/sso/callback?error=access_denied", headers=EN)
    assert page.status_code == 400
    assert "reported an error" in page.get_data(as_text=True)
    assert client.get("/me/").status_code == 200


def test_a_failed_attempt_without_a_session_still_leaves_nothing_behind(app, db, client, lea):
    token = _used_token(app, db, lea)
    with client.session_transaction() as cookie:
        cookie["language"] = "fr"
        cookie["sid"] = "a stale session token"
    assert client.get(f"/sign-in/link/{token}").status_code == 400
    with client.session_transaction() as cookie:
        assert "sid" not in cookie and "_user_id" not in cookie and cookie["language"] == "fr"
