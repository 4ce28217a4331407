"""Matching runs of a cohort, the pairs they propose (and, once published, the active tandems), and
the board's "never together" separations."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.database import Base, sql_in, utcnow


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
