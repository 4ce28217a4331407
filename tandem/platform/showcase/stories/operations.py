"""What the two partners change about their story: the text, its confirmation, each one's consent, the photo.

Every operation takes the viewer's `Membership` (the pair loaded through the membership check of
`pairs/loading.py`), flushes and never commits, and refuses with `OperationRefused`/`FieldProblems` (the
request's transaction rolls back: all or nothing). Each change a public showcase could show grows the cohort's
showcase revision in the same transaction (`revision.bump`), so that a withdrawal is off the public page at the
next request. Audit events name the story and figures, never its text.

- A story may be written (created, changed, its photo set or removed) and confirmed while its cohort is running,
  closing or its showcase published; once the cohort is archived it is read-only.
- A save that changes anything grows the story's `version` and records a `StoryChange` (who, which fields):
  both partners' confirmations then name an older version, and each must confirm the new one. A new photo, or
  its removal, is a change of the story like any other.
- Confirming names the version read; a text changed meanwhile is not confirmed unread.
- Consent may be given, changed or withdrawn at any time, after publication and in an archived cohort too; it
  is recorded with the story's version and the moment.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform import audit
from tandem.platform.board.models import Topic
from tandem.platform.clock import now as clock_now
from tandem.platform.cohorts.models import Cohort, CohortState
from tandem.platform.config import LANGUAGES
from tandem.platform.database import matched_rows
from tandem.platform.forms import input_problem
from tandem.platform.i18n import lazy_gettext as _l
from tandem.platform.pairs.loading import Membership
from tandem.platform.pairs.space.operations import Actor
from tandem.platform.refusals import FieldProblem, FieldProblems, OperationRefused
from tandem.platform.showcase import revision
from tandem.platform.showcase.models import (
    MAX_ALT,
    MAX_DESCRIPTION,
    MAX_LEARNED,
    MAX_QUOTE,
    MAX_TIP,
    MAX_TITLE,
    MAX_TOPICS,
    TEXT_FIELDS,
    Story,
    StoryChange,
    StoryConsent,
    StoryTopic,
)
from tandem.platform.showcase.stories import photos
from tandem.platform.tenancy import club_scope

__all__ = ["Actor", "ConsentChoice", "StoryDraft", "StoryRefused", "confirm_story", "remove_photo", "save_story",
           "set_consent", "set_photo"]

WRITABLE_STATES = (CohortState.RUNNING, CohortState.CLOSING, CohortState.SHOWCASE_PUBLISHED)
PHOTO_FIELD = "photo"

# The limits of the texts, by field (the model's).
LIMITS = {"title": MAX_TITLE, "mentee_learned": MAX_LEARNED, "mentor_learned": MAX_LEARNED, "tip": MAX_TIP,
          "mentor_quote": MAX_QUOTE, "mentee_quote": MAX_QUOTE}
ONE_LINE = frozenset({"title"})


class StoryRefused(OperationRefused):
    """The change is not possible for this story now; the message says why."""


@dataclass(frozen=True)
class StoryDraft:
    """The story's text as a partner saves it."""

    language: str
    title: str
    mentee_learned: str
    mentor_learned: str
    tip: str
    mentor_quote: str
    mentee_quote: str
    topic_ids: tuple[int, ...] = ()


@dataclass(frozen=True)
class ConsentChoice:
    """What one partner allows to be public about them, and the neutral description shown instead of their
    name (None: none, the page then says "Mentor" or "Mentee")."""

    show_name: bool
    show_organisation: bool
    show_photo: bool
    show_quote: bool
    description: str | None = None


NOTHING = ConsentChoice(False, False, False, False, None)


def now() -> datetime:
    """The clock's moment in UTC, as stored."""
    return clock_now().astimezone(UTC)


# ---------------------------------------------------------------------------------------------------- reads


def story_of(session: Session, pair_id: int) -> Story | None:
    """The pair's story (one per pair), or None."""
    return session.scalar(sa.select(Story).where(Story.pair_id == pair_id))


