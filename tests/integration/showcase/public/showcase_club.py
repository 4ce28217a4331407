"""A published showcase on top of the pairs' club (tests/fixtures/pairs.py `build_pair_club`), written directly
with the models as the partners' and the board's operations would leave it.

- Story `one` (Anna Keller, mentor of Alpha Bank, with Bernard Favre, mentee of Beta Energie): chosen and
  featured, confirmed by both, a photo (version 1) and two topics. Anna consents to everything; Bernard to
  his organisation and the photo, not to his name (his description is shown) nor his quote.
- Story `two` (Berta Graf, mentor of Beta Energie, with Greta Hof, mentee of Gamma Kliniken): chosen, in
  French, confirmed by both, a photo only Greta consents to. Berta recorded no choice (nothing of her is
  public); Greta consents to her name only.
- The symposium (published, at the Kursaal Bern) with two slots: the first presented by both stories.
"""

from __future__ import annotations

import uuid
from dataclasses import dataclass
from datetime import UTC, datetime
from io import BytesIO
from typing import Any

from PIL import Image
from sqlalchemy.orm import Session

from tandem.platform.cohorts.models import Cohort, CohortState, ParticipationStatus
from tandem.platform.database import utcnow
from tandem.platform.programme.models import EventKind, EventStatus, ProgrammeEvent
from tandem.platform.showcase import revision
from tandem.platform.showcase.models import (
    Story,
    StoryConsent,
    StoryTopic,
    SymposiumSlot,
    SymposiumSlotStory,
)
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair
from tests.factories import make_catalogue_topic, make_pair, make_participation, make_story, make_user
from tests.fixtures.pairs import PairClub, build_pair_club

SYMPOSIUM_START = datetime(2027, 9, 16, 14, 0, tzinfo=UTC)  # 16:00 in Zurich


def jpeg(width: int, height: int, colour: tuple[int, int, int] = (200, 90, 40)) -> bytes:
    out = BytesIO()
    Image.new("RGB", (width, height), colour).save(out, format="JPEG")
    return out.getvalue()


@dataclass
class Showcase:
    club: PairClub
    cohort: Cohort
    stories: dict[str, Story]
    event: ProgrammeEvent

    @property
    def slug(self) -> str:
        return self.cohort.slug

    def url(self, name: str | None = None) -> str:
        if name is None:
            return f"/showcase/{self.slug}/"
        return f"/showcase/{self.slug}/stories/{self.stories[name].id}"

    def photo_url(self, name: str, size: str = "large") -> str:
        story = self.stories[name]
        return f"{self.url(name)}/photo-{story.photo_version}-{size}.jpg"


def consent(db: Session, story: Story, participation_id: int, **choices: Any) -> StoryConsent:
    """Record (or change) a person's choices, as the consent operation would, and grow the revision."""
    with club_scope(db):
        row = db.query(StoryConsent).filter_by(story_id=story.id, participation_id=participation_id).one_or_none()
        if row is None:
            row = StoryConsent(story_id=story.id, participation_id=participation_id, story_version=story.version)
            db.add(row)
        for name in ("show_name", "show_organisation", "show_photo", "show_quote"):
            setattr(row, name, bool(choices.get(name, getattr(row, name) or False)))
        if "description" in choices:
            row.description = choices["description"]
        row.decided_at = utcnow()
        db.flush()
        revision.bump(db, story.cohort_id)
        db.commit()
    return row


def set_photo(db: Session, story: Story, version: int = 1, alt: str = "The two of them at the kick-off") -> None:
    with club_scope(db):
        story.photo = jpeg(64, 48)
        story.photo_small = jpeg(32, 24)
        story.photo_version = version
        story.photo_alt = alt
        db.flush()


def extra_story(db: Session, showcase: Showcase, title: str, **fields: Any) -> Story:
    """Another pair of the cohort (mentor of delta, mentee of alpha) with a story (confirmed, not chosen by
    default), both partners consenting to everything."""
    club = showcase.club
    mentor_user = make_user(db, club.organisations["delta"], display_name=f"Mentor {title}",
                            email=f"mentor-{uuid.uuid4().hex[:8]}@delta.example")
    mentee_user = make_user(db, club.organisations["alpha"], display_name=f"Mentee {title}",
                            email=f"mentee-{uuid.uuid4().hex[:8]}@alpha.example")
    mentor = make_participation(db, mentor_user, showcase.cohort, role="mentor", status=ParticipationStatus.ACTIVE)
    mentee = make_participation(db, mentee_user, showcase.cohort, role="mentee", status=ParticipationStatus.ACTIVE)
    pair = make_pair(db, mentor, mentee)
    story = make_story(db, pair, title=title, **fields)
    for participation in (mentor, mentee):
        consent(db, story, participation.id, show_name=True, show_organisation=True, show_photo=True,
                show_quote=True)
    return story


