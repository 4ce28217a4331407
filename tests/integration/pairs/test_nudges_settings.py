"""The nudge setting page: each signed-in person chooses between nudges as they come and a Monday digest;
their own row only; a wrong or missing choice is refused beside the field."""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tandem.platform.pairs.models import NudgeDelivery, NudgePreference, NudgeStep, PairNudge
from tandem.platform.tenancy import club_scope
from tests.fixtures.pairs import NOW, in_english

PATH = "/me/settings/nudges"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html))


def preference(db, user) -> bool | None:
    with club_scope(db):
        db.expire_all()
        found = db.scalar(sa.select(NudgePreference.weekly_digest).where(NudgePreference.user_id == user.id))
        db.commit()  # end the read: the requests that follow use their own sessions on the same connection
        return found


@pytest.mark.parametrize("who", ["mentee_one", "admin_beta", "board"])
def test_a_person_chooses_the_digest_and_back(client, sign_in, db, pair_club, who):
    person = pair_club.people[who]
    in_english(db, person)
    sign_in(client, person)
    page = client.get(PATH)
    assert page.status_code == 200
    html = page.get_data(as_text=True)
    assert 'value="as_they_come" checked' in html or 'checked value="as_they_come"' in html or \
        re.search(r'<input[^>]*checked[^>]*value="as_they_come"|<input[^>]*value="as_they_come"[^>]*checked', html)
    answer = client.post(PATH, data={"delivery": "weekly_digest"})
    assert answer.status_code == 302 and answer.headers["Location"].endswith(PATH)
    assert preference(db, person) is True
    after = text_of(client.get(PATH).get_data(as_text=True))
    assert "Saved: you will receive a weekly digest on Mondays." in after
    assert client.post(PATH, data={"delivery": "as_they_come"}).status_code == 302
    assert preference(db, person) is False
    with club_scope(db):
        assert db.scalar(sa.select(sa.func.count()).select_from(NudgePreference)) == 1


@pytest.mark.parametrize("junk", ["", "daily", "weekly_digest\x00", "<script>alert(1)</script>", "x" * 100_000])
def test_a_wrong_choice_is_refused_beside_the_field(client, sign_in, db, pair_club, junk):
    sign_in(client, pair_club.people["mentor_one"])
    answer = client.post(PATH, data={"delivery": junk})
    assert answer.status_code == 400
    html = answer.get_data(as_text=True)
    assert "field__error" in html and "<script>alert" not in html
    assert preference(db, pair_club.people["mentor_one"]) is None


def test_the_page_tells_what_waits_and_when_it_can_come(client, sign_in, db, pair_club):
    person = pair_club.people["mentee_two"]
    with club_scope(db):
        nudge = PairNudge(pair_id=pair_club.pairs["two"].id, step=NudgeStep.REMINDER, due_on=NOW.date())
        db.add(nudge)
        db.flush()
        db.add(NudgeDelivery(nudge_id=nudge.id, user_id=person.id))
        db.add(NudgePreference(organisation_id=person.organisation_id, user_id=person.id, weekly_digest=True))
        db.commit()
    sign_in(client, person)
    text = text_of(client.get(PATH).get_data(as_text=True))
    assert "1 reminder" in text
    assert "March 8, 2027" in text  # the Monday after 2 March 2027
    assert "none so far" in text


def test_anonymous_is_asked_to_sign_in(client, pair_club):
    assert client.get(PATH).status_code == 401
    assert client.post(PATH, data={"delivery": "weekly_digest"}).status_code == 401
