"""Read models of the curation pages: what the board and the organisations' admins see of the stories.

The board sees every published pair of a cohort with where its story stands, and reads a story's text once
both partners confirmed a version or the board chose it. An organisation's admins see their own people's
stories, in any state (they approve them or send them back). Neither ever reads the pair's private texts
(meetings, notes, the agreement): every query here names its columns, and none of those is a pair's text.

A fixed number of statements, whatever the number of pairs:

- the board's list of a cohort (`board_rows`): the pairs with both people (one), the stories' columns
  (one, never the photo's bytes), their readiness (`readiness.story_states`, two), the consents (one);
- an organisation's list (`organisation_rows`): its people's participations (one, its scope), the stories of
  their pairs with the partner (one, club scope), readiness (two);
- one story's page (`story_detail`): the people (one), readiness (two), consents (one), topics (one), reviews
  (one);
- the symposium (`symposium_event`, `slots_of`, `slot_story_choices`): one each.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from tandem.platform.board.models import Topic
from tandem.platform.cohorts.models import Cohort, Participation
from tandem.platform.identity.models import User
from tandem.platform.pairs.health.queries import PairPeople, pair_people
from tandem.platform.programme.models import EventKind, EventStatus, ProgrammeEvent
from tandem.platform.showcase.models import (
    Story,
    StoryConsent,
    StoryReview,
    StoryTopic,
    SymposiumSlot,
    SymposiumSlotStory,
)
from tandem.platform.showcase.readiness import StoryState, story_states
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair
from tandem.tenants.models import Organisation

# --------------------------------------------------------------------------------------------- the stage


class StoryStage(StrEnum):
    """Where a pair's story stands on its way to the showcase."""

    NOT_STARTED = "not_started"          # the pair has no story yet
    DRAFT = "draft"                      # neither partner confirmed the current version
    WAITING_FOR_PARTNER = "waiting_for_partner"  # one partner confirmed the current version
    SENT_BACK = "sent_back"              # confirmed by both, and an organisation sent this version back
    AWAITING_APPROVAL = "awaiting_approval"  # confirmed by both, an organisation's approval is missing
    READY = "ready"                      # confirmed by both and approved where an organisation asks to


# The order of the board's list after the chosen stories: the ready ones first, the pairs without a story last.
STAGE_ORDER = (StoryStage.READY, StoryStage.AWAITING_APPROVAL, StoryStage.SENT_BACK, StoryStage.WAITING_FOR_PARTNER,
               StoryStage.DRAFT, StoryStage.NOT_STARTED)


def stage_of(state: StoryState | None) -> StoryStage:
    """The stage of a story from its readiness facts (None: no story). Pure."""
    if state is None:
        return StoryStage.NOT_STARTED
    if state.ready:
        return StoryStage.READY
    if state.confirmed_by_both:
        if any(state.sent_back_by(organisation) for organisation in state.approving_organisations):
            return StoryStage.SENT_BACK
        return StoryStage.AWAITING_APPROVAL
    confirmed = (state.mentor_confirmed_version == state.version, state.mentee_confirmed_version == state.version)
    return StoryStage.WAITING_FOR_PARTNER if any(confirmed) else StoryStage.DRAFT


def readable_by_board(state: StoryState | None, chosen: bool) -> bool:
    """The board reads a story's text once both partners confirmed its current version, or once it chose it."""
    return state is not None and (state.confirmed_by_both or chosen)


# ------------------------------------------------------------------------------------------- the rows


@dataclass(frozen=True)
class StoryLine:
    """A story's facts for a list (no text but its title, never the photo's bytes)."""

    id: int
    pair_id: int
    title: str
    language: str
    version: int
    mentor_confirmed_version: int | None
    mentee_confirmed_version: int | None
    has_photo: bool
    chosen: bool
    featured: bool
    position: int
    updated_at: datetime


@dataclass(frozen=True)
class ConsentLine:
    """What one person consented to show of them (no row: nothing)."""

    participation_id: int
    show_name: bool = False
    show_organisation: bool = False
    show_photo: bool = False
    show_quote: bool = False
    description: str | None = None
    story_version: int | None = None
    decided_at: datetime | None = None

    def allows(self, item: str) -> bool:
        return bool(getattr(self, f"show_{item}"))


NO_CONSENT = ConsentLine(participation_id=0)
CONSENT_ITEMS = ("name", "organisation", "photo", "quote")


def _story_columns() -> list[Any]:
    return [Story.id, Story.pair_id, Story.title, Story.language, Story.version, Story.mentor_confirmed_version,
            Story.mentee_confirmed_version, Story.photo_version > 0, Story.chosen, Story.featured, Story.position,
            Story.updated_at]


