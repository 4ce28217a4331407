"""The board's showcase page of a cohort: every published pair with where its story stands, the consents in
short, the choice of confirmed stories, their order and the featured ones; one story as the board reads it
(its text once both confirmed it or it is chosen, never a draft's), and its photo.

The world: the pair club (tests/fixtures/pairs.py): pair one, Anna Keller (alpha) with Bernard Favre (beta);
pair two, Berta Graf (beta) with Greta Hof (gamma); the board member Regula Board.
"""

from __future__ import annotations

import re
from datetime import date

import pytest
import sqlalchemy as sa

from tandem.platform.cohorts.models import CohortState, ParticipationStatus
from tandem.platform.showcase.curation.operations import Curation, CurationRefused, curate
from tandem.platform.showcase.models import Story, StoryConsent
from tandem.platform.tenancy import club_scope
from tests.factories import (
    make_cohort,
    make_organisation,
    make_pair,
    make_participation,
    make_story,
    make_user,
    tiny_jpeg,
)
from tests.integration.showcase.curation.conftest import (
    EN,
    audit_of,
    errors_of,
    page,
    revision_of,
    story_of,
    text_of,
)

DRAFT_TITLE = "DRAFT-TITLE-4f1c"
DRAFT_TEXT = "DRAFT-TEXT-8a2e"


@pytest.fixture()
def board(client, sign_in, club):
    return sign_in(client, club.people["board"])


def stories_path(cohort) -> str:
    return f"/board/cohorts/{cohort.id}/showcase"


def row_html(html: str, pair) -> str:
    match = re.search(rf'<tr id="pair-{pair.id}"[^>]*>(.*?)</tr>', html, re.S)
    assert match, f"no row for pair {pair.id}"
    return match.group(1)


def fresh(db, story: Story) -> Story:
    with club_scope(db):
        db.expire_all()
        found = db.get(Story, story.id)
    assert found is not None
    return found


def curation_data(*rows: tuple[Story, bool, bool, int | None]) -> dict[str, str]:
    data: dict[str, str] = {}
    for index, (story, chosen, featured, position) in enumerate(rows):
        data[f"rows-{index}-story_id"] = str(story.id)
        if chosen:
            data[f"rows-{index}-chosen"] = "y"
        if featured:
            data[f"rows-{index}-featured"] = "y"
        data[f"rows-{index}-position"] = "" if position is None else str(position)
    return data


def test_the_page_lists_every_pair_with_its_stage_and_consents(board, db, club):
    story_of(db, club, "one", title="What a board learns from TikTok <b>really</b>")
    with club_scope(db):
        db.add(StoryConsent(story_id=db.scalar(sa.select(Story.id)), participation_id=club.participations[
            "mentor_one"].id, show_name=True, show_organisation=True, show_photo=False, show_quote=True,
            description=None, story_version=1))
        db.commit()
    html = page(board, stories_path(club.cohort))
    one, two = row_html(html, club.pairs["one"]), row_html(html, club.pairs["two"])
    assert "What a board learns from TikTok &lt;b&gt;really&lt;/b&gt;" in one
    assert 'data-stage="ready"' in html and "Ready: confirmed by both" in text_of(one)
    assert re.search(r'data-consent="name" data-allowed="yes"', one)
    assert re.search(r'data-consent="photo" data-allowed="no"', one)
    assert "Not started" in text_of(two) and "Anna Keller" in text_of(one) and "Greta Hof" in text_of(two)
    assert f'href="/board/cohorts/{club.cohort.id}/showcase"' in html  # the cohort's navigation
    assert 'aria-current="page">Showcase<' in html


