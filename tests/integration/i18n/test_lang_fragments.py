"""Text in another language than the page is marked with its language: a story in Italian on an English page,
an event's title shown in a fallback language, a survey question the board did not write in the reader's
language. Text in the page's language is not marked."""

from __future__ import annotations

import re

import pytest

from tandem.platform.clock import set_clock
from tandem.platform.outcomes.models import SurveyQuestion
from tandem.platform.outcomes.surveys.forms import answer_form_class
from tandem.platform.programme.operations import create_event, publish_event
from tandem.platform.showcase.models import Story
from tandem.platform.tenancy import club_scope
from tests.fixtures.programme import NOW, build_club, event_input
from tests.integration.showcase.public.showcase_club import build_showcase


def html(response) -> str:
    assert response.status_code == 200
    return response.get_data(as_text=True)


def test_a_story_in_italian_is_marked_on_pages_in_other_languages(client, db):
    showcase = build_showcase(db)
    with club_scope(db):
        story = db.get(Story, showcase.stories["one"].id)
        story.language, story.title = "it", "Ascoltarsi tra generazioni"
        db.commit()
    english = html(client.get(showcase.url("one") + "?lang=en"))
    assert '<html lang="en">' in english
    assert '<h1 id="story-title" lang="it">Ascoltarsi tra generazioni</h1>' in english
    cohort_page = html(client.get(showcase.url() + "?lang=de"))
    assert re.search(r'<h3 class="story-card__title" id="story-\d+-title" lang="it">', cohort_page)
    italian = html(client.get(showcase.url("one") + "?lang=it"))
    assert '<html lang="it">' in italian and '<meta property="og:locale" content="it_CH">' in italian


@pytest.fixture()
def programme_club(app, db):
    set_clock(app, NOW)
    try:
        yield build_club(db)
    finally:
        set_clock(app, None)


def test_an_event_title_in_a_fallback_language_is_marked(app, db, client, sign_in, programme_club):
    club = programme_club
    with app.app_context(), club_scope(db):
        event = create_event(db, club.cohort, event_input(titles={"de": "Feedback-Workshop"}, descriptions={}),
                             club.people["board"].id)
        publish_event(db, event, club.people["board"].id)
        db.commit()
    sign_in(client, club.people["mentor_a"])
    listing = html(client.get("/me/events", headers={"Accept-Language": "en"}))
    assert re.search(rf'href="/me/events/{event.id}" lang="de">Feedback-Workshop</a>', listing)
    page = html(client.get(f"/me/events/{event.id}?lang=it"))
    assert '<h1 lang="de">Feedback-Workshop</h1>' in page
    page = html(client.get(f"/me/events/{event.id}?lang=de"))
    assert "<h1>Feedback-Workshop</h1>" in page


def test_a_survey_question_in_another_language_is_marked():
    question = SurveyQuestion(id=7, kind="single", text_de="Wie war es?", text_en="How was it?",
                              options=[{"de": "Gut", "it": "Bene"}, {"de": "Schlecht", "it": "Male"}])
    form = answer_form_class([question], "it", with_learnings=False)
    field = form.q7  # an unbound field: (label, ...)
    assert str(field.args[0]) == '<span lang="de">Wie war es?</span>'
    assert [str(choice.label) for choice in field.kwargs["choices"]] == ["Bene", "Male"]
    form = answer_form_class([question], "fr", with_learnings=False)
    assert [str(choice.label) for choice in form.q7.kwargs["choices"]] == [
        '<span lang="de">Gut</span>', '<span lang="de">Schlecht</span>']
    assert answer_form_class([question], "en", with_learnings=False).q7.args[0] == "How was it?"
    hostile = SurveyQuestion(id=8, kind="text", text_de="<b>fett</b>")
    assert str(answer_form_class([hostile], "it", with_learnings=False).q8.args[0]) == (
        '<span lang="de">&lt;b&gt;fett&lt;/b&gt;</span>')
