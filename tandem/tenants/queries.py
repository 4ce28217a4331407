"""Read models for the organisation admin area (tenant scope set by the request)."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from tandem.platform.cohorts.models import Participation
from tandem.platform.identity.models import User
from tandem.platform.pagination import Page, paginate
from tandem.tenants.models import OrganisationAdmin


@dataclass
class PersonRow:
    user: User
    participations: list[Participation] = field(default_factory=list)


PEOPLE_PER_PAGE = 50


@dataclass
class PeoplePage:
    rows: list[PersonRow]
    page: Page
    total: int  # everyone of the organisation, whatever the search
    search: str = ""


def people_page(session: Session, *, page: int = 1, search: str = "") -> PeoplePage:
    """A page of the organisation's people (by name; those whose name or e-mail contains `search`) with their
    participations: four queries, whatever the head count; rows are loaded only for the page."""
    needle = " ".join(search.split()).casefold()
    total = int(session.scalar(sa.select(sa.func.count(User.id))) or 0)
    query = sa.select(User)
    if needle:
        query = query.where(sa.or_(sa.func.lower(User.display_name).contains(needle, autoescape=True),
                                   sa.func.lower(User.email).contains(needle, autoescape=True)))
        found = int(session.scalar(sa.select(sa.func.count()).select_from(query.subquery())) or 0)
    else:
        found = total
    shown = paginate(found, page, PEOPLE_PER_PAGE)
    users = session.scalars(query.order_by(sa.func.lower(User.display_name), User.id)
                            .offset(shown.offset).limit(shown.size)).all()
    rows = {u.id: PersonRow(user=u) for u in users}
    for participation in session.scalars(
        sa.select(Participation).options(joinedload(Participation.cohort))
        .where(Participation.user_id.in_(list(rows)))
        .order_by(Participation.nominated_at, Participation.id)
    ):
        rows[participation.user_id].participations.append(participation)
    return PeoplePage(rows=list(rows.values()), page=shown, total=total, search=needle)


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