def test_a_draft_is_listed_without_its_title_and_its_page_has_no_text(board, db, club):
    story = story_of(db, club, "two", confirmed=False, title=DRAFT_TITLE, tip=DRAFT_TEXT)
    with club_scope(db):
        fresh(db, story).mentor_confirmed_version = 1  # one partner confirmed it
        db.commit()
    html = page(board, stories_path(club.cohort))
    two = row_html(html, club.pairs["two"])
    assert DRAFT_TITLE not in html and "Waiting for the partner's confirmation" in text_of(two)
    assert 'name="rows-' not in two  # a draft cannot be chosen
    story_page = page(board, f"{stories_path(club.cohort)}/stories/{story.id}")
    assert DRAFT_TITLE not in story_page and DRAFT_TEXT not in story_page
    assert "A story in draft" in story_page
    assert board.get(f"{stories_path(club.cohort)}/stories/{story.id}/photo.jpg").status_code == 404


def test_a_confirmed_story_reads_in_its_language_with_its_photo(board, db, club):
    story = story_of(db, club, "one", language="fr", title="Ce que nous avons appris",
                     mentor_quote="<script>alert(1)</script>")
    with club_scope(db):
        found = fresh(db, story)
        found.photo, found.photo_small, found.photo_version, found.photo_alt = tiny_jpeg(4, 4), tiny_jpeg(2, 2), 1, "Us"
        db.commit()
    html = page(board, f"{stories_path(club.cohort)}/stories/{story.id}")
    assert 'lang="fr">Ce que nous avons appris<' in html
    assert "&lt;script&gt;alert(1)&lt;/script&gt;" in html and "<script>alert" not in html
    photo = board.get(f"{stories_path(club.cohort)}/stories/{story.id}/photo.jpg")
    assert photo.status_code == 200 and photo.data == tiny_jpeg(4, 4)
    assert photo.headers["Content-Type"] == "image/jpeg"
    assert photo.headers["X-Content-Type-Options"] == "nosniff"
    assert "public" not in photo.headers["Cache-Control"]


def test_the_board_chooses_orders_and_features_confirmed_stories(board, db, club):
    one, two = story_of(db, club, "one"), story_of(db, club, "two")
    before = revision_of(db, club.cohort)
    response = board.post(stories_path(club.cohort), headers=EN,
                          data=curation_data((one, True, False, 2), (two, True, True, 1)))
    assert response.status_code == 302
    one, two = fresh(db, one), fresh(db, two)
    assert (two.chosen, two.featured, two.position) == (True, True, 1)
    assert (one.chosen, one.featured, one.position) == (True, False, 2)
    assert revision_of(db, club.cohort) == before + 1
    [event] = audit_of(db, "showcase.curated")
    assert event.details["chosen"] == [two.id, one.id] and event.details["featured"] == [two.id]
    html = page(board, stories_path(club.cohort))
    assert html.index(f'id="pair-{club.pairs["two"].id}"') < html.index(f'id="pair-{club.pairs["one"].id}"')
    # dropping one renumbers the rest from 1; a place left empty puts a story last
    board.post(stories_path(club.cohort), headers=EN,
               data=curation_data((one, True, False, None), (two, False, False, 1)))
    one, two = fresh(db, one), fresh(db, two)
    assert (one.chosen, one.position) == (True, 1) and (two.chosen, two.featured, two.position) == (False, False, 0)


def test_a_story_not_confirmed_by_both_cannot_be_chosen(board, db, club):
    one = story_of(db, club, "one")
    two = story_of(db, club, "two", confirmed=False)
    response = board.post(stories_path(club.cohort), headers=EN,
                          data=curation_data((one, True, False, 1), (two, True, False, 2)))
    assert response.status_code == 400
    assert any("The story of Berta Graf and Greta Hof cannot be chosen yet: both partners must first confirm its text."
               in message for message in errors_of(response.get_data(as_text=True)))
    assert not fresh(db, one).chosen and not fresh(db, two).chosen  # nothing half-written
    assert audit_of(db, "showcase.curated") == []


def test_a_featured_story_must_be_chosen(board, db, club):
    one = story_of(db, club, "one")
    response = board.post(stories_path(club.cohort), headers=EN, data=curation_data((one, False, True, 1)))
    assert response.status_code == 400
    assert any("can be featured only if it is chosen" in m for m in errors_of(response.get_data(as_text=True)))
    assert not fresh(db, one).featured


