"""The board hears of a rematch request: each board member gets one mail, in their language, per request,
and the board's overview says which cohorts have requests waiting."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tandem.platform.mail.models import OutboxMessage
from tandem.platform.tenancy import club_scope
from tests.factories import make_board_member, make_catalogue_topic, make_organisation, make_tandem, make_user

KIND = "rematch_requested"


@pytest.fixture(autouse=True)
def _english_browser(client):
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture()
def club(db):
    alpha = make_organisation(db, "alpha", name="Alpha Bank")
    beta = make_organisation(db, "beta", name="Beta Energie")
    topics = [make_catalogue_topic(db, "Artificial intelligence"), make_catalogue_topic(db, "Social media")]
    board = {
        "en": make_board_member(db, alpha, display_name="Regula Widmer", preferred_language="en"),
        "fr": make_board_member(db, beta, display_name="Luc Besson", preferred_language="fr"),
        "de": make_board_member(db, beta, display_name="Urs Meier", preferred_language="de"),
    }
    gone = make_board_member(db, alpha, display_name="Gone Member")
    with club_scope(db):
        gone.is_active = False
        db.flush()
    mentor = make_user(db, alpha, display_name="Lea Brunner", preferred_language="de")
    mentee = make_user(db, beta, display_name="Jean Dupont", preferred_language="fr")
    mentor_part, mentee_part, pair = make_tandem(db, alpha, beta, topics, mentor=mentor, mentee=mentee)
    with club_scope(db):
        mentor_part.cohort.name = "Cohort 2026"
        db.flush()
    db.commit()
    return {"board": board, "gone": gone, "mentee": mentee, "mentee_part": mentee_part,
            "cohort": mentor_part.cohort}


def board_mails(db) -> list[OutboxMessage]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == KIND)
                               .order_by(OutboxMessage.id)))


def test_each_board_member_is_told_once_in_their_language(client, sign_in, db, club):
    sign_in(client, club["mentee"])
    url = f"/me/participations/{club['mentee_part'].id}/rematch"
    assert client.post(url, data={"reason": "We never find a common time."}).status_code == 302
    client.post(url, data={"reason": "Again."})  # refused: one open request per pair and person

    mails = {m.recipient: m for m in board_mails(db)}
    assert len(board_mails(db)) == 3 and club["gone"].email not in mails
    for key, member in club["board"].items():
        message = mails[member.email]
        assert message.language == key and message.recipient_user_id == member.id
        assert "Jean Dupont" in message.body_text and "Cohort 2026" in message.subject
        assert f"http://localhost/board/cohorts/{club['cohort'].id}/matching/rematch-requests" in message.body_text
        assert "We never find a common time." not in message.body_text  # the reason stays on the board's page
    assert "rematch request" in mails[club["board"]["en"].email].subject.lower()


def test_the_overview_names_the_cohorts_with_requests_waiting(client, sign_in, db, club):
    sign_in(client, club["board"]["en"])
    assert "rematch request" not in text_of(client.get("/board/").get_data(as_text=True))

    sign_in(client, club["mentee"])
    client.post(f"/me/participations/{club['mentee_part'].id}/rematch", data={"reason": "No time."})
    sign_in(client, club["board"]["en"])
    html = client.get("/board/").get_data(as_text=True)
    assert "Cohort 2026: 1 rematch request waits for the board's decision." in text_of(html)
    assert f'href="/board/cohorts/{club["cohort"].id}/matching/rematch-requests"' in html
