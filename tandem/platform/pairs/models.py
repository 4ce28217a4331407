"""The pairs' space: what a mentor and a mentee keep together once they are paired.

A pair spans two organisations, so everything of a pair is club-level (no `organisation_id`) and reached only
through a membership check (`pairs/loading.py`): a pair's space belongs to its two people. The board and the
organisation admins read flags and aggregates (`pairs/health.py`), never the texts: a meeting's summary, the
private notes, the check-ins' comments and the agreement stay with the pair.

- `PairAgreement`: the pair's short agreement (confidentiality, rhythm, how to reach each other), confirmed
  by each partner; changing its text asks both to confirm again.
- `PairGoal`: one to five goals, open, progressing or done.
- `PairMeeting`: a meeting planned (with a calendar entry: `uid`, `sequence`) and then logged as held, or
  marked as not held, or cancelled. `partner_mailed_sequence` is the last version of the meeting mailed to
  the partner of whoever planned or changed it, so that a job run twice mails nothing twice.
- `MeetingNote`: a private note on a meeting, seen by its author alone.
- `PairCheckIn`: after a held meeting, each partner's answer to "how useful was it?" (1-4), with a comment.
- `HelpRequest`: the mentor's confidential message to the board about the pair; the mentee never sees it.
- `BoardMessage`: what the board wrote to a pair (mailed to both, shown on the pair's page).
- `PairClosure`: how a pair ended: completed (both confirmed) or ended early (reason, by whom).
- `PairNudge`: the ledger of the rhythm's steps (reminder, second reminder, flag) per pair and due date,
  unique, so that each step happens once; `NudgeDelivery`: who is told of a step, and when the mail (or the
  weekly digest) that told them was queued.
- `NudgePreference` (tenant-owned): a person's choice between nudges as they come (at most one mail a week)
  and a weekly digest.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.database import Base, sql_in, utcnow
from tandem.platform.tenancy import TenantOwned

MAX_AGREEMENT = 2000
MAX_GOAL = 300
MAX_GOALS = 5
MAX_PLACE = 300
MAX_URL = 500
MAX_SUMMARY = 2000
MAX_NOTE = 5000
MAX_COMMENT = 1000
MAX_MESSAGE = 5000
MAX_REASON = 1000
MIN_DURATION_MINUTES = 5
MAX_DURATION_MINUTES = 480


class GoalStatus(StrEnum):
    OPEN = "open"
    PROGRESSING = "progressing"
    DONE = "done"


class MeetingStatus(StrEnum):
    PLANNED = "planned"      # a date agreed, not yet logged
    HELD = "held"            # logged as having taken place
    NOT_HELD = "not_held"    # planned, and a partner said it did not take place
    CANCELLED = "cancelled"  # called off before it took place (the partner is told)


class MeetingFormat(StrEnum):
    IN_PERSON = "in_person"
    ONLINE = "online"


class ClosureOutcome(StrEnum):
    COMPLETED = "completed"      # both partners confirmed at closing
    ENDED_EARLY = "ended_early"  # the board (or a withdrawal) ended it before; with a reason


class NudgeStep(StrEnum):
    REMINDER = "reminder"                # the next meeting is due: both are reminded
    SECOND_REMINDER = "second_reminder"  # PAIR_SECOND_REMINDER_DAYS overdue: both again
    FLAG = "flag"                        # PAIR_FLAG_DAYS overdue: the board and both admins (a flag only)


class PairAgreement(Base):
    __tablename__ = "pair_agreements"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(sa.ForeignKey("pairs.id", ondelete="CASCADE"), unique=True)
    text: Mapped[str] = mapped_column(sa.Text)
    mentor_confirmed_at: Mapped[datetime | None]
    mentee_confirmed_at: Mapped[datetime | None]
    updated_by_participation_id: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PairGoal(Base):
    __tablename__ = "pair_goals"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", tuple(GoalStatus)), name="status"),
        sa.CheckConstraint("position BETWEEN 1 AND 5", name="position"),
        sa.UniqueConstraint("pair_id", "position"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(sa.ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    position: Mapped[int]
    text: Mapped[str] = mapped_column(sa.String(MAX_GOAL))
    status: Mapped[str] = mapped_column(sa.String(12), default=GoalStatus.OPEN)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PairMeeting(Base):
    __tablename__ = "pair_meetings"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", tuple(MeetingStatus)), name="status"),
        sa.CheckConstraint(sql_in("format", tuple(MeetingFormat)), name="format"),
        sa.CheckConstraint(f"duration_minutes BETWEEN {MIN_DURATION_MINUTES} AND {MAX_DURATION_MINUTES}",
                           name="duration"),
        sa.CheckConstraint("sequence >= 0", name="sequence"),
        sa.CheckConstraint("partner_mailed_sequence >= -1", name="partner_mailed_sequence"),
        sa.Index("ix_pair_meetings_pair_start", "pair_id", "starts_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(sa.ForeignKey("pairs.id", ondelete="CASCADE"))
    uid: Mapped[str] = mapped_column(sa.String(120), unique=True)
    sequence: Mapped[int] = mapped_column(default=0)
    status: Mapped[str] = mapped_column(sa.String(12))
    starts_at: Mapped[datetime]
    duration_minutes: Mapped[int]
    format: Mapped[str] = mapped_column(sa.String(12))
    place: Mapped[str | None] = mapped_column(sa.String(MAX_PLACE))
    online_url: Mapped[str | None] = mapped_column(sa.String(MAX_URL))
    summary: Mapped[str | None] = mapped_column(sa.Text)  # what they did: seen by both partners only
    topic_ids: Mapped[list[int]] = mapped_column(sa.JSON, default=list)
    planned_by_participation_id: Mapped[int | None]
    logged_by_participation_id: Mapped[int | None]
    partner_mailed_sequence: Mapped[int] = mapped_column(default=-1)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
    logged_at: Mapped[datetime | None]


class MeetingNote(Base):
    __tablename__ = "meeting_notes"
    __table_args__ = (sa.UniqueConstraint("meeting_id", "author_participation_id"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("pair_meetings.id", ondelete="CASCADE"))
    author_participation_id: Mapped[int]
    text: Mapped[str] = mapped_column(sa.Text)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)


class PairCheckIn(Base):
    __tablename__ = "pair_check_ins"
    __table_args__ = (
        sa.UniqueConstraint("meeting_id", "participation_id"),
        sa.CheckConstraint("usefulness BETWEEN 1 AND 4", name="usefulness"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    meeting_id: Mapped[int] = mapped_column(sa.ForeignKey("pair_meetings.id", ondelete="CASCADE"))
    pair_id: Mapped[int] = mapped_column(sa.ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    participation_id: Mapped[int]
    usefulness: Mapped[int]  # 1 not useful, 2 a little, 3 useful, 4 very useful
    comment: Mapped[str | None] = mapped_column(sa.Text)  # the partners' own: never shown to the board
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class HelpRequest(Base):
    __tablename__ = "pair_help_requests"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(sa.ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    participation_id: Mapped[int]  # the mentor who asked
    message: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    resolved_at: Mapped[datetime | None]
    resolved_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))


class BoardMessage(Base):
    __tablename__ = "pair_board_messages"

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(sa.ForeignKey("pairs.id", ondelete="CASCADE"), index=True)
    sender_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    body: Mapped[str] = mapped_column(sa.Text)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class PairClosure(Base):
    __tablename__ = "pair_closures"
    __table_args__ = (sa.CheckConstraint(f"outcome IS NULL OR {sql_in('outcome', tuple(ClosureOutcome))}",
                                         name="outcome"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(sa.ForeignKey("pairs.id", ondelete="CASCADE"), unique=True)
    mentor_confirmed_at: Mapped[datetime | None]  # "we completed our tandem", at closing
    mentee_confirmed_at: Mapped[datetime | None]
    outcome: Mapped[str | None] = mapped_column(sa.String(12))  # None until decided
    reason: Mapped[str | None] = mapped_column(sa.Text)  # why it ended early
    ended_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    ended_at: Mapped[datetime | None]


class PairNudge(Base):
    __tablename__ = "pair_nudges"
    __table_args__ = (
        sa.UniqueConstraint("pair_id", "step", "due_on"),
        sa.CheckConstraint(sql_in("step", tuple(NudgeStep)), name="step"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    pair_id: Mapped[int] = mapped_column(sa.ForeignKey("pairs.id", ondelete="CASCADE"))
    step: Mapped[str] = mapped_column(sa.String(20))
    due_on: Mapped[date]  # the date the pair's next meeting was due when the step was taken
    created_at: Mapped[datetime] = mapped_column(default=utcnow)


class NudgeDelivery(Base):
    __tablename__ = "nudge_deliveries"
    __table_args__ = (
        sa.UniqueConstraint("nudge_id", "user_id"),
        sa.Index("ix_nudge_deliveries_user_mailed", "user_id", "mailed_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    nudge_id: Mapped[int] = mapped_column(sa.ForeignKey("pair_nudges.id", ondelete="CASCADE"))
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"))
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    mailed_at: Mapped[datetime | None]  # when the mail (or digest) that told them was queued
    outbox_message_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("outbox_messages.id", ondelete="SET NULL"))


class NudgePreference(TenantOwned, Base):
    __tablename__ = "nudge_preferences"
    __table_args__ = (
        sa.ForeignKeyConstraint(["user_id", "organisation_id"], ["users.id", "users.organisation_id"],
                                name="fk_nudge_preferences_user_same_organisation", ondelete="CASCADE"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(unique=True)
    weekly_digest: Mapped[bool] = mapped_column(default=False)
    updated_at: Mapped[datetime] = mapped_column(default=utcnow)
