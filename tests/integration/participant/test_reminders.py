"""Reminders about incomplete profiles, 14 and 3 days before the nomination deadline, once per step."""

from __future__ import annotations

from datetime import date, timedelta

import pytest
import sqlalchemy as sa

from tandem.platform.cohorts.models import CohortState, ParticipationStatus
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.participant.jobs import remind_incomplete_profiles
from tandem.platform.participant.models import ProfileReminder
from tandem.platform.participant.reminders import due_step
from tandem.platform.tenancy import club_scope
from tests.factories import (
    make_catalogue_topic,
    make_cohort,
    make_complete_profile,
    make_organisation,
    make_participation,
    make_user,
)

DEADLINE = date(2027, 2, 1)


def day(days_before: int) -> str:
    return (DEADLINE - timedelta(days=days_before)).isoformat()


@pytest.fixture()
def club(db, app_context):
    alpha = make_organisation(db)
    beta = make_organisation(db)
    cohort = make_cohort(db, nomination_deadline=DEADLINE, kickoff_on=date(2027, 3, 1))
    topics = [make_catalogue_topic(db) for _ in range(3)]
    people = {
        "incomplete_fr": make_user(db, alpha, preferred_language="fr"),
        "incomplete_de": make_user(db, beta, preferred_language="de"),
        "complete": make_user(db, alpha),
        "invited": make_user(db, beta),
        "declined": make_user(db, alpha),
        "deactivated": make_user(db, alpha, is_active=False),
    }
    participations = {
        "incomplete_fr": make_participation(db, people["incomplete_fr"], cohort, status=ParticipationStatus.ACTIVE),
        "incomplete_de": make_participation(db, people["incomplete_de"], cohort, role="mentee",
                                            status=ParticipationStatus.ACTIVE),
        "complete": make_participation(db, people["complete"], cohort, status=ParticipationStatus.ACTIVE),
        "invited": make_participation(db, people["invited"], cohort, status=ParticipationStatus.INVITED),
        "declined": make_participation(db, people["declined"], cohort, status=ParticipationStatus.DECLINED),
        "deactivated": make_participation(db, people["deactivated"], cohort, status=ParticipationStatus.ACTIVE),
    }
    make_complete_profile(db, participations["complete"], topics)
    # Almost complete: no bio. Still reminded.
    make_complete_profile(db, participations["incomplete_de"], topics, bio=None)
    db.commit()
    return {"cohort": cohort, "people": people, "participations": participations}


def reminders(db) -> list[OutboxMessage]:
    with club_scope(db):
        db.expire_all()
        return list(db.scalars(sa.select(OutboxMessage).where(OutboxMessage.kind == "reminder")
                               .order_by(OutboxMessage.id)))


def reminder_rows(db) -> set[tuple[int, str]]:
    with club_scope(db):
        return set(db.execute(sa.select(ProfileReminder.participation_id, ProfileReminder.step)).all())


def test_the_job_runs_every_hour():
    from tandem.workers.schedule import PERIODIC_JOBS

    assert any(job.func is remind_incomplete_profiles and job.every_seconds <= 3600 for job in PERIODIC_JOBS)


def test_steps():
    assert due_step(DEADLINE, DEADLINE - timedelta(days=15)) is None
    assert due_step(DEADLINE, DEADLINE - timedelta(days=14)) == "14-days"
    assert due_step(DEADLINE, DEADLINE - timedelta(days=4)) == "14-days"
    assert due_step(DEADLINE, DEADLINE - timedelta(days=3)) == "3-days"
    assert due_step(DEADLINE, DEADLINE) == "3-days"
    assert due_step(DEADLINE, DEADLINE + timedelta(days=1)) is None


def test_incomplete_profiles_get_one_reminder_per_step(db, club):
    people, participations = club["people"], club["participations"]
    assert remind_incomplete_profiles(today=day(20)) == 0  # not due yet
    assert reminders(db) == []

    assert remind_incomplete_profiles(today=day(14)) == 2
    assert remind_incomplete_profiles(today=day(14)) == 0  # a second run sends nothing
    assert remind_incomplete_profiles(today=day(10)) == 0  # nor does a later run of the same step
    mails = reminders(db)
    assert sorted((m.recipient, m.language) for m in mails) == sorted(
        [(people["incomplete_fr"].email, "fr"), (people["incomplete_de"].email, "de")])
    assert reminder_rows(db) == {(participations["incomplete_fr"].id, "14-days"),
                                 (participations["incomplete_de"].id, "14-days")}
    body = next(m for m in mails if m.recipient == people["incomplete_fr"].email).body_text
    assert f"/me/participations/{participations['incomplete_fr'].id}/profile" in body

    assert remind_incomplete_profiles(today=day(3)) == 2
    assert remind_incomplete_profiles(today=day(3)) == 0
    assert remind_incomplete_profiles(today=day(0)) == 0
    assert remind_incomplete_profiles(today=day(-1)) == 0  # after the deadline: nothing
    mails = reminders(db)
    assert len(mails) == 4
    recipients = [m.recipient for m in mails]
    for who in ("complete", "invited", "declined", "deactivated"):
        assert people[who].email not in recipients
    assert all(recipients.count(people[who].email) == 2 for who in ("incomplete_fr", "incomplete_de"))


def test_a_late_first_run_sends_only_the_most_urgent_step(db, club):
    assert remind_incomplete_profiles(today=day(2)) == 2
    assert remind_incomplete_profiles(today=day(1)) == 0
    assert {step for _, step in reminder_rows(db)} == {"3-days"}
    assert len(reminders(db)) == 2


def test_only_cohorts_taking_nominations_are_reminded(db, club):
    with club_scope(db):
        db.get(type(club["cohort"]), club["cohort"].id).state = CohortState.MATCHING
        db.commit()
    assert remind_incomplete_profiles(today=day(3)) == 0
    assert reminders(db) == []


def test_a_reminder_already_recorded_is_not_sent_again(db, club):
    """A reminder row already written (by an earlier or a concurrent run): nothing more for that step."""
    participation = club["participations"]["incomplete_fr"]
    with club_scope(db):
        db.add(ProfileReminder(participation_id=participation.id, organisation_id=participation.organisation_id,
                               step="14-days"))
        db.commit()
    assert remind_incomplete_profiles(today=day(14)) == 1
    assert [m.recipient for m in reminders(db)] == [club["people"]["incomplete_de"].email]

