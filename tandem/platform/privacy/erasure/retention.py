"""Retention: personal data is kept RETENTION_MONTHS after a person's last cohort is archived, then erased.

A person is due when every cohort they took part in is archived (no later cohort), the last one was archived
more than RETENTION_MONTHS ago, and they hold no role that needs their account (board member, organisation
admin). The moment a cohort was archived is its last `cohort.state_changed` audit event to "archived" (a cohort
archived without one, as the demo's, counts from its symposium or closing day).

`run_retention` is the daily job's body: it erases the people due, and carries out the requests for erasure
that are confirmed or whose `erase_on` has come; one commit per person, so a failure loses nobody else's.
"""

from __future__ import annotations

import calendar
import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime

import sqlalchemy as sa
from flask import current_app
from sqlalchemy.orm import Session

from tandem.platform.audit_models import AuditEvent
from tandem.platform.board.models import BoardMember
from tandem.platform.clock import club_zone
from tandem.platform.cohorts.models import Cohort, CohortState, Participation
from tandem.platform.identity.models import User
from tandem.platform.privacy.erasure.erase import ERASED_DOMAIN
from tandem.platform.privacy.models import ErasureRequest, ErasureStatus
from tandem.tenants.models import Organisation, OrganisationAdmin

log = logging.getLogger(__name__)


def add_months(day: date, months: int) -> date:
    month = day.month - 1 + months
    year, month = day.year + month // 12, month % 12 + 1
    return date(year, month, min(day.day, calendar.monthrange(year, month)[1]))


@dataclass(frozen=True)
class Scheduled:
    user_id: int
    name: str
    organisation_name: str
    last_cohort: str
    archived_on: date
    erase_on: date


def archived_days(session: Session) -> dict[int, tuple[str, date]]:
    """Each archived cohort's name and the day it was archived (club zone). Two queries."""
    cohorts = session.execute(sa.select(Cohort.id, Cohort.name, Cohort.symposium_on, Cohort.closing_on,
                                        Cohort.created_at)
                              .where(Cohort.state == CohortState.ARCHIVED)).all()
    if not cohorts:
        return {}
    moments: dict[int, datetime] = {}
    events = session.execute(sa.select(AuditEvent.target_id, AuditEvent.occurred_at, AuditEvent.details).where(
        AuditEvent.action == "cohort.state_changed", AuditEvent.target_type == "cohort",
        AuditEvent.target_id.in_([row.id for row in cohorts])))
    for target_id, occurred_at, details in events:
        if ((details or {}).get("to") == CohortState.ARCHIVED and target_id is not None
                and (target_id not in moments or occurred_at > moments[target_id])):
            moments[target_id] = occurred_at
    days = {}
    for row in cohorts:
        if row.id in moments:
            day = _club_day(moments[row.id])
        else:
            day = row.symposium_on or row.closing_on or row.created_at.date()
        days[row.id] = (row.name, day)
    return days


def _club_day(moment: datetime) -> date:
    if moment.tzinfo is None:
        moment = moment.replace(tzinfo=UTC)
    return moment.astimezone(club_zone()).date()


def schedule(session: Session, months: int | None = None) -> list[Scheduled]:
    """Everybody retention will erase, and when, soonest first (club scope). Three queries."""
    months = current_app.config["TANDEM"].retention_months if months is None else months
    archived = archived_days(session)
    rows = session.execute(
        sa.select(Participation.user_id, Participation.cohort_id, User.display_name, Organisation.name)
        .join(User, User.id == Participation.user_id)
        .join(Organisation, Organisation.id == User.organisation_id)
        .where(~User.email.endswith("@" + ERASED_DOMAIN),
               ~sa.exists().where(BoardMember.user_id == User.id),
               ~sa.exists().where(OrganisationAdmin.user_id == User.id))).all()
    people: dict[int, _Person] = {}
    for row in rows:
        person = people.setdefault(row.user_id, _Person(row.display_name, row.name))
        person.cohorts.append(row.cohort_id)
    scheduled = []
    for user_id, person in people.items():
        if not all(cohort_id in archived for cohort_id in person.cohorts):
            continue  # a later cohort, still running
        name, day = max((archived[cohort_id] for cohort_id in person.cohorts), key=lambda item: item[1])
        scheduled.append(Scheduled(user_id=user_id, name=person.name, organisation_name=person.organisation,
                                   last_cohort=name, archived_on=day, erase_on=add_months(day, months)))
    return sorted(scheduled, key=lambda item: (item.erase_on, item.name))


@dataclass
class _Person:
    name: str
    organisation: str
    cohorts: list[int] = field(default_factory=list)


@dataclass
class RetentionOutcome:
    erased_by_retention: int = 0
    erased_on_request: int = 0
    failed: int = 0

    def as_dict(self) -> dict[str, int]:
        result = {"erased_by_retention": self.erased_by_retention, "erased_on_request": self.erased_on_request}
        if self.failed:
            result["failed"] = self.failed
        return result


def run_retention(session: Session, today: date) -> RetentionOutcome:
    """Erase the people whose retention has run out and carry out the requests due (club scope; commits after
    each person)."""
    from tandem.platform.privacy.erasure.operations import carry_out, erase

    outcome = RetentionOutcome()
    due_requests = list(session.scalars(sa.select(ErasureRequest.id).where(
        ErasureRequest.user_id.is_not(None),
        sa.or_(ErasureRequest.status == ErasureStatus.CONFIRMED,
               sa.and_(ErasureRequest.status == ErasureStatus.REQUESTED, ErasureRequest.erase_on <= today)))
        .order_by(ErasureRequest.id)))
    for request_id in due_requests:
        try:
            done = carry_out(session, request_id, today=today) is not None
            session.commit()
        except Exception:  # one person's failure loses nobody else's erasure; the next run tries again
            session.rollback()
            log.exception("erasure of request %s failed", request_id)
            outcome.failed += 1
            continue
        outcome.erased_on_request += int(done)
    for item in schedule(session):
        if item.erase_on > today:
            break
        try:
            erase(session, item.user_id, reason="retention")
            session.commit()
        except Exception:
            session.rollback()
            log.exception("retention's erasure of user %s failed", item.user_id)
            outcome.failed += 1
            continue
        outcome.erased_by_retention += 1
    return outcome
