"""Requests for erasure: the person asks (mails to them, their organisation's admins and the board), may cancel
while it waits; their admin or the board confirms (carried out at once: the person can no longer sign in) or
refuses with a reason; another organisation's admin cannot see it; `tandem privacy erase EMAIL` asks first."""

from __future__ import annotations

from datetime import timedelta

import pytest
import sqlalchemy as sa

from tandem.platform.audit_models import AuditEvent
from tandem.platform.clock import today
from tandem.platform.identity.models import User
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.privacy.erasure.cli import erase_command
from tandem.platform.privacy.models import ErasureRequest, ErasureStatus
from tandem.platform.tenancy import club_scope
from tests.factories import (
    make_board_member,
    make_cohort,
    make_org_admin,
    make_organisation,
    make_participation,
    make_user,
)


@pytest.fixture(autouse=True)
def _english(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


@pytest.fixture()
def club(db):
    alpha = make_organisation(db, "alpha", name="Alpha Bank")
    beta = make_organisation(db, "beta", name="Beta Energie")
    person = make_user(db, alpha, display_name="Erin Erasmus", preferred_language="en")
    make_participation(db, person, make_cohort(db), role="mentee")
    admin = make_org_admin(db, alpha, display_name="Ada Admin", preferred_language="en")
    other_admin = make_org_admin(db, beta, display_name="Bea Other")
    board = make_board_member(db, beta, display_name="Bo Board", preferred_language="de")
    db.commit()
    return {"alpha": alpha, "beta": beta, "person": person, "admin": admin, "other_admin": other_admin,
            "board": board}


def requests_of(db, user_id):
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(ErasureRequest).where(ErasureRequest.user_id == user_id)))


def mails(db, kind):
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == kind)
                               .order_by(OutboxMessage.id)))


def ask(client, sign_in, person):
    sign_in(client, person)
    return client.post("/me/data/erasure", data={"ask-understood": "y", "ask-ask": "1"})


def test_asking_needs_the_confirmation_and_tells_everyone(client, sign_in, db, club, app):
    sign_in(client, club["person"])
    page = client.get("/me/data/erasure")
    assert page.status_code == 200 and b"Erase my data" in page.data
    refused = client.post("/me/data/erasure", data={"ask-ask": "1"})
    assert refused.status_code == 400 and requests_of(db, club["person"].id) == []
    assert client.post("/me/data/erasure", data={"ask-understood": "y", "ask-ask": "1"}).status_code == 302
    [row] = requests_of(db, club["person"].id)
    with app.app_context():
        assert row.status == ErasureStatus.REQUESTED and row.erase_on == today() + timedelta(days=30)
    assert [m.recipient for m in mails(db, "erasure_requested")] == [club["person"].email]
    waiting = {m.recipient: m for m in mails(db, "erasure_waiting")}
    assert set(waiting) == {club["admin"].email, club["board"].email}  # not the other organisation's admin
    assert "/o/alpha/privacy" in waiting[club["admin"].email].body_text
    assert "/board/privacy" in waiting[club["board"].email].body_text
    assert waiting[club["board"].email].language == "de"
    # a second request while one waits is refused
    client.post("/me/data/erasure", data={"ask-understood": "y", "ask-ask": "1"})
    assert len(requests_of(db, club["person"].id)) == 1


def test_the_person_cancels_a_waiting_request(client, sign_in, db, club):
    ask(client, sign_in, club["person"])
    assert client.post("/me/data/erasure", data={"cancel-cancel": "1"}).status_code == 302
    [row] = requests_of(db, club["person"].id)
    assert row.status == ErasureStatus.CANCELLED
    assert b"cancelled by you" in client.get("/me/data/erasure").data


def test_the_admin_confirms_and_the_person_is_gone(app, client, sign_in, db, club, run_jobs):
    person_id = club["person"].id
    ask(client, sign_in, club["person"])
    [row] = requests_of(db, person_id)
    admin = app.test_client()
    sign_in(admin, club["admin"])
    page = admin.get("/o/alpha/privacy")
    assert page.status_code == 200 and b"Erin Erasmus" in page.data
    # the other organisation's admin does not see it
    other = app.test_client()
    sign_in(other, club["other_admin"])
    assert b"Erin Erasmus" not in other.get("/o/beta/privacy").data
    assert other.post(f"/o/beta/privacy/{row.id}", data={f"r{row.id}-confirm": "1"}).status_code == 404
    # confirm: carried out at once (in-process job)
    assert admin.post(f"/o/alpha/privacy/{row.id}", data={f"r{row.id}-confirm": "1"}).status_code == 302
    run_jobs()  # with Redis; in-process the job ran at commit
    with club_scope(db):
        db.expire_all()
        assert db.get(User, person_id) is None
        done = db.get(ErasureRequest, row.id)
        assert done.status == ErasureStatus.DONE and done.user_id is None and done.pseudonym
        assert db.scalar(sa.select(sa.func.count()).select_from(AuditEvent).where(
            AuditEvent.action == "personal_data.erased")) == 1
    # the person's session is gone: signed out
    assert client.get("/me/data/erasure").status_code == 401
    assert b"Erased" in admin.get("/o/alpha/privacy").data


def test_refusing_needs_a_reason_which_the_person_sees(app, client, sign_in, db, club):
    ask(client, sign_in, club["person"])
    [row] = requests_of(db, club["person"].id)
    board = app.test_client()
    sign_in(board, club["board"])
    board.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"
    assert board.get("/board/privacy").status_code == 200
    missing = board.post(f"/board/privacy/{row.id}", data={f"r{row.id}-refuse": "1"})
    assert missing.status_code == 400 and requests_of(db, club["person"].id)[0].status == ErasureStatus.REQUESTED
    assert board.post(f"/board/privacy/{row.id}", data={f"r{row.id}-refuse": "1",
                                                       f"r{row.id}-reason": "Open legal case"}).status_code == 302
    assert requests_of(db, club["person"].id)[0].status == ErasureStatus.REFUSED
    assert b"Open legal case" in client.get("/me/data/erasure").data
    # decided: no second decision
    again = board.post(f"/board/privacy/{row.id}", data={f"r{row.id}-confirm": "1"})
    assert again.status_code == 302 and requests_of(db, club["person"].id)[0].status == ErasureStatus.REFUSED


def test_the_command_asks_before_erasing(app, db, club):
    runner = app.test_cli_runner()
    email, person_id = club["person"].email, club["person"].id
    no = runner.invoke(erase_command, [email], input="n\n")
    assert no.exit_code != 0
    with club_scope(db):
        db.expire_all()
        assert db.get(User, person_id) is not None
    yes = runner.invoke(erase_command, [email.upper(), "--yes"])
    assert yes.exit_code == 0, yes.output
    assert "erased-" in yes.output
    with club_scope(db):
        db.expire_all()
        assert db.get(User, person_id) is None
    unknown = runner.invoke(erase_command, ["nobody@nowhere.example", "--yes"])
    assert unknown.exit_code != 0 and "Nobody has the address" in unknown.output


