"""Read models of pair health: what the board and the organisations' admins see of pairs.

Metadata only, by construction: every query names its columns, and none of them is a meeting's summary or
place, a private note, a check-in's comment, the agreement's text or a goal's text. A fixed number of
statements for any number of pairs:

- the board's pair health of a cohort (`cohort_health`): the pairs with both people (one), their facts
  (`facts.pair_facts`, six), their goals' counts (one), the held meetings' dates for the chart (one);
- the board's page of one pair (`board_pair_detail`): the same for one pair, then its meetings' dates and
  states, the agreement's confirmations, rematch requests, the mentor's requests for help (addressed to the
  board), the board's messages and the closure (one each);
- an organisation admin's pairs (`organisation_pairs`): the organisation's own participations in running or
  closing cohorts (its scope, one), then in club scope the pairs of exactly those with the partner's name
  and organisation only (one), and their facts (six).
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from enum import StrEnum
from typing import Any

import sqlalchemy as sa
from sqlalchemy.orm import Session, aliased

from tandem.platform.cohorts.models import Cohort, CohortState, Participation
from tandem.platform.identity.models import User
from tandem.platform.pairs.facts import club_date, pair_facts, rhythm_of
from tandem.platform.pairs.models import (
    BoardMessage,
    ClosureOutcome,
    GoalStatus,
    HelpRequest,
    MeetingStatus,
    PairAgreement,
    PairClosure,
    PairGoal,
    PairMeeting,
)
from tandem.platform.pairs.rhythm import Flag, PairFacts, check_in_average, expected_by, flags
from tandem.platform.rematch.models import RematchRequest
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tandem.tenants.models import Organisation

PUBLISHED = (PairStatus.ACTIVE, PairStatus.ENDED)
ADMIN_COHORT_STATES = (CohortState.RUNNING, CohortState.CLOSING)


class PairState(StrEnum):
    """Where a pair stands, as the board and the admins read it."""

    ACTIVE = "active"
    COMPLETED = "completed"
    ENDED_EARLY = "ended_early"
    PARTNER_WITHDREW = "partner_withdrew"


STATE_ORDER = tuple(PairState)


@dataclass(frozen=True)
class Person:
    """One side of a pair as the board sees it."""

    participation_id: int
    role: str
    user_id: int
    name: str
    email: str
    preferred_language: str | None
    is_active: bool
    organisation_id: int
    organisation_name: str


@dataclass(frozen=True)
class PairPeople:
    pair_id: int
    status: str
    mentor: Person
    mentee: Person
    closure_outcome: str | None
    ended_at: datetime | None

    @property
    def both(self) -> tuple[Person, Person]:
        return (self.mentor, self.mentee)

    def of_organisation(self, organisation_id: int) -> list[Person]:
        """The pair's people of that organisation (one, or both)."""
        return [person for person in self.both if person.organisation_id == organisation_id]


@dataclass(frozen=True)
class HealthRow:
    """One pair's line of the board's pair health."""

    pair_id: int
    mentor: Person
    mentee: Person
    state: PairState
    held: int
    expected: int
    last_held_on: date | None
    next_planned_on: date | None
    check_in_average: float | None
    check_in_count: int
    goals_done: int
    goals_total: int
    rematch_open: bool
    help_open: bool
    flags: tuple[Flag, ...]

    @property
    def organisation_ids(self) -> tuple[int, int]:
        return (self.mentor.organisation_id, self.mentee.organisation_id)


def pair_state(people_status: str, closure_outcome: str | None, facts: PairFacts | None) -> PairState:
    """A pair's state: its closure decides, then a partner's withdrawal, then whether it ended at all."""
    if closure_outcome == ClosureOutcome.COMPLETED:
        return PairState.COMPLETED
    if closure_outcome == ClosureOutcome.ENDED_EARLY:
        return PairState.ENDED_EARLY
    if facts is not None and facts.partner_withdrew:
        return PairState.PARTNER_WITHDREW
    if people_status == PairStatus.ENDED:
        return PairState.ENDED_EARLY  # ended before closing without a closure row (an accepted rematch request)
    return PairState.ACTIVE


