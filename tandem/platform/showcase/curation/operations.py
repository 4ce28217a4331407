"""What the board and the organisations' admins change on the way to the showcase: the board's choice, order
and featured stories, an organisation's approval of its people's stories (or its note sending one back), the
neutral descriptions an admin writes for their people, an organisation's showcase settings, and the
symposium's programme (slots with time, title, room and presenting pairs).

Every operation flushes and never commits, refuses with `OperationRefused`/`FieldProblem(s)` (the caller's
transaction rolls back: all or nothing), is audited with ids and figures (never a story's text, a note or a
description), and grows the showcase's revision (`revision.bump`) in the same transaction, so that a public
page shows the change at its next request.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from tandem.platform import audit
from tandem.platform.clock import club_zone
from tandem.platform.clock import now as clock_now
from tandem.platform.cohorts.models import Cohort, CohortState, Participation
from tandem.platform.database import as_utc
from tandem.platform.forms import input_problem
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.identity.models import User
from tandem.platform.mail.language import mail_language
from tandem.platform.mail.outbox import queue_mail
from tandem.platform.refusals import FieldProblem, FieldProblems, OperationRefused
from tandem.platform.showcase import revision
from tandem.platform.showcase.curation.loading import organisation_story
from tandem.platform.showcase.curation.queries import story_people, symposium_event
from tandem.platform.showcase.models import (
    MAX_DESCRIPTION,
    MAX_NOTE,
    MAX_ROOM,
    MAX_SLOT_TITLE,
    ReviewDecision,
    Story,
    StoryConsent,
    StoryReview,
    SymposiumSlot,
    SymposiumSlotStory,
)
from tandem.platform.tenancy import club_scope
from tandem.platform.urls import absolute_url
from tandem.platform.workbench.models import Pair
from tandem.tenants.models import Organisation

MAX_POSITION = 100_000
SENT_BACK_KIND = "story_sent_back"
READ_ONLY_STATES = (CohortState.ARCHIVED,)


class CurationRefused(OperationRefused):
    """The change is not possible now; the message says why."""


def _now() -> datetime:
    return clock_now().astimezone(UTC)


# --------------------------------------------------------------------------------------- the board's choice


@dataclass(frozen=True)
class Curation:
    """The board's choice for one story: chosen for the showcase, featured, its place (1 first; None: last)."""

    story_id: int
    chosen: bool
    featured: bool
    position: int | None


def _pair_names(session: Session, story_ids: Sequence[int]) -> dict[int, str]:
    """'Mentor and Mentee' for each story (the board knows the pairs; a draft's title it does not read)."""
    mentor, mentee = aliased(Participation), aliased(Participation)
    mentor_user, mentee_user = aliased(User), aliased(User)
    with club_scope(session):
        rows = session.execute(
            sa.select(Story.id, mentor_user.display_name, mentee_user.display_name)
            .join(Pair, Pair.id == Story.pair_id)
            .join(mentor, mentor.id == Pair.mentor_participation_id)
            .join(mentor_user, mentor_user.id == mentor.user_id)
            .join(mentee, mentee.id == Pair.mentee_participation_id)
            .join(mentee_user, mentee_user.id == mentee.user_id)
            .where(Story.id.in_(list(story_ids)))).all()
    return {story_id: str(_l("%(mentor)s and %(mentee)s", mentor=a, mentee=b)) for story_id, a, b in rows}


