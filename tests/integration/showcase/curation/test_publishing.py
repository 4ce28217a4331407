"""Publishing the showcase through the cohort's lifecycle: refused with the reasons while no chosen story is
ready (confirmed by both, approved where an organisation asks to) or the symposium has no date; allowed once
one is; the board's showcase page offers the step with its reasons and links to the public page once
published; unpublishing takes the cohort back to closing.

The world: the pair club, its cohort closing (symposium on 2027-09-16).
"""

from __future__ import annotations

import re

import pytest
import sqlalchemy as sa

from tandem.platform.cohorts.models import Cohort, CohortState
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import Organisation
from tests.integration.showcase.curation.conftest import EN, page, story_of, text_of

NO_STORY = ("Choose at least one story for the showcase that both partners confirmed (and their organisations "
            "approved, where they ask to).")


@pytest.fixture()
def closing(db, club):
    with club_scope(db):
        db.get(Cohort, club.cohort.id).state = CohortState.CLOSING  # type: ignore[union-attr]
        db.commit()
    return club


@pytest.fixture()
def board(client, sign_in, closing):
    return sign_in(client, closing.people["board"])


def state(db, cohort) -> str:
    with club_scope(db):
        return str(db.scalar(sa.select(Cohort.state).where(Cohort.id == cohort.id)))


def step(client, cohort, name: str):
    """The step `name` as sent from its confirmation page, followed to the page it leads to."""
    return client.post(f"/board/cohorts/{cohort.id}/transition", headers=EN, follow_redirects=True,
                       data={"transition": name, "step": "confirm", "confirmed": "y"})


def choose(client, cohort, story) -> None:
    response = client.post(f"/board/cohorts/{cohort.id}/showcase", headers=EN, data={
        "rows-0-story_id": str(story.id), "rows-0-chosen": "y", "rows-0-position": "1"})
    assert response.status_code == 302


def showcase_block(html: str) -> str:
    match = re.search(r'<section class="card" aria-labelledby="showcase-state-title".*?</section>', html, re.S)
    assert match
    return text_of(match.group(0))


def test_publishing_needs_a_chosen_ready_story_then_unpublishing_goes_back(board, db, closing):
    cohort = closing.cohort
    story = story_of(db, closing, "one")
    html = page(board, f"/board/cohorts/{cohort.id}/showcase")
    assert NO_STORY in showcase_block(html) and 'id="public-page-link"' not in html
    assert re.search(r'<button type="submit" class="button" disabled aria-describedby="problems-publish_showcase">',
                     html)
    response = step(board, cohort, "publish_showcase")
    assert NO_STORY in text_of(response.get_data(as_text=True))
    assert state(db, cohort) == CohortState.CLOSING
    choose(board, cohort, story)
    assert NO_STORY not in showcase_block(page(board, f"/board/cohorts/{cohort.id}/showcase"))
    step(board, cohort, "publish_showcase")
    assert state(db, cohort) == CohortState.SHOWCASE_PUBLISHED
    html = page(board, f"/board/cohorts/{cohort.id}/showcase")
    assert f'href="/showcase/{cohort.slug}/"' in html and "Unpublish the showcase" in html
    step(board, cohort, "unpublish_showcase")
    assert state(db, cohort) == CohortState.CLOSING


def test_a_chosen_story_waiting_for_its_organisations_approval_does_not_count(app, sign_in, board, db, closing):
    cohort = closing.cohort
    with club_scope(db):
        db.get(Organisation, closing.organisations["beta"].id).stories_need_approval = True  # type: ignore[union-attr]
        db.commit()
    story = story_of(db, closing, "one")
    choose(board, cohort, story)
    step(board, cohort, "publish_showcase")
    assert state(db, cohort) == CohortState.CLOSING
    beta = sign_in(app.test_client(), closing.people["admin_beta"])
    assert beta.post(f"/o/{closing.organisations['beta'].slug}/stories/{story.id}", headers=EN,
                     data={"seen": "1", "approve": "Approve"}).status_code == 302
    step(board, cohort, "publish_showcase")
    assert state(db, cohort) == CohortState.SHOWCASE_PUBLISHED


def test_publishing_needs_the_symposiums_date(board, db, closing):
    cohort = closing.cohort
    story = story_of(db, closing, "one")
    choose(board, cohort, story)
    with club_scope(db):
        db.get(Cohort, cohort.id).symposium_on = None  # type: ignore[union-attr]
        db.commit()
    response = step(board, cohort, "publish_showcase")
    problem = "Set the symposium's date: create the symposium in the programme."
    assert problem in text_of(response.get_data(as_text=True))
    assert state(db, cohort) == CohortState.CLOSING
