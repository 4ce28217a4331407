"""A real browser signs in through a real OpenID provider (node-oidc-provider), per organisation."""

from __future__ import annotations

import pytest

from tandem.platform.cohorts.models import CohortState
from tandem.platform.identity.crypto import encrypt_secret
from tandem.tenants.models import OrganisationSSO
from tests.factories import make_cohort, make_org_admin, make_organisation, make_participation, make_user
from tests.fixtures.oidc import login_in_browser

pytestmark = pytest.mark.browser


@pytest.fixture()
def two_organisations(live_server, oidc_providers):
    session = live_server.session()
    try:
        alpha = make_organisation(session, "alpenbank", name="Alpenbank Zürich")
        beta = make_organisation(session, "rhein", name="Rhein Energie")
        lea = make_user(session, alpha, email="lea.keller@alpenbank.example", display_name="Lea Keller")
        make_org_admin(session, alpha, email="sandra.frei@alpenbank.example", display_name="Sandra Frei")
        make_user(session, beta, email="ben.wolf@rhein.example", display_name="Ben Wolf")
        make_participation(session, lea, make_cohort(session, CohortState.RUNNING, name="Cohort 2026"),
                           role="mentor", status="active")
        accounts = {"lea": {"email": "lea.keller@alpenbank.example", "email_verified": True, "name": "Lea"},
                    "sandra": {"email": "sandra.frei@alpenbank.example", "email_verified": True, "name": "S"}}
        issuers = oidc_providers([
            {"name": "a", "clients": [{"client_id": "tandem-a", "client_secret": "secret-a",
                                        "redirect_uris": [f"{live_server.url}/o/alpenbank/sso/callback"]}],
             "accounts": accounts},
            {"name": "b", "clients": [{"client_id": "tandem-b", "client_secret": "secret-b",
                                        "redirect_uris": [f"{live_server.url}/o/rhein/sso/callback"]}],
             "accounts": {"ben": {"email": "ben.wolf@rhein.example", "email_verified": True, "name": "Ben"}}},
        ])
        with live_server.app.app_context():
            for organisation, name in ((alpha, "a"), (beta, "b")):
                session.add(OrganisationSSO(organisation_id=organisation.id, issuer=issuers[name].url,
                                            client_id=f"tandem-{name}",
                                            client_secret_encrypted=encrypt_secret(f"secret-{name}")))
        session.commit()
    finally:
        session.close()
    return issuers


def sign_in_with_sso(page, base_url: str, email: str, login: str) -> None:
    page.goto(base_url + "/sign-in")
    page.get_by_label("Work e-mail address").fill(email)
    page.get_by_role("button", name="Continue", exact=True).click()
    # The hand-over page goes on by itself (meta refresh) to the organisation's provider.
    login_in_browser(page, login)
    page.wait_for_load_state()


def test_a_participant_of_a_signs_in_through_as_provider_and_sees_nothing_of_b(live_server, browser,
                                                                              two_organisations):
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        sign_in_with_sso(page, live_server.url, "lea.keller@alpenbank.example", "lea")
        assert page.url == live_server.url + "/me/"
        body = page.locator("body").inner_text()
        assert "Lea Keller" in body and "Alpenbank Zürich" in body and "Cohort 2026" in body
        assert "Rhein" not in body and "Ben Wolf" not in body
        for path in ("/o/rhein/", "/o/rhein/admins", "/o/alpenbank/"):
            response = page.goto(live_server.url + path)
            assert response.status == 404, path
            assert "Ben Wolf" not in page.locator("body").inner_text()
    finally:
        context.close()


def test_an_admin_of_a_sees_as_people_and_nothing_of_b(live_server, browser, two_organisations):
    context = browser.new_context(locale="en-GB")
    try:
        page = context.new_page()
        sign_in_with_sso(page, live_server.url, "sandra.frei@alpenbank.example", "sandra")
        assert page.url == live_server.url + "/o/alpenbank/"
        body = page.locator("body").inner_text()
        assert "Lea Keller" in body and "Ben Wolf" not in body
        assert page.goto(live_server.url + "/o/rhein/").status == 404
        page.goto(live_server.url + "/")
        page.get_by_role("button", name="Sign out").click()
        page.wait_for_load_state()
        assert page.goto(live_server.url + "/o/alpenbank/").status == 401
    finally:
        context.close()
