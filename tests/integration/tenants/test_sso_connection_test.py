"""The "Test connection" of the sign-in settings: the whole form is checked first, and the request to the
provider goes through the guarded client (no internal addresses, no redirects, one message for failures).

DNS answers are simulated by substituting the resolver of the app's outbound policy; the network fence
refuses and records any attempt to reach an address that is not loopback.
"""

from __future__ import annotations

import re
from dataclasses import replace

import pytest
import sqlalchemy as sa

from tandem.platform.tenancy import club_scope
from tandem.tenants.models import OrganisationSSO
from tests.factories import make_org_admin, make_organisation
from tests.fixtures.network import fence_network, http_answer, json_answer, local_server

NEUTRAL = "The provider could not be reached or did not answer as an OpenID provider."
FORM = {"client_id": "tandem-alpha", "client_secret": "s3cr3t", "domains": "alpha.example", "enabled": "y",
        "test": "1"}


@pytest.fixture()
def admin_client(client, db, sign_in):
    alpha = make_organisation(db, "alpha")
    admin = make_org_admin(db, alpha)
    db.commit()
    sign_in(client, admin)
    return client


@pytest.fixture()
def fence(monkeypatch):
    return fence_network(monkeypatch)


@pytest.fixture()
def dns(app, monkeypatch):
    """`dns[name] = [addresses]`: what the app's resolver answers; `dns.questions` lists what it was asked."""
    class Answers(dict):
        questions: list[str]

    answers = Answers()
    answers.questions = []

    def resolve(host: str, port: int) -> list[str]:
        answers.questions.append(host)
        return answers[host]

    clients = app.extensions["tandem.sso_clients"]
    monkeypatch.setattr(clients, "policy", replace(clients.policy, resolver=resolve))
    return answers


def run_test(client, issuer: str, status: int = 200, **changes: str) -> str:
    response = client.post("/o/alpha/settings/sso", data={**FORM, "issuer": issuer, **changes},
                           headers={"Accept-Language": "en"})
    assert response.status_code == status, response.status_code
    return response.get_data(as_text=True)


def panel(page: str) -> str:
    match = re.search(r'<div class="status-panel.*?</div>', page, re.S)
    assert match, "the page shows the test's outcome"
    return match.group(0)


@pytest.mark.parametrize(("issuer", "changes", "message"), [
    ("http://login.alpha.example", {}, "The issuer must use https://."),
    ("http://93.184.216.34", {}, "The issuer must use https://."),
    ("file:///etc/passwd", {}, "Enter a full URL"),
    ("gopher://127.0.0.1:6379/_FLUSHALL", {}, "Enter a full URL"),
    ("https://login.alpha.example?x=1", {}, "no query"),
    ("https://login.alpha.example", {"client_id": ""}, "Enter the client ID."),
    ("https://login.alpha.example", {"domains": "not a domain!"}, "Not a domain"),
])
def test_the_whole_form_is_checked_before_any_request(admin_client, fence, dns, issuer, changes, message):
    page = run_test(admin_client, issuer, 400, **changes)
    assert message in page
    assert 'class="status-panel' not in page
    assert dns.questions == [] and fence.refused_connections == [] and fence.refused_lookups == []


@pytest.mark.parametrize("answer", [["169.254.169.254"], ["10.0.0.7"], ["fd00::7"], ["0.0.0.0"],
                                    ["93.184.216.34", "192.168.0.1"]])
def test_a_provider_at_an_internal_address_is_not_contacted(admin_client, fence, dns, answer):
    dns["login.alpha.example"] = answer
    page = run_test(admin_client, "https://login.alpha.example")
    assert NEUTRAL in panel(page)
    assert dns.questions == ["login.alpha.example"]
    assert fence.refused_connections == [] and fence.refused_lookups == []


def test_a_redirect_to_an_internal_document_shows_nothing_of_it(admin_client, fence):
    internal_document = {"issuer": "http://internal-secret.example", "authorization_endpoint": "http://a",
                         "token_endpoint": "http://t", "jwks_uri": "http://k"}
    with local_server(json_answer(internal_document)) as internal:
        redirect = http_answer("302 Found", headers={"Location": internal.url("/config.json")})
        with local_server(redirect) as provider:
            page = run_test(admin_client, provider.url())
    assert NEUTRAL in panel(page)
    assert "internal-secret" not in page
    assert internal.connections == 0


def test_an_open_and_a_closed_port_read_the_same(admin_client, fence):
    with local_server(http_answer(body=b"SSH-2.0-OpenSSH_9.6\r\n", content_length=False)) as open_port, \
            local_server(http_answer("404 Not Found", b"nothing here")) as web_server:
        open_panel = panel(run_test(admin_client, open_port.url()))
        web_panel = panel(run_test(admin_client, web_server.url()))
    closed_panel = panel(run_test(admin_client, "http://127.0.0.1:9"))
    assert open_panel == closed_panel == web_panel
    assert NEUTRAL in closed_panel and "127.0.0.1" not in closed_panel


def test_a_real_provider_still_answers_and_a_mismatch_is_explained(admin_client, db, fence, rogue_idp):
    page = run_test(admin_client, rogue_idp.url)
    assert "The provider answers and its issuer matches." in page and rogue_idp.token_endpoint in page
    rogue_idp.advertised_issuer = "https://login.evil.example"
    page = run_test(admin_client, rogue_idp.url)
    assert "https://login.evil.example" in page and "not the issuer you entered" in page
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(OrganisationSSO.id))) == 0, "testing saves nothing"
