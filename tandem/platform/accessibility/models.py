"""Barrier reports: anyone tells the club board of a barrier on the site (eCH-0059's feedback mechanism).

Club-level (no organisation: anyone may report, signed in or not). The address for an answer is the
`recipient` of the board's answer, and `recipient_user_id` the reporter when they were signed in: the same
names as the outbox's, so that the person's export and erasure find a report by either (privacy/registry.py).
"""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.database import Base, sql_in, utcnow

MAX_DESCRIPTION = 5000
MAX_PAGE = 500
MAX_TECHNOLOGY = 200
MAX_NOTE = 2000


class ReportStatus(StrEnum):
    OPEN = "open"          # not answered yet
    ANSWERED = "answered"  # the board answered the reporter (outside the site, by mail or phone)
    CLOSED = "closed"      # dealt with: fixed, listed as a known limitation, or nothing to do


class BarrierReport(Base):
    __tablename__ = "barrier_reports"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", tuple(ReportStatus)), name="status"),
        sa.CheckConstraint(f"length(description) BETWEEN 1 AND {MAX_DESCRIPTION}", name="description_length"),
        sa.Index("ix_barrier_reports_status_created", "status", "created_at"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    description: Mapped[str] = mapped_column(sa.Text)
    page: Mapped[str | None] = mapped_column(sa.String(MAX_PAGE))
    assistive_technology: Mapped[str | None] = mapped_column(sa.String(MAX_TECHNOLOGY))
    language: Mapped[str] = mapped_column(sa.String(2))  # the page's language: the board answers in it
    recipient: Mapped[str | None] = mapped_column(sa.String(320))  # where the answer goes, if wanted
    recipient_user_id: Mapped[int | None] = mapped_column(
        sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)  # the reporter, when signed in
    status: Mapped[str] = mapped_column(sa.String(10), default=ReportStatus.OPEN)
    board_note: Mapped[str | None] = mapped_column(sa.Text)
    updated_at: Mapped[datetime | None]
    updated_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
