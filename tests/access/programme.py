"""Access table of the programme (the cohort's calendar).

- The board's pages under /board/cohorts/<cohort_id>/programme: club board only (401 anonymous, 403 to
  everyone else). Forms sent empty answer 400; buttons (create the dated events, publish, cancel) redirect
  (302) with what was done or why not (the table's event is published already: publishing it again is
  refused with a message).
- /me/events and /me/calendar: any signed-in person's own. An event page (`event_id`) exists only for those
  invited to it: the table's participant is invited (200; an empty answer is 400), their organisation's admin
  and the board member are not (404). The list, the calendar page and the feed buttons are everyone's (200,
  302).
- /o/<org_slug>/programme: that organisation's admins and the board (401, 404, 200, 200); the event belongs
  to a cohort that alpha's people take part in.
- /calendar/<token>.ics: public, the token is the key: `arrange` opens a real feed for the participant, so
  every role gets the calendar (200). (An unknown token gets 404: tested in tests/integration/programme.)

`arrange` writes rows directly (no app context here): a published event of the table's cohort with the
participant invited (as if already mailed), an active mentor of alpha in the cohort, and the feed.
`arrange_foreign` makes organisation B's event in a cohort only B's people take part in, with B's person
invited, so that the isolation sweep tries B's event id on A's organisation pages as A's admin and participant.
"""

from __future__ import annotations

import hashlib
import secrets
import uuid
from datetime import UTC, datetime, timedelta
from typing import Any

from tandem.platform.cohorts.models import ParticipationStatus
from tandem.platform.programme.models import (
    Answer,
    Audience,
    CalendarFeed,
    EventInvitation,
    EventKind,
    EventStatus,
    ProgrammeEvent,
)
from tandem.platform.tenancy import club_scope
from tests.factories import make_cohort, make_participation, make_user

BOARD_PAGE = (401, 403, 403, 200)
BOARD_BUTTON = (401, 403, 403, 302)
BOARD_EMPTY_FORM = (401, 403, 403, 400)
INVITED_ONLY = (401, 200, 404, 404)
SIGNED_IN_PAGE = (401, 200, 200, 200)
SIGNED_IN_BUTTON = (401, 302, 302, 302)
ORGANISATION_PAGE = (401, 404, 200, 200)
PUBLIC = (200, 200, 200, 200)

ACCESS = {
    ("programme.index", "GET"): BOARD_PAGE,
    ("programme.new", "GET"): BOARD_PAGE,
    ("programme.new", "POST"): BOARD_EMPTY_FORM,
    ("programme.from_dates", "POST"): BOARD_BUTTON,
    ("programme.event", "GET"): BOARD_PAGE,
    ("programme.edit", "GET"): BOARD_PAGE,
    ("programme.edit", "POST"): BOARD_EMPTY_FORM,
    ("programme.publish", "POST"): BOARD_BUTTON,
    ("programme.cancel", "POST"): BOARD_BUTTON,
    ("programme.answers_csv", "GET"): BOARD_PAGE,
    ("programme.my_events", "GET"): SIGNED_IN_PAGE,
    ("programme.my_event", "GET"): INVITED_ONLY,
    ("programme.answer", "POST"): (401, 400, 404, 404),
    ("programme.event_file", "GET"): INVITED_ONLY,
    ("programme.calendar", "GET"): SIGNED_IN_PAGE,
    ("programme.renew_feed", "POST"): SIGNED_IN_BUTTON,
    ("programme.revoke_feed", "POST"): SIGNED_IN_BUTTON,
    ("programme.organisation_events", "GET"): ORGANISATION_PAGE,
    ("programme.organisation_event", "GET"): ORGANISATION_PAGE,
    ("programme.feed", "GET"): PUBLIC,
}

STARTS = datetime(2027, 4, 20, 16, 0, tzinfo=UTC)  # 18:00 in Zurich, after the table cohort's kick-off


def _published_event(db: Any, cohort_id: int, title: str, audience: list[str]) -> ProgrammeEvent:
    now = datetime.now(UTC)
    event = ProgrammeEvent(uid=f"{uuid.uuid4()}@access.test", cohort_id=cohort_id, kind=EventKind.WORKSHOP,
                           status=EventStatus.PUBLISHED, titles={"en": title}, descriptions={},
                           starts_at=STARTS, ends_at=STARTS + timedelta(hours=2), venue_name="Alpha Bank",
                           audience=audience, sequence=0, created_at=now, updated_at=now, published_at=now)
    db.add(event)
    db.flush()
    return event


def _invite(db: Any, event: ProgrammeEvent, user: Any, invited_as: str) -> EventInvitation:
    invitation = EventInvitation(event_id=event.id, user_id=user.id, organisation_id=user.organisation_id,
                                 invited_as=invited_as, answer=Answer.NONE, mailed_sequence=0,
                                 created_at=datetime.now(UTC))
    db.add(invitation)
    db.flush()
    return invitation


def arrange(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    cohort, alpha = context["cohort"], context["alpha"]
    participant = context["people"]["participant"]
    mentor = make_user(db, alpha)
    make_participation(db, mentor, cohort, role="mentor", status=ParticipationStatus.ACTIVE)
    token = secrets.token_urlsafe(32)
    with club_scope(db):
        event = _published_event(db, cohort.id, "Feedback workshop", [Audience.MENTORS, Audience.MENTEES])
        _invite(db, event, mentor, Audience.MENTORS)
        _invite(db, event, participant, Audience.MENTORS)
        db.add(CalendarFeed(user_id=participant.id, organisation_id=participant.organisation_id,
                            token_hash=hashlib.sha256(token.encode("utf-8")).hexdigest(),
                            created_at=datetime.now(UTC)))
        db.flush()
    return {"event_id": event.id, "token": token}


def arrange_foreign(db: Any, context: dict[str, Any]) -> dict[str, Any]:
    beta = context["beta"]
    cohort = make_cohort(db, slug=f"beta-only-{uuid.uuid4().hex[:8]}")
    person = make_user(db, beta)
    make_participation(db, person, cohort, role="mentee", status=ParticipationStatus.ACTIVE)
    with club_scope(db):
        event = _published_event(db, cohort.id, "Beta's own event", [Audience.MENTEES])
        _invite(db, event, person, Audience.MENTEES)
    return {"event_id": event.id}
