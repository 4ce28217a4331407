"""The people of pairs, as the mails about them need them (shared with rematch requests)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.cohorts.models import Participation
from tandem.platform.identity.models import User
from tandem.tenants.models import Organisation

# ------------------------------------------------------------------------------------------------- mail


@dataclass(frozen=True)
class PersonInPair:
    """One side of a pair, as the mails need it."""

    participation_id: int
    role: str
    user_id: int
    display_name: str
    email: str
    preferred_language: str | None
    is_active: bool
    organisation_id: int
    organisation_name: str


@dataclass(frozen=True)
class AdminLine:
    """One line of an admin's mail: one of their people and the partner."""

    person: PersonInPair
    partner: PersonInPair


def people_in_pairs(session: Session, participation_ids: set[int]) -> dict[int, PersonInPair]:
    rows = session.execute(
        sa.select(Participation.id, Participation.role, User.id, User.display_name, User.email,
                  User.preferred_language, User.is_active, Organisation.id, Organisation.name)
        .join(User, User.id == Participation.user_id)
        .join(Organisation, Organisation.id == Participation.organisation_id)
        .where(Participation.id.in_(participation_ids))
    ).all()
    return {row[0]: PersonInPair(*row) for row in rows}
