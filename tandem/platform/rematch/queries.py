"""Reading rematch requests and the window in which a participant may ask."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date, datetime, timedelta

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session, aliased

from tandem.platform.board.models import BoardMember
from tandem.platform.clock import today as clock_today
from tandem.platform.cohorts.models import Cohort, CohortState, Participation
from tandem.platform.database import as_utc
from tandem.platform.identity.models import User
from tandem.platform.rematch.models import RematchRequest, RematchStatus
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tandem.platform.workbench.publishing.queries import PersonInPair
from tandem.tenants.models import Organisation

# A rematch can be asked for while the programme has not got far: after publishing and while it runs.
REMATCH_STATES = (CohortState.MATCHING, CohortState.RUNNING)


# ---------------------------------------------------------------------------------------------- the window


def window_weeks() -> int:
    return int(current_app.config["TANDEM"].rematch_window_weeks)


def rematch_open_until(activated_at: datetime | None, kickoff_on: date | None, weeks: int) -> date | None:
    """The last day on which a rematch may be asked for: `weeks` weeks from the later of the pair's start
    and the cohort's kick-off (None when the pair has not started)."""
    if activated_at is None:
        return None
    start = as_utc(activated_at).date()
    if kickoff_on is not None and kickoff_on > start:
        start = kickoff_on
    return start + timedelta(weeks=weeks)


def window_is_open(activated_at: datetime | None, kickoff_on: date | None, weeks: int,
                   today: date | None = None) -> bool:
    until = rematch_open_until(activated_at, kickoff_on, weeks)
    return until is not None and (today or clock_today()) <= until


# ----------------------------------------------------------------------------------------- participant side


@dataclass(frozen=True)
class OwnPair:
    """The person's active pair in one participation, as the request needs it."""

    participation: Participation
    pair_id: int
    activated_at: datetime | None
    cohort: Cohort


def own_active_pair(session: Session, user_id: int, participation_id: int) -> OwnPair | None:
    """The person's own participation's active pair (None: not theirs, or no active pair). Their scope."""
    participation = session.scalar(
        sa.select(Participation).where(Participation.id == participation_id, Participation.user_id == user_id))
    if participation is None:
        raise LookupError(participation_id)
    row = session.execute(
        sa.select(Pair.id, Pair.activated_at)
        .where(Pair.status == PairStatus.ACTIVE, Pair.cohort_id == participation.cohort_id,
               sa.or_(Pair.mentor_participation_id == participation.id,
                      Pair.mentee_participation_id == participation.id))
        .order_by(Pair.id.desc()).limit(1)
    ).first()
    if row is None:
        return None
    return OwnPair(participation=participation, pair_id=row[0], activated_at=row[1], cohort=participation.cohort)


def latest_requests(session: Session, participation_ids: Sequence[int]) -> dict[int, RematchRequest]:
    """Each participation's latest rematch request (the person's scope): one query."""
    if not participation_ids:
        return {}
    latest: dict[int, RematchRequest] = {}
    for item in session.scalars(
        sa.select(RematchRequest).where(RematchRequest.participation_id.in_(list(participation_ids)))
        .order_by(RematchRequest.created_at, RematchRequest.id)
    ):
        latest[item.participation_id] = item
    return latest


# ---------------------------------------------------------------------------------------------- board side


def board_recipients(session: Session) -> list[User]:
    """The active members of the club board, to tell of a new request (club scope): one query."""
    with club_scope(session):
        return list(session.scalars(
            sa.select(User).join(BoardMember, BoardMember.user_id == User.id)
            .where(User.is_active.is_(True)).order_by(User.id)))


def open_rematch_count(session: Session, cohort_id: int) -> int:
    """How many rematch requests of the cohort wait for the board's decision: one query."""
    with club_scope(session):
        return session.scalar(
            sa.select(sa.func.count(RematchRequest.id))
            .join(Pair, Pair.id == RematchRequest.pair_id)
            .where(Pair.cohort_id == cohort_id, RematchRequest.status == RematchStatus.OPEN)
        ) or 0


@dataclass(frozen=True)
class RequestRow:
    """One request as the board's page shows it."""

    request: RematchRequest
    requester: PersonInPair
    partner: PersonInPair
    pair_status: str
    decided_by: str | None

    @property
    def is_open(self) -> bool:
        return self.request.status == RematchStatus.OPEN


def _requests_query(cohort_id: int) -> sa.Select[tuple[object, ...]]:
    requester, partner = aliased(Participation), aliased(Participation)
    requester_user, partner_user, decider = aliased(User), aliased(User), aliased(User)
    requester_org, partner_org = aliased(Organisation), aliased(Organisation)
    partner_id = sa.case((Pair.mentor_participation_id == RematchRequest.participation_id,
                          Pair.mentee_participation_id), else_=Pair.mentor_participation_id)

    def side(participation: type[Participation], user: type[User], organisation: type[Organisation]) -> list:
        return [participation.id, participation.role, user.id, user.display_name, user.email,
                user.preferred_language, user.is_active, organisation.id, organisation.name]

    return (
        sa.select(RematchRequest, *side(requester, requester_user, requester_org),
                  *side(partner, partner_user, partner_org), Pair.status, decider.display_name)
        .join(Pair, Pair.id == RematchRequest.pair_id)
        .join(requester, requester.id == RematchRequest.participation_id)
        .join(requester_user, requester_user.id == requester.user_id)
        .join(requester_org, requester_org.id == requester.organisation_id)
        .join(partner, partner.id == partner_id)
        .join(partner_user, partner_user.id == partner.user_id)
        .join(partner_org, partner_org.id == partner.organisation_id)
        .outerjoin(decider, decider.id == RematchRequest.decided_by_user_id)
        .where(Pair.cohort_id == cohort_id)
    )


def _row(values: Sequence[object]) -> RequestRow:
    return RequestRow(request=values[0], requester=PersonInPair(*values[1:10]),  # type: ignore[arg-type]
                      partner=PersonInPair(*values[10:19]),  # type: ignore[arg-type]
                      pair_status=values[19], decided_by=values[20])  # type: ignore[arg-type]


def rematch_requests(session: Session, cohort_id: int) -> list[RequestRow]:
    """The cohort's requests: open ones first (oldest first), then the decided ones (newest first). One query."""
    with club_scope(session):
        rows = session.execute(_requests_query(cohort_id).order_by(
            sa.case((RematchRequest.status == RematchStatus.OPEN, 0), else_=1),
            sa.case((RematchRequest.status == RematchStatus.OPEN, RematchRequest.id), else_=-RematchRequest.id),
        )).all()
    return [_row(row) for row in rows]


def rematch_request(session: Session, cohort_id: int, request_id: int) -> RequestRow | None:
    """One request of the cohort (None: no such request in this cohort)."""
    with club_scope(session):
        row = session.execute(_requests_query(cohort_id).where(RematchRequest.id == request_id)).first()
    return _row(row) if row is not None else None
