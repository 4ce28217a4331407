"""Sign-in by work e-mail and single-use links; sessions that end for good."""

from __future__ import annotations

import re
from datetime import timedelta

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.database import utcnow
from tandem.platform.identity.models import SignInLink, User, UserSession
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import OrganisationSSO, OrganisationStatus
from tests.factories import make_board_member, make_organisation, make_user
from tests.fixtures.signing_in import run_sign_in_jobs

LINK = re.compile(r"http://[^\s]+/sign-in/link/([A-Za-z0-9_\-]+)")


@pytest.fixture()
def people(db):
    plain = make_organisation(db, "stadtwerke")
    with_sso = make_organisation(db, "alpenbank")
    with club_scope(db):
        db.add(OrganisationSSO(organisation_id=with_sso.id, issuer="https://login.alpenbank.example",
                               client_id="tandem", client_secret_encrypted=b"x"))
    people = {
        "person": make_user(db, plain, email="lea.keller@stadtwerke.example"),
        "sso_person": make_user(db, with_sso, email="max.huber@alpenbank.example"),
        "sso_board": make_board_member(db, with_sso, email="regula.widmer@alpenbank.example"),
    }
    db.commit()
    return people


def mails_to(db, address: str) -> list[OutboxMessage]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == address)))


def link_token(db, address: str) -> str:
    (message,) = mails_to(db, address)
    match = LINK.search(message.body_text)
    assert match, message.body_text
    return match.group(1)


def request_link(client, email: str, *, send_link: bool = False, jobs: bool = True):
    data = {"email": email, ("send_link" if send_link else "continue_"): "1"}
    response = client.post("/sign-in", data=data)
    if jobs:
        run_sign_in_jobs(client.application)  # the link is made by a job, after the answer
    return response


def test_a_link_signs_in_once(client, db, people):
    response = request_link(client, "Lea.Keller@stadtwerke.example")
    assert response.status_code == 302 and response.headers["Location"] == "/sign-in/sent"
    token = link_token(db, "lea.keller@stadtwerke.example")

    assert client.get(f"/sign-in/link/{token}").status_code == 200  # a confirmation page: scanners use nothing
    assert client.get("/me/").status_code == 401
    response = client.post(f"/sign-in/link/{token}")
    assert response.status_code == 302
    assert client.get("/me/").status_code == 200

    client.post("/sign-out")
    again = client.post(f"/sign-in/link/{token}")
    assert again.status_code == 400 and client.get("/me/").status_code == 401
    with club_scope(db):
        actions = list(db.scalars(sa.select(AuditEvent.action).order_by(AuditEvent.id)))
    assert actions == ["sign_in.link_requested", "sign_in.succeeded", "sign_out", "sign_in.failed"]


def test_the_answer_is_the_same_for_unknown_addresses(client, db, people):
    known = request_link(client, "lea.keller@stadtwerke.example")
    unknown = request_link(client, "nobody@stadtwerke.example")
    foreign = request_link(client, "someone@gmail.example")
    assert {r.status_code for r in (known, unknown, foreign)} == {302}
    assert {r.headers["Location"] for r in (known, unknown, foreign)} == {"/sign-in/sent"}
    assert mails_to(db, "nobody@stadtwerke.example") == [] and mails_to(db, "someone@gmail.example") == []
    assert client.get("/sign-in/sent").status_code == 200


def test_expired_and_tampered_links_are_refused(client, db, people):
    request_link(client, "lea.keller@stadtwerke.example")
    token = link_token(db, "lea.keller@stadtwerke.example")
    assert client.get(f"/sign-in/link/{token[:-2]}xy").status_code == 400
    assert client.post(f"/sign-in/link/{token[:-2]}xy").status_code == 400
    with club_scope(db):
        link = db.scalar(sa.select(SignInLink))
        link.created_at = utcnow() - timedelta(minutes=20)
        link.expires_at = utcnow() - timedelta(minutes=5)
        db.commit()
    expired = client.post(f"/sign-in/link/{token}")
    assert expired.status_code == 400
    assert client.get("/me/").status_code == 401