def topic_ids_of(session: Session, story_id: int) -> tuple[int, ...]:
    """The story's topics, in their order."""
    return tuple(session.scalars(sa.select(StoryTopic.topic_id).where(StoryTopic.story_id == story_id)
                                 .order_by(StoryTopic.rank)))


def cohort_of(session: Session, membership: Membership) -> Cohort:
    with club_scope(session):
        cohort = session.get(Cohort, membership.pair.cohort_id)
    assert cohort is not None  # a pair's cohort is a foreign key
    return cohort


def is_writable(cohort: Cohort) -> bool:
    """Whether the story of a pair of this cohort may be written now (its consent: always)."""
    return cohort.state in WRITABLE_STATES


def _writable(session: Session, membership: Membership) -> Cohort:
    cohort = cohort_of(session, membership)
    if cohort.state == CohortState.ARCHIVED:
        raise StoryRefused(_l("This cohort is archived: its stories can be read, no longer changed. You can "
                              "still change what you consent to."))
    if not is_writable(cohort):
        raise StoryRefused(_l("Stories are written once the programme is running."))
    return cohort


def _own_story(session: Session, membership: Membership) -> Story:
    story = story_of(session, membership.pair.id)
    if story is None:
        raise StoryRefused(_l("You have not written your story yet."))
    return story


def _text_problem(name: str, value: str) -> object | None:
    problem = input_problem(value, multiline=name not in ONE_LINE)
    if problem == "line break":
        return _l("Please use a single line here, without line breaks.")
    if problem is not None:
        return _l("Please remove the control characters (invisible characters such as NUL) from this field.")
    if len(value) > LIMITS[name]:
        return _l("At most %(max)d characters: this text has %(count)d.", max=LIMITS[name], count=len(value))
    return None


def _bump_version(session: Session, story: Story, expected: int, moment: datetime) -> int:
    """The story's next version, claimed by a conditional UPDATE: a partner who saved meanwhile makes it fail."""
    claimed = matched_rows(session, sa.update(Story).where(Story.id == story.id, Story.version == expected)
                           .values(version=expected + 1, updated_at=moment)
                           .execution_options(synchronize_session=False))
    if claimed != 1:
        raise StoryRefused(_l("Your partner changed the story at the same time. Please read it again and send "
                              "your changes once more."))
    session.expire(story, ["version", "updated_at"])
    return expected + 1


# ------------------------------------------------------------------------------------------------ the text


def _clean_draft(session: Session, draft: StoryDraft, kept_topics: tuple[int, ...]) -> dict[str, object]:
    """The draft's values, stripped and checked; every problem beside its field at once (FieldProblems)."""
    problems: dict[str, object] = {}
    values: dict[str, object] = {}
    if draft.language not in LANGUAGES:
        problems["language"] = _l("Choose the language of your story.")
    values["language"] = draft.language
    for name in LIMITS:
        value = (getattr(draft, name) or "").strip()
        problem = _text_problem(name, value)
        if problem is not None:
            problems[name] = problem
        values[name] = value
    if "title" not in problems and not values["title"]:
        problems["title"] = _l("Give your story a title.")
    topic_ids = tuple(dict.fromkeys(draft.topic_ids))
    if len(topic_ids) > MAX_TOPICS:
        problems["topics"] = _l("Choose at most %(max)d topics: you chose %(count)d.", max=MAX_TOPICS,
                                count=len(topic_ids))
    elif topic_ids:
        with club_scope(session):
            usable = set(session.scalars(sa.select(Topic.id).where(
                Topic.id.in_(topic_ids), sa.or_(Topic.is_active, Topic.id.in_(kept_topics or (0,))))))
        if set(topic_ids) - usable:
            problems["topics"] = _l("Choose topics from the list: one of them is no longer in the catalogue.")
    values["topics"] = topic_ids
    if problems:
        raise FieldProblems(problems, _l("The story is not saved: please check the fields marked."))
    return values