def test_a_chosen_story_changed_afterwards_stays_chosen_but_is_not_ready(board, db, club):
    one = story_of(db, club, "one", chosen=True, position=1)
    with club_scope(db):
        fresh(db, one).version = 2  # a partner changed the text: both confirm again
        db.commit()
    html = page(board, stories_path(club.cohort))
    assert "Chosen, but not shown: the story is not ready." in text_of(row_html(html, club.pairs["one"]))
    response = board.post(stories_path(club.cohort), headers=EN, data=curation_data((one, True, False, 1)))
    assert response.status_code == 302 and fresh(db, one).chosen


def test_another_cohorts_stories_are_neither_chosen_nor_read(app, board, db, club):
    other = make_cohort(db, CohortState.RUNNING, kickoff_on=date(2027, 3, 1))
    mentor = make_participation(db, make_user(db, club.organisations["alpha"]), other, role="mentor",
                                status=ParticipationStatus.ACTIVE)
    mentee = make_participation(db, make_user(db, make_organisation(db)), other, role="mentee",
                                status=ParticipationStatus.ACTIVE)
    foreign = make_story(db, make_pair(db, mentor, mentee))
    db.commit()
    assert board.get(f"{stories_path(club.cohort)}/stories/{foreign.id}", headers=EN).status_code == 404
    assert board.get(f"{stories_path(club.cohort)}/stories/{foreign.id}/photo.jpg").status_code == 404
    response = board.post(stories_path(club.cohort), headers=EN, data=curation_data((foreign, True, False, 1)))
    assert response.status_code == 400
    assert any("Only this cohort's stories can be chosen" in m for m in errors_of(response.get_data(as_text=True)))
    with app.app_context(), pytest.raises(CurationRefused):
        curate(db, club.cohort, [Curation(foreign.id, True, False, 1)], None)
    db.rollback()
    assert not fresh(db, foreign).chosen


@pytest.mark.parametrize(("value", "message"), [
    ("abc", "Enter a whole number."),
    (str(2**70), "This number is too large."),
    ("0", "A place from 1 to 100000."),
    ("1\x00", "Enter a whole number."),
])
def test_a_wrong_place_is_refused_beside_it(board, db, club, value, message):
    one = story_of(db, club, "one")
    data = curation_data((one, True, False, 1))
    data["rows-0-position"] = value
    response = board.post(stories_path(club.cohort), headers=EN, data=data)
    assert response.status_code == 400
    assert any(message in m for m in errors_of(response.get_data(as_text=True)))
    assert not fresh(db, one).chosen


def test_an_empty_choice_is_refused_with_a_message(board, club):
    response = board.post(stories_path(club.cohort), headers=EN, data={})
    assert response.status_code == 400
    assert "There is no story to save on this page." in response.get_data(as_text=True)


def test_the_page_is_paged_and_its_statements_do_not_grow_with_the_pairs(board, db, club, count_queries):
    def statements() -> int:
        with count_queries() as counter:
            page(board, stories_path(club.cohort))
        return counter.count

    story_of(db, club, "one")
    few = statements()
    for number in range(60):
        mentor = make_participation(db, make_user(db, club.organisations["delta"]), club.cohort, role="mentor",
                                    status=ParticipationStatus.ACTIVE)
        mentee = make_participation(db, make_user(db, club.organisations["gamma"]), club.cohort, role="mentee",
                                    status=ParticipationStatus.ACTIVE)
        pair = make_pair(db, mentor, mentee)
        if number % 2:
            make_story(db, pair)
    db.commit()
    assert statements() == few
    html = page(board, stories_path(club.cohort))
    assert html.count('<tr id="pair-') == 50 and "Page 1 of 2" in html
    assert page(board, stories_path(club.cohort) + "?page=2").count('<tr id="pair-') == 12


def test_only_the_board_reaches_the_page(client, sign_in, club):
    for person in ("admin_alpha", "mentor_one"):
        sign_in(client, club.people[person])
        assert client.get(stories_path(club.cohort)).status_code == 403
