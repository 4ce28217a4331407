"""A participant's tandem partner on their home page: who, from where, why the two, how to get in touch;
read narrowly across organisations, never for someone else's participation, in a fixed number of queries."""

from __future__ import annotations

import re
from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tandem.platform.cohorts.models import CohortState
from tandem.platform.participant.partner import partner_of, partners_of
from tandem.platform.tenancy import club_scope, tenant_scope
from tandem.platform.workbench.models import Pair
from tests.factories import (
    make_catalogue_topic,
    make_cohort,
    make_organisation,
    make_participation,
    make_tandem,
    make_user,
    tiny_png,
)


@pytest.fixture(autouse=True)
def _english_browser(client):
    """Pages in English unless the person chose a language (the club's default is German)."""
    client.environ_base["HTTP_ACCEPT_LANGUAGE"] = "en"


def text_of(html: str) -> str:
    return re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", html)).strip()


@pytest.fixture()
def club(db):
    alpha = make_organisation(db, "alpha", name="Alpha Bank")
    beta = make_organisation(db, "beta", name="Beta Energie", logo=tiny_png(), logo_content_type="image/png")
    topics = [make_catalogue_topic(db, "Artificial intelligence"), make_catalogue_topic(db, "Social media")]
    mentor = make_user(db, alpha, display_name="Lea Brunner", email="lea.brunner@alpha.example",
                       preferred_language="en")
    mentee = make_user(db, beta, display_name="Hans Meier", email="hans.meier@beta.example", preferred_language="en")
    mentor_part, mentee_part, pair = make_tandem(db, alpha, beta, topics, mentor=mentor, mentee=mentee)
    db.commit()
    return {"alpha": alpha, "beta": beta, "topics": topics, "mentor": mentor, "mentee": mentee,
            "mentor_part": mentor_part, "mentee_part": mentee_part, "pair": pair}


def test_the_home_page_shows_the_partner_why_and_how_to_get_in_touch(client, sign_in, club):
    sign_in(client, club["mentee"])
    html = client.get("/me/").get_data(as_text=True)
    text = text_of(html)
    assert "Your tandem partner" in text
    assert "Lea Brunner" in text
    assert "Your mentor, from Alpha Bank" in text
    assert 'href="mailto:lea.brunner@alpha.example"' in html
    # Why you two: in the second person, with the topics by their labels, never the board's score.
    assert "Your mentor offers topics you want to explore: Artificial intelligence and Social media." in text
    assert "You can meet in person in Bern, or online." in text
    assert "You are both free on Tuesday and Thursday." in text
    assert "Your mentor brings a fresh view with up to 2 years of experience" in text
    assert "0.91" not in text and "91" not in text
    # How to get in touch: languages, format and city, weekdays.
    assert "German, English" in text
    assert "Both, in person and online · Bern" in text
    assert "Tuesday, Thursday" in text
    assert "Ask for another partner" in text


def test_the_mentor_sees_the_mentee_with_the_organisation_logo(client, sign_in, club):
    sign_in(client, club["mentor"])
    html = client.get("/me/").get_data(as_text=True)
    text = text_of(html)
    assert "Hans Meier" in text and "Your mentee, from Beta Energie" in text
    assert "Your mentee wants to explore topics you offer: Artificial intelligence and Social media." in text
    assert "You bring a fresh view with up to 2 years of experience; your mentee brings more than 20 years" in text
    assert 'src="/organisations/beta/logo"' in html
    assert 'href="mailto:hans.meier@beta.example"' in html


def test_topics_are_named_in_the_readers_language(client, sign_in, db, club):
    with club_scope(db):
        club["mentee"].preferred_language = "de"
        db.commit()
    sign_in(client, club["mentee"])
    text = text_of(client.get("/me/").get_data(as_text=True))
    assert "Artificial intelligence (de)" in text and "Social media (de)" in text