def curate(session: Session, cohort: Cohort, choices: list[Curation], actor_user_id: int | None) -> None:
    """Choose, feature and order stories of the cohort for its showcase.

    `choices` may name some of the cohort's stories only (a page of them): the others keep their choice, and
    the chosen stories of the whole cohort are numbered 1..n again, those given a place first at it. A story
    may be newly chosen only when both partners confirmed its current version (one chosen already may stay
    chosen: it is shown only once it is ready again); a featured story must be chosen. A story of another
    cohort, or any problem, refuses the whole change.
    """
    wanted: dict[int, Curation] = {}
    for choice in choices:
        if choice.story_id in wanted:
            raise CurationRefused(_l("Each story may be listed once."))
        wanted[choice.story_id] = choice
    if not wanted:
        return
    with club_scope(session):
        stories = list(session.scalars(sa.select(Story).where(Story.cohort_id == cohort.id)))
    by_id = {story.id: story for story in stories}
    if any(story_id not in by_id for story_id in wanted):
        raise CurationRefused(_l("Only this cohort's stories can be chosen for its showcase."))
    problems: list[tuple[int, str]] = []
    for choice in wanted.values():
        story = by_id[choice.story_id]
        if choice.position is not None and not 1 <= choice.position <= MAX_POSITION:
            problems.append((story.id, "position"))
        if choice.chosen and not story.chosen and not story.confirmed_by_both:
            problems.append((story.id, "unconfirmed"))
        if choice.featured and not choice.chosen:
            problems.append((story.id, "featured"))
    if problems:
        names = _pair_names(session, [story_id for story_id, _ in problems])
        messages = {
            "position": lambda name: _l("The story of %(pair)s: give a place from 1 to %(max)d.", pair=name,
                                        max=MAX_POSITION),
            "unconfirmed": lambda name: _l("The story of %(pair)s cannot be chosen yet: both partners must "
                                           "first confirm its text.", pair=name),
            "featured": lambda name: _l("The story of %(pair)s can be featured only if it is chosen.", pair=name),
        }
        raise CurationRefused(" ".join(str(messages[kind](names.get(story_id, str(story_id))))
                                       for story_id, kind in problems))
    changed = []
    for choice in wanted.values():
        story = by_id[choice.story_id]
        new = (choice.chosen, choice.featured and choice.chosen)
        if (story.chosen, story.featured) != new:
            changed.append(story.id)
        story.chosen, story.featured = new

    def place(story: Story) -> tuple[int, int, int, int]:
        choice = wanted.get(story.id)
        if choice is not None:
            given = choice.position if choice.position is not None else MAX_POSITION + 1
            return (given, 0, story.position, story.id)
        return (story.position, 1, story.position, story.id)

    chosen = sorted((story for story in stories if story.chosen), key=place)
    for number, story in enumerate(chosen, start=1):
        if story.position != number:
            story.position = number
    for story in stories:
        if not story.chosen and story.position != 0:
            story.position = 0
    session.flush()
    audit.record(session, "showcase.curated", actor_user_id=actor_user_id, organisation_id=None,
                 target_type="cohort", target_id=cohort.id,
                 details={"cohort_id": cohort.id, "chosen": [story.id for story in chosen],
                          "featured": [story.id for story in chosen if story.featured], "changed": changed})
    revision.bump(session, cohort.id)
    session.flush()


# ------------------------------------------------------------------------------- an organisation's approval


def _organisation(session: Session, organisation_id: int) -> Organisation:
    with club_scope(session):
        organisation = session.get(Organisation, organisation_id)
    if organisation is None:
        raise LookupError(organisation_id)
    return organisation


def _cohort_of(session: Session, story: Story) -> Cohort:
    with club_scope(session):
        cohort = session.get(Cohort, story.cohort_id)
    assert cohort is not None  # a story's cohort is a foreign key
    return cohort