def save_story(session: Session, membership: Membership, draft: StoryDraft, actor: Actor, *,
               expected_version: int | None = None) -> Story:
    """Write the pair's story: created at the first save; afterwards only a real change grows its version and
    records who changed which fields (the confirmations then name an older version).

    `expected_version` is the version the writer's form showed: when the partner saved meanwhile, the save is
    refused instead of overwriting their change. Raises FieldProblems (beside the fields: language, title, the
    texts, topics) and StoryRefused."""
    cohort = _writable(session, membership)
    pair = membership.pair
    story = story_of(session, pair.id)
    kept = topic_ids_of(session, story.id) if story is not None else ()
    values = _clean_draft(session, draft, kept)
    topic_ids: tuple[int, ...] = values.pop("topics")  # type: ignore[assignment]
    moment = now()
    if story is None:
        if expected_version not in (None, 0):
            raise StoryRefused(_l("The story is not there any more. Please write it again."))
        story = Story(pair_id=pair.id, cohort_id=cohort.id, version=1, created_at=moment, updated_at=moment,
                      **values)
        session.add(story)
        session.flush()
        changed = [name for name in TEXT_FIELDS if name == "language" or (name == "topics" and topic_ids)
                   or values.get(name)]
        created = True
    else:
        if expected_version is not None and expected_version != story.version:
            raise StoryRefused(_l("Your partner changed the story while you were writing (it is now version "
                                  "%(version)d). Please read it again and send your changes once more.",
                                  version=story.version))
        changed = [name for name in TEXT_FIELDS if name != "topics" and getattr(story, name) != values[name]]
        if topic_ids != kept:
            changed.append("topics")
        if not changed:
            return story
        _bump_version(session, story, story.version, moment)
        for name, value in values.items():
            setattr(story, name, value)
        created = False
    if "topics" in changed:
        session.execute(sa.delete(StoryTopic).where(StoryTopic.story_id == story.id)
                        .execution_options(synchronize_session=False))
        session.add_all(StoryTopic(story_id=story.id, topic_id=topic_id, rank=rank)
                        for rank, topic_id in enumerate(topic_ids, start=1))
    session.flush()
    session.add(StoryChange(story_id=story.id, version=story.version, participation_id=membership.participation_id,
                            fields=changed, changed_at=moment))
    audit.record(session, "showcase.story_saved", actor_user_id=actor.user_id,
                 organisation_id=actor.organisation_id, target_type="story", target_id=story.id,
                 details={"pair_id": pair.id, "cohort_id": cohort.id, "version": story.version, "created": created,
                          "fields": changed})
    revision.bump(session, cohort.id)
    session.flush()
    return story


def _confirmed_fields(membership: Membership) -> tuple[str, str]:
    if membership.is_mentor:
        return "mentor_confirmed_version", "mentor_confirmed_at"
    return "mentee_confirmed_version", "mentee_confirmed_at"


def confirm_story(session: Session, membership: Membership, seen_version: int, actor: Actor) -> Story:
    """The viewer confirms the story as they read it (`seen_version`: the version on their page). Refused when
    the story changed since, when they confirmed this version already, or when it says nothing yet."""
    cohort = _writable(session, membership)
    story = _own_story(session, membership)
    if seen_version != story.version:
        raise StoryRefused(_l("The story has changed since you read it (it is now version %(version)d). Please "
                              "read it again, then confirm.", version=story.version))
    version_field, moment_field = _confirmed_fields(membership)
    if getattr(story, version_field) == story.version:
        raise StoryRefused(_l("You have already confirmed this version of the story."))
    if not (story.mentee_learned or story.mentor_learned):
        raise StoryRefused(_l("Write what at least one of you learned before you confirm the story."))
    moment = now()
    claimed = matched_rows(session, sa.update(Story).where(Story.id == story.id, Story.version == seen_version)
                           .values({version_field: seen_version, moment_field: moment})
                           .execution_options(synchronize_session=False))
    if claimed != 1:
        raise StoryRefused(_l("The story has changed since you read it. Please read it again, then confirm."))
    session.expire(story)
    audit.record(session, "showcase.story_confirmed", actor_user_id=actor.user_id,
                 organisation_id=actor.organisation_id, target_type="story", target_id=story.id,
                 details={"pair_id": membership.pair.id, "cohort_id": cohort.id, "version": seen_version,
                          "role": membership.role})
    revision.bump(session, cohort.id)
    session.flush()
    return story


