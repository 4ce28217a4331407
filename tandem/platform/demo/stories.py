"""The demo's stories (data.PILOT_STORIES, data.RUNNING_STORIES), through the showcase's own operations.

The pilot's pairs write their stories after "Begin closing": one partner drafts (with a photo drawn for the
demo), the other confirms, each chooses what may be public about them; the organisations that ask to approve
their people's stories approve them; the board chooses, orders and features them and builds the symposium's
programme, so that the pilot can publish its showcase on the symposium's day. The running cohort has drafts.
Each step happens at its moment of the story (the clock is set there). A pair that has a story already is left
as it is, so seeding again adds nothing.
"""

from __future__ import annotations

from collections.abc import Callable
from contextlib import AbstractContextManager
from datetime import UTC, date, datetime, time, timedelta

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from tandem.platform import clock
from tandem.platform.cohorts.models import Cohort, Participation
from tandem.platform.demo import data
from tandem.platform.demo.photos import PhotoSpec, draw_photo
from tandem.platform.identity.models import User
from tandem.platform.pairs.loading import Membership, membership_of
from tandem.platform.pairs.space.operations import Actor
from tandem.platform.programme.models import EventKind, EventStatus, ProgrammeEvent
from tandem.platform.showcase.curation.operations import (
    Curation,
    SlotDraft,
    add_slot,
    curate,
    review_story,
    set_showcase_settings,
)
from tandem.platform.showcase.models import ReviewDecision, Story, SymposiumSlot
from tandem.platform.showcase.readiness import story_states
from tandem.platform.showcase.stories.operations import (
    ConsentChoice,
    StoryDraft,
    confirm_story,
    save_story,
    set_consent,
    set_photo,
)
from tandem.platform.tenancy import tenant_scope
from tandem.platform.workbench.models import Pair
from tandem.tenants.models import Organisation

Then = Callable[[datetime], AbstractContextManager[None]]


