"""Read models for the board's cohort pages. Club scope (the board's requests hold it; opened here explicitly
too). A fixed number of queries per page, whatever the number of organisations and people."""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

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
from tandem.platform.pagination import Page, paginate
from tandem.platform.participant.completeness import Completeness, profile_completeness
from tandem.platform.participant.models import Profile, ProfileTopic
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


# --------------------------------------------------------------- the nominations page, a page at a time

ORGANISATIONS_PER_PAGE = 25
PEOPLE_PER_PAGE = 25


def _nonempty_json(column: Any) -> Any:
    """A JSON list column that holds at least one value (stored as text '[]' or 'null' when empty)."""
    text = sa.cast(column, sa.Text)
    return sa.and_(column.is_not(None), text.not_in(("[]", "null")))


def _filled(column: Any) -> Any:
    return sa.func.length(sa.func.trim(sa.func.coalesce(column, ""))) > 0


def profile_complete() -> Any:
    """SQL: the participation (of the outer query) has a complete profile, as `profile_completeness` says (a
    city is needed only for meetings in person; the top three topics ranked 1 to 3)."""
    ranked = (sa.select(sa.func.count(ProfileTopic.id))
              .where(ProfileTopic.participation_id == Participation.id, ProfileTopic.rank.is_not(None))
              .scalar_subquery())
    profile = sa.exists().where(
        Profile.participation_id == Participation.id,
        _nonempty_json(Profile.languages), _filled(Profile.format),
        sa.or_(Profile.format == "remote", _filled(Profile.city)),
        _nonempty_json(Profile.weekdays), _filled(Profile.career_band), _filled(Profile.bio), _filled(Profile.aims))
    return sa.and_(ranked == 3, profile)


@dataclass
class NominationsPage:
    """The board's nominations page: counts over the whole cohort (aggregate queries), the organisations and the
    people of the pages shown."""

    cohort: Cohort
    organisations: list[OrganisationNominations]  # of the organisations' page
    organisations_page: Page
    totals: dict[str, RoleCounts]
    waiting: list[Nominee]  # invited, not answered yet: of the page shown
    waiting_page: Page
    incomplete: list[Nominee]  # taking part, profile incomplete: of the page shown
    incomplete_page: Page

    @property
    def largest(self) -> int:
        """The scale of the bar chart: the longest bar is 100%."""
        return max(self.totals[ParticipationRole.MENTOR].holding, self.totals[ParticipationRole.MENTEE].holding,
                   self.totals[ParticipationRole.MENTOR].quota, self.totals[ParticipationRole.MENTEE].quota, 1)

    @property
    def shown_people(self) -> list[int]:
        """The people whose data the page shows (for the log of who saw whose data)."""
        return [nominee.person.id for nominee in self.waiting + self.incomplete]


def nominations_page(session: Session, cohort: Cohort, *, organisations_page: int = 1, waiting_page: int = 1,
                     incomplete_page: int = 1) -> NominationsPage:
    """The cohort's nominations across organisations, the pages asked for: nine queries, whatever the size of
    the cohort; rows are loaded only for what is shown."""
    with club_scope(session):
        counted = session.execute(
            sa.select(Participation.organisation_id, Participation.role, Participation.status,
                      sa.func.count(Participation.id))
            .where(Participation.cohort_id == cohort.id)
            .group_by(Participation.organisation_id, Participation.role, Participation.status)).all()
        quotas = session.execute(
            sa.select(CohortQuota.organisation_id, CohortQuota.mentors, CohortQuota.mentees)
            .where(CohortQuota.cohort_id == cohort.id, sa.or_(CohortQuota.mentors > 0, CohortQuota.mentees > 0))
        ).all()
        involved = {row[0] for row in counted} | {row[0] for row in quotas}
        names = {org_id: name for org_id, name in session.execute(
            sa.select(Organisation.id, Organisation.name).where(Organisation.id.in_(involved)))}
        ordered = sorted(involved, key=lambda org_id: (names.get(org_id, "").casefold(), org_id))
        org_page = paginate(len(ordered), organisations_page, ORGANISATIONS_PER_PAGE)
        shown_orgs = ordered[org_page.offset:org_page.offset + org_page.size]
        organisations = {o.id: o for o in session.scalars(
            sa.select(Organisation).where(Organisation.id.in_(shown_orgs)))}

        incomplete_filter = sa.and_(Participation.cohort_id == cohort.id,
                                    Participation.status == ParticipationStatus.ACTIVE, ~profile_complete())
        incomplete_total = int(session.scalar(
            sa.select(sa.func.count(Participation.id)).where(incomplete_filter)) or 0)

        totals: dict[str, RoleCounts] = {r: RoleCounts() for r in ROLES}
        per_org: dict[int, OrganisationNominations] = {
            org_id: OrganisationNominations(organisation=organisations[org_id]) for org_id in shown_orgs}
        for org_id, mentors, mentees in quotas:
            totals[ParticipationRole.MENTOR].quota += mentors
            totals[ParticipationRole.MENTEE].quota += mentees
            if org_id in per_org:
                per_org[org_id].roles[ParticipationRole.MENTOR].quota = mentors
                per_org[org_id].roles[ParticipationRole.MENTEE].quota = mentees
        for org_id, role, status, count in counted:
            totals[role].by_status[status] += count
            if org_id in per_org:
                per_org[org_id].roles[role].by_status[status] += count
        invited = sum(counts.by_status[ParticipationStatus.INVITED] for counts in totals.values())
        wait_page = paginate(invited, waiting_page, PEOPLE_PER_PAGE)
        waiting = _nominees(session, sa.and_(Participation.cohort_id == cohort.id,
                                             Participation.status == ParticipationStatus.INVITED), wait_page)
        lacking_page = paginate(incomplete_total, incomplete_page, PEOPLE_PER_PAGE)
        incomplete = _nominees(session, incomplete_filter, lacking_page)
        completeness = completeness_of(session, [n.participation.id for n in waiting + incomplete])
    empty = profile_completeness(None, [])
    for nominee in waiting + incomplete:
        nominee.completeness = completeness.get(nominee.participation.id, empty)
    return NominationsPage(cohort=cohort, organisations=[per_org[org_id] for org_id in shown_orgs],
                           organisations_page=org_page, totals=totals, waiting=waiting, waiting_page=wait_page,
                           incomplete=incomplete, incomplete_page=lacking_page)


def _nominees(session: Session, where: Any, page: Page) -> list[Nominee]:
    """The participations matching `where` on `page`, by organisation, role and name: one query."""
    empty = profile_completeness(None, [])
    return [Nominee(participation=participation, person=person, organisation=organisation, completeness=empty)
            for participation, person, organisation in session.execute(
                sa.select(Participation, User, Organisation)
                .join(User, User.id == Participation.user_id)
                .join(Organisation, Organisation.id == Participation.organisation_id)
                .where(where)
                .order_by(sa.func.lower(Organisation.name),
                          sa.case((Participation.role == ParticipationRole.MENTOR, 0), else_=1),
                          sa.func.lower(User.display_name), Participation.id)
                .offset(page.offset).limit(page.size))]
