"""Read models for the board's cohort pages. Club scope (the board's requests hold it; opened here explicitly
too). A fixed number of queries per page, whatever the number of organisations and people."""

from __future__ import annotations

from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.cohorts.models import (
    OCCUPYING_STATUSES,
    Cohort,
    CohortQuota,
    Participation,
    ParticipationRole,
    ParticipationStatus,
)
from tandem.platform.identity.models import User
from tandem.platform.participant.completeness import Completeness, profile_completeness
from tandem.platform.participant.queries import completeness_of
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import Organisation, OrganisationStatus

ROLES = (ParticipationRole.MENTOR, ParticipationRole.MENTEE)
STATUSES = tuple(ParticipationStatus)


# ------------------------------------------------------------------------------------------ quotas


@dataclass
class QuotaRow:
    organisation: Organisation
    mentors: int = 0
    mentees: int = 0
    held: dict[str, int] = field(default_factory=dict)


def quota_rows(session: Session, cohort: Cohort, *, active_only: bool = True) -> list[QuotaRow]:
    """Every (active) member organisation with its quota and the places its people hold: three queries."""
    with club_scope(session):
        query = sa.select(Organisation).order_by(Organisation.name)
        if active_only:
            query = query.where(Organisation.status == OrganisationStatus.ACTIVE)
        rows = {o.id: QuotaRow(organisation=o) for o in session.scalars(query)}
        for quota in session.scalars(sa.select(CohortQuota).where(CohortQuota.cohort_id == cohort.id)):
            if quota.organisation_id in rows:
                rows[quota.organisation_id].mentors = quota.mentors
                rows[quota.organisation_id].mentees = quota.mentees
        held = session.execute(
            sa.select(Participation.organisation_id, Participation.role, sa.func.count(Participation.id))
            .where(Participation.cohort_id == cohort.id, Participation.status.in_(OCCUPYING_STATUSES))
            .group_by(Participation.organisation_id, Participation.role)
        ).all()
    for organisation_id, role, count in held:
        if organisation_id in rows:
            rows[organisation_id].held[role] = count
    return list(rows.values())


# ------------------------------------------------------------------------------------- nominations


@dataclass
class Nominee:
    participation: Participation
    person: User
    organisation: Organisation
    completeness: Completeness


@dataclass
class RoleCounts:
    """How many people of one role, per status, against the quota."""

    quota: int = 0
    by_status: dict[str, int] = field(default_factory=lambda: {s: 0 for s in STATUSES})

    @property
    def holding(self) -> int:
        return sum(self.by_status[s] for s in OCCUPYING_STATUSES)

    @property
    def over_quota(self) -> bool:
        return self.holding > self.quota

    @property
    def open_places(self) -> int:
        return max(self.quota - self.holding, 0)


@dataclass
class OrganisationNominations:
    organisation: Organisation
    roles: dict[str, RoleCounts] = field(default_factory=lambda: {r: RoleCounts() for r in ROLES})


@dataclass
class CohortNominations:
    cohort: Cohort
    organisations: list[OrganisationNominations]
    totals: dict[str, RoleCounts]
    nominees: list[Nominee]  # every participation, by organisation, role and name

    @property
    def awaiting_answer(self) -> list[Nominee]:
        """Invited, not answered yet: no consent so far."""
        return [n for n in self.nominees if n.participation.status == ParticipationStatus.INVITED]

    @property
    def incomplete_profiles(self) -> list[Nominee]:
        """Taking part, but the profile the matching needs is not complete."""
        return [n for n in self.nominees
                if n.participation.status == ParticipationStatus.ACTIVE and not n.completeness.complete]

    @property
    def largest(self) -> int:
        """The scale of the bar chart: the longest bar is 100%."""
        return max(self.totals[ParticipationRole.MENTOR].holding, self.totals[ParticipationRole.MENTEE].holding,
                   self.totals[ParticipationRole.MENTOR].quota, self.totals[ParticipationRole.MENTEE].quota, 1)


def _completeness_by_participation(session: Session, cohort_id: int) -> dict[int, Completeness]:
    """Every participation's profile completeness in the cohort: two queries, whatever its size."""
    in_cohort = sa.select(Participation.id).where(Participation.cohort_id == cohort_id).scalar_subquery()
    return completeness_of(session, in_cohort)


def cohort_nominations(session: Session, cohort: Cohort) -> CohortNominations:
    """The cohort's nominations across organisations: five queries, whatever the cohort's size."""
    with club_scope(session):
        organisations = {o.id: o for o in session.scalars(sa.select(Organisation))}
        quotas = list(session.scalars(sa.select(CohortQuota).where(CohortQuota.cohort_id == cohort.id)))
        rows = session.execute(
            sa.select(Participation, User)
            .join(User, User.id == Participation.user_id)
            .where(Participation.cohort_id == cohort.id)
        ).all()
        completeness = _completeness_by_participation(session, cohort.id)

    per_org: dict[int, OrganisationNominations] = {}

    def row_for(organisation_id: int) -> OrganisationNominations:
        if organisation_id not in per_org:
            per_org[organisation_id] = OrganisationNominations(organisation=organisations[organisation_id])
        return per_org[organisation_id]

    totals: dict[str, RoleCounts] = {r: RoleCounts() for r in ROLES}  # keyed like the stored role, a str
    for quota in quotas:
        if quota.mentors or quota.mentees:
            counts = row_for(quota.organisation_id).roles
            counts[ParticipationRole.MENTOR].quota = quota.mentors
            counts[ParticipationRole.MENTEE].quota = quota.mentees
            totals[ParticipationRole.MENTOR].quota += quota.mentors
            totals[ParticipationRole.MENTEE].quota += quota.mentees
    empty = profile_completeness(None, [])
    nominees = []
    for participation, person in rows:
        row_for(participation.organisation_id).roles[participation.role].by_status[participation.status] += 1
        totals[participation.role].by_status[participation.status] += 1
        nominees.append(Nominee(participation=participation, person=person,
                                organisation=organisations[participation.organisation_id],
                                completeness=completeness.get(participation.id, empty)))
    nominees.sort(key=lambda n: (n.organisation.name.casefold(), ROLES.index(n.participation.role),
                                 n.person.display_name.casefold(), n.participation.id))
    ordered = sorted(per_org.values(), key=lambda row: row.organisation.name.casefold())
    return CohortNominations(cohort=cohort, organisations=ordered, totals=totals, nominees=nominees)
