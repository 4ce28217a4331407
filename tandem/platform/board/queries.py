"""Read models for the board's pages. Club scope: the caller's request has opened it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, selectinload

from tandem.platform.models import (
    Cohort,
    CohortState,
    Participation,
    ParticipationRole,
    ParticipationStatus,
    User,
)
from tandem.tenants.models import Organisation, OrganisationAdmin

LIFECYCLE = list(CohortState)


@dataclass
class CohortSummary:
    cohort: Cohort
    mentors: int = 0
    mentees: int = 0
    active: int = 0
    organisations: int = 0
    by_status: dict[str, int] = field(default_factory=dict)

    @property
    def step(self) -> int:
        return LIFECYCLE.index(CohortState(self.cohort.state)) + 1


def cohort_summaries(session: Session) -> list[CohortSummary]:
    """Every cohort with its head counts: three queries whatever the number of cohorts or people."""
    cohorts = session.scalars(sa.select(Cohort).order_by(Cohort.kickoff_on.desc().nulls_last(), Cohort.name)).all()
    summaries = {c.id: CohortSummary(cohort=c) for c in cohorts}
    counted = session.execute(
        sa.select(
            Participation.cohort_id,
            Participation.role,
            Participation.status,
            sa.func.count(Participation.id),
        ).group_by(Participation.cohort_id, Participation.role, Participation.status)
    ).all()
    organisations: dict[int, set[int]] = defaultdict(set)
    org_rows = session.execute(
        sa.select(Participation.cohort_id, Participation.organisation_id).distinct()
    ).all()
    for cohort_id, organisation_id in org_rows:
        organisations[cohort_id].add(organisation_id)
    for cohort_id, role, status, count in counted:
        summary = summaries[cohort_id]
        summary.by_status[status] = summary.by_status.get(status, 0) + count
        if status in (ParticipationStatus.DECLINED, ParticipationStatus.WITHDRAWN):
            continue
        if role == ParticipationRole.MENTOR:
            summary.mentors += count
        else:
            summary.mentees += count
        if status == ParticipationStatus.ACTIVE:
            summary.active += count
    for cohort_id, orgs in organisations.items():
        summaries[cohort_id].organisations = len(orgs)
    return list(summaries.values())


def member_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(
        sa.select(Organisation).options(selectinload(Organisation.domains)).order_by(Organisation.name)
    ))


@dataclass
class OrganisationAdmins:
    organisation: Organisation
    admins: list[User] = field(default_factory=list)


def organisations_with_admins(session: Session) -> list[OrganisationAdmins]:
    """Every member organisation with its admins: three queries, whatever the size of the club."""
    rows = {o.id: OrganisationAdmins(organisation=o) for o in member_organisations(session)}
    grants = session.execute(
        sa.select(OrganisationAdmin.organisation_id, User)
        .join(User, User.id == OrganisationAdmin.user_id)
        .order_by(User.display_name)
    ).all()
    for organisation_id, user in grants:
        rows[organisation_id].admins.append(user)
    return list(rows.values())