def pair_people(db: Session, story: Story) -> tuple[int, int]:
    with club_scope(db):
        pair = db.get(Pair, story.pair_id)
        assert pair is not None
        return pair.mentor_participation_id, pair.mentee_participation_id


def build_showcase(db: Session, state: str = CohortState.SHOWCASE_PUBLISHED) -> Showcase:
    club = build_pair_club(db)
    cohort = club.cohort
    part = club.participations
    one = make_story(db, club.pairs["one"], chosen=True, featured=True, position=2,
                     title="Listening across generations",
                     mentee_learned="That a team chat is not a memo.\n\nAnd that short videos reach our apprentices.",
                     mentor_learned="How a board weighs a decision against a budget.",
                     tip="Meet in the mentor's office first.",
                     mentor_quote="Anna's quote: ask before you explain.",
                     mentee_quote="Bernard's quote: I was the learner for once.")
    two = make_story(db, club.pairs["two"], chosen=True, position=1, language="fr",
                     title="Le courage de demander",
                     mentee_learned="Demander de l'aide n'est pas une faiblesse.",
                     mentor_learned="Comment une direction prépare un changement.",
                     tip="Fixer les dates pour six mois.",
                     mentor_quote="Berta's quote: never give up.",
                     mentee_quote="Greta's quote: curiosity first.")
    set_photo(db, one)
    set_photo(db, two, alt="Berta and Greta at the hospital")
    topics = [make_catalogue_topic(db, "Social media"), make_catalogue_topic(db, "Feedback culture")]
    with club_scope(db):
        for rank, topic in enumerate(topics, start=1):
            db.add(StoryTopic(story_id=one.id, topic_id=topic.id, rank=rank))
        cohort_row = db.get(Cohort, cohort.id)
        assert cohort_row is not None
        cohort_row.state = state
        event = ProgrammeEvent(uid=f"symposium-{uuid.uuid4().hex}@test", cohort_id=cohort.id,
                               kind=EventKind.SYMPOSIUM, status=EventStatus.PUBLISHED,
                               titles={"en": "Symposium 2027", "de": "Symposium 2027", "fr": "Symposium 2027"},
                               descriptions={"en": "Invitees only: the door code is 4711."},
                               starts_at=SYMPOSIUM_START, ends_at=SYMPOSIUM_START.replace(hour=18),
                               venue_name="Kursaal Bern", venue_room="Arena", venue_address="Kornhausstrasse 3",
                               online_url="https://meet.example/secret-symposium",
                               audience=["mentors", "mentees"], published_at=utcnow(), updated_at=utcnow())
        db.add(event)
        db.flush()
        first = SymposiumSlot(cohort_id=cohort.id, event_id=event.id, starts_at=SYMPOSIUM_START,
                              ends_at=SYMPOSIUM_START.replace(minute=45), title="Two tandems tell", room="Arena")
        second = SymposiumSlot(cohort_id=cohort.id, event_id=event.id, starts_at=SYMPOSIUM_START.replace(hour=15),
                               ends_at=SYMPOSIUM_START.replace(hour=16), title="Apéro", room=None)
        db.add_all([first, second])
        db.flush()
        db.add_all([SymposiumSlotStory(slot_id=first.id, story_id=one.id),
                    SymposiumSlotStory(slot_id=first.id, story_id=two.id)])
        db.flush()
        db.commit()
    consent(db, one, part["mentor_one"].id, show_name=True, show_organisation=True, show_photo=True,
            show_quote=True)
    consent(db, one, part["mentee_one"].id, show_organisation=True, show_photo=True,
            description="Head of communications at an energy company")
    consent(db, two, part["mentee_two"].id, show_name=True, show_photo=True)
    return Showcase(club=club, cohort=cohort, stories={"one": one, "two": two}, event=event)
