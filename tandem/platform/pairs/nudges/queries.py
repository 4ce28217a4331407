"""Reads of the nudges: for the job (club scope: who is told of a step, who is who in the pairs, each person's
last nudge mail and setting), and for a person's own setting page. Each read is one query for any number of
pairs or people (the callers pass batches)."""

from __future__ import annotations

from collections import defaultdict
from collections.abc import Collection
from dataclasses import dataclass
from datetime import date, datetime

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from tandem.platform.board.models import BoardMember
from tandem.platform.cohorts.models import Cohort, CohortState, Participation
from tandem.platform.database import as_utc
from tandem.platform.identity.models import User
from tandem.platform.pairs.models import NudgeDelivery, NudgePreference, PairNudge
from tandem.platform.workbench.models import Pair, PairStatus
from tandem.tenants.models import Organisation, OrganisationAdmin


@dataclass(frozen=True)
class PairPeople:
    """Who is in a pair: for the recipients of a step and the words of a mail (names and organisations only)."""

    pair_id: int
    cohort_id: int
    mentor_user_id: int
    mentor_organisation_id: int
    mentor_name: str
    mentor_organisation: str
    mentee_user_id: int
    mentee_organisation_id: int
    mentee_name: str
    mentee_organisation: str


@dataclass(frozen=True)
class Pending:
    """A delivery not yet mailed, with its step."""

    delivery_id: int
    user_id: int
    pair_id: int
    step: str
    due_on: date


def running_pairs(session: Session) -> list[tuple[int, int]]:
    """(pair id, cohort id) of the active pairs of running cohorts, by pair id. Club scope."""
    return [(pair_id, cohort_id) for pair_id, cohort_id in session.execute(
        sa.select(Pair.id, Pair.cohort_id).join(Cohort, Cohort.id == Pair.cohort_id)
        .where(Cohort.state == CohortState.RUNNING, Pair.status == PairStatus.ACTIVE)
        .order_by(Pair.id))]


def cohorts_by_id(session: Session, cohort_ids: Collection[int]) -> dict[int, Cohort]:
    if not cohort_ids:
        return {}
    return {cohort.id: cohort for cohort in session.scalars(sa.select(Cohort).where(Cohort.id.in_(cohort_ids)))}


def pair_people(session: Session, pair_ids: Collection[int]) -> dict[int, PairPeople]:
    """The two people of each pair with their users' names and organisations: one query. Club scope."""
    if not pair_ids:
        return {}
    mentor, mentee = aliased(Participation), aliased(Participation)
    mentor_user, mentee_user = aliased(User), aliased(User)
    mentor_org, mentee_org = aliased(Organisation), aliased(Organisation)
    rows = session.execute(
        sa.select(Pair.id, Pair.cohort_id,
                  mentor_user.id, mentor_org.id, mentor_user.display_name, mentor_org.name,
                  mentee_user.id, mentee_org.id, mentee_user.display_name, mentee_org.name)
        .join(mentor, mentor.id == Pair.mentor_participation_id)
        .join(mentee, mentee.id == Pair.mentee_participation_id)
        .join(mentor_user, mentor_user.id == mentor.user_id)
        .join(mentee_user, mentee_user.id == mentee.user_id)
        .join(mentor_org, mentor_org.id == mentor.organisation_id)
        .join(mentee_org, mentee_org.id == mentee.organisation_id)
        .where(Pair.id.in_(list(pair_ids)))
    ).all()
    return {row[0]: PairPeople(*tuple(row)) for row in rows}


def board_user_ids(session: Session) -> set[int]:
    """The active members of the club board. Club scope."""
    return set(session.scalars(sa.select(BoardMember.user_id).join(User, User.id == BoardMember.user_id)
                               .where(User.is_active.is_(True))))


