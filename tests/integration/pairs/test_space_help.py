"""The mentor's confidential way to the club board: a message stored for the board and one mail to each active
board member (in their language, through a real SMTP server), with a link to the board's page of the pair and
without the message. The mentee never sees it: the page does not exist for them, and their pair page does not
mention it."""

from __future__ import annotations

import re
from dataclasses import replace
from email.message import Message

import pytest
import sqlalchemy as sa
from flask import url_for

from tandem.platform.audit_models import AuditEvent
from tandem.platform.identity.models import User
from tandem.platform.pairs.models import MAX_MESSAGE, HelpRequest
from tandem.platform.tenancy import club_scope
from tests.factories import make_board_member
from tests.fixtures.pairs import build_pair_club, outbox

EN = {"Accept-Language": "en"}
MESSAGE = "My mentee cancels every meeting at the last minute. <script>alert(1)</script>"
KIND = "pair_help_requested"


@pytest.fixture()
def mail_app(app, smtp_server, clock):
    settings = app.config["TANDEM"]
    app.config["TANDEM"] = replace(settings, smtp_url=smtp_server.url)
    try:
        yield app
    finally:
        app.config["TANDEM"] = settings


@pytest.fixture()
def club(mail_app, db):
    with mail_app.app_context():
        club = build_pair_club(db)
        club.people["board_de"] = make_board_member(db, club.organisations["gamma"], display_name="Dora Vorstand",
                                                    preferred_language="de")
        club.people["board_gone"] = make_board_member(db, club.organisations["gamma"], display_name="Gone Board",
                                                      is_active=False)
        with club_scope(db):
            for name in ("mentor_one", "mentee_one"):
                db.get(User, club.people[name].id).preferred_language = "en"
            db.commit()
    return club


def exactly(smtp_server, count: int) -> list[Message]:
    received = smtp_server.wait_for(count)
    received = smtp_server.wait_for(count + 1, timeout=0.5)
    assert len(received) == count, [m["Subject"] for m in received]
    return list(received)


def body_of(message: Message) -> str:
    part = next(p for p in message.walk() if p.get_content_type() == "text/plain")
    return part.get_payload(decode=True).decode(part.get_content_charset() or "utf-8")


def help_requests(db) -> list[HelpRequest]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(HelpRequest).order_by(HelpRequest.id)))


def test_the_mentor_asks_the_board_and_each_board_member_is_mailed_once(app, db, sign_in, club, smtp_server,
                                                                        run_jobs):
    pair = club.pairs["one"]
    mentor = sign_in(app.test_client(), club.people["mentor_one"])
    form = mentor.get(f"/me/pairs/{pair.id}/help", headers=EN)
    assert form.status_code == 200 and "Only the club board reads it" in form.get_data(as_text=True)

    response = mentor.post(f"/me/pairs/{pair.id}/help", data={"message": MESSAGE}, headers=EN)
    assert response.status_code == 302 and response.headers["Location"].endswith(f"/me/pairs/{pair.id}/help")
    [stored] = help_requests(db)
    assert (stored.pair_id, stored.participation_id, stored.message, stored.resolved_at) == (
        pair.id, club.participations["mentor_one"].id, MESSAGE, None)

    run_jobs()
    received = exactly(smtp_server, 2)
    assert sorted(m["To"] for m in received) == sorted(
        [club.people["board"].email, club.people["board_de"].email])
    link = f"http://localhost/board/cohorts/{club.cohort.id}/pairs/{pair.id}"
    with app.test_request_context():
        assert "http://localhost" + url_for("pairs.board_pair", cohort_id=club.cohort.id, pair_id=pair.id) == link
    for message in received:
        body = body_of(message)
        assert "Anna Keller" in message["Subject"] and "Bernard Favre" in message["Subject"]
        assert link in body and "Alpha Bank" in body and "Spring Cohort" in body
        assert "last minute" not in body and "script" not in body  # the message stays on the board's page
    languages = {m.recipient: m.language for m in outbox(db, KIND)}
    assert languages == {club.people["board"].email: "en", club.people["board_de"].email: "de"}

    # the mentor sees the request (escaped) on the help page and that it is open on the pair page
    html = mentor.get(f"/me/pairs/{pair.id}/help", headers=EN).get_data(as_text=True)
    assert "My mentee cancels every meeting" in html and "<script>alert" not in html
    pair_page = mentor.get(f"/me/pairs/{pair.id}", headers=EN).get_data(as_text=True)
    assert "Your earlier requests" in pair_page and "open" in pair_page and "last minute" not in pair_page

    with club_scope(db):
        event = db.scalar(sa.select(AuditEvent).where(AuditEvent.action == "pair.help_requested"))
    assert event.target_id == stored.id and event.details == {"pair_id": pair.id, "cohort_id": club.cohort.id}

    # a second request: one more mail to each, none of the first again
    assert mentor.post(f"/me/pairs/{pair.id}/help", data={"message": "Still no date."}).status_code == 302
    run_jobs()
    assert len(exactly(smtp_server, 4)) == 4
    assert len(outbox(db, KIND)) == 4


def test_the_mentee_never_sees_the_request(app, db, sign_in, club, smtp_server, run_jobs):
    pair = club.pairs["one"]
    mentor = sign_in(app.test_client(), club.people["mentor_one"])
    assert mentor.post(f"/me/pairs/{pair.id}/help", data={"message": MESSAGE}).status_code == 302
    mentee = sign_in(app.test_client(), club.people["mentee_one"])
    assert mentee.get(f"/me/pairs/{pair.id}/help").status_code == 404
    assert mentee.post(f"/me/pairs/{pair.id}/help", data={"message": "I also need help"}).status_code == 404
    assert len(help_requests(db)) == 1
    page = mentee.get(f"/me/pairs/{pair.id}", headers=EN).get_data(as_text=True)
    assert "last minute" not in page and "help" not in re.sub(r"<[^>]+>", " ", page).lower().replace(
        "help from the club board", "")
    assert f"/me/pairs/{pair.id}/help" not in page and "earlier requests" not in page
    home = mentee.get("/me/", headers=EN).get_data(as_text=True)
    assert "last minute" not in home


@pytest.mark.parametrize(("message", "error"), [
    ("", "Tell the board what you need help with."),
    ("   \r\n  ", "Tell the board what you need help with."),
    ("x" * 100_000, f"At most {MAX_MESSAGE} characters."),
    ("Help\x00me", "control characters"),
])
def test_a_bad_message_is_refused_beside_the_field_and_nothing_is_sent(app, db, sign_in, club, smtp_server,
                                                                       run_jobs, message, error):
    mentor = sign_in(app.test_client(), club.people["mentor_one"])
    response = mentor.post(f"/me/pairs/{club.pairs['one'].id}/help", data={"message": message}, headers=EN)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="message-error-1"' in html and error in html
    run_jobs()
    assert help_requests(db) == [] and outbox(db, KIND) == []
    assert len(exactly(smtp_server, 0)) == 0
