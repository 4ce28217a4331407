"""A participant's profile for matching (aims, topics ranked 1-3, format, weekdays) and its reminders."""

from __future__ import annotations

from datetime import datetime

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.database import Base, sql_in, utcnow
from tandem.platform.tenancy import TenantOwned

PROFILE_FORMATS = ("in_person", "remote", "both")
CAREER_BANDS = ("0-2", "3-5", "6-10", "11-20", "21+")  # years of experience, never a birth date
WEEKDAYS = ("mon", "tue", "wed", "thu", "fri")
PROFILE_LANGUAGES = ("de", "fr", "it", "en")


class Profile(TenantOwned, Base):
    """What a person brings to one participation: languages, format, days, career stage, bio, aims."""

    __tablename__ = "profiles"
    __table_args__ = (
        sa.UniqueConstraint("participation_id"),
        sa.ForeignKeyConstraint(
            ["participation_id", "organisation_id"], ["participations.id", "participations.organisation_id"],
            ondelete="CASCADE", name="fk_profiles_participation_same_organisation",
        ),
        sa.CheckConstraint("format IS NULL OR " + sql_in("format", PROFILE_FORMATS), name="format"),
        sa.CheckConstraint("career_band IS NULL OR " + sql_in("career_band", CAREER_BANDS), name="career_band"),
        sa.CheckConstraint("bio IS NULL OR length(bio) <= 1500", name="bio_length"),
        sa.CheckConstraint("aims IS NULL OR length(aims) <= 1500", name="aims_length"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column()
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    format: Mapped[str | None] = mapped_column(sa.String(10))
    city: Mapped[str | None] = mapped_column(sa.String(120))
    weekdays: Mapped[list[str]] = mapped_column(sa.JSON, default=list)
    career_band: Mapped[str | None] = mapped_column(sa.String(5))
    bio: Mapped[str | None] = mapped_column(sa.Text)
    aims: Mapped[str | None] = mapped_column(sa.Text)  # a mentee's goals, or what a mentor hopes to give
    updated_at: Mapped[datetime] = mapped_column(default=utcnow, onupdate=utcnow)


class ProfileTopic(TenantOwned, Base):
    """A topic a mentor offers or a mentee wants; the top three carry a rank (1 is first)."""

    __tablename__ = "profile_topics"
    __table_args__ = (
        sa.UniqueConstraint("participation_id", "topic_id"),
        sa.CheckConstraint("rank IS NULL OR rank BETWEEN 1 AND 3", name="rank"),
        sa.ForeignKeyConstraint(
            ["participation_id", "organisation_id"], ["participations.id", "participations.organisation_id"],
            ondelete="CASCADE", name="fk_profile_topics_participation_same_organisation",
        ),
        sa.Index("uq_profile_topics_rank", "participation_id", "rank", unique=True,
                 sqlite_where=sa.text("rank IS NOT NULL"), postgresql_where=sa.text("rank IS NOT NULL")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(index=True)
    topic_id: Mapped[int] = mapped_column(sa.ForeignKey("topics.id", ondelete="RESTRICT"))
    rank: Mapped[int | None]


class ProfileReminder(TenantOwned, Base):
    """A reminder about an incomplete profile, sent once per participation and reminder step."""

    __tablename__ = "profile_reminders"
    __table_args__ = (
        sa.UniqueConstraint("participation_id", "step"),
        sa.ForeignKeyConstraint(
            ["participation_id", "organisation_id"], ["participations.id", "participations.organisation_id"],
            ondelete="CASCADE", name="fk_profile_reminders_participation_same_organisation",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(index=True)
    step: Mapped[str] = mapped_column(sa.String(20))  # e.g. "14-days", "3-days" before the deadline
    sent_at: Mapped[datetime] = mapped_column(default=utcnow)
