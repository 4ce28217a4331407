"""Read models of the erasure pages: the person's requests, an organisation's, the board's."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from tandem.platform.board.models import BoardMember
from tandem.platform.identity.models import User
from tandem.platform.privacy.models import ErasureRequest, ErasureStatus
from tandem.tenants.models import Organisation, OrganisationAdmin


@dataclass(frozen=True)
class RequestRow:
    id: int
    status: str
    requested_at: datetime
    erase_on: date
    decided_at: datetime | None
    refusal_reason: str | None
    done_at: datetime | None
    person_name: str | None      # None once erased
    person_email: str | None
    pseudonym: str | None
    organisation_name: str
    requested_by_name: str | None
    decided_by_name: str | None

    @property
    def is_waiting(self) -> bool:
        return self.status == ErasureStatus.REQUESTED


def my_requests(session: Session, user_id: int) -> list[ErasureRequest]:
    """The person's own requests, newest first (their organisation's scope)."""
    return list(session.scalars(sa.select(ErasureRequest).where(ErasureRequest.user_id == user_id)
                                .order_by(ErasureRequest.id.desc())))


def request_rows(session: Session, organisation_id: int | None = None) -> list[RequestRow]:
    """Requests with names, waiting ones first, then the newest: an organisation's (its scope) or all (club
    scope, `organisation_id` None). One query."""
    person, by, decider = aliased(User), aliased(User), aliased(User)
    statement = (
        sa.select(ErasureRequest, person.display_name, person.email, Organisation.name, by.display_name,
                  decider.display_name)
        .join(Organisation, Organisation.id == ErasureRequest.organisation_id)
        .outerjoin(person, person.id == ErasureRequest.user_id)
        .outerjoin(by, by.id == ErasureRequest.requested_by_user_id)
        .outerjoin(decider, decider.id == ErasureRequest.decided_by_user_id)
        .order_by((ErasureRequest.status == ErasureStatus.REQUESTED).desc(), ErasureRequest.id.desc())
    )
    if organisation_id is not None:
        statement = statement.where(ErasureRequest.organisation_id == organisation_id)
    rows = []
    for request, name, email, organisation_name, by_name, decider_name in session.execute(statement):
        rows.append(RequestRow(
            id=request.id, status=request.status, requested_at=request.requested_at, erase_on=request.erase_on,
            decided_at=request.decided_at, refusal_reason=request.refusal_reason, done_at=request.done_at,
            person_name=name, person_email=email, pseudonym=request.pseudonym,
            organisation_name=organisation_name, requested_by_name=by_name, decided_by_name=decider_name))
    return rows


def deciders(session: Session, organisation_id: int) -> tuple[str, list[tuple[User, bool]]]:
    """The organisation's slug, and who decides its people's requests: its admins (False) and the active
    board members (True), each once (club scope). Two queries."""
    slug = session.scalar(sa.select(Organisation.slug).where(Organisation.id == organisation_id)) or ""
    board = sa.exists().where(BoardMember.user_id == User.id)
    admin = sa.exists().where(OrganisationAdmin.user_id == User.id,
                              OrganisationAdmin.organisation_id == organisation_id)
    people = session.execute(sa.select(User, board).where(User.is_active.is_(True), sa.or_(board, admin))
                             .order_by(User.id)).all()
    return slug, [(user, bool(is_board)) for user, is_board in people]
