"""Every mail to a person is in one language, by one rule (tandem/platform/mail/language.py): the person's
choice, else the club's DEFAULT_LANGUAGE (English in the tests). Not the language of whoever's page caused
the mail, nor the language of the browser that asked for a sign-in link."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tandem.platform.identity.models import User
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.tenancy import club_scope
from tests.factories import make_board_member, make_cohort, make_org_admin, make_organisation, make_quota, make_user
from tests.fixtures.signing_in import run_sign_in_jobs

LINK = re.compile(r"http://[^\s]+/sign-in/link/([A-Za-z0-9_\-]+)")
FR, DE = {"Accept-Language": "fr"}, {"Accept-Language": "de"}
NOMINATION = {"name": "Nina Roth", "email": "nina.roth@alpha.example", "role": "mentee",
              "cohort": "cohort-2027", "note": ""}


@pytest.fixture()
def club(db):
    alpha = make_organisation(db, "alpha", name="Alpha")
    cohort = make_cohort(db, slug="cohort-2027", name="Cohort 2027")
    make_quota(db, cohort, alpha, mentors=2, mentees=3)
    people = {
        "admin": make_org_admin(db, alpha, email="sandra@alpha.example", preferred_language="fr"),
        "board": make_board_member(db, make_organisation(db, "club"), preferred_language="de"),
        "lea": make_user(db, alpha, email="lea@alpha.example", preferred_language="de"),
    }
    db.commit()
    return {"alpha": alpha, "people": people}


def mails_to(db, address: str) -> list[OutboxMessage]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(OutboxMessage).where(OutboxMessage.recipient == address)
                               .order_by(OutboxMessage.id)))


def ask_for_a_link(app, address: str, headers: dict[str, str]) -> None:
    """From a browser of its own, in the language the headers say."""
    response = app.test_client().post("/sign-in", data={"email": address, "send_link": "1"}, headers=headers)
    assert response.status_code == 302
    run_sign_in_jobs(app)


def test_a_new_persons_invitation_and_sign_in_link_come_in_the_same_language(app, db, client, sign_in, club):
    sign_in(client, club["people"]["admin"])
    assert client.post("/o/alpha/nominations/new", data=NOMINATION, headers=FR).status_code == 302
    ask_for_a_link(app, "nina.roth@alpha.example", FR)  # she reads the site in French, but chose nothing yet

    invitation, link = mails_to(db, "nina.roth@alpha.example")
    assert (invitation.kind, link.kind) == ("invitation", "sign_in_link")
    assert invitation.language == link.language == "en", "the club's language: she has chosen none"
    assert "Your sign-in link" in link.subject


def test_a_persons_choice_wins_for_every_mail(app, db, client, sign_in, club):
    lea = club["people"]["lea"]
    sign_in(client, club["people"]["admin"])
    assert client.post("/o/alpha/nominations/new", data={**NOMINATION, "email": lea.email, "name": "Lea"},
                       headers=FR).status_code == 302
    ask_for_a_link(app, lea.email, FR)
    assert [m.language for m in mails_to(db, lea.email)] == ["de", "de"]


def test_a_new_admins_mails_come_in_the_same_language(app, db, client, sign_in, club):
    sign_in(client, club["people"]["board"])
    response = client.post(f"/board/organisations/{club['alpha'].id}/admins",
                           data={"email": "tom@alpha.example", "display_name": "Tom Frei"}, headers=FR)
    assert response.status_code == 302
    ask_for_a_link(app, "tom@alpha.example", DE)
    granted, link = mails_to(db, "tom@alpha.example")
    assert (granted.kind, link.kind) == ("org_admin_granted", "sign_in_link")
    assert granted.language == link.language == "en"


def test_the_language_chosen_on_the_site_before_signing_in_becomes_the_persons_choice(app, db, client, club):
    nina = make_user(db, club["alpha"], email="nina@alpha.example")
    db.commit()
    assert client.post("/language", data={"language": "fr", "next": "/sign-in"}).status_code == 302
    assert client.post("/sign-in", data={"email": nina.email, "send_link": "1"}).status_code == 302
    run_sign_in_jobs(app)
    (first,) = mails_to(db, nina.email)
    assert first.language == "en", "asking for a link changes nobody's language"
    assert client.post(f"/sign-in/link/{LINK.search(first.body_text).group(1)}").status_code == 302
    with club_scope(db):
        db.expire_all()
        assert db.get(User, nina.id).preferred_language == "fr"

    ask_for_a_link(app, nina.email, DE)
    assert mails_to(db, nina.email)[-1].language == "fr"


def test_a_persons_earlier_choice_is_kept_at_sign_in(app, db, client, club):
    lea = club["people"]["lea"]
    client.post("/language", data={"language": "fr", "next": "/sign-in"})
    client.post("/sign-in", data={"email": lea.email, "send_link": "1"})
    run_sign_in_jobs(app)
    (mail,) = mails_to(db, lea.email)
    assert client.post(f"/sign-in/link/{LINK.search(mail.body_text).group(1)}").status_code == 302
    with club_scope(db):
        db.expire_all()
        assert db.get(User, lea.id).preferred_language == "de"