# ----------------------------------------------------------------------------------------- the board's reads


def _person_columns(participation: Any, user: Any, organisation: Any) -> list[Any]:
    return [participation.id, participation.role, user.id, user.display_name, user.email, user.preferred_language,
            user.is_active, organisation.id, organisation.name]


def pair_people(session: Session, cohort_id: int, pair_id: int | None = None) -> list[PairPeople]:
    """The cohort's published pairs (or the one pair) with both people, by mentor's name: one query."""
    mentor, mentee = aliased(Participation), aliased(Participation)
    mentor_user, mentee_user = aliased(User), aliased(User)
    mentor_org, mentee_org = aliased(Organisation), aliased(Organisation)
    query = (
        sa.select(Pair.id, Pair.status, PairClosure.outcome, Pair.ended_at,
                  *_person_columns(mentor, mentor_user, mentor_org), *_person_columns(mentee, mentee_user, mentee_org))
        .join(mentor, mentor.id == Pair.mentor_participation_id)
        .join(mentor_user, mentor_user.id == mentor.user_id)
        .join(mentor_org, mentor_org.id == mentor.organisation_id)
        .join(mentee, mentee.id == Pair.mentee_participation_id)
        .join(mentee_user, mentee_user.id == mentee.user_id)
        .join(mentee_org, mentee_org.id == mentee.organisation_id)
        .outerjoin(PairClosure, PairClosure.pair_id == Pair.id)
        .where(Pair.cohort_id == cohort_id, Pair.status.in_(PUBLISHED))
        .order_by(mentor_user.display_name, Pair.id)
    )
    if pair_id is not None:
        query = query.where(Pair.id == pair_id)
    with club_scope(session):
        rows = session.execute(query).all()
    return [PairPeople(pair_id=row[0], status=row[1], closure_outcome=row[2], ended_at=row[3],
                       mentor=Person(*row[4:13]), mentee=Person(*row[13:22])) for row in rows]


def goal_counts(session: Session, pair_ids: Sequence[int]) -> dict[int, tuple[int, int]]:
    """Per pair: (goals done, goals in all). Counts only, never the texts: one query."""
    if not pair_ids:
        return {}
    with club_scope(session):
        rows = session.execute(
            sa.select(PairGoal.pair_id, sa.func.count(sa.case((PairGoal.status == GoalStatus.DONE, PairGoal.id))),
                      sa.func.count(PairGoal.id))
            .where(PairGoal.pair_id.in_(list(pair_ids))).group_by(PairGoal.pair_id)
        ).all()
    return {pair_id: (int(done), int(total)) for pair_id, done, total in rows}


def held_meeting_days(session: Session, cohort_id: int) -> list[date]:
    """The days (in the club's zone) of the meetings held by the cohort's published pairs: one query."""
    with club_scope(session):
        moments = session.scalars(
            sa.select(PairMeeting.starts_at).join(Pair, Pair.id == PairMeeting.pair_id)
            .where(Pair.cohort_id == cohort_id, Pair.status.in_(PUBLISHED),
                   PairMeeting.status == MeetingStatus.HELD)
        ).all()
    return [day for day in (club_date(moment) for moment in moments) if day is not None]


def health_rows(session: Session, cohort: Cohort, people: Sequence[PairPeople], today: date) -> list[HealthRow]:
    """The pairs' lines: their facts (six queries) and goals' counts (one) joined to the people."""
    ids = [item.pair_id for item in people]
    facts = pair_facts(session, ids, today)
    goals = goal_counts(session, ids)
    rhythm = rhythm_of(cohort)
    rows: list[HealthRow] = []
    for item in people:
        found = facts.get(item.pair_id)
        if found is None:
            continue
        done, total = goals.get(item.pair_id, (0, 0))
        rows.append(HealthRow(
            pair_id=item.pair_id, mentor=item.mentor, mentee=item.mentee,
            state=pair_state(item.status, item.closure_outcome, found), held=found.held_count,
            expected=expected_by(found, rhythm, today), last_held_on=found.last_held_on,
            next_planned_on=found.next_planned_on, check_in_average=check_in_average(found),
            check_in_count=found.check_in_count, goals_done=done, goals_total=total,
            rematch_open=found.rematch_open, help_open=found.help_open, flags=flags(found, rhythm, today)))
    return rows


