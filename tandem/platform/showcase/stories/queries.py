"""What the story's pages read for its two partners: the story, its topics, who changed what and when, who
confirmed which version, each partner's consent, the organisations' reviews, whether it is on the showcase.

Only the pair's two partners reach these reads (after the membership check of `pairs/loading.py`). A fixed
number of queries, whatever the story's history.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.board.models import Topic
from tandem.platform.clock import club_zone
from tandem.platform.cohorts.models import Cohort
from tandem.platform.pairs.loading import Membership
from tandem.platform.pairs.space.queries import PairPeople, PairPerson, pair_people
from tandem.platform.showcase.models import Story, StoryChange, StoryConsent, StoryReview, StoryTopic
from tandem.platform.showcase.readiness import StoryState, story_states
from tandem.platform.showcase.revision import PUBLIC_STATES
from tandem.platform.showcase.stories.operations import cohort_of, is_writable, story_of
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import Organisation


@dataclass(frozen=True)
class ReviewNote:
    """An organisation's review of the story, as the partners read it."""

    organisation_name: str
    decision: str
    story_version: int
    note: str | None
    decided_at: datetime


@dataclass(frozen=True)
class Confirmation:
    """One partner's confirmation: of which version, when (None: never confirmed)."""

    person: PairPerson
    version: int | None
    at: datetime | None
    current: bool  # the version confirmed is the story's current one


@dataclass(frozen=True)
class StoryPage:
    cohort: Cohort
    people: PairPeople
    story: Story | None
    topics: list[Topic]
    changes: list[StoryChange]  # newest first
    consents: dict[int, StoryConsent]  # by participation
    reviews: list[ReviewNote]
    state: StoryState | None
    writable: bool

    @property
    def confirmations(self) -> list[Confirmation]:
        story = self.story
        if story is None:
            return []
        return [Confirmation(self.people.mentor, story.mentor_confirmed_version, story.mentor_confirmed_at,
                             story.mentor_confirmed_version == story.version),
                Confirmation(self.people.mentee, story.mentee_confirmed_version, story.mentee_confirmed_at,
                             story.mentee_confirmed_version == story.version)]

    @property
    def confirmed_by_both(self) -> bool:
        return self.story is not None and self.story.confirmed_by_both

    @property
    def on_showcase(self) -> bool:
        """Whether the public showcase shows the story now (with what each person consented to)."""
        return (self.story is not None and self.cohort.state in PUBLIC_STATES and self.story.chosen
                and self.state is not None and self.state.ready)

    @property
    def sent_back(self) -> list[ReviewNote]:
        """The organisations' notes sending the current version back."""
        return [review for review in self.reviews if review.decision == "sent_back"
                and self.story is not None and review.story_version == self.story.version]

    @property
    def awaiting_approval(self) -> bool:
        return self.state is not None and bool(self.state.awaiting_organisations)

    def person(self, participation_id: int | None) -> PairPerson | None:
        if participation_id == self.people.mentor.participation_id:
            return self.people.mentor
        if participation_id == self.people.mentee.participation_id:
            return self.people.mentee
        return None


def club_time(moment: datetime) -> str:
    """The time of day of a stored moment (UTC; SQLite gives it back naive) in the club's time zone, "14:05"."""
    aware = moment if moment.tzinfo else moment.replace(tzinfo=UTC)
    return aware.astimezone(club_zone()).strftime("%H:%M")


def topics_of(session: Session, story_id: int) -> list[Topic]:
    """The story's topics, in their order."""
    with club_scope(session):
        return list(session.scalars(sa.select(Topic).join(StoryTopic, StoryTopic.topic_id == Topic.id)
                                    .where(StoryTopic.story_id == story_id).order_by(StoryTopic.rank)))


def changes_of(session: Session, story_id: int) -> list[StoryChange]:
    """Who changed which fields of the story, and when, newest first."""
    return list(session.scalars(sa.select(StoryChange).where(StoryChange.story_id == story_id)
                                .order_by(StoryChange.changed_at.desc(), StoryChange.id.desc())))


def consents_of(session: Session, story_id: int) -> dict[int, StoryConsent]:
    return {consent.participation_id: consent for consent in session.scalars(
        sa.select(StoryConsent).where(StoryConsent.story_id == story_id))}


def reviews_of(session: Session, story_id: int) -> list[ReviewNote]:
    """The organisations' reviews of the story (names read in club scope: the partners' two organisations)."""
    with club_scope(session):
        rows = session.execute(
            sa.select(Organisation.name, StoryReview.decision, StoryReview.story_version, StoryReview.note,
                      StoryReview.decided_at)
            .join(Organisation, Organisation.id == StoryReview.organisation_id)
            .where(StoryReview.story_id == story_id).order_by(Organisation.name)).all()
    return [ReviewNote(*row) for row in rows]


def story_page(session: Session, membership: Membership) -> StoryPage:
    """Everything the story's page shows: eleven queries at most, whatever the story's history."""
    cohort = cohort_of(session, membership)
    people = pair_people(session, membership.pair)
    story = story_of(session, membership.pair.id)
    if story is None:
        return StoryPage(cohort, people, None, [], [], {}, [], None, is_writable(cohort))
    return StoryPage(
        cohort=cohort, people=people, story=story, topics=topics_of(session, story.id),
        changes=changes_of(session, story.id), consents=consents_of(session, story.id),
        reviews=reviews_of(session, story.id), state=story_states(session, [story.id]).get(story.id),
        writable=is_writable(cohort))


def topic_choices(session: Session, language: str, keep: tuple[int, ...] = ()) -> list[tuple[int, str]]:
    """The catalogue's active topics (and those the story has already), labelled in `language`,
    alphabetically."""
    condition: sa.ColumnElement[bool] = Topic.is_active.is_(True)
    if keep:
        condition = sa.or_(condition, Topic.id.in_(keep))
    with club_scope(session):
        topics = session.scalars(sa.select(Topic).where(condition)).all()
    return sorted(((topic.id, topic.label(language)) for topic in topics), key=lambda item: item[1].casefold())


def photo_of(session: Session, pair_id: int, small: bool) -> tuple[bytes, int] | None:
    """The story's photo (JPEG) and its version, without loading the rest of the story's row."""
    column = Story.photo_small if small else Story.photo
    row = session.execute(sa.select(column, Story.photo_version)
                          .where(Story.pair_id == pair_id, Story.photo_version > 0, column.is_not(None))).first()
    if row is None or row[0] is None:
        return None
    return bytes(row[0]), int(row[1])
