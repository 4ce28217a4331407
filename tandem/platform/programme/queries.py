"""Read models of the programme's pages, each in a fixed number of statements whatever the number of
invitees: the board's list and event page, a person's upcoming events, an organisation admin's view."""

from __future__ import annotations

from collections import Counter, defaultdict
from dataclasses import dataclass, field

import sqlalchemy as sa
from sqlalchemy.orm import Session, joinedload

from tandem.platform.board.models import BoardMember
from tandem.platform.clock import now
from tandem.platform.cohorts.models import Cohort, Participation, ParticipationRole, ParticipationStatus
from tandem.platform.identity.models import User
from tandem.platform.programme.models import Answer, Audience, EventInvitation, EventStatus, ProgrammeEvent
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import Organisation, OrganisationAdmin, OrganisationStatus


@dataclass
class EventRow:
    """An event with its answers counted."""

    event: ProgrammeEvent
    counts: Counter[str] = field(default_factory=Counter)

    @property
    def invited(self) -> int:
        return sum(self.counts.values())


def cohort_events(session: Session, cohort_id: int) -> list[EventRow]:
    """The cohort's events in time order, with their answers counted (two statements)."""
    with club_scope(session):
        events = session.scalars(sa.select(ProgrammeEvent).options(joinedload(ProgrammeEvent.cohort))
                                 .where(ProgrammeEvent.cohort_id == cohort_id)
                                 .order_by(ProgrammeEvent.starts_at, ProgrammeEvent.id)).all()
        rows = {event.id: EventRow(event) for event in events}
        for event_id, answer, count in session.execute(
                sa.select(EventInvitation.event_id, EventInvitation.answer, sa.func.count(EventInvitation.id))
                .where(EventInvitation.event_id.in_(list(rows)))
                .group_by(EventInvitation.event_id, EventInvitation.answer)):
            rows[event_id].counts[answer] = count
    return list(rows.values())


@dataclass(frozen=True)
class InviteeRow:
    invitation: EventInvitation
    name: str
    email: str
    organisation: str


@dataclass
class EventAnswers:
    """Who answered what, by organisation (the board's event page and its CSV)."""

    event: ProgrammeEvent
    invitees: list[InviteeRow]
    by_organisation: dict[str, Counter[str]]

    @property
    def counts(self) -> Counter[str]:
        total: Counter[str] = Counter()
        for counts in self.by_organisation.values():
            total.update(counts)
        return total

    @property
    def waiting(self) -> list[InviteeRow]:
        return sorted((row for row in self.invitees if row.invitation.answer == Answer.WAITING),
                      key=lambda row: (row.invitation.answered_at is None, row.invitation.answered_at,
                                       row.invitation.id))


def event_answers(session: Session, event: ProgrammeEvent, organisation_id: int | None = None) -> EventAnswers:
    """The event's invitees with their names and organisations (one statement); only one organisation's
    people when `organisation_id` is given (an organisation admin's view)."""
    with club_scope(session):
        query = (sa.select(EventInvitation, User.display_name, User.email, Organisation.name)
                 .join(User, User.id == EventInvitation.user_id)
                 .join(Organisation, Organisation.id == EventInvitation.organisation_id)
                 .where(EventInvitation.event_id == event.id)
                 .order_by(Organisation.name, User.display_name, EventInvitation.id))
        if organisation_id is not None:
            query = query.where(EventInvitation.organisation_id == organisation_id)
        rows = [InviteeRow(invitation, name, email, organisation)
                for invitation, name, email, organisation in session.execute(query)]
    by_organisation: dict[str, Counter[str]] = defaultdict(Counter)
    for row in rows:
        by_organisation[row.organisation][row.invitation.answer] += 1
    return EventAnswers(event=event, invitees=rows, by_organisation=dict(by_organisation))


@dataclass(frozen=True)
class MyEvent:
    event: ProgrammeEvent
    invitation: EventInvitation