def test_links_last_fifteen_minutes(client, db, people):
    request_link(client, "lea.keller@stadtwerke.example")
    with club_scope(db):
        link = db.scalar(sa.select(SignInLink))
    lifetime = link.expires_at - link.created_at
    assert lifetime == timedelta(minutes=15)


def test_an_sso_organisation_goes_to_its_provider(client, db, people):
    response = request_link(client, "max.huber@alpenbank.example")
    assert response.status_code == 302
    assert response.headers["Location"].startswith("/o/alpenbank/sso/?login_hint=max.huber")
    handover = client.get(response.headers["Location"], headers={"Accept-Language": "en"})
    assert handover.status_code == 200
    assert 'href="/o/alpenbank/sso/start?login_hint=max.huber' in handover.get_data(as_text=True)
    # Asking for a link does not get one: this organisation signs in through its provider.
    assert request_link(client, "max.huber@alpenbank.example", send_link=True).headers["Location"] == (
        "/sign-in/sent")
    assert mails_to(db, "max.huber@alpenbank.example") == []


def test_board_members_may_use_links_even_with_sso(client, db, people):
    request_link(client, "regula.widmer@alpenbank.example", send_link=True)
    token = link_token(db, "regula.widmer@alpenbank.example")
    assert client.post(f"/sign-in/link/{token}").headers["Location"] == "/board/"