@dataclass(frozen=True)
class Summary:
    pairs: int
    flagged: int
    overdue: int
    silent: int
    help_asked: int


def summary_of(rows: Sequence[HealthRow]) -> Summary:
    return Summary(pairs=len(rows), flagged=sum(1 for row in rows if row.flags),
                   overdue=sum(1 for row in rows if Flag.OVERDUE in row.flags),
                   silent=sum(1 for row in rows if Flag.SILENT in row.flags),
                   help_asked=sum(1 for row in rows if Flag.HELP_ASKED in row.flags))


@dataclass(frozen=True)
class Filters:
    flag: Flag | None = None
    organisation_id: int | None = None
    state: PairState | None = None

    @property
    def active(self) -> bool:
        return self.flag is not None or self.organisation_id is not None or self.state is not None


def filtered(rows: Iterable[HealthRow], filters: Filters) -> list[HealthRow]:
    return [row for row in rows
            if (filters.flag is None or filters.flag in row.flags)
            and (filters.organisation_id is None or filters.organisation_id in row.organisation_ids)
            and (filters.state is None or row.state == filters.state)]


def _date_key(day: date | None) -> tuple[int, date]:
    return (0, day) if day is not None else (1, date.min)  # pairs without a date last


SORT_KEYS: dict[str, Callable[[HealthRow], Any]] = {
    "mentor": lambda row: (row.mentor.name.casefold(), row.pair_id),
    "mentee": lambda row: (row.mentee.name.casefold(), row.pair_id),
    "meetings": lambda row: (row.held - row.expected, row.held, row.pair_id),
    "last": lambda row: (_date_key(row.last_held_on), row.pair_id),
    "next": lambda row: (_date_key(row.next_planned_on), row.pair_id),
    "check_ins": lambda row: (row.check_in_average is None, row.check_in_average or 0.0, row.pair_id),
    "goals": lambda row: (row.goals_done, row.goals_total, row.pair_id),
    "rematch": lambda row: (not row.rematch_open, row.pair_id),
    "flags": lambda row: (-len(row.flags), [tuple(Flag).index(flag) for flag in row.flags], row.pair_id),
    "status": lambda row: (STATE_ORDER.index(row.state), row.pair_id),
}
DEFAULT_SORT = "flags"


def sorted_rows(rows: Iterable[HealthRow], sort: str, descending: bool) -> list[HealthRow]:
    """The rows ordered by a column; pairs without a date or an average stay last in either direction."""
    key = SORT_KEYS.get(sort, SORT_KEYS[DEFAULT_SORT])
    items = sorted(rows, key=key, reverse=descending)
    if sort in ("last", "next", "check_ins") and descending:
        def missing(row: HealthRow) -> bool:
            value = {"last": row.last_held_on, "next": row.next_planned_on, "check_ins": row.check_in_average}[sort]
            return value is None
        items = [row for row in items if not missing(row)] + [row for row in items if missing(row)]
    return items


@dataclass(frozen=True)
class CohortHealth:
    rows: list[HealthRow]  # every published pair of the cohort
    meeting_days: list[date]  # the held meetings' days, for the chart
    organisations: list[tuple[int, str]]  # the organisations of the cohort's pairs, by name, for the filter


def cohort_health(session: Session, cohort: Cohort, today: date) -> CohortHealth:
    """Everything of the board's pair health page: ten queries, whatever the number of pairs."""
    people = pair_people(session, cohort.id)
    rows = health_rows(session, cohort, people, today)
    organisations = sorted({(p.organisation_id, p.organisation_name)
                            for row in rows for p in (row.mentor, row.mentee)}, key=lambda o: (o[1].casefold(), o[0]))
    return CohortHealth(rows=rows, meeting_days=held_meeting_days(session, cohort.id), organisations=organisations)


# ------------------------------------------------------------------------------------- the board's one pair


