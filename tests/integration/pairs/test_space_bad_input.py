"""Bad input on the pair's own forms: a message beside the field, nothing written (all or nothing), never a
server error; markup is kept as text and shown escaped."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tandem.platform.identity.models import User
from tandem.platform.pairs.models import MAX_AGREEMENT, MAX_GOAL, PairAgreement, PairGoal
from tandem.platform.tenancy import club_scope
from tests.fixtures.pairs import build_pair_club

EN = {"Accept-Language": "en"}
GOOD_TEXT = "We keep it between us."


@pytest.fixture()
def club(app, db, clock):
    with app.app_context():
        club = build_pair_club(db)
    with club_scope(db):
        db.get(User, club.people["mentor_one"].id).preferred_language = "en"
        db.commit()
    return club


def stored(db, pair_id: int) -> tuple[list[str], list[str]]:
    with club_scope(db):
        db.expire_all()
        texts = list(db.scalars(sa.select(PairAgreement.text).where(PairAgreement.pair_id == pair_id)))
        goals = list(db.scalars(sa.select(PairGoal.text).where(PairGoal.pair_id == pair_id)
                                .order_by(PairGoal.position)))
    return texts, goals


@pytest.mark.parametrize(("text", "goals", "field", "message"), [
    ("x" * 100_000, "A goal", "text", f"At most {MAX_AGREEMENT} characters."),
    ("x" * (MAX_AGREEMENT + 1), "A goal", "text", f"At most {MAX_AGREEMENT} characters."),
    ("", "A goal", "text", "Write your agreement"),
    ("  \r\n ", "A goal", "text", "Write your agreement"),
    ("Between\x00us", "A goal", "text", "control characters"),
    ("Between \x1b[31mus", "A goal", "text", "control characters"),
    (GOOD_TEXT, "one\ntwo\nthree\nfour\nfive\nsix", "goals", "At most 5 goals, one a line: you wrote 6."),
    (GOOD_TEXT, "\n\n  \n", "goals", "Write at least one goal."),
    (GOOD_TEXT, "", "goals", "Write at least one goal."),
    (GOOD_TEXT, "fine\n" + "y" * (MAX_GOAL + 1), "goals", f"Goal 2 is too long: at most {MAX_GOAL} characters."),
    (GOOD_TEXT, "g" * 100_000, "goals", f"Goal 1 is too long: at most {MAX_GOAL} characters."),
    (GOOD_TEXT, "A\x00goal", "goals", "control characters"),
])
def test_the_agreement_refuses_beside_the_field_and_writes_nothing(app, db, sign_in, club, text, goals, field,
                                                                   message):
    pair_id = club.pairs["one"].id
    mentor = sign_in(app.test_client(), club.people["mentor_one"])
    response = mentor.post(f"/me/pairs/{pair_id}/agreement", data={"text": text, "goals": goals, "confirm": "y"},
                           headers=EN)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error-1"' in html and message in html
    assert stored(db, pair_id) == ([], [])


def test_a_change_refused_leaves_the_agreement_as_it_was(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    mentor = sign_in(app.test_client(), club.people["mentor_one"])
    assert mentor.post(f"/me/pairs/{pair_id}/agreement",
                       data={"text": GOOD_TEXT, "goals": "One\nTwo"}).status_code == 302
    response = mentor.post(f"/me/pairs/{pair_id}/agreement",
                           data={"text": "Changed", "goals": "a\nb\nc\nd\ne\nf"}, headers=EN)
    assert response.status_code == 400
    assert stored(db, pair_id) == ([GOOD_TEXT], ["One", "Two"])


def test_markup_is_kept_as_text_and_shown_escaped(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    mentor = sign_in(app.test_client(), club.people["mentor_one"])
    markup = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    assert mentor.post(f"/me/pairs/{pair_id}/agreement",
                       data={"text": markup, "goals": markup}).status_code == 302
    assert stored(db, pair_id) == ([markup], [markup])
    for path in (f"/me/pairs/{pair_id}", f"/me/pairs/{pair_id}/agreement"):
        html = mentor.get(path, headers=EN).get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(&#34;x&#34;)&lt;/script&gt;" in html


def test_goal_status_and_buttons_with_junk_are_no_server_error(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    with club_scope(db):
        goal = PairGoal(pair_id=pair_id, position=1, text="A goal")
        db.add(goal)
        db.commit()
    mentor = sign_in(app.test_client(), club.people["mentor_one"])
    for junk in ("", "done\x00", "x" * 100_000, str(2**70), "<b>done</b>"):
        response = mentor.post(f"/me/pairs/{pair_id}/goals/{goal.id}", data={"status": junk}, headers=EN)
        assert response.status_code == 400, junk
        assert f'id="status-{goal.id}-error-1"' in response.get_data(as_text=True)
        # a hidden field tampered with: refused (a bad request for control characters), never a 500
        response = mentor.post(f"/me/pairs/{pair_id}/agreement/confirm", data={"seen": junk})
        assert response.status_code == (400 if "\x00" in junk else 302), junk
        assert mentor.post(f"/me/pairs/{pair_id}/complete", data={"x": junk}).status_code == 302
    with club_scope(db):
        db.expire_all()
        assert db.get(PairGoal, goal.id).status == "open"
    assert mentor.post(f"/me/pairs/{pair_id}/goals/{2**70}", data={"status": "done"}).status_code == 404
