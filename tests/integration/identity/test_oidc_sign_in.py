"""Signing in through each organisation's own OpenID provider, and the attacks that must fail.

The normal sign-in goes through node-oidc-provider (two issuers, one per organisation). The forged
tokens come from the tests' own rogue provider, because node-oidc-provider cannot be made to misbehave.
Every refused attempt must end on a clear page (400 or 502), with no session.
"""

from __future__ import annotations

from urllib.parse import parse_qs, urlencode, urlsplit

import pytest
import requests
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.identity.crypto import encrypt_secret
from tandem.platform.identity.models import Identity
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import OrganisationSSO
from tests.factories import make_org_admin, make_organisation, make_user
from tests.fixtures.oidc import complete_login

BASE = "http://localhost"


def configure_sso(app, db, organisation, issuer: str, client_id: str, secret: str) -> None:
    with app.app_context(), club_scope(db):
        existing = db.scalar(sa.select(OrganisationSSO).where(OrganisationSSO.organisation_id == organisation.id))
        if existing is None:
            db.add(OrganisationSSO(organisation_id=organisation.id, issuer=issuer, client_id=client_id,
                                   client_secret_encrypted=encrypt_secret(secret)))
        else:
            existing.issuer, existing.client_id = issuer, client_id
            existing.client_secret_encrypted = encrypt_secret(secret)
            existing.version += 1
        db.commit()


def local_path(url: str) -> str:
    parts = urlsplit(url)
    return parts.path + ("?" + parts.query if parts.query else "")


@pytest.fixture()
def club(app, db, oidc_providers):
    """Alpenbank (provider a) and Rhein Energie (provider b), each with people and their own issuer."""
    alpha = make_organisation(db, "alpenbank")
    beta = make_organisation(db, "rhein")
    people = {
        "lea": make_user(db, alpha, email="lea.keller@alpenbank.example", display_name="Lea Keller"),
        "admin_a": make_org_admin(db, alpha, email="sandra.frei@alpenbank.example"),
        "ben": make_user(db, beta, email="ben.wolf@rhein.example", display_name="Ben Wolf"),
    }
    db.commit()
    issuers = oidc_providers([
        {"name": "a", "clients": [{"client_id": "tandem-a", "client_secret": "secret-a",
                                    "redirect_uris": [f"{BASE}/o/alpenbank/sso/callback"]}],
         "accounts": {
             "lea": {"email": "lea.keller@alpenbank.example", "email_verified": True, "name": "Lea Keller"},
             "sandra": {"email": "sandra.frei@alpenbank.example", "email_verified": True, "name": "Sandra"},
             "unverified": {"email": "lea.keller@alpenbank.example", "email_verified": False, "name": "X"},
             "outsider": {"email": "lea@gmail.example", "email_verified": True, "name": "Outsider"},
             "stranger": {"email": "new.person@alpenbank.example", "email_verified": True, "name": "New"},
         }},
        {"name": "b", "clients": [{"client_id": "tandem-b", "client_secret": "secret-b",
                                    "redirect_uris": [f"{BASE}/o/rhein/sso/callback"]}],
         "accounts": {
             "ben": {"email": "ben.wolf@rhein.example", "email_verified": True, "name": "Ben Wolf"},
             # B's provider claims the address of A's person: it must never sign in as Lea.
             "impostor": {"email": "lea.keller@alpenbank.example", "email_verified": True, "name": "Lea?"},
         },
         "id_token_claims_in_userinfo_only": True},
    ])
    configure_sso(app, db, alpha, issuers["a"].url, "tandem-a", "secret-a")
    configure_sso(app, db, beta, issuers["b"].url, "tandem-b", "secret-b")
    return alpha, beta, people, issuers


def start(client, slug: str) -> str:
    response = client.get(f"/o/{slug}/sso/start")
    assert response.status_code == 302, response.get_data(as_text=True)[:500]
    return response.headers["Location"]


def sign_in_through(client, slug: str, login: str) -> tuple[object, str]:
    callback = complete_login(requests.Session(), start(client, slug), login)
    return client.get(local_path(callback)), callback


def assert_no_session(client) -> None:
    assert client.get("/me/").status_code == 401
    with client.session_transaction() as cookie:
        assert "_user_id" not in cookie and "sid" not in cookie


def assert_refused_because(db, reason: str) -> None:
    """The audit log says why: the refusal came from the check under test, not from something else."""
    with club_scope(db):
        db.expire_all()
        reasons = [e.details.get("reason") for e in db.scalars(
            sa.select(AuditEvent).where(AuditEvent.action == "sign_in.failed").order_by(AuditEvent.id))]
    assert reasons and reasons[-1] == reason, reasons