def my_events(session: Session, user_id: int, *, upcoming_only: bool = True, limit: int | None = None
              ) -> list[MyEvent]:
    """The person's invitations to published (and cancelled, still upcoming) events, soonest first."""
    query = (sa.select(EventInvitation, ProgrammeEvent)
             .join(ProgrammeEvent, ProgrammeEvent.id == EventInvitation.event_id)
             .options(joinedload(ProgrammeEvent.cohort))
             .where(EventInvitation.user_id == user_id, ProgrammeEvent.status != EventStatus.DRAFT)
             .order_by(ProgrammeEvent.starts_at, ProgrammeEvent.id))
    if upcoming_only:
        query = query.where(ProgrammeEvent.ends_at > now())
    if limit is not None:
        query = query.limit(limit)
    with club_scope(session):
        # The invitation is the person's own (filtered by user id); events are club-level rows.
        return [MyEvent(event=event, invitation=invitation) for invitation, event in session.execute(query)]


def my_invitation(session: Session, user_id: int, event_id: int) -> EventInvitation | None:
    """The person's invitation to a published or cancelled event, or None (not invited: it does not exist)."""
    with club_scope(session):
        return session.scalars(
            sa.select(EventInvitation).join(ProgrammeEvent, ProgrammeEvent.id == EventInvitation.event_id)
            .options(joinedload(EventInvitation.event).joinedload(ProgrammeEvent.cohort))
            .where(EventInvitation.user_id == user_id, EventInvitation.event_id == event_id,
                   ProgrammeEvent.status != EventStatus.DRAFT)).first()


def _cohorts_of(organisation_id: int) -> sa.Select[int]:
    """The cohorts in which the organisation's people take part (actively), as a subquery."""
    return (sa.select(Participation.cohort_id)
            .where(Participation.organisation_id == organisation_id,
                   Participation.status == ParticipationStatus.ACTIVE).distinct())


def organisation_events(session: Session, organisation_id: int) -> list[tuple[ProgrammeEvent, Counter[str]]]:
    """The published events of the cohorts the organisation's people take part in, with how its invited
    people answered (two statements)."""
    with club_scope(session):
        cohorts = _cohorts_of(organisation_id)
        events = session.scalars(
            sa.select(ProgrammeEvent).options(joinedload(ProgrammeEvent.cohort))
            .join(Cohort, Cohort.id == ProgrammeEvent.cohort_id)
            .where(ProgrammeEvent.cohort_id.in_(cohorts), ProgrammeEvent.status != EventStatus.DRAFT)
            .order_by(ProgrammeEvent.starts_at, ProgrammeEvent.id)).all()
        counts: dict[int, Counter[str]] = {event.id: Counter() for event in events}
        for event_id, answer, count in session.execute(
                sa.select(EventInvitation.event_id, EventInvitation.answer, sa.func.count(EventInvitation.id))
                .where(EventInvitation.event_id.in_(list(counts)),
                       EventInvitation.organisation_id == organisation_id)
                .group_by(EventInvitation.event_id, EventInvitation.answer)):
            counts[event_id][answer] = count
    return [(event, counts[event.id]) for event in events]


def organisation_event(session: Session, organisation_id: int, event_id: int) -> ProgrammeEvent | None:
    """One of those events, or None when it is not one of them (another cohort's: it does not exist here).
    One statement."""
    with club_scope(session):
        return session.scalars(
            sa.select(ProgrammeEvent).options(joinedload(ProgrammeEvent.cohort))
            .where(ProgrammeEvent.id == event_id, ProgrammeEvent.status != EventStatus.DRAFT,
                   ProgrammeEvent.cohort_id.in_(_cohorts_of(organisation_id)))).first()


