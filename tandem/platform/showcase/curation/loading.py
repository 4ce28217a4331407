"""The story of the URL (`<int:story_id>`) on the curation pages, loaded and checked once per view.

- Under /board/cohorts/<cohort_id>/showcase/stories/<story_id> (club scope): a story of the URL's cohort
  (loaded before by `cohorts/loading.py`); any other id answers 404.
- Under /o/<org_slug>/stories/<story_id> (the organisation's scope, its admins and the board): a story whose
  pair includes a person of the URL's organisation; any other answers 404, as if it did not exist.
"""

from __future__ import annotations

import sqlalchemy as sa
from flask import Response, abort, g, make_response
from sqlalchemy.orm import Session

from tandem.platform.cohorts.loading import url_cohort
from tandem.platform.cohorts.models import Participation
from tandem.platform.database import db_session
from tandem.platform.showcase.models import Story
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair


def cohort_story(session: Session, cohort_id: int, story_id: int) -> Story | None:
    """The story if it is one of the cohort's (one query)."""
    with club_scope(session):
        return session.scalar(sa.select(Story).where(Story.id == story_id, Story.cohort_id == cohort_id))


def organisation_story(session: Session, organisation_id: int, story_id: int) -> Story | None:
    """The story if its pair includes a person of the organisation (one query)."""
    ours = sa.select(Participation.id).where(
        Participation.organisation_id == organisation_id,
        Participation.id.in_((Pair.mentor_participation_id, Pair.mentee_participation_id))).exists()
    with club_scope(session):
        return session.scalar(sa.select(Story).join(Pair, Pair.id == Story.pair_id)
                              .where(Story.id == story_id, ours))


def url_board_story(story_id: int) -> Story:
    """The story of the board's URL: one of the URL's cohort, else 404."""
    story = cohort_story(db_session(), url_cohort().id, story_id)
    if story is None:
        abort(404)
    return story


def url_organisation_story(story_id: int) -> Story:
    """The story of the organisation's URL: one with a person of the URL's organisation, else 404."""
    story = organisation_story(db_session(), g.organisation.id, story_id)
    if story is None:
        abort(404)  # a story without the organisation's people does not exist here
    return story


def photo_response(story: Story) -> Response:
    """The story's photo (JPEG, drawn anew from its pixels at upload) for a signed-in reader: never sniffed as
    another type, never a page that runs anything, never kept by a shared cache."""
    if not story.has_photo or story.photo is None:
        abort(404)
    response = make_response(story.photo)
    response.headers["Content-Type"] = "image/jpeg"
    response.headers["Content-Disposition"] = "inline"
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "default-src 'none'; sandbox"
    response.headers["Cache-Control"] = "private, no-store"
    return response