def review_story(session: Session, organisation_id: int, story_id: int, decision: ReviewDecision | str,
                 note: str | None, actor_user_id: int | None, *, seen_version: int | None = None) -> StoryReview:
    """An organisation's admin approves the current version of one of their people's stories, or sends it
    back with a note (mailed to both partners, in their language, with a link to their story's page, and shown
    there). Only where the organisation asks to approve its people's stories, and only once both partners
    confirmed the current version; `seen_version`, when given, is the version the admin read (a story changed
    meanwhile is refused). A later change of the text needs a new approval (readiness compares versions).
    LookupError for a story without a person of the organisation."""
    organisation = _organisation(session, organisation_id)
    story = organisation_story(session, organisation_id, story_id)
    if story is None:
        raise LookupError(story_id)
    if not organisation.stories_need_approval:
        raise CurationRefused(_l("%(organisation)s does not approve its people's stories: turn approval on in the "
                                 "showcase settings first.", organisation=organisation.name))
    cohort = _cohort_of(session, story)
    if cohort.state in READ_ONLY_STATES:
        raise CurationRefused(_l("The cohort is archived: its stories can no longer change."))
    if not story.confirmed_by_both:
        raise CurationRefused(_l("Both partners must confirm the story before it can be approved or sent back."))
    if seen_version is not None and seen_version != story.version:
        raise CurationRefused(_l("The story has changed since you opened the page. Please read it again."))
    if decision not in tuple(ReviewDecision):
        raise FieldProblem("decision", _l("Approve the story or send it back."))
    decision = ReviewDecision(decision)
    text = (note or "").strip()
    if decision == ReviewDecision.SENT_BACK and not text:
        raise FieldProblem("note", _l("Say what should change: the note goes to both partners."))
    if len(text) > MAX_NOTE:
        raise FieldProblem("note", _l("At most %(max)d characters.", max=MAX_NOTE))
    with club_scope(session):
        review = session.scalar(sa.select(StoryReview).where(StoryReview.story_id == story.id,
                                                             StoryReview.organisation_id == organisation_id))
        if review is None:
            review = StoryReview(story_id=story.id, organisation_id=organisation_id)
            session.add(review)
        review.story_version = story.version
        review.decision = decision
        review.note = text or None
        review.reviewer_user_id = actor_user_id
        review.decided_at = _now()
        session.flush()
        audit.record(session, "showcase.story_reviewed", actor_user_id=actor_user_id,
                     organisation_id=organisation_id, target_type="story", target_id=story.id,
                     details={"story_id": story.id, "cohort_id": story.cohort_id, "version": story.version,
                              "decision": str(decision)})
        revision.bump(session, story.cohort_id)
        if decision == ReviewDecision.SENT_BACK:
            _tell_the_partners(session, story, cohort, organisation, text)
        session.flush()
    return review


def _tell_the_partners(session: Session, story: Story, cohort: Cohort, organisation: Organisation,
                       note: str) -> None:
    people = story_people(session, story)
    url = absolute_url("showcase.story", pair_id=story.pair_id)
    for person, partner in ((people.mentor, people.mentee), (people.mentee, people.mentor)):
        if not person.is_active:
            continue
        queue_mail(session, template="story_sent_back", recipient=person.email, language=mail_language(person),
                   kind=SENT_BACK_KIND, organisation_id=person.organisation_id, recipient_user_id=person.user_id,
                   person=person, partner=partner, organisation_name=organisation.name, cohort=cohort,
                   title=story.title, note=note, story_url=url)


# ------------------------------------------------------------------------------------- neutral descriptions


def set_description(session: Session, organisation_id: int, story_id: int, participation_id: int,
                    text: str | None, actor_user_id: int | None) -> StoryConsent:
    """An admin writes the neutral description shown instead of the name of one of their people in the story
    ("Head of communications at an insurer in Bern"); empty clears it. The person's consents are theirs and
    stay as they are (a new consent row consents to nothing). LookupError for a story without the
    organisation's people, or a participation that is not the organisation's person in the story's pair."""
    story = organisation_story(session, organisation_id, story_id)
    if story is None:
        raise LookupError(story_id)
    with club_scope(session):
        pair = session.get(Pair, story.pair_id)
        participation = session.get(Participation, participation_id)
    if (pair is None or participation is None or participation.organisation_id != organisation_id
            or participation_id not in (pair.mentor_participation_id, pair.mentee_participation_id)):
        raise LookupError(participation_id)
    clean = (text or "").strip()
    if input_problem(clean, multiline=False) is not None:
        raise FieldProblem("description", _l("Please use a single line of plain text here."))
    if len(clean) > MAX_DESCRIPTION:
        raise FieldProblem("description", _l("At most %(max)d characters.", max=MAX_DESCRIPTION))
    with club_scope(session):
        consent = session.scalar(sa.select(StoryConsent).where(StoryConsent.story_id == story.id,
                                                               StoryConsent.participation_id == participation_id))
        created = consent is None
        if consent is None:
            consent = StoryConsent(story_id=story.id, participation_id=participation_id, show_name=False,
                                   show_organisation=False, show_photo=False, show_quote=False,
                                   story_version=story.version, decided_at=_now(), decided_by_user_id=None)
            session.add(consent)
        consent.description = clean or None
        session.flush()
        audit.record(session, "showcase.description_set", actor_user_id=actor_user_id,
                     organisation_id=organisation_id, target_type="story", target_id=story.id,
                     details={"story_id": story.id, "participation_id": participation_id, "created": created,
                              "cleared": not clean, "by": "organisation_admin"})
        revision.bump(session, story.cohort_id)
        session.flush()
    return consent