class Stories:
    def __init__(self, session: Session, users: dict[str, User], topic_ids: dict[str, int],
                 organisations: dict[str, Organisation], admins: dict[str, User], president: User, today: date,
                 then: Then) -> None:
        self.session = session
        self.users = users
        self.topic_ids = topic_ids
        self.organisations = organisations
        self.admins = admins
        self.president = president
        self.then = then
        self.zone = clock.club_zone()
        self.present = datetime.combine(today, time(8, 0), self.zone)

    # ------------------------------------------------------------------------------------------ settings

    def settings(self, moment: datetime) -> None:
        """The organisations' showcase settings of data.py, where they differ."""
        for slug, organisation in self.organisations.items():
            approves = slug in data.APPROVING_ORGANISATIONS
            logo = slug not in data.LOGO_HIDDEN_ORGANISATIONS
            if (organisation.stories_need_approval, organisation.logo_on_showcase) != (approves, logo):
                with self.then(moment):
                    set_showcase_settings(self.session, organisation, approves, logo,
                                          self.admins[slug].id if slug in self.admins else self.president.id)

    # ------------------------------------------------------------------------------------------ stories

    def write(self, cohort: Cohort, specs: tuple[data.StorySpec, ...], moment: datetime) -> list[Story]:
        """The stories of `specs` the cohort's pairs do not have yet, written from `moment` on."""
        written = []
        for index, spec in enumerate(specs):
            found = self._pair(cohort, spec.mentor)
            if found is None:
                continue
            pair, mentor, mentee = found
            if self.session.scalar(sa.select(sa.exists().where(Story.pair_id == pair.id))):
                continue
            written.append(self._story(pair, mentor, mentee, spec, min(moment + timedelta(hours=3 * index),
                                                                        self.present - timedelta(hours=2))))
        return written

    def _pair(self, cohort: Cohort, mentor_key: str) -> tuple[Pair, User, User] | None:
        mentor = self.users.get(mentor_key)
        if mentor is None:
            return None
        mentor_part, mentee_part = aliased(Participation), aliased(Participation)
        row = self.session.execute(
            sa.select(Pair, User)
            .join(mentor_part, mentor_part.id == Pair.mentor_participation_id)
            .join(mentee_part, mentee_part.id == Pair.mentee_participation_id)
            .join(User, User.id == mentee_part.user_id)
            .where(Pair.cohort_id == cohort.id, mentor_part.user_id == mentor.id)
        ).first()
        return (row[0], mentor, row[1]) if row is not None else None

    def _membership(self, user: User, pair: Pair) -> Membership:
        with tenant_scope(self.session, user.organisation_id):
            membership = membership_of(self.session, user.id, pair.id)
        if membership is None:
            raise ValueError(f"demo data: {user.email} is not in pair {pair.id}")
        return membership

    def _story(self, pair: Pair, mentor: User, mentee: User, spec: data.StorySpec, moment: datetime) -> Story:
        writer, other = (mentor, mentee) if spec.written_by == "mentor" else (mentee, mentor)
        writing, reading = self._membership(writer, pair), self._membership(other, pair)
        draft = StoryDraft(language=spec.language, title=spec.title, mentee_learned=spec.mentee_learned,
                           mentor_learned=spec.mentor_learned, tip=spec.tip, mentor_quote=spec.mentor_quote,
                           mentee_quote=spec.mentee_quote,
                           topic_ids=tuple(self.topic_ids[t] for t in spec.topics if t in self.topic_ids))
        with self.then(moment), tenant_scope(self.session, writer.organisation_id):
            story = save_story(self.session, writing, draft, Actor(writer.id, writer.organisation_id))
            if spec.photo is not None:
                set_photo(self.session, writing, draw_photo(PhotoSpec(*spec.photo)), spec.photo_alt,
                          Actor(writer.id, writer.organisation_id))
        if not spec.confirmed:
            return story
        consents = {mentor.id: spec.mentor_consent, mentee.id: spec.mentee_consent}
        for offset, (user, membership) in enumerate(((writer, writing), (other, reading)), start=1):
            with self.then(moment + timedelta(minutes=20 * offset)), \
                    tenant_scope(self.session, user.organisation_id):
                actor = Actor(user.id, user.organisation_id)
                confirm_story(self.session, membership, story.version, actor)
                consent = consents[user.id]
                set_consent(self.session, membership, ConsentChoice(
                    show_name=consent.name, show_organisation=consent.organisation, show_photo=consent.photo,
                    show_quote=consent.quote, description=consent.description), actor)
        return story

    # ------------------------------------------------------------------------------- reviews and curation

    def review(self, stories: list[Story], moment: datetime) -> None:
        """The organisations that approve their people's stories approve the confirmed ones."""
        states = story_states(self.session, [story.id for story in stories])
        for story in stories:
            state = states.get(story.id)
            if state is None or not state.confirmed_by_both:
                continue
            for organisation_id in sorted(state.awaiting_organisations):
                admin = next(a for slug, a in self.admins.items() if self.organisations[slug].id == organisation_id)
                with self.then(moment), tenant_scope(self.session, organisation_id):
                    review_story(self.session, organisation_id, story.id, ReviewDecision.APPROVED, None, admin.id)

    def curate(self, cohort: Cohort, specs: tuple[data.StorySpec, ...], moment: datetime) -> None:
        """The board chooses the stories in the order of data.py, featuring those marked so."""
        stories = {s.pair_id: s for s in self.session.scalars(sa.select(Story).where(Story.cohort_id == cohort.id))}
        choices: list[Curation] = []
        for spec in specs:
            found = self._pair(cohort, spec.mentor)
            story = stories.get(found[0].id) if found is not None else None
            if story is not None and spec.confirmed:
                choices.append(Curation(story.id, True, spec.featured, len(choices) + 1))
        if choices:
            with self.then(moment):
                curate(self.session, cohort, choices, self.president.id)

    def programme(self, cohort: Cohort, moment: datetime) -> None:
        """The symposium's programme of data.py, when the symposium has none yet."""
        event = self.session.scalar(sa.select(ProgrammeEvent).where(
            ProgrammeEvent.cohort_id == cohort.id, ProgrammeEvent.kind == EventKind.SYMPOSIUM,
            ProgrammeEvent.status != EventStatus.CANCELLED))
        if event is None:
            return
        if self.session.scalar(sa.select(sa.exists().where(SymposiumSlot.cohort_id == cohort.id))):
            return
        starts = event.starts_at if event.starts_at.tzinfo else event.starts_at.replace(tzinfo=UTC)
        day = starts.astimezone(self.zone).date()
        stories = {s.pair_id: s.id for s in self.session.scalars(sa.select(Story).where(Story.cohort_id == cohort.id))}
        with self.then(moment):
            for start, end, title, room, mentors in data.SYMPOSIUM_SLOTS:
                presenting = []
                for key in mentors:
                    found = self._pair(cohort, key)
                    if found is not None and found[0].id in stories:
                        presenting.append(stories[found[0].id])
                add_slot(self.session, cohort, SlotDraft(
                    starts_at=datetime.combine(day, start, self.zone), ends_at=datetime.combine(day, end, self.zone),
                    title=title, room=room, story_ids=tuple(presenting)), self.president.id)
