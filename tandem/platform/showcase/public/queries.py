"""What the public showcase reads: the published cohorts, a cohort's figures, symposium and programme, its
stories as the public may see them, and the organisations that took part.

Only what each person consented to leaves these functions: a `PublicPerson` carries a name, an organisation
and a quote only with that person's consent (`StoryConsent`; no row, nothing), the photo only when both
partners consented to it. Templates cannot show what the read model never holds.

A story is on the showcase when its cohort is published (or archived), the board chose it and it is ready
(`showcase/readiness.py`). People and participations are tenant-owned rows of several organisations: they are
read in club scope, narrowly, since a public request has no tenant. Each page reads a fixed number of
statements, whatever the number of its stories; `cohort_head` and `published_cohorts` are one statement each
and give the pages' freshness (their cache key and ETag, `public/caching.py`).
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from tandem.platform.board.models import Topic
from tandem.platform.cohorts.models import Cohort, Participation
from tandem.platform.database import as_utc
from tandem.platform.identity.models import User
from tandem.platform.pairs.models import MeetingStatus, PairMeeting
from tandem.platform.programme.models import EventKind, EventStatus, ProgrammeEvent
from tandem.platform.showcase.models import Story, StoryConsent, StoryTopic, SymposiumSlot, SymposiumSlotStory
from tandem.platform.showcase.readiness import story_states
from tandem.platform.showcase.revision import PUBLIC_STATES
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tandem.tenants.models import Organisation

PUBLISHED_PAIRS = (PairStatus.ACTIVE, PairStatus.ENDED)

# ------------------------------------------------------------------------------------------------ freshness


@dataclass(frozen=True)
class CohortHead:
    """A cohort as the public pages need it first: enough to answer 404, to name it, and to know whether
    anything its pages show changed (`freshness`)."""

    id: int
    slug: str
    name: str
    state: str
    revision: int
    symposium_on: date | None
    symposium_changed: Any  # the latest change of its symposium event (the programme's own operations)
    created_at: Any  # with the id, names this cohort for good (an id may come again after a deletion)

    @property
    def is_public(self) -> bool:
        return self.state in PUBLIC_STATES

    @property
    def freshness(self) -> tuple[Any, ...]:
        return (self.id, str(self.created_at), self.state, self.revision, self.name, str(self.symposium_on),
                str(self.symposium_changed))


def _head_columns() -> tuple[Any, ...]:
    symposium_changed = (
        sa.select(sa.func.max(ProgrammeEvent.updated_at))
        .where(ProgrammeEvent.cohort_id == Cohort.id, ProgrammeEvent.kind == EventKind.SYMPOSIUM)
        .scalar_subquery()
    )
    return (Cohort.id, Cohort.slug, Cohort.name, Cohort.state, Cohort.showcase_revision, Cohort.symposium_on,
            symposium_changed, Cohort.created_at)


@cache
def _head_by_slug() -> sa.Select[Any]:
    """Built once: the statement every public request of a cohort runs first (its SQL is compiled once too)."""
    return sa.select(*_head_columns()).where(Cohort.slug == sa.bindparam("slug"))


def _connection(executor: Session | sa.Connection) -> sa.Connection:
    return executor.connection() if isinstance(executor, Session) else executor


def cohort_head(executor: Session | sa.Connection, slug: str) -> CohortHead | None:
    """The cohort of a public URL, whatever its state (the caller answers 404 unless it is public): one
    statement. Cohorts are club-level rows: it runs as plain SQL on the session's connection (or the one given,
    `fast_path.py`), without the ORM's work per statement, since it is all a cached page costs."""
    row = _connection(executor).execute(_head_by_slug(), {"slug": slug}).first()
    return CohortHead(*row) if row is not None else None


def published_cohorts(executor: Session | sa.Connection) -> list[CohortHead]:
    """The cohorts whose showcase is public, newest symposium first: one statement. Few rows (one cohort a
    year or so): their freshness together is the index's and the sitemap's."""
    rows = _connection(executor).execute(_published_heads()).all()
    return [CohortHead(*row) for row in rows]


@cache
def _published_heads() -> sa.Select[Any]:
    return (sa.select(*_head_columns()).where(Cohort.state.in_(PUBLIC_STATES))
            .order_by(sa.nulls_last(Cohort.symposium_on.desc()), Cohort.id.desc()))


# ------------------------------------------------------------------------------------------------ the stories


@dataclass(frozen=True)
class PublicOrganisation:
    name: str
    slug: str
    has_logo: bool  # a logo, and the organisation shows it on the showcase


@dataclass(frozen=True)
class PublicPerson:
    """One partner of a story, holding only what they consented to."""

    role: str  # "mentor" or "mentee": the page's neutral word when neither name nor description is public
    name: str | None
    description: str | None  # shown instead of the name, when the name is not public
    organisation: PublicOrganisation | None
    quote: str | None