# ------------------------------------------------------------------------------ an organisation's settings


def set_showcase_settings(session: Session, organisation: Organisation, stories_need_approval: bool,
                          logo_on_showcase: bool, actor_user_id: int | None) -> bool:
    """Whether the organisation approves its people's stories before the board may publish them, and whether
    its logo is shown among the organisations that took part. Returns whether anything changed."""
    before = {"stories_need_approval": organisation.stories_need_approval,
              "logo_on_showcase": organisation.logo_on_showcase}
    after = {"stories_need_approval": bool(stories_need_approval), "logo_on_showcase": bool(logo_on_showcase)}
    if before == after:
        return False
    with club_scope(session):
        organisation.stories_need_approval = after["stories_need_approval"]
        organisation.logo_on_showcase = after["logo_on_showcase"]
        session.flush()
        audit.record(session, "organisation.showcase_settings_changed", actor_user_id=actor_user_id,
                     organisation_id=organisation.id, target_type="organisation", target_id=organisation.id,
                     details={key: {"from": before[key], "to": after[key]} for key in before
                              if before[key] != after[key]})
        revision.bump_published(session)
        session.flush()
    return True


# ------------------------------------------------------------------------------------ the symposium's slots


@dataclass(frozen=True)
class SlotDraft:
    """A slot of the symposium as the board enters it; times are timezone-aware."""

    starts_at: datetime
    ends_at: datetime
    title: str
    room: str | None
    story_ids: tuple[int, ...]


@dataclass(frozen=True)
class _CheckedSlot:
    event_id: int
    starts_at: datetime
    ends_at: datetime
    title: str
    room: str | None
    story_ids: tuple[int, ...]


def _checked(session: Session, cohort: Cohort, draft: SlotDraft) -> _CheckedSlot:
    if cohort.state in READ_ONLY_STATES:
        raise CurationRefused(_l("The cohort is archived: its symposium's programme can no longer change."))
    event = symposium_event(session, cohort.id)
    if event is None:
        raise CurationRefused(_l("The cohort has no symposium in its programme yet: create the symposium in the "
                                 "cohort's programme first, then build its slots here."))
    if draft.starts_at.tzinfo is None or draft.ends_at.tzinfo is None:
        raise ValueError("slot times must be timezone-aware")
    problems: dict[str, object] = {}
    zone = club_zone()
    day = as_utc(event.starts_at).astimezone(zone).date()
    if draft.starts_at.astimezone(zone).date() != day:
        problems["starts_at"] = _l("Choose a time on the symposium's day, %(day)s.", day=day.isoformat())
    if draft.ends_at.astimezone(zone).date() != day:
        problems["ends_at"] = _l("Choose a time on the symposium's day, %(day)s.", day=day.isoformat())
    elif draft.ends_at <= draft.starts_at:
        problems["ends_at"] = _l("The end must be after the start.")
    title = (draft.title or "").strip()
    if not title:
        problems["title"] = _l("Give the slot a title.")
    elif len(title) > MAX_SLOT_TITLE:
        problems["title"] = _l("At most %(max)d characters.", max=MAX_SLOT_TITLE)
    room = (draft.room or "").strip() or None
    if room is not None and len(room) > MAX_ROOM:
        problems["room"] = _l("At most %(max)d characters.", max=MAX_ROOM)
    wanted = tuple(dict.fromkeys(draft.story_ids))
    if wanted:
        with club_scope(session):
            found = set(session.scalars(sa.select(Story.id).where(Story.id.in_(wanted),
                                                                   Story.cohort_id == cohort.id)))
        if found != set(wanted):
            problems["stories"] = _l("Choose stories of this cohort only.")
    if problems:
        raise FieldProblems(problems, _l("The slot is not saved: see the messages beside the fields."))
    return _CheckedSlot(event.id, draft.starts_at.astimezone(UTC), draft.ends_at.astimezone(UTC), title, room, wanted)


