"""The programme's calendar: a cohort's events (kick-off, training, workshop, closing, symposium, other),
who is invited to each and what they answered, and each person's private calendar feed.

Times are stored in UTC and shown in the club's time zone (`CLUB_TIME_ZONE`). An event's `uid` and
`sequence` are those of its calendar entry (RFC 5545): the uid never changes, the sequence grows with every
change that invitees are told of. Invitations are tenant-owned (the invitee's organisation): a participant
sees their own, an organisation admin those of their people, the board all of them in club scope.
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tandem.platform.cohorts.models import Cohort
from tandem.platform.database import Base, sql_in, utcnow
from tandem.platform.tenancy import TenantOwned


class EventKind(StrEnum):
    KICKOFF = "kickoff"
    TRAINING = "training"
    WORKSHOP = "workshop"
    CLOSING = "closing"
    SYMPOSIUM = "symposium"
    OTHER = "other"


# The kinds whose date is also a date of the cohort (one source of truth: the event, when there is one).
DATED_KINDS = {EventKind.KICKOFF: "kickoff_on", EventKind.CLOSING: "closing_on", EventKind.SYMPOSIUM: "symposium_on"}


class EventStatus(StrEnum):
    DRAFT = "draft"          # the board prepares it; nobody is invited yet
    PUBLISHED = "published"  # invitees are told and may answer
    CANCELLED = "cancelled"  # invitees are told; kept for the record and the feeds


class Audience(StrEnum):
    MENTORS = "mentors"
    MENTEES = "mentees"
    ORG_ADMINS = "org_admins"
    BOARD = "board"


class Answer(StrEnum):
    NONE = "none"        # not answered yet
    YES = "yes"
    NO = "no"
    MAYBE = "maybe"
    WAITING = "waiting"  # said yes when the event was full: on the waiting list, in the order of answering


MAX_TITLE = 200
MAX_DESCRIPTION = 5000
MAX_VENUE = 300
MAX_URL = 500


class ProgrammeEvent(Base):
    """One event of a cohort's programme."""

    __tablename__ = "programme_events"
    __table_args__ = (
        sa.CheckConstraint(sql_in("kind", tuple(EventKind)), name="kind"),
        sa.CheckConstraint(sql_in("status", tuple(EventStatus)), name="status"),
        sa.CheckConstraint("starts_at < ends_at", name="time_order"),
        sa.CheckConstraint("capacity IS NULL OR capacity >= 1", name="capacity"),
        sa.CheckConstraint("sequence >= 0", name="sequence"),
        # a cohort has at most one kick-off, one closing and one symposium that is not cancelled
        sa.Index("uq_programme_events_dated_kind", "cohort_id", "kind", unique=True,
                 sqlite_where=sa.text("kind IN ('kickoff', 'closing', 'symposium') AND status <> 'cancelled'"),
                 postgresql_where=sa.text("kind IN ('kickoff', 'closing', 'symposium') AND status <> 'cancelled'")),
        sa.Index("ix_programme_events_cohort_start", "cohort_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    uid: Mapped[str] = mapped_column(sa.String(120), unique=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"))
    kind: Mapped[str] = mapped_column(sa.String(20))
    status: Mapped[str] = mapped_column(sa.String(20), default=EventStatus.DRAFT)
    # {language: text} in the cohort's languages; at least one title
    titles: Mapped[dict[str, str]] = mapped_column(sa.JSON)
    descriptions: Mapped[dict[str, str]] = mapped_column(sa.JSON, default=dict)
    starts_at: Mapped[datetime]
    ends_at: Mapped[datetime]
    venue_name: Mapped[str | None] = mapped_column(sa.String(MAX_VENUE))
    venue_address: Mapped[str | None] = mapped_column(sa.String(MAX_VENUE))
    venue_room: Mapped[str | None] = mapped_column(sa.String(MAX_VENUE))
    host_organisation_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    online_url: Mapped[str | None] = mapped_column(sa.String(MAX_URL))
    audience: Mapped[list[str]] = mapped_column(sa.JSON)
    capacity: Mapped[int | None]
    sequence: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    published_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]

    cohort: Mapped[Cohort] = relationship()


class EventInvitation(TenantOwned, Base):
    """One person invited to one event, and their answer. `mailed_sequence` is the last version of the
    event this person was mailed (-1: none yet), so that a job run twice mails nothing twice."""

    __tablename__ = "event_invitations"
    __table_args__ = (
        sa.UniqueConstraint("event_id", "user_id", name="uq_event_invitations_event_user"),
        sa.ForeignKeyConstraint(["user_id", "organisation_id"], ["users.id", "users.organisation_id"],
                                name="fk_event_invitations_user_same_organisation", ondelete="CASCADE"),
        sa.CheckConstraint(sql_in("answer", tuple(Answer)), name="answer"),
        sa.CheckConstraint(sql_in("invited_as", tuple(Audience)), name="invited_as"),
        sa.CheckConstraint("mailed_sequence >= -1", name="mailed_sequence"),
        sa.Index("ix_event_invitations_user", "user_id"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    event_id: Mapped[int] = mapped_column(sa.ForeignKey("programme_events.id", ondelete="CASCADE"), index=True)
    user_id: Mapped[int]
    invited_as: Mapped[str] = mapped_column(sa.String(20))
    answer: Mapped[str] = mapped_column(sa.String(10), default=Answer.NONE)
    answered_at: Mapped[datetime | None]
    mailed_sequence: Mapped[int] = mapped_column(default=-1)
    reminded_at: Mapped[datetime | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    event: Mapped[ProgrammeEvent] = relationship()


class CalendarFeed(TenantOwned, Base):
    """A person's private calendar subscription: the URL carries a random token, stored here hashed.
    Revoking sets `revoked_at`; renewing revokes the old one and makes a new one."""

    __tablename__ = "calendar_feeds"
    __table_args__ = (
        sa.ForeignKeyConstraint(["user_id", "organisation_id"], ["users.id", "users.organisation_id"],
                                name="fk_calendar_feeds_user_same_organisation", ondelete="CASCADE"),
        sa.Index("uq_calendar_feeds_active_user", "user_id", unique=True,
                 sqlite_where=sa.text("revoked_at IS NULL"), postgresql_where=sa.text("revoked_at IS NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int]
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    revoked_at: Mapped[datetime | None]
    last_used_at: Mapped[datetime | None]