def _story_line(row: Any) -> StoryLine:
    return StoryLine(*row)


def consent_lines(session: Session, story_ids: Iterable[int]) -> dict[int, dict[int, ConsentLine]]:
    """story id -> participation id -> consent: one query."""
    ids = list(story_ids)
    if not ids:
        return {}
    with club_scope(session):
        rows = session.execute(
            sa.select(StoryConsent.story_id, StoryConsent.participation_id, StoryConsent.show_name,
                      StoryConsent.show_organisation, StoryConsent.show_photo, StoryConsent.show_quote,
                      StoryConsent.description, StoryConsent.story_version, StoryConsent.decided_at)
            .where(StoryConsent.story_id.in_(ids))).all()
    found: dict[int, dict[int, ConsentLine]] = {}
    for row in rows:
        line = ConsentLine(*row[1:])
        found.setdefault(row[0], {})[line.participation_id] = line
    return found


@dataclass(frozen=True)
class BoardRow:
    """One published pair of the cohort on the board's showcase page."""

    pair: PairPeople
    story: StoryLine | None
    state: StoryState | None
    stage: StoryStage
    mentor_consent: ConsentLine
    mentee_consent: ConsentLine

    @property
    def readable(self) -> bool:
        return self.story is not None and readable_by_board(self.state, self.story.chosen)

    @property
    def choosable(self) -> bool:
        """The board may choose it (confirmed by both), or keep or drop it (chosen already)."""
        return self.story is not None and self.state is not None and (self.state.confirmed_by_both
                                                                       or self.story.chosen)

    @property
    def on_showcase(self) -> bool:
        return self.story is not None and self.story.chosen and self.stage == StoryStage.READY


@dataclass(frozen=True)
class BoardSummary:
    pairs: int
    stories: int
    confirmed: int  # confirmed by both (approval may still be missing)
    ready: int
    chosen: int
    chosen_ready: int  # what a published showcase shows
    featured: int


def _row_key(row: BoardRow) -> tuple[object, ...]:
    if row.story is not None and row.story.chosen:
        return (0, row.story.position, row.story.id)
    return (1, STAGE_ORDER.index(row.stage), row.pair.mentor.name.casefold(), row.pair.pair_id)


def board_rows(session: Session, cohort_id: int) -> list[BoardRow]:
    """Every published pair of the cohort with its story's stage and consents: the chosen stories first in
    their order, then by stage (ready first) and mentor's name. Five queries."""
    pairs = pair_people(session, cohort_id)
    with club_scope(session):
        lines = {row[1]: _story_line(row) for row in session.execute(
            sa.select(*_story_columns()).where(Story.cohort_id == cohort_id)).all()}
    states = story_states(session, cohort_id=cohort_id) if lines else {}
    consents = consent_lines(session, [line.id for line in lines.values()])
    rows = []
    for people in pairs:
        line = lines.get(people.pair_id)
        state = states.get(line.id) if line is not None else None
        own = consents.get(line.id, {}) if line is not None else {}
        rows.append(BoardRow(pair=people, story=line, state=state, stage=stage_of(state),
                             mentor_consent=own.get(people.mentor.participation_id, NO_CONSENT),
                             mentee_consent=own.get(people.mentee.participation_id, NO_CONSENT)))
    rows.sort(key=_row_key)
    return rows


def board_summary(rows: Sequence[BoardRow]) -> BoardSummary:
    stories = [row for row in rows if row.story is not None]
    return BoardSummary(
        pairs=len(rows), stories=len(stories),
        confirmed=sum(1 for row in stories if row.state is not None and row.state.confirmed_by_both),
        ready=sum(1 for row in stories if row.stage == StoryStage.READY),
        chosen=sum(1 for row in stories if row.story is not None and row.story.chosen),
        chosen_ready=sum(1 for row in stories if row.on_showcase),
        featured=sum(1 for row in stories if row.story is not None and row.story.chosen and row.story.featured))


# ----------------------------------------------------------------------------------------- one story


def story_people(session: Session, story: Story) -> PairPeople:
    """The story's pair with its two people: one query, club scope (they belong to two organisations)."""
    return pair_people(session, story.cohort_id, story.pair_id)[0]


@dataclass(frozen=True)
class ReviewLine:
    organisation_id: int
    organisation_name: str
    story_version: int
    decision: str
    note: str | None
    decided_at: datetime
    reviewer: str | None