def admins_by_organisation(session: Session, organisation_ids: Collection[int]) -> dict[int, set[int]]:
    """The active admins of each organisation: organisation id -> user ids. Club scope."""
    found: dict[int, set[int]] = defaultdict(set)
    if organisation_ids:
        for organisation_id, user_id in session.execute(
                sa.select(OrganisationAdmin.organisation_id, OrganisationAdmin.user_id)
                .join(User, User.id == OrganisationAdmin.user_id)
                .where(OrganisationAdmin.organisation_id.in_(list(organisation_ids)), User.is_active.is_(True))):
            found[organisation_id].add(user_id)
    return found


def recorded_steps(session: Session, pair_ids: Collection[int]) -> set[tuple[int, str, date]]:
    """(pair id, step, due date) of the ledger, for the pairs."""
    if not pair_ids:
        return set()
    return {(pair_id, str(step), due_on) for pair_id, step, due_on in session.execute(
        sa.select(PairNudge.pair_id, PairNudge.step, PairNudge.due_on).where(PairNudge.pair_id.in_(list(pair_ids))))}


def pending_deliveries(session: Session) -> list[Pending]:
    """Every delivery not yet mailed (nor marked done), by person and pair. Club scope."""
    return [Pending(*row) for row in session.execute(
        sa.select(NudgeDelivery.id, NudgeDelivery.user_id, PairNudge.pair_id, PairNudge.step, PairNudge.due_on)
        .join(PairNudge, PairNudge.id == NudgeDelivery.nudge_id)
        .where(NudgeDelivery.mailed_at.is_(None))
        .order_by(NudgeDelivery.user_id, PairNudge.pair_id, NudgeDelivery.id))]


def users_by_id(session: Session, user_ids: Collection[int]) -> dict[int, User]:
    """The people, with their organisations (joined). Club scope."""
    if not user_ids:
        return {}
    return {user.id: user for user in session.scalars(sa.select(User).where(User.id.in_(list(user_ids))))}


def last_mailed(session: Session, user_ids: Collection[int]) -> dict[int, datetime]:
    """When each person's last nudge mail was queued (deliveries marked done without a mail do not count)."""
    if not user_ids:
        return {}
    return {user_id: as_utc(moment) for user_id, moment in session.execute(
        sa.select(NudgeDelivery.user_id, sa.func.max(NudgeDelivery.mailed_at))
        .where(NudgeDelivery.user_id.in_(list(user_ids)), NudgeDelivery.mailed_at.is_not(None),
               NudgeDelivery.outbox_message_id.is_not(None))
        .group_by(NudgeDelivery.user_id)) if moment is not None}


def digest_user_ids(session: Session, user_ids: Collection[int]) -> set[int]:
    """The people who chose the weekly digest. Club scope (the preference is tenant-owned)."""
    if not user_ids:
        return set()
    return set(session.scalars(sa.select(NudgePreference.user_id).where(
        NudgePreference.user_id.in_(list(user_ids)), NudgePreference.weekly_digest.is_(True))))


@dataclass(frozen=True)
class MySetting:
    """A person's own nudge setting page: their choice, their last nudge mail, what waits for the next one."""

    weekly_digest: bool
    last_mailed_at: datetime | None
    waiting: int


def my_setting(session: Session, user_id: int) -> MySetting:
    """The signed-in person's setting (their own organisation's scope) and their own deliveries: two queries."""
    weekly_digest = session.scalar(sa.select(NudgePreference.weekly_digest).where(NudgePreference.user_id == user_id))
    last, waiting = session.execute(
        sa.select(sa.func.max(sa.case((NudgeDelivery.outbox_message_id.is_not(None), NudgeDelivery.mailed_at))),
                  sa.func.count(sa.case((NudgeDelivery.mailed_at.is_(None), NudgeDelivery.id))))
        .where(NudgeDelivery.user_id == user_id)).one()
    return MySetting(weekly_digest=bool(weekly_digest), last_mailed_at=as_utc(last) if last is not None else None,
                     waiting=int(waiting or 0))
