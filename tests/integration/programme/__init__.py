"""Tests of the programme's backend. Shared here: a small club around one running cohort, and helpers.

The club: organisations alpha, beta (in the cohort) and gamma (not); in the cohort an active mentor of
alpha, an active mentee and an active mentor of beta, a declined mentee of alpha and a nominated mentor of
beta; an admin of each organisation; a board member of gamma; an active mentor of alpha in another cohort.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import UTC, date, datetime
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.cohorts.models import Cohort, CohortState, ParticipationStatus
from tandem.platform.identity.models import User
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.programme.models import Audience, EventInvitation, EventKind
from tandem.platform.programme.operations import EventInput
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import Organisation
from tests.factories import (
    make_board_member,
    make_cohort,
    make_org_admin,
    make_organisation,
    make_participation,
    make_user,
)

ZURICH = ZoneInfo("Europe/Zurich")
# The tests' "now": before the cohort's kick-off (2027-03-01), inside the span of its events.
NOW = datetime(2027, 1, 10, 12, 0, tzinfo=UTC)


def zurich(year: int, month: int, day: int, hour: int = 18, minute: int = 0) -> datetime:
    """A moment given in the club's time zone."""
    return datetime(year, month, day, hour, minute, tzinfo=ZURICH)


@dataclass
class Club:
    cohort: Cohort
    other_cohort: Cohort
    organisations: dict[str, Organisation]
    people: dict[str, User]

    def ids(self, *names: str) -> set[int]:
        return {self.people[name].id for name in names}


def build_club(db: Session) -> Club:
    alpha = make_organisation(db, name="Alpha Bank")
    beta = make_organisation(db, name="Beta Energie")
    gamma = make_organisation(db, name="Gamma Kliniken")
    cohort = make_cohort(db, CohortState.RUNNING, name="Spring Cohort", languages=["en", "fr", "de"],
                         kickoff_on=date(2027, 3, 1))
    other = make_cohort(db, CohortState.RUNNING, name="Other Cohort")
    people = {
        "mentor_a": make_user(db, alpha, display_name="Anna Keller", preferred_language="en"),
        "mentee_b": make_user(db, beta, display_name="Bernard Favre", preferred_language="fr"),
        "mentor_b": make_user(db, beta, display_name="Berta Graf", preferred_language="de"),
        "declined_a": make_user(db, alpha, display_name="Dora Declined"),
        "nominated_b": make_user(db, beta, display_name="Nina Nominated"),
        "admin_a": make_org_admin(db, alpha, display_name="Admin Alpha"),
        "admin_b": make_org_admin(db, beta, display_name="Admin Beta"),
        "admin_g": make_org_admin(db, gamma, display_name="Admin Gamma"),
        "board": make_board_member(db, gamma, display_name="Regula Board"),
        "other_cohort_a": make_user(db, alpha, display_name="Otto Other"),
    }
    make_participation(db, people["mentor_a"], cohort, role="mentor", status=ParticipationStatus.ACTIVE)
    make_participation(db, people["mentee_b"], cohort, role="mentee", status=ParticipationStatus.ACTIVE)
    make_participation(db, people["mentor_b"], cohort, role="mentor", status=ParticipationStatus.ACTIVE)
    make_participation(db, people["declined_a"], cohort, role="mentee", status=ParticipationStatus.DECLINED)
    make_participation(db, people["nominated_b"], cohort, role="mentor", status=ParticipationStatus.NOMINATED)
    make_participation(db, people["other_cohort_a"], other, role="mentor", status=ParticipationStatus.ACTIVE)
    db.commit()
    return Club(cohort=cohort, other_cohort=other, organisations={"alpha": alpha, "beta": beta, "gamma": gamma},
                people=people)


def event_input(**changes: Any) -> EventInput:
    """A workshop on 20 April 2027, 18:00-20:00 in Zurich, for the mentors and mentees (as changed)."""
    values: dict[str, Any] = dict(
        kind=EventKind.WORKSHOP,
        titles={"en": "Feedback workshop", "fr": "Atelier feedback", "de": "Feedback-Workshop"},
        descriptions={"en": "Giving and taking feedback."},
        starts_at=zurich(2027, 4, 20, 18), ends_at=zurich(2027, 4, 20, 20),
        venue_name="Alpha Bank", venue_room="Room 4", venue_address="Bahnhofstrasse 1, Zürich",
        audience=(Audience.MENTORS, Audience.MENTEES))
    values.update(changes)
    return EventInput(**values)


def invitations(db: Session, event_id: int) -> dict[int, EventInvitation]:
    """The event's invitations by user id, read fresh (club scope)."""
    with club_scope(db):
        db.expire_all()
        return {row.user_id: row for row in db.scalars(
            sa.select(EventInvitation).where(EventInvitation.event_id == event_id))}


def outbox(db: Session, kind: str | None = None) -> list[OutboxMessage]:
    """The outbox's messages (of one kind), oldest first, read fresh."""
    with club_scope(db):
        db.expire_all()
        query = sa.select(OutboxMessage).order_by(OutboxMessage.id)
        if kind is not None:
            query = query.where(OutboxMessage.kind == kind)
        return list(db.scalars(query))
