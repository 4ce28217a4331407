"""Read models for the board's pages. Club scope: the caller's request has opened it."""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from functools import cache
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased, selectinload

from tandem.platform.board.models import OrganisationExclusion, Topic
from tandem.platform.cohorts.models import (
    Cohort,
    CohortState,
    Participation,
    ParticipationRole,
    ParticipationStatus,
)
from tandem.platform.identity.models import User
from tandem.platform.participant.models import ProfileTopic
from tandem.platform.rematch.models import RematchRequest, RematchStatus
from tandem.platform.workbench.models import Pair
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
    waiting_rematch_requests: int = 0  # open rematch requests of its pairs: the board decides

    @property
    def step(self) -> int:
        return LIFECYCLE.index(CohortState(self.cohort.state)) + 1


@cache
def _summary_statements() -> tuple[sa.Select[Cohort], sa.Select[int, str, str, int], sa.Select[int, int],
                                  sa.Select[int, int]]:
    """The statements of `cohort_summaries`, built once per process (a statement is immutable; building these
    cost about as much as running them)."""
    return (
        sa.select(Cohort).order_by(Cohort.kickoff_on.desc().nulls_last(), Cohort.name),
        sa.select(
            Participation.cohort_id,
            Participation.role,
            Participation.status,
            sa.func.count(Participation.id),
        ).group_by(Participation.cohort_id, Participation.role, Participation.status),
        sa.select(Participation.cohort_id, Participation.organisation_id).distinct(),
        sa.select(Pair.cohort_id, sa.func.count(RematchRequest.id))
        .join(Pair, Pair.id == RematchRequest.pair_id)
        .where(RematchRequest.status == RematchStatus.OPEN)
        .group_by(Pair.cohort_id),
    )


def cohort_summaries(session: Session) -> list[CohortSummary]:
    """Every cohort with its head counts and its rematch requests waiting: four queries whatever the number of
    cohorts or people."""
    cohorts_statement, counts_statement, organisations_statement, waiting_statement = _summary_statements()
    cohorts = session.scalars(cohorts_statement).all()
    summaries = {c.id: CohortSummary(cohort=c) for c in cohorts}
    counted = session.execute(counts_statement).all()
    organisations: dict[int, set[int]] = defaultdict(set)
    org_rows = session.execute(organisations_statement).all()
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
    for cohort_id, waiting in session.execute(waiting_statement):
        if cohort_id in summaries:
            summaries[cohort_id].waiting_rematch_requests = waiting
    return list(summaries.values())


@cache
def _member_organisations_statement() -> sa.Select[Any]:
    return sa.select(Organisation).options(selectinload(Organisation.domains)).order_by(Organisation.name)


def member_organisations(session: Session) -> list[Organisation]:
    return list(session.scalars(_member_organisations_statement()))


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


def organisation_choices(session: Session) -> list[tuple[int, str]]:
    """(id, name) of every member organisation, for select fields: one query."""
    return [(oid, name) for oid, name in session.execute(
        sa.select(Organisation.id, Organisation.name).order_by(Organisation.name))]


@dataclass
class ExclusionRow:
    exclusion: OrganisationExclusion
    first: Organisation
    second: Organisation


def exclusion_list(session: Session) -> list[ExclusionRow]:
    """Every excluded pair with both organisations: one query."""
    first, second = aliased(Organisation), aliased(Organisation)
    rows = session.execute(
        sa.select(OrganisationExclusion, first, second)
        .join(first, first.id == OrganisationExclusion.organisation_a_id)
        .join(second, second.id == OrganisationExclusion.organisation_b_id)
        .order_by(first.name, second.name)
    ).all()
    return [ExclusionRow(exclusion=e, first=a, second=b) for e, a, b in rows]


@dataclass
class TopicRow:
    topic: Topic
    profiles: int = 0  # how many profiles chose it (club-wide)


def topics_with_use(session: Session) -> list[TopicRow]:
    """The whole catalogue, active topics first, with how often each is chosen: two queries."""
    rows = {t.id: TopicRow(topic=t) for t in session.scalars(
        sa.select(Topic).order_by(Topic.is_active.desc(), Topic.label_en))}
    for topic_id, count in session.execute(
        sa.select(ProfileTopic.topic_id, sa.func.count(ProfileTopic.id)).group_by(ProfileTopic.topic_id)
    ):
        if topic_id in rows:
            rows[topic_id].profiles = count
    return list(rows.values())