def test_a_participant_of_a_signs_in_through_as_provider_and_sees_only_a(client, db, club):
    alpha, beta, people, issuers = club
    authorize = start(client, "alpenbank")
    query = parse_qs(urlsplit(authorize).query)
    assert authorize.startswith(issuers["a"].url)
    assert query["code_challenge_method"] == ["S256"] and query["code_challenge"][0]
    assert query["state"][0] and query["nonce"][0]
    assert query["redirect_uri"] == [f"{BASE}/o/alpenbank/sso/callback"]

    callback = complete_login(requests.Session(), authorize, "lea")
    assert parse_qs(urlsplit(callback).query)["iss"] == [issuers["a"].url]
    response = client.get(local_path(callback))
    assert response.status_code == 302 and response.headers["Location"] == "/me/"
    page = client.get("/me/", headers={"Accept-Language": "en"}).get_data(as_text=True)
    assert "Lea Keller" in page
    assert client.get("/o/alpenbank/").status_code == 404  # a participant, not an admin
    assert client.get("/o/rhein/").status_code == 404
    with club_scope(db):
        identity = db.scalar(sa.select(Identity).where(Identity.user_id == people["lea"].id))
        actions = list(db.scalars(sa.select(AuditEvent.action)))
    assert (identity.issuer, identity.subject) == (issuers["a"].url, "lea")
    assert "sign_in.succeeded" in actions


def test_an_admin_of_a_reaches_as_pages_and_nothing_of_b(client, club):
    sign_in_through(client, "alpenbank", "sandra")
    assert client.get("/o/alpenbank/").status_code == 200
    assert client.get("/o/rhein/").status_code == 404
    assert client.get("/o/rhein/admins").status_code == 404


def test_the_identity_is_the_issuer_and_subject_not_the_email(client, db, club):
    """Once linked, the same (issuer, subject) signs in, even after the person's address changes."""
    _, _, people, _ = club
    sign_in_through(client, "alpenbank", "lea")
    client.post("/sign-out")
    with club_scope(db):
        db.get(type(people["lea"]), people["lea"].id).email = "lea.keller-meier@alpenbank.example"
        db.commit()
    response, _ = sign_in_through(client, "alpenbank", "lea")
    assert response.status_code == 302 and client.get("/me/").status_code == 200


def test_userinfo_is_fetched_when_the_id_token_has_no_email(client, club):
    response, _ = sign_in_through(client, "rhein", "ben")
    assert response.status_code == 302 and client.get("/me/").status_code == 200


@pytest.mark.parametrize(("login", "reason"), [
    ("unverified", "email_unverified"),
    ("outsider", "email_outside_organisation"),
    ("stranger", "not_nominated"),
])
def test_first_sign_in_links_only_verified_addresses_of_the_organisation(client, db, club, login, reason):
    response, _ = sign_in_through(client, "alpenbank", login)
    assert response.status_code == 400
    assert_no_session(client)
    assert_refused_because(db, reason)
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(Identity.id))) == 0


def test_bs_provider_asserting_the_address_of_as_person_never_signs_in_as_her(client, db, club):
    response, _ = sign_in_through(client, "rhein", "impostor")
    assert response.status_code == 400
    assert_no_session(client)
    assert_refused_because(db, "email_outside_organisation")
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(Identity.id))) == 0


def test_missing_and_foreign_state_are_refused(app, client, db, club):
    callback = complete_login(requests.Session(), start(client, "alpenbank"), "lea")
    query = parse_qs(urlsplit(callback).query)
    without_state = {k: v[0] for k, v in query.items() if k != "state"}
    assert client.get("/o/alpenbank/sso/callback?" + urlencode(without_state)).status_code == 400
    assert_refused_because(db, "state_mismatch")
    assert_no_session(client)
    other_browser = app.test_client()
    assert other_browser.get(local_path(callback)).status_code == 400  # the state lives in the first browser
    assert_refused_because(db, "state_mismatch")
    assert_no_session(other_browser)


def test_a_replayed_code_is_refused(client, db, club):
    response, callback = sign_in_through(client, "alpenbank", "lea")
    assert response.status_code == 302
    client.post("/sign-out")
    fresh_state = parse_qs(urlsplit(start(client, "alpenbank")).query)["state"][0]
    query = {k: v[0] for k, v in parse_qs(urlsplit(callback).query).items()}
    replay = client.get("/o/alpenbank/sso/callback?" + urlencode({**query, "state": fresh_state}))
    assert replay.status_code == 400
    assert_refused_because(db, "token_refused")
    assert_no_session(client)


def test_mix_up_as_flow_completed_at_bs_callback_is_refused(client, db, club):
    callback = complete_login(requests.Session(), start(client, "alpenbank"), "lea")
    query = {k: v[0] for k, v in parse_qs(urlsplit(callback).query).items()}
    # With A's iss in the response, B's callback refuses at once; without it, B has no such state.
    assert client.get("/o/rhein/sso/callback?" + urlencode(query)).status_code == 400
    assert_refused_because(db, "issuer_mismatch")
    query.pop("iss")
    assert client.get("/o/rhein/sso/callback?" + urlencode(query)).status_code == 400
    assert_refused_because(db, "issuer_missing")
    assert_no_session(client)