@dataclass(frozen=True)
class PublicStory:
    id: int
    cohort_id: int
    language: str
    title: str
    mentee_learned: str
    mentor_learned: str
    tip: str
    featured: bool
    position: int
    mentor: PublicPerson
    mentee: PublicPerson
    topics: tuple[str, ...]
    photo_version: int | None  # only when both partners consented to the photo
    photo_alt: str | None

    @property
    def people(self) -> tuple[PublicPerson, PublicPerson]:
        return (self.mentee, self.mentor)

    @property
    def quotes(self) -> list[PublicPerson]:
        return [person for person in self.people if person.quote]

    @property
    def summary(self) -> str:
        """The first words of what the mentee learned (cards, OpenGraph), at most about 200 characters."""
        text = " ".join((self.mentee_learned or self.mentor_learned or self.tip).split())
        return text if len(text) <= 200 else text[:197].rsplit(" ", 1)[0] + "…"


@dataclass(frozen=True)
class _Consent:
    show_name: bool
    show_organisation: bool
    show_photo: bool
    show_quote: bool
    description: str | None


def _chosen_story_rows(session: Session, *, cohort_ids: Sequence[int], story_id: int | None = None) -> list[Any]:
    mentor_part, mentee_part = aliased(Participation), aliased(Participation)
    mentor_user, mentee_user = aliased(User), aliased(User)
    mentor_org, mentee_org = aliased(Organisation), aliased(Organisation)
    query = (
        sa.select(Story.id, Story.cohort_id, Story.language, Story.title, Story.mentee_learned,
                  Story.mentor_learned, Story.tip, Story.mentor_quote, Story.mentee_quote, Story.featured,
                  Story.position, Story.photo_version, Story.photo_alt,
                  mentor_part.id, mentor_user.display_name, mentor_org.name, mentor_org.slug,
                  mentor_org.logo_content_type, mentor_org.logo_on_showcase,
                  mentee_part.id, mentee_user.display_name, mentee_org.name, mentee_org.slug,
                  mentee_org.logo_content_type, mentee_org.logo_on_showcase)
        .join(Pair, Pair.id == Story.pair_id)
        .join(mentor_part, mentor_part.id == Pair.mentor_participation_id)
        .join(mentee_part, mentee_part.id == Pair.mentee_participation_id)
        .join(mentor_user, mentor_user.id == mentor_part.user_id)
        .join(mentee_user, mentee_user.id == mentee_part.user_id)
        .join(mentor_org, mentor_org.id == mentor_part.organisation_id)
        .join(mentee_org, mentee_org.id == mentee_part.organisation_id)
        .where(Story.cohort_id.in_(list(cohort_ids)), Story.chosen)
        .order_by(Story.featured.desc(), Story.position, Story.id)
    )
    if story_id is not None:
        query = query.where(Story.id == story_id)
    return list(session.execute(query).all())


def _person(role: str, consent: _Consent | None, name: str, organisation: tuple[str, str, str | None, bool],
            quote: str) -> PublicPerson:
    if consent is None:  # no choice recorded: nothing of this person is public
        return PublicPerson(role=role, name=None, description=None, organisation=None, quote=None)
    org_name, org_slug, logo_type, logo_on_showcase = organisation
    return PublicPerson(
        role=role,
        name=name if consent.show_name else None,
        description=(consent.description or None) if not consent.show_name else None,
        organisation=(PublicOrganisation(org_name, org_slug, logo_type is not None and bool(logo_on_showcase))
                      if consent.show_organisation else None),
        quote=(quote.strip() or None) if consent.show_quote else None,
    )


