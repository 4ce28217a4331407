"""Cohorts, their quotas per organisation, and each person's participation in a cohort.

Rules live in the database as well as in the code: foreign keys, unique and check constraints.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tandem.platform.database import Base, sql_in, utcnow
from tandem.platform.identity.models import User
from tandem.platform.tenancy import TenantOwned


class CohortState(StrEnum):
    DRAFT = "draft"
    NOMINATIONS_OPEN = "nominations_open"
    MATCHING = "matching"
    RUNNING = "running"
    CLOSING = "closing"
    SHOWCASE_PUBLISHED = "showcase_published"
    ARCHIVED = "archived"


class Cohort(Base):
    """One programme round: about six months, from kick-off to the symposium."""

    __tablename__ = "cohorts"
    __table_args__ = (
        sa.CheckConstraint(sql_in("state", tuple(CohortState)), name="state"),
        sa.CheckConstraint("slug = lower(slug) AND length(slug) BETWEEN 2 AND 63", name="slug"),
        sa.CheckConstraint(
            "meeting_every_min_weeks BETWEEN 1 AND 12 AND meeting_every_max_weeks BETWEEN 1 AND 12 "
            "AND meeting_every_min_weeks <= meeting_every_max_weeks",
            name="cadence",
        ),
        sa.CheckConstraint("kickoff_on IS NULL OR closing_on IS NULL OR kickoff_on < closing_on", name="kickoff"),
        sa.CheckConstraint(
            "closing_on IS NULL OR symposium_on IS NULL OR closing_on <= symposium_on", name="symposium"
        ),
        sa.CheckConstraint(
            "nomination_deadline IS NULL OR kickoff_on IS NULL OR nomination_deadline <= kickoff_on",
            name="deadline",
        ),
        sa.CheckConstraint("matching_threshold BETWEEN 0 AND 1", name="matching_threshold"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(63), unique=True)
    name: Mapped[str] = mapped_column(sa.String(200))
    state: Mapped[str] = mapped_column(sa.String(30), default=CohortState.DRAFT)
    nomination_deadline: Mapped[date | None]
    kickoff_on: Mapped[date | None]
    closing_on: Mapped[date | None]
    symposium_on: Mapped[date | None]
    symposium_venue: Mapped[str | None] = mapped_column(sa.String(300))
    meeting_every_min_weeks: Mapped[int] = mapped_column(default=3)
    meeting_every_max_weeks: Mapped[int] = mapped_column(default=4)
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=lambda: ["de", "fr", "it", "en"])
    # The board's weights for matching, by criterion (None: the engine's defaults), and the score under which
    # a pair counts as poor (figures, warnings when pairing by hand).
    matching_weights: Mapped[dict[str, float] | None] = mapped_column(sa.JSON)
    matching_threshold: Mapped[float] = mapped_column(default=0.5)
    # Grows with every change that the cohort's public showcase shows (stories, consents, curation, the
    # symposium's programme): the public pages' cache key and ETag.
    showcase_revision: Mapped[int] = mapped_column(default=0)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class ParticipationRole(StrEnum):
    MENTOR = "mentor"
    MENTEE = "mentee"


class ParticipationStatus(StrEnum):
    NOMINATED = "nominated"
    INVITED = "invited"
    ACTIVE = "active"
    DECLINED = "declined"
    WITHDRAWN = "withdrawn"


# Participations that hold a place in their organisation's quota (declining or withdrawing frees it).
OCCUPYING_STATUSES = (ParticipationStatus.NOMINATED, ParticipationStatus.INVITED, ParticipationStatus.ACTIVE)


class Participation(TenantOwned, Base):
    """A person in a cohort, as mentor or mentee. A person is at most once in a cohort."""

    __tablename__ = "participations"
    __table_args__ = (
        sa.UniqueConstraint("user_id", "cohort_id"),
        sa.UniqueConstraint("id", "cohort_id", name="uq_participations_id_cohort"),
        sa.UniqueConstraint("id", "organisation_id", name="uq_participations_id_organisation"),
        sa.CheckConstraint(sql_in("role", tuple(ParticipationRole)), name="role"),
        sa.CheckConstraint(sql_in("status", tuple(ParticipationStatus)), name="status"),
        sa.CheckConstraint(
            "(consent_at IS NULL) = (consent_version IS NULL)", name="consent_recorded_with_version"
        ),
        sa.CheckConstraint("mentor_capacity = 1 OR (mentor_capacity = 2 AND role = 'mentor')",
                           name="mentor_capacity"),
        sa.ForeignKeyConstraint(
            ["user_id", "organisation_id"], ["users.id", "users.organisation_id"], ondelete="CASCADE",
            name="fk_participations_user_same_organisation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(index=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    role: Mapped[str] = mapped_column(sa.String(10))
    status: Mapped[str] = mapped_column(sa.String(12), default=ParticipationStatus.NOMINATED)
    note: Mapped[str | None] = mapped_column(sa.Text)
    nominated_at: Mapped[datetime] = mapped_column(default=utcnow)
    nominated_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    invited_at: Mapped[datetime | None]
    consent_at: Mapped[datetime | None]
    consent_version: Mapped[str | None] = mapped_column(sa.String(40))
    answered_at: Mapped[datetime | None]  # accepted or declined
    withdrawn_at: Mapped[datetime | None]
    mentor_capacity: Mapped[int] = mapped_column(default=1)  # mentees a mentor may take: 1, or 2 if the board allows

    user: Mapped[User] = relationship(foreign_keys=[user_id], primaryjoin="Participation.user_id == User.id")
    cohort: Mapped[Cohort] = relationship()


class CohortQuota(TenantOwned, Base):
    """How many mentors and mentees an organisation may nominate for a cohort (set by the board)."""

    __tablename__ = "cohort_quotas"
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "organisation_id"),
        sa.CheckConstraint("mentors >= 0 AND mentees >= 0", name="not_negative"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    mentors: Mapped[int] = mapped_column(default=0)
    mentees: Mapped[int] = mapped_column(default=0)