# ------------------------------------------------------------------------------------------------ consent


def _clean_description(description: str | None) -> str | None:
    value = (description or "").strip()
    if not value:
        return None
    problem = input_problem(value, multiline=False)
    if problem == "line break":
        raise FieldProblem("description", _l("Please use a single line here, without line breaks."))
    if problem is not None:
        raise FieldProblem("description", _l("Please remove the control characters (invisible characters such "
                                             "as NUL) from this field."))
    if len(value) > MAX_DESCRIPTION:
        raise FieldProblem("description", _l("At most %(max)d characters: this text has %(count)d.",
                                             max=MAX_DESCRIPTION, count=len(value)))
    return value


def consent_of(session: Session, story_id: int, participation_id: int) -> StoryConsent | None:
    return session.scalar(sa.select(StoryConsent).where(StoryConsent.story_id == story_id,
                                                        StoryConsent.participation_id == participation_id))


def set_consent(session: Session, membership: Membership, choice: ConsentChoice, actor: Actor) -> StoryConsent:
    """The viewer's choice of what may be public about them, recorded with the story's version and the moment.
    Possible at any time (after publication, in an archived cohort); a withdrawal is off the public pages at
    the next request. Raises FieldProblem("description") and StoryRefused (no story yet)."""
    story = _own_story(session, membership)
    description = _clean_description(choice.description)
    moment = now()
    consent = consent_of(session, story.id, membership.participation_id)
    if consent is None:
        consent = StoryConsent(story_id=story.id, participation_id=membership.participation_id)
        session.add(consent)
    consent.show_name = bool(choice.show_name)
    consent.show_organisation = bool(choice.show_organisation)
    consent.show_photo = bool(choice.show_photo)
    consent.show_quote = bool(choice.show_quote)
    consent.description = description
    consent.story_version = story.version
    consent.decided_at = moment
    consent.decided_by_user_id = actor.user_id
    session.flush()
    audit.record(session, "showcase.consent_changed", actor_user_id=actor.user_id,
                 organisation_id=actor.organisation_id, target_type="story_consent", target_id=consent.id,
                 details={"story_id": story.id, "pair_id": membership.pair.id,
                          "participation_id": membership.participation_id, "story_version": story.version,
                          "show_name": consent.show_name, "show_organisation": consent.show_organisation,
                          "show_photo": consent.show_photo, "show_quote": consent.show_quote,
                          "description": description is not None})
    revision.bump(session, story.cohort_id)
    session.flush()
    return consent


def withdraw_consent(session: Session, membership: Membership, actor: Actor) -> StoryConsent:
    """Everything withdrawn at once: no name, organisation, photo or quote, and no description (the page says
    "Mentor" or "Mentee")."""
    return set_consent(session, membership, NOTHING, actor)


# ------------------------------------------------------------------------------------------------- photo


