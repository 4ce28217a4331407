"""What the pair's own page reads: the two people, the agreement and goals, what is due next, the board's
messages, the mentor's own requests for help, the closure. A fixed number of queries, whatever the pair holds.

Only the two partners reach these reads (after the membership check, `pairs/loading.py`). The partner belongs
to another organisation: their name, organisation and work e-mail, and the mentee's aims (to suggest goals)
are read in club scope, narrowly.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date
from enum import StrEnum

import sqlalchemy as sa
from flask_babel import gettext as _
from sqlalchemy.orm import Session

from tandem.platform.cohorts.models import Cohort, Participation
from tandem.platform.identity.models import User
from tandem.platform.pairs.facts import pair_facts, rhythm_of
from tandem.platform.pairs.loading import Membership
from tandem.platform.pairs.models import (
    MAX_GOAL,
    MAX_GOALS,
    BoardMessage,
    HelpRequest,
    PairAgreement,
    PairClosure,
    PairGoal,
)
from tandem.platform.pairs.rhythm import PairFacts, Rhythm, days_overdue, due_on, started_on
from tandem.platform.participant.models import Profile
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair
from tandem.tenants.models import Organisation

# ------------------------------------------------------------------------------------------------ the people


@dataclass(frozen=True)
class PairPerson:
    """One of the pair's two people, as the pair's page and the board's mail name them."""

    participation_id: int
    user_id: int
    role: str
    display_name: str
    email: str
    organisation_name: str
    organisation_slug: str
    has_logo: bool


@dataclass(frozen=True)
class PairPeople:
    mentor: PairPerson
    mentee: PairPerson

    def of(self, participation_id: int) -> PairPerson:
        return self.mentor if self.mentor.participation_id == participation_id else self.mentee


def pair_people(session: Session, pair: Pair) -> PairPeople:
    """The pair's mentor and mentee: name, work e-mail, organisation. One query, club scope (the two belong to
    different organisations)."""
    with club_scope(session):
        rows = session.execute(
            sa.select(Participation.id, User.id, Participation.role, User.display_name, User.email,
                      Organisation.name, Organisation.slug, Organisation.logo_content_type)
            .join(User, User.id == Participation.user_id)
            .join(Organisation, Organisation.id == Participation.organisation_id)
            .where(Participation.id.in_((pair.mentor_participation_id, pair.mentee_participation_id)))
        ).all()
    people = {row[0]: PairPerson(*row[:7], has_logo=row[7] is not None) for row in rows}
    return PairPeople(mentor=people[pair.mentor_participation_id], mentee=people[pair.mentee_participation_id])


# ------------------------------------------------------------------------------------------ the pair's rows


def agreement_of(session: Session, pair_id: int) -> PairAgreement | None:
    return session.scalar(sa.select(PairAgreement).where(PairAgreement.pair_id == pair_id))


def goals_of(session: Session, pair_id: int) -> list[PairGoal]:
    return list(session.scalars(sa.select(PairGoal).where(PairGoal.pair_id == pair_id).order_by(PairGoal.position)))


def closure_of(session: Session, pair_id: int) -> PairClosure | None:
    return session.scalar(sa.select(PairClosure).where(PairClosure.pair_id == pair_id))


def board_messages(session: Session, pair_id: int) -> list[BoardMessage]:
    """What the club board wrote to the pair, newest first."""
    return list(session.scalars(sa.select(BoardMessage).where(BoardMessage.pair_id == pair_id)
                                .order_by(BoardMessage.created_at.desc(), BoardMessage.id.desc())))


def own_help_requests(session: Session, membership: Membership) -> list[HelpRequest]:
    """The mentor's own requests for help on this pair, newest first (nothing for the mentee: never theirs)."""
    if not membership.is_mentor:
        return []
    return list(session.scalars(
        sa.select(HelpRequest).where(HelpRequest.pair_id == membership.pair.id,
                                     HelpRequest.participation_id == membership.participation_id)
        .order_by(HelpRequest.created_at.desc(), HelpRequest.id.desc())))


# ---------------------------------------------------------------------------------------------- due next


class Due(StrEnum):
    PLANNED = "planned"          # a meeting is planned for today or later
    DUE = "due"                  # the next meeting is due by a date still to come (or today)
    OVERDUE = "overdue"          # the due date has passed and nothing is planned
    NOT_BEFORE_CLOSING = "none"  # the programme closes before the next meeting would be due
    NOT_STARTED = "not_started"  # no start date known yet
    ENDED = "ended"


@dataclass(frozen=True)
class DueNext:
    """What the pair's page says is due next, and the date it names."""

    kind: Due
    day: date | None = None
    days: int = 0  # days overdue