def audience_people(session: Session, event: ProgrammeEvent) -> dict[int, tuple[int, str]]:
    """user id -> (organisation id, invited as) for the people the event's audience names now: the cohort's
    active mentors and mentees as chosen, the admins of their organisations, the board (call in club scope).
    Three statements at most."""
    people: dict[int, tuple[int, str]] = {}
    roles = {Audience.MENTORS: ParticipationRole.MENTOR, Audience.MENTEES: ParticipationRole.MENTEE}
    wanted = [roles[Audience(a)] for a in event.audience if a in roles]
    active = sa.select(Participation.user_id, Participation.organisation_id, Participation.role).where(
        Participation.cohort_id == event.cohort_id, Participation.status == ParticipationStatus.ACTIVE)
    for user_id, organisation_id, role in session.execute(active.where(Participation.role.in_(wanted))
                                                          if wanted else active.where(sa.false())):
        people[user_id] = (organisation_id, Audience.MENTORS if role == ParticipationRole.MENTOR
                           else Audience.MENTEES)
    if Audience.ORG_ADMINS in event.audience:
        organisations = active.with_only_columns(Participation.organisation_id).distinct()
        for user_id, organisation_id in session.execute(
                sa.select(OrganisationAdmin.user_id, OrganisationAdmin.organisation_id)
                .where(OrganisationAdmin.organisation_id.in_(organisations))):
            people.setdefault(user_id, (organisation_id, Audience.ORG_ADMINS))
    if Audience.BOARD in event.audience:
        for user_id, organisation_id in session.execute(
                sa.select(User.id, User.organisation_id).join(BoardMember, BoardMember.user_id == User.id)):
            people.setdefault(user_id, (organisation_id, Audience.BOARD))
    return people


def audience_size(session: Session, event: ProgrammeEvent) -> int:
    """How many people publishing the event would invite now (the same rule as the invitations)."""
    with club_scope(session):
        return len(audience_people(session, event))


def host_choices(session: Session, keep: int | None = None) -> list[tuple[int, str]]:
    """(id, name) of the active member organisations by name, for the event form's host; `keep` (the
    event's current host) stays a choice even when it is suspended. One statement."""
    condition = Organisation.status == OrganisationStatus.ACTIVE
    if keep:
        condition = sa.or_(condition, Organisation.id == keep)
    with club_scope(session):
        return [(oid, name) for oid, name in session.execute(
            sa.select(Organisation.id, Organisation.name).where(condition).order_by(Organisation.name))]


def organisation_name(session: Session, organisation_id: int | None) -> str | None:
    """The name of an organisation (the event's host), or None."""
    if organisation_id is None:
        return None
    with club_scope(session):
        return session.scalar(sa.select(Organisation.name).where(Organisation.id == organisation_id))


@dataclass(frozen=True)
class Places:
    """How full an event is, seen by one invitee: places taken (yes-answers), people waiting, and this
    person's position on the waiting list (1 is next; None when they are not waiting)."""

    taken: int
    waiting: int
    position: int | None

    def left(self, capacity: int | None) -> int | None:
        return None if capacity is None else max(capacity - self.taken, 0)


def places(session: Session, invitation: EventInvitation) -> Places:
    """The event's places and the invitee's place in the queue (one statement, club scope: the event's other
    invitees are counted, never shown). The queue is in the order of answering, as `answer_invitation` moves
    people up."""
    mine = invitation.answer == Answer.WAITING
    ahead = sa.or_(EventInvitation.answered_at < invitation.answered_at,
                   sa.and_(EventInvitation.answered_at == invitation.answered_at,
                           EventInvitation.id < invitation.id)) \
        if mine and invitation.answered_at is not None else EventInvitation.id < invitation.id
    waiting = EventInvitation.answer == Answer.WAITING
    with club_scope(session):
        taken, queued, before = session.execute(
            sa.select(sa.func.count(EventInvitation.id).filter(EventInvitation.answer == Answer.YES),
                      sa.func.count(EventInvitation.id).filter(waiting),
                      sa.func.count(EventInvitation.id).filter(sa.and_(waiting, ahead)))
            .where(EventInvitation.event_id == invitation.event_id)).one()
    return Places(taken=taken or 0, waiting=queued or 0, position=(before or 0) + 1 if mine else None)

