"""Access table of the showcase's curation: the board's pages under /board/cohorts/<cohort_id>/showcase (club
board only) and an organisation's under /o/<org_slug>/stories (its admins and the board).

- The board's list and symposium pages answer 200; the choice sent empty answers 400 (no story to save), so
  do the slot forms sent empty (a slot needs its times and title); deleting the table cohort's slot redirects
  (302). `arrange` gives the table's cohort (`cohort_id`) a symposium event and one slot (`slot_id`).
- `story_id`: a story of ANOTHER cohort (a mentor of beta with a mentee of alpha, confirmed by both, with a
  photo), as is the public showcase's story of tests/access/showcase_public.py, which may fill `story_id` in
  its place: under the table's cohort it does not exist (the board gets 404; its use is tested in
  tests/integration/showcase/curation), and for alpha's admins it is one of their people's stories (200; its
  form sent empty answers 400).
- /o/<org_slug>/stories...: anonymous 401, the participant 404 (an organisation's area does not exist for
  them), alpha's admin and the board as above; the settings sent empty answer 400.

`arrange_foreign` makes a story of organisation B's people only, whose id the isolation sweep tries on A's
organisation pages as A's admin and participant (404 each time).
"""

from __future__ import annotations

import uuid
from datetime import UTC, datetime, time, timedelta
from typing import Any

from tandem.platform.cohorts.models import CohortState, ParticipationStatus
from tandem.platform.database import utcnow
from tandem.platform.programme.models import EventKind, EventStatus, ProgrammeEvent
from tandem.platform.showcase.models import SymposiumSlot
from tandem.platform.tenancy import club_scope
from tests.factories import make_cohort, make_pair, make_participation, make_story, make_user, tiny_jpeg

BOARD_PAGE = (401, 403, 403, 200)
BOARD_EMPTY_FORM = (401, 403, 403, 400)
BOARD_BUTTON = (401, 403, 403, 302)
OTHER_COHORTS_STORY = (401, 403, 403, 404)
ORGANISATION_PAGE = (401, 404, 200, 200)
ORGANISATION_EMPTY_FORM = (401, 404, 400, 400)

ACCESS = {
    ("showcase.board_stories", "GET"): BOARD_PAGE,
    ("showcase.board_stories", "POST"): BOARD_EMPTY_FORM,
    ("showcase.board_story", "GET"): OTHER_COHORTS_STORY,
    ("showcase.board_story_photo", "GET"): OTHER_COHORTS_STORY,
    ("showcase.symposium", "GET"): BOARD_PAGE,
    ("showcase.symposium", "POST"): BOARD_EMPTY_FORM,
    ("showcase.edit_slot", "GET"): BOARD_PAGE,
    ("showcase.edit_slot", "POST"): BOARD_EMPTY_FORM,
    ("showcase.delete_slot", "POST"): BOARD_BUTTON,
    ("showcase.organisation_stories", "GET"): ORGANISATION_PAGE,
    ("showcase.organisation_settings", "POST"): ORGANISATION_EMPTY_FORM,
    ("showcase.organisation_story", "GET"): ORGANISATION_PAGE,
    ("showcase.organisation_story", "POST"): ORGANISATION_EMPTY_FORM,
    ("showcase.organisation_story_photo", "GET"): ORGANISATION_PAGE,
}


def _story_with_photo(db: Any, mentor: Any, mentee: Any) -> Any:
    story = make_story(db, make_pair(db, mentor, mentee), title="A story for the access table")
    with club_scope(db):
        story.photo, story.photo_small, story.photo_alt, story.photo_version = (
            tiny_jpeg(8, 6), tiny_jpeg(4, 3), "Two people laughing", 1)
        db.flush()
    return story


def arrange(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    alpha, beta, cohort = context["alpha"], context["beta"], context["cohort"]
    other = make_cohort(db, CohortState.CLOSING, slug=f"curation-{uuid.uuid4().hex[:8]}")
    mentor = make_participation(db, make_user(db, beta), other, role="mentor", status=ParticipationStatus.ACTIVE)
    mentee = make_participation(db, make_user(db, alpha), other, role="mentee", status=ParticipationStatus.ACTIVE)
    story = _story_with_photo(db, mentor, mentee)
    with club_scope(db):
        start = datetime.combine(cohort.symposium_on, time(14), tzinfo=UTC)
        event = ProgrammeEvent(uid=f"symposium-{uuid.uuid4().hex}@access.test", cohort_id=cohort.id,
                               kind=EventKind.SYMPOSIUM, status=EventStatus.DRAFT, titles={"en": "Symposium"},
                               starts_at=start, ends_at=start + timedelta(hours=4), venue_name="Kursaal",
                               audience=["mentors", "mentees"], created_at=utcnow(), updated_at=utcnow())
        db.add(event)
        db.flush()
        slot = SymposiumSlot(cohort_id=cohort.id, event_id=event.id, starts_at=start,
                             ends_at=start + timedelta(minutes=30), title="Welcome", room=None)
        db.add(slot)
        db.flush()
    return {"story_id": story.id, "slot_id": slot.id}


def arrange_foreign(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    """A story of two people of B (the context's participation of B is a mentee of the context's cohort)."""
    beta, cohort = context["beta"], context["cohort"]
    mentor = make_participation(db, make_user(db, beta), cohort, role="mentor", status=ParticipationStatus.ACTIVE)
    story = _story_with_photo(db, mentor, context["participations"]["b"])
    return {"story_id": story.id}