def test_a_bad_address_is_explained_beside_the_field(client, db):
    response = client.post("/sign-in", data={"email": "not an address", "continue_": "1"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert "This does not look like an e-mail address." in response.get_data(as_text=True)


def _sign_in_by_link(client, db, address: str) -> None:
    request_link(client, address)
    with club_scope(db):
        db.expire_all()
        db.execute(sa.delete(SignInLink).where(SignInLink.used_at.is_not(None)))
    token = link_token(db, address)
    assert client.post(f"/sign-in/link/{token}").status_code == 302


def test_sign_in_starts_a_fresh_session(client, db, people):
    with client.session_transaction() as cookie:
        cookie["planted"] = "by someone else"
    _sign_in_by_link(client, db, "lea.keller@stadtwerke.example")
    with client.session_transaction() as cookie:
        assert "planted" not in cookie


def test_a_replayed_cookie_after_sign_out_does_not_work(client, db, people):
    _sign_in_by_link(client, db, "lea.keller@stadtwerke.example")
    old_cookie = client.get_cookie("tandem_session").value
    assert client.post("/sign-out").status_code == 302
    client.set_cookie("tandem_session", old_cookie)
    assert client.get("/me/").status_code == 401


def test_deactivated_people_and_suspended_organisations_are_refused_on_the_next_request(client, db, people):
    _sign_in_by_link(client, db, "lea.keller@stadtwerke.example")
    assert client.get("/me/").status_code == 200
    with club_scope(db):
        db.get(User, people["person"].id).is_active = False
        db.commit()
    assert client.get("/me/").status_code == 401
    with club_scope(db):
        db.get(User, people["person"].id).is_active = True
        db.get(User, people["person"].id).organisation.status = OrganisationStatus.SUSPENDED
        db.commit()
    assert client.get("/me/").status_code == 401


@pytest.mark.parametrize("column", ["last_seen_at", "created_at"])
def test_idle_and_absolute_timeouts_end_the_session(client, db, people, column):
    _sign_in_by_link(client, db, "lea.keller@stadtwerke.example")
    assert client.get("/me/").status_code == 200
    with club_scope(db):
        record = db.scalar(sa.select(UserSession))
        past = utcnow() - (timedelta(minutes=61) if column == "last_seen_at" else timedelta(hours=13))
        if column == "created_at":
            record.created_at = past
        else:
            record.last_seen_at = past
        db.commit()
    assert client.get("/me/").status_code == 401
    with club_scope(db):
        db.expire_all()
        assert db.scalar(sa.select(UserSession.ended_at)) is not None


def test_session_cookie_flags(client, db, people):
    _sign_in_by_link(client, db, "lea.keller@stadtwerke.example")
    response = client.get("/me/")
    assert response.headers["Cache-Control"] == "no-store"
    cookie = client.get_cookie("tandem_session")
    assert cookie.http_only and cookie.same_site == "Lax"


def test_production_cookies_are_secure_and_pages_send_hsts(database_url):
    from tandem import create_app
    from tests.fixtures.services import config_for_tests

    application = create_app(config_for_tests(
        database_url, TANDEM_ENV="production", ENCRYPTION_KEY="q8xqB1wDqCZCvD3s2c1Rr0c3y4Zq1G4mN9bN0u8pYkE="))
    try:
        assert application.config["SESSION_COOKIE_SECURE"] is True
        response = application.test_client().get("/", base_url="https://tandem.example")
        assert "max-age" in response.headers["Strict-Transport-Security"]
    finally:
        application.extensions["tandem.db"].dispose()


def test_link_requests_are_rate_limited_per_address(client, db, people):
    statuses = [request_link(client, "lea.keller@stadtwerke.example", jobs=False).status_code for _ in range(6)]
    assert statuses == [302] * 5 + [429]
    run_sign_in_jobs(client.application)
    assert len(mails_to(db, "lea.keller@stadtwerke.example")) == 5


def test_sign_in_attempts_are_rate_limited_per_client(client, db):
    statuses = [request_link(client, f"person{i}@nowhere.example", jobs=False).status_code for i in range(21)]
    assert statuses[:20] == [302] * 20 and statuses[20] == 429


def test_the_audit_log_never_holds_a_token(client, db, people):
    request_link(client, "lea.keller@stadtwerke.example")
    token = link_token(db, "lea.keller@stadtwerke.example")
    client.post(f"/sign-in/link/{token}")
    with club_scope(db):
        details = " ".join(str(d) for d in db.scalars(sa.select(AuditEvent.details)))
        links = db.scalars(sa.select(SignInLink.token_hash)).all()
    assert token not in details
    assert token not in links, "only the hash of a link's token is stored"


def test_the_refused_page_of_a_signed_in_person_works_and_its_forms_still_post(app, db, people, sign_in):
    """A failed sign-in leaves the live session alone, and the page it renders belongs to that session."""
    from tandem import create_app
    from tests.fixtures.services import config_for_tests

    database_url = str(app.extensions["tandem.db"].engine.url.render_as_string(hide_password=False))
    application = create_app(config_for_tests(database_url, WTF_CSRF_ENABLED=True))
    application.extensions["tandem.db"].sessionmaker.configure(bind=db.get_bind(),
                                                               join_transaction_mode="create_savepoint")
    try:
        browser = sign_in(application.test_client(), people["person"])
        page = browser.get("/sign-in/link/not-a-token", headers={"Accept-Language": "en"})
        assert page.status_code == 400
        body = page.get_data(as_text=True)
        token = re.search(r'name="csrf_token" value="([^"]+)"', body).group(1)
        response = browser.post("/language", data={"csrf_token": token, "language": "fr", "next": "/"})
        assert response.status_code == 302, "the page's CSRF token belongs to the session"
        assert browser.get("/me/").status_code == 200, "a failed sign-in does not sign the person out"
    finally:
        application.extensions["tandem.db"].dispose()


def test_after_signing_in_people_come_back_to_the_page_they_wanted(client, db, people):
    assert client.get("/me/?tab=invitations").status_code == 401
    request_link(client, "lea.keller@stadtwerke.example")
    token = link_token(db, "lea.keller@stadtwerke.example")
    response = client.post(f"/sign-in/link/{token}")
    assert response.headers["Location"] == "/me/?tab=invitations"