@dataclass(frozen=True)
class MeetingLine:
    id: int
    starts_at: datetime
    duration_minutes: int
    format: str
    status: str


@dataclass(frozen=True)
class AgreementState:
    exists: bool
    mentor_confirmed: bool = False
    mentee_confirmed: bool = False

    @property
    def confirmed_by_both(self) -> bool:
        return self.exists and self.mentor_confirmed and self.mentee_confirmed


@dataclass(frozen=True)
class RematchLine:
    id: int
    status: str
    created_at: datetime
    requester_role: str | None


@dataclass(frozen=True)
class HelpLine:
    id: int
    message: str  # the mentor's message to the board
    created_at: datetime
    resolved_at: datetime | None
    resolved_by: str | None


@dataclass(frozen=True)
class MessageLine:
    id: int
    body: str  # the board's own words to the pair
    created_at: datetime
    sender: str | None


@dataclass(frozen=True)
class ClosureLine:
    outcome: str | None
    reason: str | None  # the board's words on why the pair ended early (the board's page only)
    ended_at: datetime | None
    ended_by: str | None


@dataclass(frozen=True)
class PairDetail:
    row: HealthRow
    meetings: list[MeetingLine]
    agreement: AgreementState
    rematch_requests: list[RematchLine]
    help_requests: list[HelpLine]
    messages: list[MessageLine]
    closure: ClosureLine | None
    is_active: bool

    @property
    def open_help(self) -> list[HelpLine]:
        return [item for item in self.help_requests if item.resolved_at is None]


def board_pair_detail(session: Session, cohort: Cohort, pair_id: int, today: date) -> PairDetail | None:
    """The board's page of one pair: metadata only (no summaries, notes, comments, agreement or goal texts)."""
    people = pair_people(session, cohort.id, pair_id)
    if not people:
        return None
    rows = health_rows(session, cohort, people, today)
    if not rows:
        return None
    resolver, sender, ender = aliased(User), aliased(User), aliased(User)
    requester = aliased(Participation)
    with club_scope(session):
        meetings = [MeetingLine(*row) for row in session.execute(
            sa.select(PairMeeting.id, PairMeeting.starts_at, PairMeeting.duration_minutes, PairMeeting.format,
                      PairMeeting.status)
            .where(PairMeeting.pair_id == pair_id).order_by(PairMeeting.starts_at.desc(), PairMeeting.id.desc()))]
        agreement_row = session.execute(
            sa.select(PairAgreement.mentor_confirmed_at, PairAgreement.mentee_confirmed_at)
            .where(PairAgreement.pair_id == pair_id)).first()
        rematches = [RematchLine(*row) for row in session.execute(
            sa.select(RematchRequest.id, RematchRequest.status, RematchRequest.created_at, requester.role)
            .outerjoin(requester, requester.id == RematchRequest.participation_id)
            .where(RematchRequest.pair_id == pair_id).order_by(RematchRequest.created_at.desc(), RematchRequest.id))]
        helps = [HelpLine(*row) for row in session.execute(
            sa.select(HelpRequest.id, HelpRequest.message, HelpRequest.created_at, HelpRequest.resolved_at,
                      resolver.display_name)
            .outerjoin(resolver, resolver.id == HelpRequest.resolved_by_user_id)
            .where(HelpRequest.pair_id == pair_id).order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc()))]
        messages = [MessageLine(*row) for row in session.execute(
            sa.select(BoardMessage.id, BoardMessage.body, BoardMessage.created_at, sender.display_name)
            .outerjoin(sender, sender.id == BoardMessage.sender_user_id)
            .where(BoardMessage.pair_id == pair_id).order_by(BoardMessage.created_at.desc(), BoardMessage.id.desc()))]
        closure_row = session.execute(
            sa.select(PairClosure.outcome, PairClosure.reason, PairClosure.ended_at, ender.display_name)
            .outerjoin(ender, ender.id == PairClosure.ended_by_user_id)
            .where(PairClosure.pair_id == pair_id)).first()
    agreement = (AgreementState(exists=True, mentor_confirmed=agreement_row[0] is not None,
                                mentee_confirmed=agreement_row[1] is not None)
                 if agreement_row is not None else AgreementState(exists=False))
    return PairDetail(row=rows[0], meetings=meetings, agreement=agreement, rematch_requests=rematches,
                      help_requests=helps, messages=messages,
                      closure=ClosureLine(*closure_row) if closure_row is not None else None,
                      is_active=people[0].status == PairStatus.ACTIVE)


