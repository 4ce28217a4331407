"""After signing in, by any way there is, people land on their role's home (the board's overview, their
organisation's people page, their own page; the board wins, then the organisation admin), or on the page of
this site they asked for."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tandem import create_app
from tandem.platform.database import Base
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import OrganisationAdmin
from tests.factories import (
    make_board_member,
    make_cohort,
    make_org_admin,
    make_organisation,
    make_participation,
    make_user,
)
from tests.fixtures.services import config_for_tests
from tests.fixtures.signing_in import run_sign_in_jobs

LINK = re.compile(r"http://[^\s]+/sign-in/link/([A-Za-z0-9_\-]+)")


@pytest.fixture()
def people(db):
    """One person per combination of roles, all of Stadtwerke."""
    organisation = make_organisation(db, "stadtwerke")
    cohort = make_cohort(db)
    participant = make_user(db, organisation, email="lea@stadtwerke.example")
    admin = make_user(db, organisation, email="sandra@stadtwerke.example")
    admin_taking_part = make_user(db, organisation, email="tom@stadtwerke.example")
    board_admin_taking_part = make_board_member(db, organisation, email="regula@stadtwerke.example")
    with club_scope(db):
        for person in (admin, admin_taking_part, board_admin_taking_part):
            db.add(OrganisationAdmin(organisation_id=organisation.id, user_id=person.id))
        db.flush()
    for person in (participant, admin_taking_part, board_admin_taking_part):
        make_participation(db, person, cohort)
    db.commit()
    return {"participant": participant, "admin": admin, "admin_taking_part": admin_taking_part,
            "board_admin_taking_part": board_admin_taking_part}


def _sign_in_by_link(client, db, address: str):
    assert client.post("/sign-in", data={"email": address, "send_link": "1"}).status_code == 302
    run_sign_in_jobs(client.application)
    with club_scope(db):
        db.expire_all()
        body = db.scalar(sa.select(OutboxMessage.body_text).where(OutboxMessage.recipient == address)
                         .order_by(OutboxMessage.id.desc()).limit(1))
    return client.post(f"/sign-in/link/{LINK.search(body).group(1)}")


@pytest.mark.parametrize(("who", "home"), [
    ("participant", "/me/"),
    ("admin", "/o/stadtwerke/"),
    ("admin_taking_part", "/o/stadtwerke/"),
    ("board_admin_taking_part", "/board/"),
])
def test_people_land_on_their_roles_home(client, db, people, who, home):
    response = _sign_in_by_link(client, db, people[who].email)
    assert response.status_code == 302 and response.headers["Location"] == home
    assert client.get(home).status_code == 200
    # Signed in already, the sign-in page sends them home too.
    assert client.get("/sign-in").headers["Location"] == home


def test_the_page_asked_for_with_next_wins(client, db, people):
    assert client.get("/sign-in?next=/me/calendar").status_code == 200
    response = _sign_in_by_link(client, db, people["admin_taking_part"].email)
    assert response.headers["Location"] == "/me/calendar"


@pytest.mark.parametrize("target", ["//evil.example/", "/\\evil.example", "https://evil.example/",
                                    "/me/\r\nSet-Cookie: x=1", "javascript:alert(1)"])
def test_a_next_that_leaves_the_site_is_ignored(client, db, people, target):
    client.get("/sign-in", query_string={"next": target})
    response = _sign_in_by_link(client, db, people["admin"].email)
    assert response.headers["Location"] == "/o/stadtwerke/"


def test_a_signed_in_person_asked_for_a_page_goes_there(client, db, people, sign_in):
    sign_in(client, people["participant"])
    assert client.get("/sign-in?next=/me/calendar").headers["Location"] == "/me/calendar"
    assert client.get("/sign-in?next=//evil.example").headers["Location"] == "/me/"


def test_the_demos_sign_in_as_lands_on_the_roles_home_too(tmp_path):
    app = create_app(config_for_tests(f"sqlite:///{tmp_path / 'demo.db'}", TANDEM_ENV="demo"))
    database = app.extensions["tandem.db"]
    Base.metadata.create_all(database.engine)
    try:
        with app.app_context():
            session = database.session()
            admin = make_org_admin(session, make_organisation(session, "stadtwerke"))
            session.commit()
            admin_id = admin.id
        client = app.test_client()
        response = client.post("/dev/sign-in-as", data={"user_id": admin_id})
        assert response.status_code == 302 and response.headers["Location"] == "/o/stadtwerke/"
    finally:
        database.dispose()
