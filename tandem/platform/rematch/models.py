"""Rematch requests: a participant asks to end their tandem in its first weeks; the board decides."""

from __future__ import annotations

from datetime import datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.database import Base, sql_in, utcnow
from tandem.platform.tenancy import TenantOwned


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
