"""Publishing tells the people left without a partner what happens next, and their organisations' admins: one
mail each person, one mail each admin per organisation and cohort, in their languages, with the publication."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tandem.platform.cohorts.models import CohortState
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.tenancy import club_scope
from tests.factories import (
    make_board_member,
    make_cohort,
    make_matching_run,
    make_org_admin,
    make_organisation,
    make_pair,
    make_participation,
    make_user,
)

PERSON, ADMIN = "unmatched_published", "unmatched_published_admin"


@pytest.fixture(autouse=True)
def _english_browser(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture()
def world(db):
    alpha = make_organisation(db, name="Alpha Bank")
    beta = make_organisation(db, name="Beta Energie")
    gamma = make_organisation(db, name="Gamma Kliniken")
    board = make_board_member(db, gamma, preferred_language="en")
    admins = {
        "alpha_de": make_org_admin(db, alpha, display_name="Admin Alpha", preferred_language="de"),
        "beta_en": make_org_admin(db, beta, display_name="Admin Beta EN", preferred_language="en"),
        "beta_fr": make_org_admin(db, beta, display_name="Admin Beta FR", preferred_language="fr"),
        "gamma_en": make_org_admin(db, gamma, display_name="Admin Gamma", preferred_language="en"),
    }
    cohort = make_cohort(db, CohortState.MATCHING, name="Spring Cohort")
    people, users = {}, {}
    for key, organisation, role, status, language in (
        ("anna", alpha, "mentor", "active", "de"), ("bernard", beta, "mentee", "active", "fr"),
        ("ella", alpha, "mentee", "active", "fr"), ("hugo", alpha, "mentor", "active", "en"),
        ("felix", beta, "mentor", "active", "de"), ("gina", gamma, "mentee", "withdrawn", "en"),
        ("ida", gamma, "mentee", "active", "en"),
    ):
        users[key] = make_user(db, organisation, display_name=key.title() + " Example", preferred_language=language)
        people[key] = make_participation(db, users[key], cohort, role=role, status=status)
    run = make_matching_run(db, cohort)
    make_pair(db, people["anna"], people["bernard"], status="proposed", run=run, score=0.8)
    make_pair(db, people["felix"], people["ida"], status="locked", run=run, score=0.7)
    db.commit()
    return {"cohort": cohort, "people": people, "users": users, "admins": admins, "board": board, "run": run}


def mails(db, kind: str) -> dict[str, OutboxMessage]:
    with club_scope(db):
        db.expire_all()
        found = list(db.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)))
    by_recipient = {m.recipient: m for m in found}
    assert len(by_recipient) == len(found), "one mail each"
    return by_recipient


def test_the_unmatched_and_their_admins_are_told_at_publication(client, sign_in, db, world):
    admins = world["admins"]
    sign_in(client, world["board"])
    response = client.post(f"/board/cohorts/{world['cohort'].id}/matching/publish",
                           data={"run_id": world["run"].id, "confirm": "y"})
    assert response.status_code == 302

    told = mails(db, PERSON)
    ella, hugo = world["users"]["ella"], world["users"]["hugo"]
    assert set(told) == {ella.email, hugo.email}  # not the paired, not Gina who withdrew
    assert told[ella.email].language == "fr" and told[hugo.email].language == "en"
    assert told[ella.email].recipient_user_id == ella.id
    body = told[hugo.email].body_text
    assert "Spring Cohort" in body and "Hugo Example" in body and "http://localhost/me/" in body
    assert "no mentee" in body and "e-mail" in body  # what happens next: told if paired later

    admin_mails = mails(db, ADMIN)
    # Alpha's admin: one mail listing both of Alpha's people; Beta and Gamma have nobody left without a partner.
    assert set(admin_mails) == {admins["alpha_de"].email}
    listing = admin_mails[admins["alpha_de"].email]
    assert listing.language == "de" and "Ella Example" in listing.body_text and "Hugo Example" in listing.body_text
    assert "Anna Example" not in listing.body_text


def test_nobody_is_told_twice_when_everyone_has_a_partner(db, app_context, world):
    from tandem.platform.workbench.publishing.operations import publish_run

    with club_scope(db):
        for key in ("ella", "hugo"):
            world["people"][key].status = "declined"
        db.flush()
    db.commit()
    publish_run(db, world["cohort"], world["board"].id)
    db.commit()
    assert mails(db, PERSON) == {} and mails(db, ADMIN) == {}
