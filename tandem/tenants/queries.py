"""Read models for the organisation admin area (tenant scope set by the request)."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from tandem.platform.cohorts.models import Participation
from tandem.platform.identity.models import User
from tandem.tenants.models import OrganisationAdmin


@dataclass
class PersonRow:
    user: User
    participations: list[Participation] = field(default_factory=list)


def people_with_participations(session: Session) -> list[PersonRow]:
    """The organisation's people and their participations: two queries, whatever the head count."""
    users = session.scalars(sa.select(User).order_by(User.display_name)).all()
    rows = {u.id: PersonRow(user=u) for u in users}
    participations = session.scalars(
        sa.select(Participation).options(joinedload(Participation.cohort)).order_by(Participation.nominated_at)
    ).all()
    grouped: dict[int, list[Participation]] = defaultdict(list)
    for participation in participations:
        grouped[participation.user_id].append(participation)
    for user_id, items in grouped.items():
        if user_id in rows:
            rows[user_id].participations = items
    return list(rows.values())


@dataclass
class AdminRow:
    grant: OrganisationAdmin
    user: User


def organisation_admins(session: Session) -> list[AdminRow]:
    """The organisation's admins, one query."""
    rows = session.execute(
        sa.select(OrganisationAdmin, User).join(User, User.id == OrganisationAdmin.user_id).order_by(User.display_name)
    ).all()
    return [AdminRow(grant=grant, user=user) for grant, user in rows]
