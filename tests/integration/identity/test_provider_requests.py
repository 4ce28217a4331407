"""Sign-in's own requests to an organisation's provider (discovery, token, keys, userinfo) are guarded too.

The rogue provider runs on 127.0.0.1 (allowed in test mode); what it advertises points elsewhere. The
network fence refuses and records any attempt to reach an address that is not loopback.
"""

from __future__ import annotations

from dataclasses import replace
from urllib.parse import urlsplit

import pytest
import requests
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.identity.crypto import encrypt_secret
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import OrganisationSSO
from tests.factories import make_organisation, make_user
from tests.fixtures.network import fence_network


@pytest.fixture()
def rogue_org(app, db, rogue_idp):
    organisation = make_organisation(db, "lemanis")
    person = make_user(db, organisation, email="chloe.martin@lemanis.example")
    rogue_idp.claims = {"sub": "chloe-1", "email": person.email, "email_verified": True, "name": "Chloé"}
    with app.app_context(), club_scope(db):
        db.add(OrganisationSSO(organisation_id=organisation.id, issuer=rogue_idp.url, client_id=rogue_idp.client_id,
                               client_secret_encrypted=encrypt_secret(rogue_idp.client_secret)))
        db.commit()
    return rogue_idp


def last_refusal(db) -> str:
    with club_scope(db):
        event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "sign_in.failed")
                          .order_by(AuditEvent.id.desc()))
    return event.details["reason"] if event else ""


def round_trip(client) -> object:
    start = client.get("/o/lemanis/sso/start")
    assert start.status_code == 302, start.status_code
    callback = requests.get(start.headers["Location"], allow_redirects=False, timeout=10).headers["Location"]
    parts = urlsplit(callback)
    return client.get(parts.path + "?" + parts.query)


@pytest.mark.parametrize("endpoint", ["token_endpoint", "jwks_uri"])
@pytest.mark.parametrize("target", ["http://169.254.169.254/latest/meta-data/", "http://10.0.0.7/x",
                                    "file:///etc/passwd"])
def test_endpoints_the_discovery_names_at_internal_addresses_are_not_contacted(monkeypatch, client, db, rogue_org,
                                                                                endpoint, target):
    fence = fence_network(monkeypatch)
    document = rogue_org.discovery()
    monkeypatch.setattr(rogue_org, "discovery", lambda: {**document, endpoint: target})
    response = round_trip(client)
    assert response.status_code == 400
    assert last_refusal(db) == "provider_unreachable"
    assert fence.refused_connections == [] and fence.refused_lookups == []


def test_a_provider_whose_name_resolves_to_the_metadata_address_is_not_contacted(app, monkeypatch, client, db,
                                                                                 rogue_org):
    fence = fence_network(monkeypatch)
    questions: list[str] = []

    def resolve(host: str, port: int) -> list[str]:
        questions.append(host)
        return ["169.254.169.254"]

    clients = app.extensions["tandem.sso_clients"]
    monkeypatch.setattr(clients, "policy", replace(clients.policy, resolver=resolve))
    with club_scope(db):
        db.scalar(sa.select(OrganisationSSO)).issuer = "https://login.lemanis.example"
        db.commit()
    assert client.get("/o/lemanis/sso/start").status_code == 502
    assert last_refusal(db) == "provider_unreachable"
    assert questions == ["login.lemanis.example"]
    assert fence.refused_connections == [] and fence.refused_lookups == []


def test_settings_in_the_discovery_document_do_not_reconfigure_the_client(monkeypatch, client, db, rogue_org):
    """Authlib passes the discovery document to its session's constructor: `code_challenge_method`,
    `proxies`, `verify`, `default_timeout` there must not switch off PKCE or the guard."""
    fence = fence_network(monkeypatch)
    document = rogue_org.discovery()
    monkeypatch.setattr(rogue_org, "discovery", lambda: {
        **document, "code_challenge_method": None, "proxies": {"http": "http://169.254.169.254:80"},
        "verify": False, "default_timeout": 3600, "trust_env": True, "scope": "openid"})
    assert round_trip(client).status_code == 302
    (token_request,) = rogue_org.token_requests
    assert token_request["form"]["code_verifier"], "PKCE is still on"
    assert "email" in rogue_org.authorize_requests[0]["scope"]
    assert fence.refused_connections == []
