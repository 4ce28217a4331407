"""Reads for the accessibility pages: the board's list of barrier reports and who is told of a new one."""

from __future__ import annotations

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.accessibility.models import BarrierReport, ReportStatus
from tandem.platform.board.models import BoardMember
from tandem.platform.identity.models import User
from tandem.platform.tenancy import club_scope

# The board's list: the open reports first, then the answered, then the closed; the newest first in each.
_STATUS_ORDER = sa.case({ReportStatus.OPEN.value: 0, ReportStatus.ANSWERED.value: 1}, value=BarrierReport.status,
                        else_=2)
LIST_LIMIT = 200


def board_members(session: Session) -> list[User]:
    """The active members of the club board, to tell of a new report (club scope): one query."""
    with club_scope(session):
        return list(session.scalars(
            sa.select(User).join(BoardMember, BoardMember.user_id == User.id)
            .where(User.is_active.is_(True)).order_by(User.id)))


def reports(session: Session, limit: int = LIST_LIMIT) -> list[BarrierReport]:
    """The reports for the board's page (at most `limit`), open ones first: one query."""
    return list(session.scalars(
        sa.select(BarrierReport).order_by(_STATUS_ORDER, BarrierReport.created_at.desc(), BarrierReport.id.desc())
        .limit(limit)))


def report_counts(session: Session) -> dict[str, int]:
    """How many reports there are in each status: one query."""
    counts = {status.value: 0 for status in ReportStatus}
    for status, count in session.execute(
            sa.select(BarrierReport.status, sa.func.count()).group_by(BarrierReport.status)).all():
        counts[status] = count
    return counts
