"""Read models for the organisation admin's nominations (the request's tenant scope is the organisation's).

A fixed number of queries each, whatever the number of cohorts, people or rows in a file.
"""

from __future__ import annotations

from collections.abc import Iterable
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.cohorts.models import (
    OCCUPYING_STATUSES,
    Cohort,
    CohortQuota,
    CohortState,
    Participation,
    ParticipationRole,
    ParticipationStatus,
)
from tandem.platform.identity.models import User
from tandem.platform.pagination import Page, paginate
from tandem.platform.participant.completeness import Completeness, profile_completeness
from tandem.platform.participant.queries import completeness_of
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import Organisation
from tandem.tenants.nominations.csv_import import CohortInfo, ExistingPerson, ImportContext

ROLES = (ParticipationRole.MENTOR, ParticipationRole.MENTEE)
# Cohorts whose nominations the organisation admin still manages: open ones, and those being matched
# (withdrawing and inviting again are still possible then).
MANAGED_STATES = (CohortState.NOMINATIONS_OPEN, CohortState.MATCHING)
WITHDRAWABLE_STATUSES = OCCUPYING_STATUSES


def open_cohorts(session: Session) -> list[Cohort]:
    """Cohorts that take nominations now, the next deadline first. Cohorts are club-level: not scoped."""
    return list(session.scalars(
        sa.select(Cohort).where(Cohort.state == CohortState.NOMINATIONS_OPEN)
        .order_by(Cohort.nomination_deadline.is_(None), Cohort.nomination_deadline, Cohort.name)
    ))


def import_context(session: Session, organisation: Organisation, emails: Iterable[str], *,
                   lock: bool = False) -> ImportContext:
    """What the nomination checks need, for the organisation and the given addresses: six queries.

    With `lock`, the organisation's quota rows are locked until the transaction ends (PostgreSQL), so that
    two nominations at the same moment cannot both take the last place.
    """
    emails = sorted(set(emails))
    cohorts = list(session.scalars(sa.select(Cohort)))
    infos = {c.slug: CohortInfo(id=c.id, slug=c.slug, name=c.name, is_open=c.state == CohortState.NOMINATIONS_OPEN)
             for c in cohorts}
    open_ids = [c.id for c in cohorts if c.state == CohortState.NOMINATIONS_OPEN]
    quota_query = sa.select(CohortQuota).where(CohortQuota.cohort_id.in_(open_ids))
    if lock:
        quota_query = quota_query.with_for_update()
    quotas: dict[tuple[int, str], int] = {}
    for quota in session.scalars(quota_query):
        quotas[(quota.cohort_id, ParticipationRole.MENTOR.value)] = quota.mentors
        quotas[(quota.cohort_id, ParticipationRole.MENTEE.value)] = quota.mentees
    held = {(cohort_id, role): count for cohort_id, role, count in session.execute(
        sa.select(Participation.cohort_id, Participation.role, sa.func.count(Participation.id))
        .where(Participation.cohort_id.in_(open_ids), Participation.status.in_(OCCUPYING_STATUSES))
        .group_by(Participation.cohort_id, Participation.role)
    )}
    people: dict[str, ExistingPerson] = {}
    participations: dict[tuple[str, int], str] = {}
    foreign: frozenset[str] = frozenset()
    if emails:
        for user in session.scalars(sa.select(User).where(User.email.in_(emails))):
            people[user.email] = ExistingPerson(user_id=user.id, display_name=user.display_name,
                                                is_active=user.is_active)
        for email, cohort_id, status in session.execute(
            sa.select(User.email, Participation.cohort_id, Participation.status)
            .join(User, User.id == Participation.user_id).where(User.email.in_(emails))
        ):
            participations[(email, cohort_id)] = status
        # Addresses of other organisations' people: a club-wide look-up, on purpose, that only says "taken".
        with club_scope(session):
            foreign = frozenset(session.scalars(
                sa.select(User.email).where(User.email.in_(emails), User.organisation_id != organisation.id)
            ))
    return ImportContext(domains=frozenset(organisation.approved_domains), cohorts=infos,
                         quotas=quotas, held=held, people=people, participations=participations,
                         foreign_emails=foreign)