def public_stories(session: Session, cohort_ids: Sequence[int], language: str, *,
                   story_id: int | None = None) -> list[PublicStory]:
    """The stories on the showcase of the given (public) cohorts, featured first, then in the board's order:
    five statements, whatever their number. With `story_id`, that story alone (or nothing)."""
    if not cohort_ids:
        return []
    with club_scope(session):
        rows = _chosen_story_rows(session, cohort_ids=cohort_ids, story_id=story_id)
        if not rows:
            return []
        states = story_states(session, [row[0] for row in rows])
        rows = [row for row in rows if row[0] in states and states[row[0]].ready]
        if not rows:
            return []
        ids = [row[0] for row in rows]
        consents = {
            (story, participation): _Consent(bool(name), bool(organisation), bool(photo), bool(quote), description)
            for story, participation, name, organisation, photo, quote, description in session.execute(
                sa.select(StoryConsent.story_id, StoryConsent.participation_id, StoryConsent.show_name,
                          StoryConsent.show_organisation, StoryConsent.show_photo, StoryConsent.show_quote,
                          StoryConsent.description)
                .where(StoryConsent.story_id.in_(ids)))
        }
        label = {"de": Topic.label_de, "fr": Topic.label_fr, "it": Topic.label_it}.get(language, Topic.label_en)
        topics: dict[int, list[str]] = {}
        for story, text in session.execute(
                sa.select(StoryTopic.story_id, label).join(Topic, Topic.id == StoryTopic.topic_id)
                .where(StoryTopic.story_id.in_(ids)).order_by(StoryTopic.story_id, StoryTopic.rank)):
            topics.setdefault(story, []).append(text)
    stories = []
    for (story, cohort_id, story_language, title, mentee_learned, mentor_learned, tip, mentor_quote, mentee_quote,
         featured, position, photo_version, photo_alt, mentor_id, mentor_name, *rest) in rows:
        mentor_org = tuple(rest[0:4])
        mentee_id, mentee_name = rest[4], rest[5]
        mentee_org = tuple(rest[6:10])
        mentor_consent, mentee_consent = consents.get((story, mentor_id)), consents.get((story, mentee_id))
        photo_public = (photo_version > 0 and mentor_consent is not None and mentee_consent is not None
                        and mentor_consent.show_photo and mentee_consent.show_photo)
        stories.append(PublicStory(
            id=story, cohort_id=cohort_id, language=story_language, title=title, mentee_learned=mentee_learned,
            mentor_learned=mentor_learned, tip=tip, featured=featured, position=position,
            mentor=_person("mentor", mentor_consent, mentor_name, mentor_org, mentor_quote),
            mentee=_person("mentee", mentee_consent, mentee_name, mentee_org, mentee_quote),
            topics=tuple(topics.get(story, ())),
            photo_version=photo_version if photo_public else None,
            photo_alt=photo_alt if photo_public else None,
        ))
    return stories


def public_story(session: Session, cohort_id: int, story_id: int, language: str) -> PublicStory | None:
    """One story of a public cohort, if it is on the showcase."""
    found = public_stories(session, [cohort_id], language, story_id=story_id)
    return found[0] if found else None


@dataclass(frozen=True)
class ShowcaseEntry:
    """A story on the showcase, for the index's counts and the sitemap: three statements for all cohorts."""

    story_id: int
    cohort_id: int


def showcase_entries(session: Session, cohort_ids: Iterable[int]) -> list[ShowcaseEntry]:
    wanted = list(cohort_ids)
    if not wanted:
        return []
    rows = session.execute(
        sa.select(Story.id, Story.cohort_id).where(Story.cohort_id.in_(wanted), Story.chosen)
        .order_by(Story.cohort_id, Story.featured.desc(), Story.position, Story.id)).all()
    states = story_states(session, [row[0] for row in rows])
    return [ShowcaseEntry(story, cohort) for story, cohort in rows if story in states and states[story].ready]


def photo_of(session: Session, story_id: int, size: str) -> bytes | None:
    """The JPEG bytes of a story's photo in one web size ("large" or "small"): one statement."""
    column = Story.photo if size == "large" else Story.photo_small
    return session.scalar(sa.select(column).where(Story.id == story_id))


# ------------------------------------------------------------------------------------------------ the cohort


@dataclass(frozen=True)
class CohortFigures:
    """Aggregates only: published pairs, the organisations of their people, the meetings they held."""

    pairs: int
    organisations: int
    meetings_held: int


def cohort_figures(session: Session, cohort_id: int) -> CohortFigures:
    """One statement (club scope: the participations belong to several organisations)."""
    published = sa.select(Pair.id).where(Pair.cohort_id == cohort_id, Pair.status.in_(PUBLISHED_PAIRS))
    people = sa.union(
        sa.select(Pair.mentor_participation_id).where(Pair.cohort_id == cohort_id,
                                                      Pair.status.in_(PUBLISHED_PAIRS)),
        sa.select(Pair.mentee_participation_id).where(Pair.cohort_id == cohort_id,
                                                      Pair.status.in_(PUBLISHED_PAIRS)),
    )
    with club_scope(session):
        row = session.execute(sa.select(
            sa.select(sa.func.count()).select_from(published.subquery()).scalar_subquery(),
            sa.select(sa.func.count(sa.distinct(Participation.organisation_id)))
            .where(Participation.id.in_(people)).scalar_subquery(),
            sa.select(sa.func.count(PairMeeting.id))
            .where(PairMeeting.pair_id.in_(published), PairMeeting.status == MeetingStatus.HELD)
            .scalar_subquery(),
        )).one()
    return CohortFigures(int(row[0] or 0), int(row[1] or 0), int(row[2] or 0))


