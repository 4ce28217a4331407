"""Access table of the public showcase: every page answers the same to everyone (anonymous, a participant, an
organisation admin, the board), signed in or not.

`arrange` publishes a showcase of its own: a cohort in the state showcase_published (`cohort_slug`) with a
published symposium event, and one active pair (a mentor of beta, a mentee of alpha) whose story is chosen,
confirmed by both and has a photo both consent to (`story_id`, `photo_version`, `size`).

Note: `story_id` also fills the board's and the organisations' story routes (curation); this story is not of the
table's cohort (`cohort_id`), so the board's pages of one story answer 404 for it.
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

from PIL import Image

from tandem.platform.cohorts.models import CohortState, ParticipationStatus
from tandem.platform.database import utcnow
from tandem.platform.programme.models import EventKind, EventStatus, ProgrammeEvent
from tandem.platform.showcase.models import StoryConsent
from tandem.platform.tenancy import club_scope
from tests.factories import make_cohort, make_pair, make_participation, make_story, make_user

PUBLIC = (200, 200, 200, 200)

ACCESS = {
    ("showcase.index", "GET"): PUBLIC,
    ("showcase.cohort", "GET"): PUBLIC,
    ("showcase.public_story", "GET"): PUBLIC,
    ("showcase.public_photo", "GET"): PUBLIC,
    ("showcase.symposium_file", "GET"): PUBLIC,
    ("showcase.robots", "GET"): PUBLIC,
    ("showcase.sitemap", "GET"): PUBLIC,
}


def _jpeg(width: int, height: int) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), (30, 110, 110)).save(out, format="JPEG")
    return out.getvalue()


def arrange(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    alpha, beta = context["alpha"], context["beta"]
    cohort = make_cohort(db, CohortState.SHOWCASE_PUBLISHED, slug=f"showcase-{uuid.uuid4().hex[:8]}",
                         name="Published Cohort")
    mentor = make_participation(db, make_user(db, beta), cohort, role="mentor", status=ParticipationStatus.ACTIVE)
    mentee = make_participation(db, make_user(db, alpha), cohort, role="mentee", status=ParticipationStatus.ACTIVE)
    pair = make_pair(db, mentor, mentee)
    story = make_story(db, pair, chosen=True, title="A story on the showcase")
    with club_scope(db):
        story.photo, story.photo_small, story.photo_version = _jpeg(40, 30), _jpeg(20, 15), 1
        for participation in (mentor, mentee):
            db.add(StoryConsent(story_id=story.id, participation_id=participation.id, show_name=True,
                                show_organisation=True, show_photo=True, show_quote=True, story_version=1))
        start = datetime(2027, 9, 16, 14, tzinfo=UTC)
        db.add(ProgrammeEvent(uid=f"symposium-{uuid.uuid4().hex}@test", cohort_id=cohort.id,
                              kind=EventKind.SYMPOSIUM, status=EventStatus.PUBLISHED, titles={"en": "Symposium"},
                              starts_at=start, ends_at=start.replace(hour=18), venue_name="Kursaal",
                              audience=["mentors", "mentees"], published_at=utcnow()))
        db.flush()
    return {"cohort_slug": cohort.slug, "story_id": story.id, "photo_version": 1, "size": "large"}
