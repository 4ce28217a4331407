"""Club-wide models: people and identities, roles, cohorts, topics, participations, matching, audit.

Rules live in the database as well as in the code: foreign keys, unique and check constraints.
`TenantOwned` models (User, Participation) are scoped to one organisation by `tandem.platform.tenancy`.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from flask_login import UserMixin
from sqlalchemy.orm import Mapped, mapped_column, relationship

from tandem.platform.config import LANGUAGES
from tandem.platform.database import Base, sql_in, utcnow
from tandem.platform.tenancy import TenantOwned
from tandem.tenants.models import Organisation


class User(UserMixin, TenantOwned, Base):
    """A person: belongs to exactly one member organisation."""

    __tablename__ = "users"
    __table_args__ = (
        sa.UniqueConstraint("id", "organisation_id", name="uq_users_id_organisation"),
        sa.CheckConstraint("email = lower(email) AND email LIKE '%_@_%'", name="email"),
        sa.CheckConstraint("length(display_name) > 0", name="display_name"),
        sa.CheckConstraint(
            "preferred_language IS NULL OR " + sql_in("preferred_language", LANGUAGES), name="language"
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    email: Mapped[str] = mapped_column(sa.String(320), unique=True)
    display_name: Mapped[str] = mapped_column(sa.String(200))
    preferred_language: Mapped[str | None] = mapped_column(sa.String(2))
    is_active: Mapped[bool] = mapped_column(default=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)

    organisation: Mapped[Organisation] = relationship(lazy="joined", innerjoin=True)

    def __repr__(self) -> str:
        return f"<User {self.id} {self.email}>"


class Identity(Base):
    """A sign-in identity: the pair (issuer, subject), never an e-mail address."""

    __tablename__ = "identities"
    __table_args__ = (
        sa.UniqueConstraint("issuer", "subject"),
        sa.CheckConstraint("length(issuer) > 0 AND length(subject) > 0", name="not_empty"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    issuer: Mapped[str] = mapped_column(sa.String(500))
    subject: Mapped[str] = mapped_column(sa.String(255))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_used_at: Mapped[datetime | None]


class SignInLink(Base):
    """A single-use sign-in link sent by e-mail. Only the token's hash is stored."""

    __tablename__ = "sign_in_links"
    __table_args__ = (sa.CheckConstraint("expires_at > created_at", name="expiry"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    expires_at: Mapped[datetime]
    used_at: Mapped[datetime | None]


class UserSession(Base):
    """A signed-in session, kept on the server so that sign-out and timeouts end it for good."""

    __tablename__ = "user_sessions"
    __table_args__ = (sa.CheckConstraint(sql_in("method", ("oidc", "link", "demo")), name="method"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    token_hash: Mapped[str] = mapped_column(sa.String(64), unique=True)
    method: Mapped[str] = mapped_column(sa.String(10))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    last_seen_at: Mapped[datetime] = mapped_column(default=utcnow)
    ended_at: Mapped[datetime | None]
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))


class BoardMember(Base):
    """A member of the club board: club-wide rights."""

    __tablename__ = "board_members"

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), unique=True)
    since: Mapped[datetime] = mapped_column(default=utcnow)


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
    languages: Mapped[list[str]] = mapped_column(sa.JSON, default=lambda: ["de", "fr", "en"])
    # The board's weights for matching, by criterion (None: the engine's defaults), and the score under which
    # a pair counts as poor (figures, warnings when pairing by hand).
    matching_weights: Mapped[dict[str, float] | None] = mapped_column(sa.JSON)
    matching_threshold: Mapped[float] = mapped_column(default=0.5)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class Topic(Base):
    """A topic a mentor can offer and a mentee can want, labelled in every site language."""

    __tablename__ = "topics"
    __table_args__ = (
        sa.CheckConstraint("length(label_de) > 0 AND length(label_fr) > 0 AND length(label_en) > 0",
                           name="labels"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    slug: Mapped[str] = mapped_column(sa.String(63), unique=True)
    label_de: Mapped[str] = mapped_column(sa.String(120))
    label_fr: Mapped[str] = mapped_column(sa.String(120))
    label_en: Mapped[str] = mapped_column(sa.String(120))
    is_active: Mapped[bool] = mapped_column(default=True)

    def label(self, language: str) -> str:
        return {"de": self.label_de, "fr": self.label_fr}.get(language, self.label_en)


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


class OrganisationExclusion(Base):
    """Two organisations whose people are never paired (competitors, say). Stored once, a < b."""

    __tablename__ = "organisation_exclusions"
    __table_args__ = (
        sa.UniqueConstraint("organisation_a_id", "organisation_b_id"),
        sa.CheckConstraint("organisation_a_id < organisation_b_id", name="ordered"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    organisation_a_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    organisation_b_id: Mapped[int] = mapped_column(sa.ForeignKey("organisations.id", ondelete="CASCADE"))
    reason: Mapped[str | None] = mapped_column(sa.String(300))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class MatchingRunStatus(StrEnum):
    QUEUED = "queued"
    RUNNING = "running"
    SUCCEEDED = "succeeded"
    FAILED = "failed"


ACTIVE_RUN_STATUSES = (MatchingRunStatus.QUEUED, MatchingRunStatus.RUNNING)


class MatchingRun(Base):
    """One run of the matching engine for a cohort. At most one is queued or running per cohort."""

    __tablename__ = "matching_runs"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", tuple(MatchingRunStatus)), name="status"),
        sa.CheckConstraint("progress BETWEEN 0 AND 100", name="progress"),
        sa.UniqueConstraint("cohort_id", "number"),
        sa.CheckConstraint("number >= 1", name="number"),
        sa.Index(
            "uq_matching_runs_one_active_per_cohort", "cohort_id", unique=True,
            sqlite_where=sa.text("status IN ('queued', 'running')"),
            postgresql_where=sa.text("status IN ('queued', 'running')"),
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    number: Mapped[int]  # the cohort's first, second, ... run: what the board reads ("Run 2")
    status: Mapped[str] = mapped_column(sa.String(12), default=MatchingRunStatus.QUEUED)
    progress: Mapped[int] = mapped_column(default=0)
    parameters: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    figures: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    error: Mapped[str | None] = mapped_column(sa.Text)
    requested_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    started_at: Mapped[datetime | None]
    finished_at: Mapped[datetime | None]
    # Each retry starts a new attempt; a worker only writes to the run while its attempt is the current one.
    attempt: Mapped[int] = mapped_column(default=1)
    heartbeat_at: Mapped[datetime | None]  # last sign of life of the worker running it
    unmatched: Mapped[list[dict[str, Any]] | None] = mapped_column(sa.JSON)  # the engine's reasons, by person
    published_at: Mapped[datetime | None]


class PairStatus(StrEnum):
    PROPOSED = "proposed"
    LOCKED = "locked"
    ACTIVE = "active"
    ENDED = "ended"


class Pair(Base):
    """A mentor and a mentee of one cohort, proposed by a run or set by the board."""

    __tablename__ = "pairs"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", tuple(PairStatus)), name="status"),
        sa.CheckConstraint("mentor_participation_id <> mentee_participation_id", name="two_people"),
        # A mentee is in at most one pair of a run, and in at most one active pair (ended pairs stay as history).
        sa.Index("uq_pairs_run_mentee", "matching_run_id", "mentee_participation_id", unique=True,
                 sqlite_where=sa.text("status <> 'ended'"), postgresql_where=sa.text("status <> 'ended'")),
        sa.Index("uq_pairs_active_mentee", "mentee_participation_id", unique=True,
                 sqlite_where=sa.text("status = 'active'"), postgresql_where=sa.text("status = 'active'")),
        sa.ForeignKeyConstraint(
            ["mentor_participation_id", "cohort_id"], ["participations.id", "participations.cohort_id"],
            ondelete="CASCADE", name="fk_pairs_mentor_in_cohort",
        ),
        sa.ForeignKeyConstraint(
            ["mentee_participation_id", "cohort_id"], ["participations.id", "participations.cohort_id"],
            ondelete="CASCADE", name="fk_pairs_mentee_in_cohort",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    matching_run_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("matching_runs.id", ondelete="CASCADE"), index=True
    )
    mentor_participation_id: Mapped[int] = mapped_column(index=True)
    mentee_participation_id: Mapped[int] = mapped_column(index=True)
    status: Mapped[str] = mapped_column(sa.String(10), default=PairStatus.PROPOSED)
    score: Mapped[float | None]
    explanation: Mapped[dict[str, Any] | None] = mapped_column(sa.JSON)
    by_hand: Mapped[bool] = mapped_column(default=False)  # paired or changed by the board, not the engine
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    activated_at: Mapped[datetime | None]
    ended_at: Mapped[datetime | None]


class MatchingSeparation(Base):
    """Two people of a cohort the board keeps apart ("never together"). Stored once, a < b."""

    __tablename__ = "matching_separations"
    __table_args__ = (
        sa.UniqueConstraint("cohort_id", "participation_a_id", "participation_b_id"),
        sa.CheckConstraint("participation_a_id < participation_b_id", name="ordered"),
        sa.ForeignKeyConstraint(
            ["participation_a_id", "cohort_id"], ["participations.id", "participations.cohort_id"],
            ondelete="CASCADE", name="fk_matching_separations_a_in_cohort",
        ),
        sa.ForeignKeyConstraint(
            ["participation_b_id", "cohort_id"], ["participations.id", "participations.cohort_id"],
            ondelete="CASCADE", name="fk_matching_separations_b_in_cohort",
        ),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    cohort_id: Mapped[int] = mapped_column(sa.ForeignKey("cohorts.id", ondelete="CASCADE"), index=True)
    participation_a_id: Mapped[int] = mapped_column()
    participation_b_id: Mapped[int] = mapped_column()
    reason: Mapped[str | None] = mapped_column(sa.String(300))
    created_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class RematchStatus(StrEnum):
    OPEN = "open"
    ACCEPTED = "accepted"  # the board ended the pair to find a new partner
    DECLINED = "declined"  # the board kept the pair, with a note


class RematchRequest(TenantOwned, Base):
    """A participant's request, in the first weeks, for another partner; the board decides."""

    __tablename__ = "rematch_requests"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", tuple(RematchStatus)), name="status"),
        sa.CheckConstraint("length(reason) BETWEEN 1 AND 2000", name="reason_length"),
        sa.ForeignKeyConstraint(
            ["participation_id", "organisation_id"], ["participations.id", "participations.organisation_id"],
            ondelete="CASCADE", name="fk_rematch_requests_participation_same_organisation",
        ),
        # One open request per pair and person.
        sa.Index("uq_rematch_requests_open", "pair_id", "participation_id", unique=True,
                 sqlite_where=sa.text("status = 'open'"), postgresql_where=sa.text("status = 'open'")),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    participation_id: Mapped[int] = mapped_column(index=True)
    pair_id: Mapped[int] = mapped_column(sa.ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    reason: Mapped[str] = mapped_column(sa.Text)
    status: Mapped[str] = mapped_column(sa.String(10), default=RematchStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    decided_at: Mapped[datetime | None]
    decided_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    board_note: Mapped[str | None] = mapped_column(sa.Text)


class AuditEvent(Base):
    """Who did or saw what, when. Never holds a token or a secret."""

    __tablename__ = "audit_events"
    __table_args__ = (sa.Index("ix_audit_events_organisation_time", "organisation_id", "occurred_at"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    occurred_at: Mapped[datetime] = mapped_column(default=utcnow, index=True)
    actor_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    organisation_id: Mapped[int | None] = mapped_column(sa.ForeignKey("organisations.id", ondelete="SET NULL"))
    action: Mapped[str] = mapped_column(sa.String(80))
    target_type: Mapped[str | None] = mapped_column(sa.String(60))
    target_id: Mapped[int | None]
    details: Mapped[dict[str, Any]] = mapped_column(sa.JSON, default=dict)
    ip_address: Mapped[str | None] = mapped_column(sa.String(45))