def _cohort_slot(session: Session, cohort: Cohort, slot_id: int) -> SymposiumSlot:
    with club_scope(session):
        slot = session.scalar(sa.select(SymposiumSlot).where(SymposiumSlot.id == slot_id,
                                                             SymposiumSlot.cohort_id == cohort.id))
    if slot is None:
        raise LookupError(slot_id)
    return slot


def _set_presenting(session: Session, slot: SymposiumSlot, story_ids: tuple[int, ...]) -> None:
    existing = {row.story_id: row for row in session.scalars(
        sa.select(SymposiumSlotStory).where(SymposiumSlotStory.slot_id == slot.id))}
    for story_id, row in existing.items():
        if story_id not in story_ids:
            session.delete(row)
    for story_id in story_ids:
        if story_id not in existing:
            session.add(SymposiumSlotStory(slot_id=slot.id, story_id=story_id))


def add_slot(session: Session, cohort: Cohort, draft: SlotDraft, actor_user_id: int | None) -> SymposiumSlot:
    """A slot of the cohort's symposium (on its day, in the club's time zone), with its presenting pairs'
    stories (of this cohort only)."""
    checked = _checked(session, cohort, draft)
    with club_scope(session):
        slot = SymposiumSlot(cohort_id=cohort.id, event_id=checked.event_id, starts_at=checked.starts_at,
                             ends_at=checked.ends_at, title=checked.title, room=checked.room, created_at=_now())
        session.add(slot)
        session.flush()
        _set_presenting(session, slot, checked.story_ids)
        session.flush()
        audit.record(session, "showcase.slot_added", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="symposium_slot", target_id=slot.id,
                     details={"cohort_id": cohort.id, "stories": list(checked.story_ids)})
        revision.bump(session, cohort.id)
        session.flush()
    return slot


def update_slot(session: Session, cohort: Cohort, slot_id: int, draft: SlotDraft,
                actor_user_id: int | None) -> SymposiumSlot:
    """Change a slot of the cohort's symposium. LookupError for a slot of another cohort."""
    slot = _cohort_slot(session, cohort, slot_id)
    checked = _checked(session, cohort, draft)
    with club_scope(session):
        slot.event_id = checked.event_id
        slot.starts_at, slot.ends_at = checked.starts_at, checked.ends_at
        slot.title, slot.room = checked.title, checked.room
        _set_presenting(session, slot, checked.story_ids)
        session.flush()
        audit.record(session, "showcase.slot_changed", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="symposium_slot", target_id=slot.id,
                     details={"cohort_id": cohort.id, "stories": list(checked.story_ids)})
        revision.bump(session, cohort.id)
        session.flush()
    return slot


def delete_slot(session: Session, cohort: Cohort, slot_id: int, actor_user_id: int | None) -> None:
    """Take a slot out of the cohort's symposium. LookupError for a slot of another cohort."""
    slot = _cohort_slot(session, cohort, slot_id)
    if cohort.state in READ_ONLY_STATES:
        raise CurationRefused(_l("The cohort is archived: its symposium's programme can no longer change."))
    with club_scope(session):
        session.execute(sa.delete(SymposiumSlotStory).where(SymposiumSlotStory.slot_id == slot.id)
                        .execution_options(synchronize_session=False))
        session.delete(slot)
        session.flush()
        audit.record(session, "showcase.slot_deleted", actor_user_id=actor_user_id, organisation_id=None,
                     target_type="symposium_slot", target_id=slot_id, details={"cohort_id": cohort.id})
        revision.bump(session, cohort.id)
        session.flush()
