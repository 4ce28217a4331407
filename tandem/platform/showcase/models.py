"""The symposium and its public showcase: the pairs' stories, each person's consent, the board's curation.

A story belongs to a pair, which spans two organisations: every table here is club-level (no
`organisation_id` scoping) and a story is reached by its partners only through the pair's membership check
(`pairs/loading.py`), by the board under its cohort, by an organisation's admins only for their own people's
stories, and by the public only once the cohort's showcase is published, the story chosen by the board and
confirmed by both partners (and approved by their organisations where they ask for it), and then only with
what each person consented to.

- `Story`: the pair's one story (title, what each learned, a tip, a quote from each, a language), its
  version (grows with every change of the text), each partner's confirmation of a version, the board's
  curation (chosen, position, featured) and the optional photo (re-encoded, two web sizes).
- `StoryTopic`: up to three topics of the catalogue.
- `StoryChange`: who changed which fields of the story, and when (the partners see it; the texts are not
  kept twice).
- `StoryConsent`: per partner, what may be public about them (name, organisation, photo, quote) with the
  story's version and the time of the choice, and the neutral description shown instead of their name.
- `StoryReview`: an organisation's approval of the story's version, or its note sending it back (where the
  organisation asks to approve its people's stories).
- `StoryReminder`: the ledger of the story's mails to a pair (invitation, reminder, last call), unique per
  pair and step, so that each is sent once.
- `SymposiumSlot` and `SymposiumSlotStory`: the symposium's programme (time, title, room, presenting pairs).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.database import Base, sql_in, utcnow

MAX_TITLE = 200
MAX_LEARNED = 4000
MAX_TIP = 1000
MAX_QUOTE = 500
MAX_DESCRIPTION = 200
MAX_NOTE = 1000
MAX_ALT = 300
MAX_SLOT_TITLE = 200
MAX_ROOM = 100
MAX_TOPICS = 3

# The fields of a story's text, in the order of its form (a change of any asks both partners to confirm again).
TEXT_FIELDS = ("language", "title", "mentee_learned", "mentor_learned", "tip", "mentor_quote", "mentee_quote",
               "topics")


class ReviewDecision(StrEnum):
    APPROVED = "approved"
    SENT_BACK = "sent_back"


class ReminderStep(StrEnum):
    INVITATION = "invitation"  # at "Begin closing": the pair is invited to write its story
    REMINDER = "reminder"      # once, a week later, while the story is not confirmed by both
    LAST_CALL = "last_call"    # a week before the symposium, while it is still not confirmed by both


class ConsentItem(StrEnum):
    NAME = "name"
    ORGANISATION = "organisation"
    PHOTO = "photo"
    QUOTE = "quote"


class Story(Base):
    __tablename__ = "stories"
    __table_args__ = (
        sa.CheckConstraint("version >= 1", name="version"),
        sa.CheckConstraint("position >= 0", name="position"),
        sa.CheckConstraint(
            "(photo IS NULL AND photo_small IS NULL) OR (photo IS NOT NULL AND photo_small IS NOT NULL)",
            name="photo"),
        sa.Index("ix_stories_cohort_position", "cohort_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(sa.ForeignKey("pairs.id", ondelete="CASCADE"), unique=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    language: Mapped[str] = mapped_column(sa.String(2))
    title: Mapped[str] = mapped_column(sa.String(MAX_TITLE))
    mentee_learned: Mapped[str] = mapped_column(sa.Text, default="")
    mentor_learned: Mapped[str] = mapped_column(sa.Text, default="")
    tip: Mapped[str] = mapped_column(sa.Text, default="")
    mentor_quote: Mapped[str] = mapped_column(sa.Text, default="")
    mentee_quote: Mapped[str] = mapped_column(sa.Text, default="")
    version: Mapped[int] = mapped_column(default=1)
    mentor_confirmed_version: Mapped[int | None]
    mentee_confirmed_version: Mapped[int | None]
    mentor_confirmed_at: Mapped[datetime | None]
    mentee_confirmed_at: Mapped[datetime | None]
    # The photo: JPEG, drawn anew from its pixels (no metadata), two web sizes; `photo_version` grows with each
    # photo so that its URL changes with it.
    photo: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    photo_small: Mapped[bytes | None] = mapped_column(sa.LargeBinary, deferred=True)
    photo_alt: Mapped[str | None] = mapped_column(sa.String(MAX_ALT))
    photo_version: Mapped[int] = mapped_column(default=0)
    # The board's curation.
    chosen: Mapped[bool] = mapped_column(default=False)
    featured: Mapped[bool] = mapped_column(default=False)
    position: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)

    @property
    def has_photo(self) -> bool:
        return self.photo_version > 0

    @property
    def confirmed_by_both(self) -> bool:
        return self.mentor_confirmed_version == self.version and self.mentee_confirmed_version == self.version


class StoryTopic(Base):
    __tablename__ = "story_topics"
    __table_args__ = (
        sa.UniqueConstraint("story_id", "topic_id"),
        sa.CheckConstraint(f"rank BETWEEN 1 AND {MAX_TOPICS}", name="rank"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(sa.ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id", ondelete="CASCADE"))
    rank: Mapped[int]


class StoryChange(Base):
    __tablename__ = "story_changes"

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(sa.ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    version: Mapped[int]
    participation_id: Mapped[int | None]  # the partner who changed it (None: the board or a job)
    fields: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    changed_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoryConsent(Base):
    __tablename__ = "story_consents"
    __table_args__ = (sa.UniqueConstraint("story_id", "participation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(sa.ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    participation_id: Mapped[int] = mapped_column(sa.ForeignKey("participations.id", ondelete="CASCADE"))
    show_name: Mapped[bool] = mapped_column(default=False)
    show_organisation: Mapped[bool] = mapped_column(default=False)
    show_photo: Mapped[bool] = mapped_column(default=False)
    show_quote: Mapped[bool] = mapped_column(default=False)
    # Shown instead of the name ("Head of communications at an insurer in Bern"), by the person or their admin.
    description: Mapped[str | None] = mapped_column(sa.String(MAX_DESCRIPTION))
    story_version: Mapped[int]  # the version of the story the person read when choosing
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))

    def allows(self, item: ConsentItem | str) -> bool:
        return bool(getattr(self, f"show_{item}"))


class StoryReview(Base):
    __tablename__ = "story_reviews"
    __table_args__ = (
        sa.UniqueConstraint("story_id", "organisation_id"),
        sa.CheckConstraint(sql_in("decision", tuple(ReviewDecision)), name="decision"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    story_id: Mapped[int] = mapped_column(sa.ForeignKey("stories.id", ondelete="CASCADE"), index=True)
    organisation_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    story_version: Mapped[int]
    decision: Mapped[str] = mapped_column(sa.String(12))
    note: Mapped[str | None] = mapped_column(sa.String(MAX_NOTE))
    reviewer_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    decided_at: Mapped[datetime] = mapped_column(default=utcnow)


class StoryReminder(Base):
    __tablename__ = "story_reminders"
    __table_args__ = (
        sa.UniqueConstraint("pair_id", "step"),
        sa.CheckConstraint(sql_in("step", tuple(ReminderStep)), name="step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(sa.ForeignKey("pairs.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(sa.String(12))
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)


class SymposiumSlot(Base):
    __tablename__ = "symposium_slots"
    __table_args__ = (
        sa.CheckConstraint("starts_at < ends_at", name="times"),
        sa.Index("ix_symposium_slots_cohort_start", "cohort_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("programme_events.id", ondelete="CASCADE"))
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    title: Mapped[str] = mapped_column(sa.String(MAX_SLOT_TITLE))
    room: Mapped[str | None] = mapped_column(sa.String(MAX_ROOM))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class SymposiumSlotStory(Base):
    __tablename__ = "symposium_slot_stories"
    __table_args__ = (sa.UniqueConstraint("slot_id", "story_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    slot_id: Mapped[int] = mapped_column(sa.ForeignKey("symposium_slots.id", ondelete="CASCADE"), index=True)
    story_id: Mapped[int] = mapped_column(sa.ForeignKey("stories.id", ondelete="CASCADE"))
