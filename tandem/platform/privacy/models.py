"""Personal data rights: a person's exports of their data and their requests for erasure.

- `DataExport` (tenant-owned, by the person's organisation): one export of everything Tandem holds about a
  person, prepared by a job (`status` queued -> ready), downloaded once through a link whose token is stored
  only as its SHA-256 (`token_hash`; cleared at download, when the file is dropped too), for the signed-in
  person only.
- `ErasureRequest` (tenant-owned): a person's request (or the board's, for a request received by mail) that
  their personal data be erased. Their organisation's admin or the board confirms or refuses it; unanswered,
  it is carried out by itself on `erase_on`. Once done, `user_id` is empty (the person is gone) and
  `pseudonym` names them as the audit log does.
"""

from __future__ import annotations

from datetime import date, datetime
from enum import StrEnum

import sqlalchemy as sa
from sqlalchemy.orm import Mapped, mapped_column

from tandem.platform.database import Base, sql_in, utcnow
from tandem.platform.tenancy import TenantOwned

MAX_REASON = 1000


class ExportStatus(StrEnum):
    QUEUED = "queued"
    READY = "ready"
    DOWNLOADED = "downloaded"
    FAILED = "failed"


class ErasureStatus(StrEnum):
    REQUESTED = "requested"    # waiting for the organisation's admin or the board (or for erase_on)
    CONFIRMED = "confirmed"    # confirmed: the job carries it out
    REFUSED = "refused"        # refused by the admin or the board, with a reason (e.g. a legal duty to keep)
    CANCELLED = "cancelled"    # withdrawn by the person
    DONE = "done"              # carried out: the person's data is gone


class DataExport(TenantOwned, Base):
    __tablename__ = "data_exports"
    __table_args__ = (sa.CheckConstraint(sql_in("status", tuple(ExportStatus)), name="status"),)

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int] = mapped_column(sa.ForeignKey("users.id", ondelete="CASCADE"), index=True)
    status: Mapped[str] = mapped_column(sa.String(12), default=ExportStatus.QUEUED)
    token_hash: Mapped[str | None] = mapped_column(sa.String(64), unique=True)
    content: Mapped[bytes | None] = mapped_column(sa.LargeBinary)  # the JSON file, until downloaded
    size_bytes: Mapped[int | None]
    created_at: Mapped[datetime] = mapped_column(default=utcnow)
    ready_at: Mapped[datetime | None]
    downloaded_at: Mapped[datetime | None]


class ErasureRequest(TenantOwned, Base):
    __tablename__ = "erasure_requests"
    __table_args__ = (
        sa.CheckConstraint(sql_in("status", tuple(ErasureStatus)), name="status"),
        sa.Index("ix_erasure_requests_status_erase_on", "status", "erase_on"),
    )

    id: Mapped[int] = mapped_column(primary_key=True)
    user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"), index=True)
    status: Mapped[str] = mapped_column(sa.String(12), default=ErasureStatus.REQUESTED)
    requested_at: Mapped[datetime] = mapped_column(default=utcnow)
    requested_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    erase_on: Mapped[date]  # carried out on this day unless confirmed earlier, refused or cancelled
    decided_at: Mapped[datetime | None]
    decided_by_user_id: Mapped[int | None] = mapped_column(sa.ForeignKey("users.id", ondelete="SET NULL"))
    refusal_reason: Mapped[str | None] = mapped_column(sa.String(MAX_REASON))
    done_at: Mapped[datetime | None]
    pseudonym: Mapped[str | None] = mapped_column(sa.String(40))  # the audit log's name for the erased person