def test_another_participant_sees_only_their_own_partner(client, sign_in, db, club):
    other_mentee = make_user(db, club["beta"], display_name="Olga Other")
    other_mentor = make_user(db, club["alpha"], display_name="Max Other")
    make_tandem(db, club["alpha"], club["beta"], club["topics"], mentor=other_mentor, mentee=other_mentee)
    colleague = make_user(db, club["beta"], display_name="Colleague Without Pair")
    make_participation(db, colleague, club["mentee_part"].cohort, role="mentee", status="active")
    db.commit()

    sign_in(client, other_mentee)
    text = text_of(client.get("/me/").get_data(as_text=True))
    assert "Max Other" in text
    assert "Lea Brunner" not in text and "Hans Meier" not in text

    sign_in(client, colleague)
    text = text_of(client.get("/me/").get_data(as_text=True))
    assert "Why you two" not in text  # the partner card's section
    assert "Lea Brunner" not in text and "Max Other" not in text


def test_no_partner_is_shown_before_the_pair_is_active_or_after_it_ended(client, sign_in, db, club):
    with club_scope(db):
        db.execute(sa.update(Pair).where(Pair.id == club["pair"].id).values(status="proposed"))
        db.commit()
    sign_in(client, club["mentee"])
    assert "Lea Brunner" not in client.get("/me/").get_data(as_text=True)
    with club_scope(db):
        db.execute(sa.update(Pair).where(Pair.id == club["pair"].id).values(status="ended"))
        db.commit()
    assert "Lea Brunner" not in client.get("/me/").get_data(as_text=True)


def test_a_participant_cannot_read_another_organisations_participations_partner(client, sign_in, db, club):
    # Directly: in A's scope, with B's participation id, nothing (neither as its person's id nor as A's own).
    with tenant_scope(db, club["alpha"].id):
        assert partner_of(db, club["mentor"].id, club["mentee_part"].id) is None
        assert partner_of(db, club["mentee"].id, club["mentee_part"].id) is None
        assert partner_of(db, club["mentor"].id, club["mentor_part"].id).display_name == "Hans Meier"
    with tenant_scope(db, club["beta"].id):
        assert partners_of(db, club["mentee"].id, [club["mentor_part"].id, club["mentee_part"].id]).keys() == {
            club["mentee_part"].id}
    # Through the pages: B's participation's rematch page does not exist for A's participant.
    sign_in(client, club["mentor"])
    assert client.get(f"/me/participations/{club['mentee_part'].id}/rematch").status_code == 404
    assert client.post(f"/me/participations/{club['mentee_part'].id}/rematch",
                       data={"reason": "Let me in"}).status_code == 404
    assert client.get(f"/me/participations/{club['mentor_part'].id}/rematch").status_code == 200


def test_the_rematch_link_disappears_when_the_window_has_closed(client, sign_in, db, club):
    cohort = make_cohort(db, CohortState.RUNNING, kickoff_on=date.today() - timedelta(weeks=10))
    mentee = make_user(db, club["beta"], display_name="Late Mentee")
    make_tandem(db, club["alpha"], club["beta"], club["topics"], cohort=cohort, mentee=mentee,
                activated_days_ago=80)
    db.commit()
    sign_in(client, mentee)
    text = text_of(client.get("/me/").get_data(as_text=True))
    assert "Your tandem partner" in text
    assert "Ask for another partner" not in text


def test_the_home_page_reads_a_fixed_number_of_times_however_many_tandems(client, sign_in, db, count_queries, club):
    person = make_user(db, club["alpha"], display_name="Many Cohorts")
    db.commit()
    sign_in(client, person)

    def add(count: int) -> None:
        for _ in range(count):
            make_tandem(db, club["alpha"], club["beta"], club["topics"], mentor=person)
        db.commit()

    add(1)
    with count_queries() as small:
        assert client.get("/me/").status_code == 200
    add(5)
    with count_queries() as large:
        response = client.get("/me/")
    assert response.status_code == 200
    assert text_of(response.get_data(as_text=True)).count("Why you two") == 6
    assert large.count == small.count, (small.statements, large.statements)