@dataclass
class Nomination:
    participation: Participation
    person: User
    completeness: Completeness

    @property
    def can_withdraw(self) -> bool:
        return self.participation.status in WITHDRAWABLE_STATUSES

    @property
    def can_invite(self) -> bool:
        return self.participation.status in (ParticipationStatus.NOMINATED, ParticipationStatus.INVITED)


@dataclass
class RolePlaces:
    quota: int = 0
    held: int = 0

    @property
    def left(self) -> int:
        return max(self.quota - self.held, 0)


NOMINATIONS_PER_PAGE = 50


def page_param(cohort_id: int) -> str:
    """The GET parameter of a cohort's page of nominations (each cohort's list has its own pages)."""
    return f"p{cohort_id}"


@dataclass
class CohortNominations:
    cohort: Cohort
    places: dict[str, RolePlaces] = field(default_factory=lambda: {r: RolePlaces() for r in ROLES})
    nominations: list[Nomination] = field(default_factory=list)  # of the page shown
    page: Page = field(default_factory=lambda: paginate(0, 1, NOMINATIONS_PER_PAGE))

    @property
    def param(self) -> str:
        return page_param(self.cohort.id)

    @property
    def is_open(self) -> bool:
        return self.cohort.state == CohortState.NOMINATIONS_OPEN

    @property
    def places_left(self) -> int:
        return sum(p.left for p in self.places.values())


def nominations_overview(session: Session, pages: dict[int, int] | None = None) -> list[CohortNominations]:
    """Per managed cohort: the organisation's quota used and left per role (aggregate queries), and the page of
    its nominations asked for in `pages` (cohort id -> page; the first by default) with their profile
    completeness. Six queries, whatever the number of cohorts and people; rows only for the pages shown."""
    pages = pages or {}
    cohorts = list(session.scalars(
        sa.select(Cohort).where(Cohort.state.in_(MANAGED_STATES))
        .order_by(Cohort.state != CohortState.NOMINATIONS_OPEN, Cohort.nomination_deadline.is_(None),
                  Cohort.nomination_deadline, Cohort.name)
    ))
    views = {c.id: CohortNominations(cohort=c) for c in cohorts}
    if not views:
        return []
    ids = list(views)
    for quota in session.scalars(sa.select(CohortQuota).where(CohortQuota.cohort_id.in_(ids))):
        views[quota.cohort_id].places[ParticipationRole.MENTOR].quota = quota.mentors
        views[quota.cohort_id].places[ParticipationRole.MENTEE].quota = quota.mentees
    totals: dict[int, int] = {cohort_id: 0 for cohort_id in ids}
    for cohort_id, role, status, count in session.execute(
            sa.select(Participation.cohort_id, Participation.role, Participation.status,
                      sa.func.count(Participation.id))
            .where(Participation.cohort_id.in_(ids))
            .group_by(Participation.cohort_id, Participation.role, Participation.status)):
        totals[cohort_id] += count
        if status in OCCUPYING_STATUSES:
            views[cohort_id].places[role].held += count
    for cohort_id, view in views.items():
        view.page = paginate(totals[cohort_id], pages.get(cohort_id, 1), NOMINATIONS_PER_PAGE)
    # Each cohort's page in one query: the rows numbered per cohort in the list's order, then each cohort's range.
    position = sa.func.row_number().over(
        partition_by=Participation.cohort_id, order_by=(Participation.role, User.display_name, Participation.id))
    numbered = (sa.select(Participation.id.label("participation_id"), position.label("position"))
                .join(User, User.id == Participation.user_id)
                .where(Participation.cohort_id.in_(ids)).subquery())
    start = sa.case(*((Participation.cohort_id == cohort_id, view.page.offset) for cohort_id, view in views.items()),
                    else_=0)
    rows = session.execute(
        sa.select(Participation, User)
        .join(User, User.id == Participation.user_id)
        .join(numbered, numbered.c.participation_id == Participation.id)
        .where(numbered.c.position > start, numbered.c.position <= start + NOMINATIONS_PER_PAGE)
        .order_by(Participation.cohort_id, numbered.c.position)
    ).all()
    completeness = completeness_of(session, [participation.id for participation, _person in rows])
    nothing_entered = profile_completeness(None, [])
    for participation, person in rows:
        views[participation.cohort_id].nominations.append(Nomination(
            participation=participation, person=person,
            completeness=completeness.get(participation.id, nothing_entered),
        ))
    return list(views.values())
