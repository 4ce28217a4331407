"""Bad input on the story's form: a message beside the field, nothing written (all or nothing), never a server
error; markup is kept as text and shown escaped."""

from __future__ import annotations

import pytest

from tandem.platform.showcase.models import MAX_LEARNED, MAX_QUOTE, MAX_TIP, MAX_TITLE
from tests.integration.showcase.stories.conftest import stored_story
from tests.integration.showcase.stories.test_workflow import form

EN = {"Accept-Language": "en"}
HUGE = "x" * 100_000


@pytest.mark.parametrize(("field", "value", "message"), [
    ("title", HUGE, f"At most {MAX_TITLE} characters."),
    ("title", "", "Give your story a title."),
    ("title", "   ", "Give your story a title."),
    ("title", "A\r\nBcc: probe@example.com", "single line"),
    ("title", "A\x00title", "control characters"),
    ("mentee_learned", HUGE, f"At most {MAX_LEARNED} characters."),
    ("mentee_learned", "x" * (MAX_LEARNED + 1), f"At most {MAX_LEARNED} characters."),
    ("mentor_learned", "before\x00after", "control characters"),
    ("tip", HUGE, f"At most {MAX_TIP} characters."),
    ("tip", "a\x1b[31mb", "control characters"),
    ("mentor_quote", HUGE, f"At most {MAX_QUOTE} characters."),
    ("mentee_quote", "\x00", "control characters"),
    ("language", "rm", "Not a valid choice"),
    ("language", "", "Choose the language of your story."),
])
def test_the_story_refuses_beside_the_field_and_writes_nothing(app, db, sign_in, club, field, value, message):
    pair_id = club.pairs["one"].id
    anna = sign_in(app.test_client(), club.people["mentor_one"])
    response = anna.post(f"/me/pairs/{pair_id}/story/edit", data={**form(club), field: value, "version": "0"},
                         headers=EN)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert f'id="{field}-error-1"' in html and message in html
    assert stored_story(db, pair_id) is None


@pytest.mark.parametrize(("topics", "message"), [
    (lambda club: [str(t.id) for t in club.topics[:4]], "Choose at most 3 topics: you chose 4."),
    (lambda club: ["999999"], "is not a valid choice"),
    (lambda club: [str(2**70)], "too large"),
    (lambda club: ["abc"], "Invalid choice"),
    (lambda club: [str(club.topics[4].id)], "is not a valid choice"),  # retired from the catalogue
])
def test_topics_are_up_to_three_of_the_catalogue(app, db, sign_in, club, topics, message):
    pair_id = club.pairs["one"].id
    anna = sign_in(app.test_client(), club.people["mentor_one"])
    response = anna.post(f"/me/pairs/{pair_id}/story/edit",
                         data={**form(club), "topics": topics(club), "version": "0"}, headers=EN)
    assert response.status_code == 400
    html = response.get_data(as_text=True)
    assert 'id="topics-error-1"' in html and message in html
    assert stored_story(db, pair_id) is None


def test_a_change_refused_leaves_the_story_as_it_was(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    anna = sign_in(app.test_client(), club.people["mentor_one"])
    assert anna.post(f"/me/pairs/{pair_id}/story/edit", data={**form(club), "version": "0"}).status_code == 302
    response = anna.post(f"/me/pairs/{pair_id}/story/edit",
                         data={**form(club, title="New title", tip=HUGE), "version": "1"}, headers=EN)
    assert response.status_code == 400
    story = stored_story(db, pair_id)
    assert (story.version, story.title, story.tip) == (1, "What a podcast taught a bank", "Meet in person first.")


def test_markup_is_kept_as_text_and_shown_escaped(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    anna = sign_in(app.test_client(), club.people["mentor_one"])
    bernard = sign_in(app.test_client(), club.people["mentee_one"])
    markup = '<script>alert("x")</script><img src=x onerror=alert(1)>'
    data = {**form(club), "version": "0"}
    for name in ("title", "mentee_learned", "mentor_learned", "tip", "mentor_quote", "mentee_quote"):
        data[name] = f"{name}: {markup}"
    assert anna.post(f"/me/pairs/{pair_id}/story/edit", data=data).status_code == 302
    assert stored_story(db, pair_id).tip == f"tip: {markup}"
    for page in (bernard.get(f"/me/pairs/{pair_id}/story"), anna.get(f"/me/pairs/{pair_id}/story/edit")):
        html = page.get_data(as_text=True)
        assert "<script>alert" not in html and "<img src=x" not in html
        assert "&lt;script&gt;alert(" in html


def test_a_hidden_version_that_is_nonsense_is_not_a_server_error(app, db, sign_in, club):
    pair_id = club.pairs["one"].id
    anna = sign_in(app.test_client(), club.people["mentor_one"])
    assert anna.post(f"/me/pairs/{pair_id}/story/edit", data={**form(club), "version": "0"}).status_code == 302
    for version in (str(2**70), "abc", "", "\x00"):
        response = anna.post(f"/me/pairs/{pair_id}/story/edit",
                             data={**form(club, title=f"Title {version!r}"), "version": version}, headers=EN)
        assert response.status_code in (302, 400)