@dataclass(frozen=True)
class StoryDetail:
    """A story as the board or an admin reads it: its text (the ORM row), the people, where it stands."""

    story: Story
    cohort: Cohort
    people: PairPeople
    state: StoryState
    stage: StoryStage
    consents: dict[int, ConsentLine]
    topics: list[str]
    reviews: list[ReviewLine] = field(default_factory=list)

    def consent_of(self, participation_id: int) -> ConsentLine:
        return self.consents.get(participation_id, NO_CONSENT)

    def review_of(self, organisation_id: int) -> ReviewLine | None:
        return next((review for review in self.reviews if review.organisation_id == organisation_id), None)

    @property
    def readable_by_board(self) -> bool:
        return readable_by_board(self.state, self.story.chosen)


def topic_labels(session: Session, story_id: int, language: str) -> list[str]:
    """The story's topics in its own language, in their order: one query."""
    with club_scope(session):
        topics = session.scalars(sa.select(Topic).join(StoryTopic, StoryTopic.topic_id == Topic.id)
                                 .where(StoryTopic.story_id == story_id).order_by(StoryTopic.rank)).all()
    return [topic.label(language) for topic in topics]


def story_detail(session: Session, story: Story) -> StoryDetail:
    """Everything of one story's page: six queries."""
    reviewer = aliased(User)
    with club_scope(session):
        cohort = session.get(Cohort, story.cohort_id)
        reviews = [ReviewLine(*row) for row in session.execute(
            sa.select(StoryReview.organisation_id, Organisation.name, StoryReview.story_version,
                      StoryReview.decision, StoryReview.note, StoryReview.decided_at, reviewer.display_name)
            .join(Organisation, Organisation.id == StoryReview.organisation_id)
            .outerjoin(reviewer, reviewer.id == StoryReview.reviewer_user_id)
            .where(StoryReview.story_id == story.id).order_by(Organisation.name))]
    assert cohort is not None  # a story's cohort is a foreign key
    state = story_states(session, [story.id])[story.id]
    return StoryDetail(story=story, cohort=cohort, people=story_people(session, story), state=state,
                       stage=stage_of(state), consents=consent_lines(session, [story.id]).get(story.id, {}),
                       topics=topic_labels(session, story.id, story.language), reviews=reviews)


# ---------------------------------------------------------------------------------- an organisation's list


@dataclass(frozen=True)
class OrganisationStoryRow:
    """A story of one of the organisation's people, as its admins see it in their list."""

    story_id: int
    cohort_id: int
    cohort_name: str
    title: str
    language: str
    person_name: str  # the organisation's own person (the first, when both partners are its people)
    person_role: str
    partner_name: str
    partner_organisation: str
    stage: StoryStage
    state: StoryState

    def approval_of(self, organisation_id: int) -> str | None:
        """"approved", "sent_back" or "waiting" for this organisation's review of the current version (None:
        the organisation does not approve stories, or the partners have not both confirmed it yet)."""
        if organisation_id not in self.state.approving_organisations or not self.state.confirmed_by_both:
            return None
        if self.state.approved_by(organisation_id):
            return "approved"
        if self.state.sent_back_by(organisation_id):
            return "sent_back"
        return "waiting"


def organisation_rows(session: Session, organisation_id: int) -> list[OrganisationStoryRow]:
    """The stories of the pairs that include one of the organisation's people, by cohort (newest first) and
    person. Four queries."""
    with club_scope(session):
        own = dict(session.execute(
            sa.select(Participation.id, Participation.role)
            .where(Participation.organisation_id == organisation_id)).all())
    if not own:
        return []
    ids = list(own)
    mentor, mentee = aliased(Participation), aliased(Participation)
    mentor_user, mentee_user = aliased(User), aliased(User)
    mentor_org, mentee_org = aliased(Organisation), aliased(Organisation)
    with club_scope(session):
        rows = session.execute(
            sa.select(Story.id, Story.cohort_id, Cohort.name, Story.title, Story.language,
                      mentor.id, mentor_user.display_name, mentor_org.id, mentor_org.name,
                      mentee.id, mentee_user.display_name, mentee_org.id, mentee_org.name)
            .join(Pair, Pair.id == Story.pair_id)
            .join(Cohort, Cohort.id == Story.cohort_id)
            .join(mentor, mentor.id == Pair.mentor_participation_id)
            .join(mentor_user, mentor_user.id == mentor.user_id)
            .join(mentor_org, mentor_org.id == mentor.organisation_id)
            .join(mentee, mentee.id == Pair.mentee_participation_id)
            .join(mentee_user, mentee_user.id == mentee.user_id)
            .join(mentee_org, mentee_org.id == mentee.organisation_id)
            .where(sa.or_(Pair.mentor_participation_id.in_(ids), Pair.mentee_participation_id.in_(ids)))
            .order_by(Cohort.created_at.desc(), Cohort.id.desc(), Story.id)).all()
    states = story_states(session, [row[0] for row in rows])
    found = []
    for (story_id, cohort_id, cohort_name, title, language, mentor_id, mentor_name, mentor_org_id, mentor_org_name,
         _mentee_id, mentee_name, _mentee_org_id, mentee_org_name) in rows:
        mine_is_mentor = mentor_id in own and mentor_org_id == organisation_id
        person, role, partner, partner_org = ((mentor_name, "mentor", mentee_name, mentee_org_name) if mine_is_mentor
                                              else (mentee_name, "mentee", mentor_name, mentor_org_name))
        state = states[story_id]
        found.append(OrganisationStoryRow(
            story_id=story_id, cohort_id=cohort_id, cohort_name=cohort_name, title=title, language=language,
            person_name=person, person_role=role, partner_name=partner, partner_organisation=partner_org,
            stage=stage_of(state), state=state))
    return found