def photo_problem(refused: photos.PhotoRefused) -> object:
    """A photo's refusal in words, for the person who uploaded it."""
    if refused.reason == "empty":
        return _l("Choose a photo to upload.")
    if refused.reason == "too_many_bytes":
        return _l("The photo is larger than %(mb)d MB. Please upload a smaller file (a phone's \"medium\" or "
                  "\"large\" size is plenty).", mb=photos.MAX_BYTES // (1024 * 1024))
    if refused.reason == "svg":
        return _l("This is an SVG drawing, not a photo. Please upload a photo as JPEG, PNG or WebP.")
    if refused.reason == "too_large" and refused.size is not None:
        megapixels = format(photos.megapixels(refused.size), "g")
        return _l("The photo is %(width)d × %(height)d pixels (%(megapixels)s megapixels): at most %(max)d "
                  "megapixels are accepted. Please upload a smaller version of it.",
                  width=refused.size[0], height=refused.size[1], megapixels=megapixels, max=photos.MAX_MEGAPIXELS)
    if refused.reason == "too_large":
        return _l("The photo is too large: at most %(max)d megapixels are accepted.", max=photos.MAX_MEGAPIXELS)
    if refused.reason == "broken":
        return _l("The photo cannot be read: it may be damaged or cut off. Please upload it again, or another "
                  "one.")
    return _l("This file is not a JPEG, PNG or WebP photo, whatever its name says. Please upload one of those.")


def _clean_alt(alt: str | None) -> tuple[str | None, object | None]:
    value = (alt or "").strip()
    problem = input_problem(value, multiline=False)
    if problem == "line break":
        return None, _l("Please use a single line here, without line breaks.")
    if problem is not None:
        return None, _l("Please remove the control characters (invisible characters such as NUL) from this "
                        "field.")
    if not value:
        return None, _l("Describe the photo in a few words, for people who cannot see it.")
    if len(value) > MAX_ALT:
        return None, _l("At most %(max)d characters: this text has %(count)d.", max=MAX_ALT, count=len(value))
    return value, None


def _next_photo_version(session: Session, story: Story) -> int:
    """A number no earlier photo of the story had (so that its public address is new): one more than the photo
    changes so far (each photo and each removal is one)."""
    changes = session.scalars(sa.select(StoryChange.fields).where(StoryChange.story_id == story.id)).all()
    return max(story.photo_version, sum(1 for fields in changes if PHOTO_FIELD in (fields or ()))) + 1


def set_photo(session: Session, membership: Membership, data: bytes, alt: str, actor: Actor) -> Story:
    """The story's photo: checked by its bytes, drawn anew without metadata, in two web sizes (photos.py), with
    its text for people who cannot see it. A change of the story: its version grows, both confirm again.
    Raises FieldProblems ("photo", "alt") and StoryRefused."""
    cohort = _writable(session, membership)
    story = _own_story(session, membership)
    problems: dict[str, object] = {}
    clean_alt, alt_problem = _clean_alt(alt)
    if alt_problem is not None:
        problems["alt"] = alt_problem
    prepared = None
    try:
        prepared = photos.prepare_photo(data)
    except photos.PhotoRefused as refused:
        problems["photo"] = photo_problem(refused)
    if problems or prepared is None:
        raise FieldProblems(problems, _l("The photo is not saved: please check the fields marked."))
    moment = now()
    photo_version = _next_photo_version(session, story)
    version = _bump_version(session, story, story.version, moment)
    story.photo, story.photo_small = prepared.large, prepared.small
    story.photo_alt = clean_alt
    story.photo_version = photo_version
    session.add(StoryChange(story_id=story.id, version=version, participation_id=membership.participation_id,
                            fields=[PHOTO_FIELD], changed_at=moment))
    session.flush()
    audit.record(session, "showcase.photo_set", actor_user_id=actor.user_id, organisation_id=actor.organisation_id,
                 target_type="story", target_id=story.id,
                 details={"pair_id": membership.pair.id, "cohort_id": cohort.id, "version": version,
                          "photo_version": photo_version, "width": prepared.size[0], "height": prepared.size[1],
                          "bytes": len(prepared.large)})
    revision.bump(session, cohort.id)
    session.flush()
    return story


def remove_photo(session: Session, membership: Membership, actor: Actor) -> Story:
    """The story without its photo: a change of the story (its version grows, both confirm again)."""
    cohort = _writable(session, membership)
    story = _own_story(session, membership)
    if not story.has_photo:
        raise StoryRefused(_l("Your story has no photo."))
    moment = now()
    version = _bump_version(session, story, story.version, moment)
    story.photo = story.photo_small = None
    story.photo_alt = None
    story.photo_version = 0
    session.add(StoryChange(story_id=story.id, version=version, participation_id=membership.participation_id,
                            fields=[PHOTO_FIELD], changed_at=moment))
    session.flush()
    audit.record(session, "showcase.photo_removed", actor_user_id=actor.user_id,
                 organisation_id=actor.organisation_id, target_type="story", target_id=story.id,
                 details={"pair_id": membership.pair.id, "cohort_id": cohort.id, "version": version})
    revision.bump(session, cohort.id)
    session.flush()
    return story
