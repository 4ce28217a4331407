"""E-mail domains route sign-ins only once the board approved them; public mail providers are never one.

An organisation admin's new domain waits for the board's approval (the board's own entries are approved at
once): until then it neither routes sign-ins to the organisation's provider nor takes nominations or admins.
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.database import Database
from tandem.platform.migrate import upgrade
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import DomainStatus, Organisation, OrganisationDomain, OrganisationSSO
from tests.factories import make_board_member, make_org_admin, make_organisation, make_user
from tests.fixtures.services import fresh_database

EN = {"Accept-Language": "en"}
SETTINGS = {"issuer": "https://login.alpha.example", "client_id": "tandem-alpha",
            "client_secret": "s3cr3t-value", "domains": "alpha.example", "enabled": "y", "save": "1"}


@pytest.fixture()
def club(db):
    alpha = make_organisation(db, "alpha", name="Alpha")
    beta = make_organisation(db, "beta", name="Beta")
    with club_scope(db):
        beta.domains.append(OrganisationDomain(domain="beta-old.example", status=DomainStatus.APPROVED))
        db.flush()
    people = {"admin": make_org_admin(db, alpha), "beta_admin": make_org_admin(db, beta),
              "board": make_board_member(db, beta),
              "former": make_user(db, beta, email="bea@beta-old.example", display_name="Bea")}
    db.commit()
    return alpha, beta, people


def domains_of(db, organisation_id: int) -> dict[str, str]:
    with club_scope(db):
        db.expire_all()
        return dict(db.execute(sa.select(OrganisationDomain.domain, OrganisationDomain.status)
                               .where(OrganisationDomain.organisation_id == organisation_id)).all())


def domain_id(db, domain: str) -> int:
    with club_scope(db):
        return db.scalar(sa.select(OrganisationDomain.id).where(OrganisationDomain.domain == domain))


def audited(db, action: str) -> list[AuditEvent]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(AuditEvent).where(AuditEvent.action == action)))


def field_errors(response, field_id: str) -> list[str]:
    body = response.get_data(as_text=True)
    found = re.findall(rf'<p class="field__error" id="{field_id}-error-\d+">(.*?)</p>', body, re.S)
    return [re.sub(r"<[^>]+>|\s+", " ", message).replace("Error:", "").strip() for message in found]


def signs_in_at(app, email: str) -> str:
    """Where the sign-in page sends this address: an organisation's provider, or the e-mailed link."""
    response = app.test_client().post("/sign-in", data={"email": email, "continue_": "1"})
    assert response.status_code == 302, response.get_data(as_text=True)
    location = response.headers["Location"]
    return "link" if location == "/sign-in/sent" else location.split("?")[0]


# --- Public mail providers are refused beside the field ---

@pytest.mark.parametrize("domain", ["gmail.com", "GMAIL.com", "hotmail.com", "gmx.ch", "mailinator.com"])
def test_an_admin_cannot_claim_a_public_mail_provider(client, db, sign_in, club, domain):
    alpha, _, people = club
    sign_in(client, people["admin"])
    response = client.post("/o/alpha/settings/sso", data={**SETTINGS, "domains": f"alpha.example\n{domain}"},
                           headers=EN)
    assert response.status_code == 400
    [error] = field_errors(response, "domains")
    assert domain.lower() in error and "public mail provider" in error, error
    assert domains_of(db, alpha.id) == {"alpha.example": "approved"}
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(OrganisationSSO.id))) == 0


def test_the_board_cannot_give_an_organisation_a_public_mail_provider(client, db, sign_in, club):
    alpha, _, people = club
    sign_in(client, people["board"])
    response = client.post("/board/organisations/new", headers=EN,
                           data={"slug": "newcomer", "name": "Newcomer", "domains": "newcomer.example\ngmail.com"})
    assert response.status_code == 400
    [error] = field_errors(response, "domains")
    assert "gmail.com" in error and "public mail provider" in error, error
    with club_scope(db):
        assert db.scalar(sa.select(Organisation).where(Organisation.slug == "newcomer")) is None
    response = client.post(f"/board/organisations/{alpha.id}/edit", headers=EN,
                           data={"name": "Alpha", "domains": "alpha.example\noutlook.com"})
    assert response.status_code == 400
    assert "outlook.com" in field_errors(response, "domains")[0]
    assert domains_of(db, alpha.id) == {"alpha.example": "approved"}


# --- A new domain waits for the board ---