# ------------------------------------------------------------------------------------------ the symposium


def symposium_event(session: Session, cohort_id: int) -> ProgrammeEvent | None:
    """The cohort's symposium in its programme (at most one that is not cancelled): one query."""
    with club_scope(session):
        return session.scalar(sa.select(ProgrammeEvent).where(
            ProgrammeEvent.cohort_id == cohort_id, ProgrammeEvent.kind == EventKind.SYMPOSIUM,
            ProgrammeEvent.status != EventStatus.CANCELLED).limit(1))


@dataclass(frozen=True)
class SlotStory:
    story_id: int
    title: str
    language: str
    mentor_name: str
    mentee_name: str


@dataclass(frozen=True)
class SlotLine:
    id: int
    starts_at: datetime
    ends_at: datetime
    title: str
    room: str | None
    stories: tuple[SlotStory, ...]


def _slot_story_rows(session: Session, condition: sa.ColumnElement[bool], extra: Sequence[Any] = ()) -> list[Any]:
    mentor, mentee = aliased(Participation), aliased(Participation)
    mentor_user, mentee_user = aliased(User), aliased(User)
    query = (sa.select(*extra, Story.id, Story.title, Story.language, mentor_user.display_name,
                       mentee_user.display_name)
             .select_from(Story)
             .join(Pair, Pair.id == Story.pair_id)
             .join(mentor, mentor.id == Pair.mentor_participation_id)
             .join(mentor_user, mentor_user.id == mentor.user_id)
             .join(mentee, mentee.id == Pair.mentee_participation_id)
             .join(mentee_user, mentee_user.id == mentee.user_id)
             .where(condition))
    if extra:
        query = query.join(SymposiumSlotStory, SymposiumSlotStory.story_id == Story.id)
    with club_scope(session):
        return list(session.execute(query.order_by(Story.position, Story.id)).all())


def slots_of(session: Session, cohort_id: int, slot_id: int | None = None) -> list[SlotLine]:
    """The cohort's symposium slots in time order with their presenting pairs' stories: two queries."""
    query = sa.select(SymposiumSlot).where(SymposiumSlot.cohort_id == cohort_id)
    if slot_id is not None:
        query = query.where(SymposiumSlot.id == slot_id)
    with club_scope(session):
        slots = session.scalars(query.order_by(SymposiumSlot.starts_at, SymposiumSlot.id)).all()
    if not slots:
        return []
    presenting: dict[int, list[SlotStory]] = {}
    for row in _slot_story_rows(session, SymposiumSlotStory.slot_id.in_([s.id for s in slots]),
                                [SymposiumSlotStory.slot_id]):
        presenting.setdefault(row[0], []).append(SlotStory(*row[1:]))
    return [SlotLine(slot.id, slot.starts_at, slot.ends_at, slot.title, slot.room, tuple(presenting.get(slot.id, ())))
            for slot in slots]


def slot_story_choices(session: Session, cohort_id: int, keep: Iterable[int] = ()) -> list[SlotStory]:
    """The stories the board may put in a slot: those of the cohort it may read (confirmed by both, or
    chosen), and those the slot presents already (`keep`). One query."""
    kept = list(keep)
    readable = sa.or_(Story.chosen, sa.and_(Story.mentor_confirmed_version == Story.version,
                                            Story.mentee_confirmed_version == Story.version))
    if kept:
        readable = sa.or_(readable, Story.id.in_(kept))
    return [SlotStory(*row) for row in _slot_story_rows(session, sa.and_(Story.cohort_id == cohort_id, readable))]
