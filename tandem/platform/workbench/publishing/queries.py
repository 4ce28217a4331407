"""The people of pairs, and those without a partner, as the mails about them need them (shared with rematch
requests)."""

from __future__ import annotations

from dataclasses import dataclass

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.cohorts.models import Participation, ParticipationStatus
from tandem.platform.identity.models import User
from tandem.platform.workbench.models import Pair, PairStatus
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


def unmatched_people(session: Session, cohort_id: int) -> list[PersonInPair]:
    """The people taking part in the cohort who are in no active pair: one query, by organisation and name."""
    in_a_pair = sa.exists().where(
        Pair.cohort_id == cohort_id, Pair.status == PairStatus.ACTIVE,
        sa.or_(Pair.mentor_participation_id == Participation.id, Pair.mentee_participation_id == Participation.id))
    rows = session.execute(
        sa.select(Participation.id, Participation.role, User.id, User.display_name, User.email,
                  User.preferred_language, User.is_active, Organisation.id, Organisation.name)
        .join(User, User.id == Participation.user_id)
        .join(Organisation, Organisation.id == Participation.organisation_id)
        .where(Participation.cohort_id == cohort_id, Participation.status == ParticipationStatus.ACTIVE, ~in_a_pair)
        .order_by(Organisation.id, User.display_name, Participation.id)
    ).all()
    return [PersonInPair(*row) for row in rows]
