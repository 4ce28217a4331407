"""Organisation admins: co-admins, the board naming admins, SSO settings with an encrypted secret."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.identity.models import User
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import OrganisationAdmin, OrganisationDomain, OrganisationSSO
from tests.factories import make_board_member, make_org_admin, make_organisation, make_user


@pytest.fixture()
def club(db):
    alpha = make_organisation(db, "alpha")
    beta = make_organisation(db, "beta")
    people = {"admin": make_org_admin(db, alpha), "board": make_board_member(db, beta),
              "beta_person": make_user(db, beta, email="bea@beta.example")}
    db.commit()
    return alpha, beta, people


def admins_of(db, organisation_id: int) -> set[str]:
    with club_scope(db):
        db.expire_all()
        return set(db.scalars(sa.select(User.email).join(OrganisationAdmin, OrganisationAdmin.user_id == User.id)
                              .where(OrganisationAdmin.organisation_id == organisation_id)))


def test_an_admin_adds_a_co_admin_who_is_told_by_mail(client, db, sign_in, club):
    alpha, _, people = club
    sign_in(client, people["admin"])
    response = client.post("/o/alpha/admins", data={"email": "Nina.Roth@alpha.example", "display_name": "Nina Roth"})
    assert response.status_code == 302
    assert "nina.roth@alpha.example" in admins_of(db, alpha.id)
    with club_scope(db):
        mail = db.scalar(sa.select(OutboxMessage).where(OutboxMessage.recipient == "nina.roth@alpha.example"))
        actions = set(db.scalars(sa.select(AuditEvent.action)))
    assert mail is not None and mail.kind == "org_admin_granted"
    assert "role.org_admin_granted" in actions


@pytest.mark.parametrize(("email", "message"), [
    ("nina@elsewhere.example", "Use an address of Alpha"),
    ("bea@beta.example", "Use an address of Alpha"),
    ("not-an-address", "This does not look like an e-mail address."),
])
def test_bad_co_admins_are_refused_beside_the_field_and_nothing_is_written(client, db, sign_in, club,
                                                                          email, message):
    alpha, _, people = club
    sign_in(client, people["admin"])
    before = admins_of(db, alpha.id)
    response = client.post("/o/alpha/admins", data={"email": email, "display_name": "Nina"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert message in response.get_data(as_text=True)
    assert admins_of(db, alpha.id) == before
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(User.id)).where(User.display_name == "Nina")) == 0


def test_an_admin_cannot_be_added_twice(client, db, sign_in, club):
    _, _, people = club
    sign_in(client, people["admin"])
    response = client.post("/o/alpha/admins", data={"email": people["admin"].email, "display_name": "Again"},
                           headers={"Accept-Language": "en"})
    assert response.status_code == 400 and "is already an admin" in response.get_data(as_text=True)


def test_admins_are_removed_but_never_the_last(client, db, sign_in, club):
    alpha, _, people = club
    second = make_org_admin(db, alpha)
    db.commit()
    sign_in(client, people["admin"])
    with club_scope(db):
        grants = dict(db.execute(sa.select(OrganisationAdmin.user_id, OrganisationAdmin.id)
                                 .where(OrganisationAdmin.organisation_id == alpha.id)).all())
    assert client.post(f"/o/alpha/admins/{grants[second.id]}/remove").status_code == 302
    assert admins_of(db, alpha.id) == {people["admin"].email}
    response = client.post(f"/o/alpha/admins/{grants[people['admin'].id]}/remove", follow_redirects=True,
                           headers={"Accept-Language": "en"})
    assert "at least one admin" in response.get_data(as_text=True)
    assert admins_of(db, alpha.id) == {people["admin"].email}


def test_the_board_names_an_organisations_admin(client, db, sign_in, club):
    alpha, beta, people = club
    sign_in(client, people["board"])
    response = client.post(f"/board/organisations/{alpha.id}/admins",
                           data={"email": "chef@alpha.example", "display_name": "Chef"})
    assert response.status_code == 302
    assert "chef@alpha.example" in admins_of(db, alpha.id)
    assert client.get("/board/organisations").status_code == 200


SETTINGS = {"issuer": "https://login.alpha.example", "client_id": "tandem-alpha",
            "client_secret": "s3cr3t-value-never-shown", "domains": "alpha.example\nalpha-group.example",
            "enabled": "y", "save": "1"}


def test_sso_settings_are_saved_with_the_secret_encrypted_and_never_shown(app, client, db, sign_in, club):
    alpha, _, people = club
    sign_in(client, people["admin"])
    assert client.post("/o/alpha/settings/sso", data=SETTINGS).status_code == 302
    with club_scope(db):
        stored = db.scalar(sa.select(OrganisationSSO).where(OrganisationSSO.organisation_id == alpha.id))
        domains = set(db.scalars(sa.select(OrganisationDomain.domain)
                                 .where(OrganisationDomain.organisation_id == alpha.id)))
        audit_details = " ".join(str(d) for d in db.scalars(sa.select(AuditEvent.details)))
    assert b"s3cr3t" not in stored.client_secret_encrypted
    with app.app_context():
        from tandem.platform.identity.crypto import decrypt_secret

        assert decrypt_secret(stored.client_secret_encrypted) == SETTINGS["client_secret"]
    assert domains == {"alpha.example", "alpha-group.example"}
    assert "s3cr3t" not in audit_details
    page = client.get("/o/alpha/settings/sso").get_data(as_text=True)
    assert "s3cr3t" not in page and "tandem-alpha" in page
    assert "/o/alpha/sso/callback" in page, "the redirect URI to register is shown"

    version = stored.version
    unchanged = {**SETTINGS, "client_secret": ""}  # empty keeps the stored secret
    assert client.post("/o/alpha/settings/sso", data=unchanged).status_code == 302
    with club_scope(db):
        db.expire_all()
        again = db.get(OrganisationSSO, stored.id)
    assert again.version == version and again.client_secret_encrypted == stored.client_secret_encrypted
    client.post("/o/alpha/settings/sso", data={**unchanged, "client_id": "renamed"})
    with club_scope(db):
        db.expire_all()
        assert db.get(OrganisationSSO, stored.id).version == version + 1


@pytest.mark.parametrize(("change", "field_message"), [
    ({"client_secret": ""}, "Enter the client secret."),
    ({"domains": "beta.example"}, "Already used by another member organisation: beta.example"),
    ({"domains": "not a domain!"}, "Not a domain"),
    ({"issuer": "http://login.alpha.example"}, "The issuer must use https://."),
    ({"issuer": "login.alpha.example"}, "Enter a full URL"),
])
def test_bad_sso_settings_are_explained_and_nothing_is_written(client, db, sign_in, club, change, field_message):
    alpha, _, people = club
    sign_in(client, people["admin"])
    response = client.post("/o/alpha/settings/sso", data={**SETTINGS, **change}, headers={"Accept-Language": "en"})
    assert response.status_code == 400
    assert field_message in response.get_data(as_text=True)
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(OrganisationSSO.id))) == 0
        assert set(db.scalars(sa.select(OrganisationDomain.domain)
                              .where(OrganisationDomain.organisation_id == alpha.id))) == {"alpha.example"}


def test_connection_outcomes_are_explained(client, db, sign_in, club, rogue_idp):
    _, _, people = club
    sign_in(client, people["admin"])

    def test_connection(issuer: str) -> str:
        form = {**SETTINGS, "issuer": issuer, "save": "", "test": "1"}  # the whole form is checked first
        response = client.post("/o/alpha/settings/sso", data={k: v for k, v in form.items() if v},
                               headers={"Accept-Language": "en"})
        assert response.status_code == 200, response.status_code
        return response.get_data(as_text=True)

    assert "answers" in test_connection(rogue_idp.url) and rogue_idp.token_endpoint in test_connection(rogue_idp.url)
    neutral = "The provider could not be reached or did not answer as an OpenID provider."
    assert neutral in test_connection("http://127.0.0.1:9")
    assert neutral in test_connection(rogue_idp.url + "/not-here")
    rogue_idp.advertised_issuer = "https://login.evil.example"
    page = test_connection(rogue_idp.url)
    assert "https://login.evil.example" in page and "not the issuer you entered" in page
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count(OrganisationSSO.id))) == 0, "testing saves nothing"