def test_mix_up_an_iss_of_b_at_as_callback_is_refused(client, db, club):
    _, _, _, issuers = club
    callback = complete_login(requests.Session(), start(client, "alpenbank"), "lea")
    query = {k: v[0] for k, v in parse_qs(urlsplit(callback).query).items()}
    response = client.get("/o/alpenbank/sso/callback?" + urlencode({**query, "iss": issuers["b"].url}))
    assert response.status_code == 400
    assert_refused_because(db, "issuer_mismatch")
    assert_no_session(client)


def test_a_changed_setting_rebuilds_the_client(app, client, db, club):
    """Settings change between flows: the old client's state no longer completes, the new one works."""
    alpha, _, _, issuers = club
    old_flow = complete_login(requests.Session(), start(client, "alpenbank"), "lea")
    configure_sso(app, db, alpha, issuers["a"].url, "tandem-a", "secret-a")  # version + 1
    assert client.get(local_path(old_flow)).status_code == 400
    response, _ = sign_in_through(client, "alpenbank", "lea")
    assert response.status_code == 302


# --- Forged answers, from the tests' own provider --------------------------------------------------------

@pytest.fixture()
def rogue_club(app, db, rogue_idp):
    organisation = make_organisation(db, "lemanis")
    person = make_user(db, organisation, email="chloe.martin@lemanis.example", display_name="Chloé Martin")
    db.commit()
    rogue_idp.claims = {"sub": "chloe-1", "email": person.email, "email_verified": True, "name": "Chloé"}
    configure_sso(app, db, organisation, rogue_idp.url, rogue_idp.client_id, rogue_idp.client_secret)
    return organisation, person, rogue_idp


def rogue_round_trip(client, rogue) -> object:
    authorize = start(client, "lemanis")
    callback = requests.get(authorize, allow_redirects=False, timeout=10).headers["Location"]
    return client.get(local_path(callback))


def test_the_rogue_providers_normal_answer_signs_in_with_pkce(client, rogue_club):
    _, _, rogue = rogue_club
    assert rogue_round_trip(client, rogue).status_code == 302
    assert client.get("/me/").status_code == 200
    (token_request,) = rogue.token_requests
    assert token_request["form"]["code_verifier"]


@pytest.mark.parametrize("mode", ["alg_none", "bad_signature", "wrong_audience", "expired", "wrong_nonce",
                                  "wrong_issuer_in_token"])
def test_forged_id_tokens_are_refused(client, db, rogue_club, mode):
    _, _, rogue = rogue_club
    rogue.mode = mode
    response = rogue_round_trip(client, rogue)
    assert response.status_code == 400, mode
    assert_refused_because(db, "id_token_invalid")
    assert_no_session(client)
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(Identity.id))) == 0


def test_a_discovery_issuer_mismatch_is_refused_before_anything_starts(client, rogue_club):
    _, _, rogue = rogue_club
    rogue.advertised_issuer = "https://login.evil.example"
    response = client.get("/o/lemanis/sso/start")
    assert response.status_code == 502
    assert rogue.authorize_requests == []
    assert_no_session(client)


def test_an_iss_parameter_of_another_issuer_is_refused(client, db, rogue_club):
    _, _, rogue = rogue_club
    rogue.iss_param = "https://login.evil.example"
    assert rogue_round_trip(client, rogue).status_code == 400
    assert_refused_because(db, "issuer_mismatch")
    assert_no_session(client)


def test_a_missing_iss_parameter_is_refused_when_the_provider_promised_it(client, db, rogue_club):
    _, _, rogue = rogue_club
    rogue.iss_param = None
    assert rogue_round_trip(client, rogue).status_code == 400
    assert_refused_because(db, "issuer_missing")


def test_provider_errors_end_on_a_clear_page(client, db, rogue_club):
    response = client.get("/o/lemanis/sso/callback?error=access_denied&state=x")
    assert response.status_code == 400
    assert_refused_because(db, "provider_error")
    assert_no_session(client)


def test_a_discovery_issuer_mismatch_at_the_callback_is_refused(client, db, rogue_club):
    _, _, rogue = rogue_club
    authorize = start(client, "lemanis")
    callback = requests.get(authorize, allow_redirects=False, timeout=10).headers["Location"]
    rogue.advertised_issuer = "https://login.evil.example"
    from tandem.platform.identity.oidc import sso_clients

    with client.application.app_context():
        for name in list(sso_clients().oauth._clients):  # noqa: SLF001 - make the client fetch discovery again
            sso_clients().oauth._clients[name].server_metadata.pop("_loaded_at", None)  # noqa: SLF001
    assert client.get(local_path(callback)).status_code in (400, 502)
    assert_refused_because(db, "issuer_mismatch")
