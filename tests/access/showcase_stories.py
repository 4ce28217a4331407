"""Access table of the pair's story (tandem/platform/showcase/stories): the story's page, writing it,
confirming a version, the consent, the photo's upload, removal and private preview.

The routes take the pair of tests/access/pairs.py (`pair_id`; the table's participant is its MENTOR, in a
running cohort); `arrange` gives that pair a story with a photo. A pair's story exists only for its two people:
the organisation admin and the board member get 404, anyone not signed in 401. Pages answer 200; the story's
form sent empty answers 400 (the title and language are required), the photo's form sent empty 400 (choose a
photo, describe it); the buttons redirect (302): the confirmation names no version (refused with a message), the
consent sent empty withdraws everything, the photo is removed.
"""

from __future__ import annotations

from io import BytesIO
from typing import Any

import sqlalchemy as sa
from PIL import Image

from tandem.platform.cohorts.models import Participation
from tandem.platform.showcase.models import Story
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tests.factories import make_story

PARTNER_PAGE = (401, 200, 404, 404)
PARTNER_EMPTY_FORM = (401, 400, 404, 404)
PARTNER_BUTTON = (401, 302, 404, 404)

ACCESS = {
    ("showcase.story", "GET"): PARTNER_PAGE,
    ("showcase.edit_story", "GET"): PARTNER_PAGE,
    ("showcase.edit_story", "POST"): PARTNER_EMPTY_FORM,
    ("showcase.confirm_story", "POST"): PARTNER_BUTTON,
    ("showcase.consent", "GET"): PARTNER_PAGE,
    ("showcase.consent", "POST"): PARTNER_BUTTON,
    ("showcase.upload_photo", "POST"): PARTNER_EMPTY_FORM,
    ("showcase.remove_photo", "POST"): PARTNER_BUTTON,
    ("showcase.story_photo", "GET"): PARTNER_PAGE,
}


def _jpeg(width: int, height: int) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), (180, 90, 40)).save(out, format="JPEG")
    return out.getvalue()


def arrange(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    """A story with a photo for the participant's pair of tests/access/pairs.py (its latest active pair as
    mentor; that module's `pair_id` fills the routes)."""
    participant = context["people"]["participant"]
    with club_scope(db):
        pair = db.scalar(sa.select(Pair).join(Participation, Participation.id == Pair.mentor_participation_id)
                         .where(Participation.user_id == participant.id, Pair.status == PairStatus.ACTIVE)
                         .order_by(Pair.id.desc()).limit(1))
        assert pair is not None, "tests/access/pairs.py gives the participant a pair"
        if db.scalar(sa.select(Story.id).where(Story.pair_id == pair.id)) is None:
            story = make_story(db, pair, confirmed=False, title="Our story")
            story.photo, story.photo_small, story.photo_alt, story.photo_version = (
                _jpeg(64, 48), _jpeg(32, 24), "A test photo", 1)
            db.flush()
    return {}
