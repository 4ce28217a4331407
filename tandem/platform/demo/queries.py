"""Who the demo switcher offers: the board, each organisation's admins, and participants by organisation."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.board.models import BoardMember
from tandem.platform.cohorts.models import Participation
from tandem.platform.identity.models import User
from tandem.tenants.models import Organisation, OrganisationAdmin, OrganisationStatus


@dataclass
class DemoPerson:
    user: User
    roles: list[str] = field(default_factory=list)


@dataclass
class DemoGroup:
    organisation: Organisation
    people: list[DemoPerson] = field(default_factory=list)


def demo_people(session: Session) -> list[DemoGroup]:
    """Everyone who can sign in, grouped by organisation, with their roles. Four queries. Club scope.

    People of suspended organisations are left out: they could not sign in.
    """
    users = session.scalars(
        sa.select(User)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(User.is_active.is_(True), Organisation.status == OrganisationStatus.ACTIVE)
        .order_by(User.display_name)
    ).all()
    board = set(session.scalars(sa.select(BoardMember.user_id)))
    admins = set(session.scalars(sa.select(OrganisationAdmin.user_id)))
    roles_by_user: dict[int, set[str]] = {}
    for user_id, role in session.execute(sa.select(Participation.user_id, Participation.role).distinct()):
        roles_by_user.setdefault(user_id, set()).add(role)
    groups: dict[int, DemoGroup] = {}
    for user in users:
        group = groups.setdefault(user.organisation_id, DemoGroup(organisation=user.organisation))
        roles = []
        if user.id in board:
            roles.append("board")
        if user.id in admins:
            roles.append("org_admin")
        roles.extend(sorted(roles_by_user.get(user.id, ())))
        group.people.append(DemoPerson(user=user, roles=roles))
    return sorted(groups.values(), key=lambda g: g.organisation.name)