def test_a_released_domain_claimed_by_another_organisation_routes_sign_ins_only_once_approved(
        app, client, db, sign_in, club):
    alpha, beta, people = club
    assert signs_in_at(app, "bea@beta-old.example") == "link"  # Beta has no provider: links

    # Beta releases the domain; Alpha's admin claims it at once, with Alpha's provider switched on.
    sign_in(client, people["beta_admin"])
    assert client.post("/o/beta/settings/sso", data={**SETTINGS, "issuer": "https://login.beta.example",
                                                     "domains": "beta.example"}).status_code == 302
    assert domains_of(db, beta.id) == {"beta.example": "approved"}
    sign_in(client, people["admin"])
    response = client.post("/o/alpha/settings/sso", data={**SETTINGS, "domains": "alpha.example\nbeta-old.example"})
    assert response.status_code == 302
    assert domains_of(db, alpha.id) == {"alpha.example": "approved", "beta-old.example": "pending"}
    page = client.get("/o/alpha/settings/sso", headers=EN).get_data(as_text=True)
    assert re.search(r"Waiting for the board(&#39;|')s approval</span> beta-old\.example\.", page), page

    # Not approved yet: Beta's former people are not sent to Alpha's provider, Alpha's own people are.
    assert signs_in_at(app, "bea@beta-old.example") == "link"
    assert signs_in_at(app, "someone@alpha.example") == "/o/alpha/sso/"
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(AuditEvent.id))
                         .where(AuditEvent.action == "organisation.domain_approved")) == 0

    # The board sees it waiting, and approves it: from then on it routes to Alpha's provider.
    sign_in(client, people["board"])
    board_page = client.get("/board/organisations", headers=EN).get_data(as_text=True)
    assert "Domains waiting for approval" in board_page and "beta-old.example" in board_page
    assert f"/board/organisations/domains/{domain_id(db, 'beta-old.example')}/approve" in board_page
    response = client.post(f"/board/organisations/domains/{domain_id(db, 'beta-old.example')}/approve")
    assert response.status_code == 302
    assert domains_of(db, alpha.id) == {"alpha.example": "approved", "beta-old.example": "approved"}
    [event] = audited(db, "organisation.domain_approved")
    assert event.organisation_id == alpha.id and event.details == {"domain": "beta-old.example"}
    assert event.actor_user_id == people["board"].id
    assert signs_in_at(app, "bea@beta-old.example") == "/o/alpha/sso/"
    assert "Domains waiting for approval" not in client.get("/board/organisations", headers=EN).get_data(
        as_text=True)


def test_the_board_refuses_a_domain_which_is_then_free_again(app, client, db, sign_in, club):
    alpha, _, people = club
    sign_in(client, people["admin"])
    assert client.post("/o/alpha/settings/sso",
                       data={**SETTINGS, "domains": "alpha.example\nalpha-new.example"}).status_code == 302
    sign_in(client, people["board"])
    pending = domain_id(db, "alpha-new.example")
    response = client.post(f"/board/organisations/domains/{pending}/refuse", follow_redirects=True, headers=EN)
    assert response.status_code == 200
    assert "alpha-new.example is refused" in response.get_data(as_text=True)
    assert domains_of(db, alpha.id) == {"alpha.example": "approved"}
    [event] = audited(db, "organisation.domain_refused")
    assert event.organisation_id == alpha.id and event.details == {"domain": "alpha-new.example"}
    # Approving or refusing twice: not found (refused) or nothing to do (approved).
    assert client.post(f"/board/organisations/domains/{pending}/approve").status_code == 404
    approved = domain_id(db, "alpha.example")
    response = client.post(f"/board/organisations/domains/{approved}/refuse", follow_redirects=True, headers=EN)
    assert "already approved" in response.get_data(as_text=True)
    assert domains_of(db, alpha.id) == {"alpha.example": "approved"}


def test_a_pending_domain_takes_no_admins_or_nominations_yet(client, db, sign_in, club):
    alpha, _, people = club
    sign_in(client, people["admin"])
    assert client.post("/o/alpha/settings/sso",
                       data={**SETTINGS, "domains": "alpha.example\nalpha-new.example"}).status_code == 302
    response = client.post("/o/alpha/admins", data={"email": "nina@alpha-new.example", "display_name": "Nina"},
                           headers=EN)
    assert response.status_code == 400
    assert "Use an address of Alpha (alpha.example)" in response.get_data(as_text=True)


def test_domains_the_board_enters_are_approved_at_once(app, client, db, sign_in, club):
    alpha, _, people = club
    sign_in(client, people["board"])
    response = client.post("/board/organisations/new",
                           data={"slug": "newcomer", "name": "Newcomer", "domains": "newcomer.example"})
    assert response.status_code == 302
    with club_scope(db):
        newcomer = db.scalar(sa.select(Organisation).where(Organisation.slug == "newcomer"))
    assert domains_of(db, newcomer.id) == {"newcomer.example": "approved"}
    response = client.post(f"/board/organisations/{alpha.id}/edit",
                           data={"name": "Alpha", "domains": "alpha.example\nalpha-group.example"})
    assert response.status_code == 302
    assert domains_of(db, alpha.id) == {"alpha.example": "approved", "alpha-group.example": "approved"}


def test_the_migration_approves_the_domains_there_were():
    with fresh_database("domains") as url:
        database = Database(url)
        try:
            upgrade(database.engine, "0006")
            with database.engine.begin() as connection:
                connection.execute(sa.text("INSERT INTO organisations (id, slug, name, status, created_at) "
                                           "VALUES (1, 'alpha', 'Alpha', 'active', CURRENT_TIMESTAMP)"))
                connection.execute(sa.text("INSERT INTO organisation_domains (organisation_id, domain) "
                                           "VALUES (1, 'alpha.example')"))
            upgrade(database.engine)
            with database.engine.connect() as connection:
                rows = connection.execute(sa.text("SELECT domain, status FROM organisation_domains")).all()
            assert [tuple(row) for row in rows] == [("alpha.example", "approved")]
        finally:
            database.dispose()