def due_next(facts: PairFacts | None, rhythm: Rhythm, day: date) -> DueNext:
    """From the pair's facts and the rhythm (pure): "planned on", "due by", "overdue since"."""
    if facts is None or facts.ended:
        return DueNext(Due.ENDED)
    if facts.next_planned_on is not None and facts.next_planned_on >= day:
        return DueNext(Due.PLANNED, facts.next_planned_on)
    due = due_on(facts, rhythm)
    if due is None:
        return DueNext(Due.NOT_STARTED, started_on(facts))
    if facts.closing_on is not None and due > facts.closing_on:
        return DueNext(Due.NOT_BEFORE_CLOSING, facts.closing_on)
    overdue = days_overdue(facts, rhythm, day)
    if overdue is not None and overdue > 0:
        return DueNext(Due.OVERDUE, due, overdue)
    return DueNext(Due.DUE, due)


# ----------------------------------------------------------------------------------------------- the page


@dataclass(frozen=True)
class PairPage:
    """Everything of the pair's own page but the partner card and the meetings."""

    cohort: Cohort
    people: PairPeople
    agreement: PairAgreement | None
    goals: list[PairGoal]
    facts: PairFacts | None
    due: DueNext
    messages: list[BoardMessage]
    help_requests: list[HelpRequest]
    closure: PairClosure | None

    @property
    def held_count(self) -> int:
        return self.facts.held_count if self.facts is not None else 0


def pair_page(session: Session, membership: Membership, day: date) -> PairPage:
    """The pair's page's reads: the cohort, the two people, agreement, goals, the facts (six queries), board
    messages, the mentor's requests, the closure. Fourteen queries, whatever the pair holds."""
    pair = membership.pair
    cohort = session.get(Cohort, pair.cohort_id)
    assert cohort is not None  # a pair's cohort is a foreign key
    facts = pair_facts(session, [pair.id], day).get(pair.id)
    return PairPage(
        cohort=cohort, people=pair_people(session, pair), agreement=agreement_of(session, pair.id),
        goals=goals_of(session, pair.id), facts=facts, due=due_next(facts, rhythm_of(cohort), day),
        messages=board_messages(session, pair.id), help_requests=own_help_requests(session, membership),
        closure=closure_of(session, pair.id))


# ------------------------------------------------------------------------------------ the agreement's defaults

_BULLET = re.compile(r"^\s*(?:[-*\u2022\u2013]+|\d{1,2}[.)])\s*")
_SENTENCE_END = re.compile(r"(?<=[.!?;])\s+(?=\S)")


def mentee_aims(session: Session, membership: Membership) -> str | None:
    """The mentee's aims from their profile (one column, club scope: the mentee may be the partner)."""
    with club_scope(session):
        aims: str | None = session.scalar(
            sa.select(Profile.aims).where(Profile.participation_id == _mentee_id(membership)))
    return aims


def _mentee_id(membership: Membership) -> int:
    return membership.pair.mentee_participation_id


def _shortened(text: str) -> str:
    if len(text) <= MAX_GOAL:
        return text
    cut = text[: MAX_GOAL - 1].rsplit(" ", 1)[0].rstrip(" ,;:")
    return (cut or text[: MAX_GOAL - 1]) + "\u2026"


def suggested_goals(aims: str | None) -> list[str]:
    """Up to five goals from the mentee's aims: their lines (bullets and numbers taken off), or, for aims
    written as one paragraph, their sentences. Each fits a goal's length."""
    lines = [_BULLET.sub("", line).strip() for line in (aims or "").splitlines()]
    lines = [line for line in lines if line]
    if len(lines) <= 1:
        lines = [part.strip() for line in lines for part in _SENTENCE_END.split(line) if part.strip()]
    return [_shortened(" ".join(line.split())) for line in lines[:MAX_GOALS]]


def suggested_agreement(cohort: Cohort, people: PairPeople) -> str:
    """A short agreement to start from, in the reader's language: confidentiality, the cohort's rhythm, how
    to reach each other."""
    low, high = cohort.meeting_every_min_weeks, cohort.meeting_every_max_weeks
    rhythm = (_("We meet every %(low)d to %(high)d weeks, in person or online, and agree on the next date at the "
                "end of each meeting.", low=low, high=high) if low != high else
              _("We meet every %(weeks)d weeks, in person or online, and agree on the next date at the end of each "
                "meeting.", weeks=high))
    return "\n".join((
        _("What we tell each other stays between us, unless we both agree otherwise."),
        rhythm,
        _("We reach each other by e-mail: %(mentor)s at %(mentor_email)s, %(mentee)s at %(mentee_email)s. If a "
          "meeting has to move, we say so at least two days before.", mentor=people.mentor.display_name,
          mentor_email=people.mentor.email, mentee=people.mentee.display_name, mentee_email=people.mentee.email),
        _("We are open with each other: if something does not work for one of us, we say so early."),
    ))