def taking_part(session: Session, cohort_id: int) -> list[PublicOrganisation]:
    """The organisations whose people were in the cohort's published pairs and that show themselves on the
    showcase (`Organisation.logo_on_showcase`), by name: one statement."""
    people = sa.union(
        sa.select(Pair.mentor_participation_id).where(Pair.cohort_id == cohort_id,
                                                      Pair.status.in_(PUBLISHED_PAIRS)),
        sa.select(Pair.mentee_participation_id).where(Pair.cohort_id == cohort_id,
                                                      Pair.status.in_(PUBLISHED_PAIRS)),
    )
    with club_scope(session):
        rows = session.execute(
            sa.select(Organisation.name, Organisation.slug, Organisation.logo_content_type)
            .where(Organisation.logo_on_showcase,
                   Organisation.id.in_(sa.select(Participation.organisation_id)
                                       .where(Participation.id.in_(people))))
            .order_by(Organisation.name, Organisation.id)
        ).all()
    return [PublicOrganisation(name, slug, content_type is not None) for name, slug, content_type in rows]


@dataclass(frozen=True)
class Symposium:
    """The cohort's symposium event, its public information only (no online link, no description)."""

    uid: str
    sequence: int
    titles: dict[str, str]
    starts_at: datetime  # UTC
    ends_at: datetime
    venue_name: str | None
    venue_room: str | None
    venue_address: str | None
    updated_at: datetime


def symposium_event(session: Session, cohort_id: int) -> Symposium | None:
    """The cohort's published symposium event (a draft one is not public yet): one statement."""
    row = session.execute(
        sa.select(ProgrammeEvent.uid, ProgrammeEvent.sequence, ProgrammeEvent.titles, ProgrammeEvent.starts_at,
                  ProgrammeEvent.ends_at, ProgrammeEvent.venue_name, ProgrammeEvent.venue_room,
                  ProgrammeEvent.venue_address, ProgrammeEvent.updated_at)
        .where(ProgrammeEvent.cohort_id == cohort_id, ProgrammeEvent.kind == EventKind.SYMPOSIUM,
               ProgrammeEvent.status == EventStatus.PUBLISHED)
        .order_by(ProgrammeEvent.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    uid, sequence, titles, starts_at, ends_at, venue_name, venue_room, venue_address, updated_at = row
    return Symposium(uid, sequence, dict(titles or {}), as_utc(starts_at), as_utc(ends_at), venue_name, venue_room,
                     venue_address, as_utc(updated_at))


@dataclass(frozen=True)
class ProgrammeSlot:
    starts_at: datetime  # UTC
    ends_at: datetime
    title: str
    room: str | None
    story_ids: tuple[int, ...]  # every presenting story; the page links those on the showcase only


def symposium_programme(session: Session, cohort_id: int) -> list[ProgrammeSlot]:
    """The symposium's slots in time order, with their presenting stories: one statement. Slots of a
    cancelled symposium event are left out."""
    rows = session.execute(
        sa.select(SymposiumSlot.id, SymposiumSlot.starts_at, SymposiumSlot.ends_at, SymposiumSlot.title,
                  SymposiumSlot.room, SymposiumSlotStory.story_id)
        .join(ProgrammeEvent, ProgrammeEvent.id == SymposiumSlot.event_id)
        .outerjoin(SymposiumSlotStory, SymposiumSlotStory.slot_id == SymposiumSlot.id)
        .where(SymposiumSlot.cohort_id == cohort_id, ProgrammeEvent.status != EventStatus.CANCELLED)
        .order_by(SymposiumSlot.starts_at, SymposiumSlot.id, SymposiumSlotStory.id)
    ).all()
    slots: dict[int, tuple[Any, list[int]]] = {}
    for slot_id, starts_at, ends_at, title, room, story_id in rows:
        entry = slots.setdefault(slot_id, ((starts_at, ends_at, title, room), []))
        if story_id is not None:
            entry[1].append(story_id)
    return [ProgrammeSlot(as_utc(values[0]), as_utc(values[1]), values[2], values[3], tuple(stories))
            for values, stories in slots.values()]


@dataclass(frozen=True)
class CohortPage:
    stories: list[PublicStory]
    figures: CohortFigures
    organisations: list[PublicOrganisation]
    symposium: Symposium | None
    programme: list[ProgrammeSlot]


def cohort_page(session: Session, cohort_id: int, language: str) -> CohortPage:
    """Everything a cohort's public page shows, in one club scope (on PostgreSQL each change of scope is a
    statement): nine statements, whatever the number of stories."""
    with club_scope(session):
        return CohortPage(stories=public_stories(session, [cohort_id], language),
                          figures=cohort_figures(session, cohort_id),
                          organisations=taking_part(session, cohort_id),
                          symposium=symposium_event(session, cohort_id),
                          programme=symposium_programme(session, cohort_id))
