"""Small factories for test data. They write in club scope, explicitly, and flush (no commit)."""

from __future__ import annotations

import itertools
from datetime import date, timedelta
from typing import Any

from sqlalchemy.orm import Session

from tandem.platform.models import (
    BoardMember,
    Cohort,
    CohortState,
    Participation,
    ParticipationRole,
    ParticipationStatus,
    User,
)
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import Organisation, OrganisationAdmin, OrganisationDomain

_sequence = itertools.count(1)


def _n() -> int:
    return next(_sequence)


def make_organisation(session: Session, slug: str | None = None, **fields: Any) -> Organisation:
    slug = slug or f"org-{_n()}"
    with club_scope(session):
        organisation = Organisation(slug=slug, name=fields.pop("name", slug.replace("-", " ").title()), **fields)
        organisation.domains.append(OrganisationDomain(domain=f"{slug}.example"))
        session.add(organisation)
        session.flush()
    return organisation


def make_user(session: Session, organisation: Organisation, **fields: Any) -> User:
    n = _n()
    with club_scope(session):
        user = User(
            organisation_id=organisation.id,
            email=fields.pop("email", f"person{n}@{organisation.slug}.example"),
            display_name=fields.pop("display_name", f"Person {n}"),
            **fields,
        )
        session.add(user)
        session.flush()
    return user


def make_board_member(session: Session, organisation: Organisation, **fields: Any) -> User:
    user = make_user(session, organisation, **fields)
    with club_scope(session):
        session.add(BoardMember(user_id=user.id))
        session.flush()
    return user


def make_org_admin(session: Session, organisation: Organisation, **fields: Any) -> User:
    user = make_user(session, organisation, **fields)
    with club_scope(session):
        session.add(OrganisationAdmin(organisation_id=organisation.id, user_id=user.id))
        session.flush()
    return user


def make_cohort(session: Session, state: str = CohortState.NOMINATIONS_OPEN, **fields: Any) -> Cohort:
    n = _n()
    kickoff = fields.pop("kickoff_on", date(2027, 3, 1))
    with club_scope(session):
        cohort = Cohort(
            slug=fields.pop("slug", f"cohort-{n}"),
            name=fields.pop("name", f"Cohort {n}"),
            state=state,
            nomination_deadline=fields.pop("nomination_deadline", kickoff - timedelta(days=30)),
            kickoff_on=kickoff,
            closing_on=fields.pop("closing_on", kickoff + timedelta(days=182)),
            symposium_on=fields.pop("symposium_on", kickoff + timedelta(days=200)),
            **fields,
        )
        session.add(cohort)
        session.flush()
    return cohort


def make_participation(session: Session, user: User, cohort: Cohort,
                       role: str = ParticipationRole.MENTOR,
                       status: str = ParticipationStatus.NOMINATED, **fields: Any) -> Participation:
    with club_scope(session):
        participation = Participation(organisation_id=user.organisation_id, user_id=user.id,
                                      cohort_id=cohort.id, role=role, status=status, **fields)
        session.add(participation)
        session.flush()
    return participation