# ---------------------------------------------------------------------------------- the organisations' admins


@dataclass(frozen=True)
class OrganisationPairRow:
    """A pair that includes one of the organisation's people, as its admin sees it."""

    pair_id: int
    cohort_id: int
    cohort_name: str
    person_name: str  # the organisation's own person
    person_role: str
    partner_name: str  # the partner: name and organisation only
    partner_organisation: str
    state: PairState
    held: int
    expected: int
    last_held_on: date | None
    flags: tuple[Flag, ...]
    people: tuple[int, int] = (0, 0)  # the user ids of the person and the partner (who saw my data)


ADMIN_HIDDEN_FLAGS = frozenset({Flag.HELP_ASKED})  # the mentor's message is to the board


def organisation_pairs(session: Session, today: date) -> list[OrganisationPairRow]:
    """The published pairs of running or closing cohorts that include one of the current organisation's
    people (the session's tenant scope), by cohort and person. Eight queries."""
    own = session.execute(
        sa.select(Participation.id, Participation.role, User.display_name, Cohort, User.id)
        .join(User, User.id == Participation.user_id)
        .join(Cohort, Cohort.id == Participation.cohort_id)
        .where(Cohort.state.in_(ADMIN_COHORT_STATES))
    ).all()
    if not own:
        return []
    mine = {pid: (role, name, cohort) for pid, role, name, cohort, _user in own}
    user_of = {pid: user_id for pid, _role, _name, _cohort, user_id in own}
    ids = list(mine)
    partner = aliased(Participation)
    own_id = sa.case((Pair.mentor_participation_id.in_(ids), Pair.mentor_participation_id),
                     else_=Pair.mentee_participation_id)
    with club_scope(session):
        pairs = session.execute(
            sa.select(Pair.id, Pair.status, own_id, PairClosure.outcome, User.display_name, Organisation.name,
                      User.id)
            .join(partner, sa.or_(
                sa.and_(Pair.mentor_participation_id.in_(ids), partner.id == Pair.mentee_participation_id),
                sa.and_(Pair.mentee_participation_id.in_(ids), partner.id == Pair.mentor_participation_id)))
            .join(User, User.id == partner.user_id)
            .join(Organisation, Organisation.id == partner.organisation_id)
            .outerjoin(PairClosure, PairClosure.pair_id == Pair.id)
            .where(Pair.status.in_(PUBLISHED),
                   sa.or_(Pair.mentor_participation_id.in_(ids), Pair.mentee_participation_id.in_(ids)))
        ).all()
    facts = pair_facts(session, [row[0] for row in pairs], today)
    rhythms = {cohort.id: rhythm_of(cohort) for _role, _name, cohort in mine.values()}
    rows: list[OrganisationPairRow] = []
    for pair_id, status, own_participation, outcome, partner_name, partner_organisation, partner_user in pairs:
        found = facts.get(pair_id)
        if found is None or own_participation not in mine:
            continue
        role, name, cohort = mine[own_participation]
        rhythm = rhythms[cohort.id]
        rows.append(OrganisationPairRow(
            pair_id=pair_id, cohort_id=cohort.id, cohort_name=cohort.name, person_name=name, person_role=role,
            partner_name=partner_name, partner_organisation=partner_organisation,
            state=pair_state(status, outcome, found), held=found.held_count,
            expected=expected_by(found, rhythm, today), last_held_on=found.last_held_on,
            flags=tuple(flag for flag in flags(found, rhythm, today) if flag not in ADMIN_HIDDEN_FLAGS),
            people=(user_of[own_participation], partner_user)))
    rows.sort(key=lambda row: (row.cohort_name.casefold(), row.cohort_id, row.person_name.casefold(), row.pair_id))
    return rows
