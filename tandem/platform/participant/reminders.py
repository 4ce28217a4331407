"""Reminders about incomplete profiles before a cohort's nomination deadline.

The body of a periodic job (`participant/jobs.py`, scheduled in tandem/workers/schedule.py). Each
participation gets at most one reminder per step: the
`ProfileReminder` row and its mail are written in one transaction, and the row's unique key
(participation, step) makes a second run, or two runs at once, send nothing more.
"""

from __future__ import annotations

import logging
from datetime import date, timedelta

import sqlalchemy as sa
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, joinedload

from tandem.platform.cohorts.models import Cohort, CohortState, Participation, ParticipationStatus
from tandem.platform.mail.language import mail_language
from tandem.platform.mail.outbox import queue_mail
from tandem.platform.participant.labels import part_label
from tandem.platform.participant.models import ProfileReminder
from tandem.platform.participant.queries import completeness_of

log = logging.getLogger(__name__)

# (step, days before the deadline), most urgent last.
REMINDER_STEPS = (("14-days", 14), ("3-days", 3))
REMINDED_STATUSES = (ParticipationStatus.ACTIVE,)


def due_step(deadline: date, today: date) -> str | None:
    """The most urgent step that is due on `today` (None before the first step and after the deadline)."""
    days_left = (deadline - today).days
    if days_left < 0:
        return None
    step = None
    for name, days in REMINDER_STEPS:
        if days_left <= days:
            step = name
    return step


def send_profile_reminders(session: Session, day: date) -> int:
    """Queue one reminder per participation and step due on `day`; returns how many. The body of the job
    `remind_incomplete_profiles` (tandem/platform/participant/jobs.py): it commits each reminder on its own."""
    longest = max(days for _, days in REMINDER_STEPS)
    cohorts = session.scalars(
        sa.select(Cohort).where(Cohort.state == CohortState.NOMINATIONS_OPEN,
                                Cohort.nomination_deadline.is_not(None),
                                Cohort.nomination_deadline >= day,
                                Cohort.nomination_deadline <= day + timedelta(days=longest))
    ).all()
    steps = {cohort.id: due_step(cohort.nomination_deadline, day)
             for cohort in cohorts if cohort.nomination_deadline is not None}  # all, as the query asked
    steps = {cohort_id: step for cohort_id, step in steps.items() if step}
    if not steps:
        session.commit()
        return 0
    participations = session.scalars(
        sa.select(Participation)
        .options(joinedload(Participation.cohort), joinedload(Participation.user))
        .where(Participation.cohort_id.in_(list(steps)), Participation.status.in_(REMINDED_STATUSES))
        .order_by(Participation.id)
    ).all()
    completeness = completeness_of(session, [p.id for p in participations])
    sent = set(session.execute(
        sa.select(ProfileReminder.participation_id, ProfileReminder.step)
        .where(ProfileReminder.participation_id.in_([p.id for p in participations]))
    ).all())
    session.commit()  # end the reads; each reminder below is a transaction of its own

    queued = 0
    for participation in participations:
        step = steps[participation.cohort_id]
        person = participation.user
        if (participation.id, step) in sent or completeness[participation.id].complete or not person.is_active:
            continue
        try:
            session.add(ProfileReminder(participation_id=participation.id, step=step,
                                        organisation_id=participation.organisation_id))
            session.flush()  # the unique key refuses a reminder another run has just written
            queue_mail(session, template="profile_reminder", recipient=person.email,
                       language=mail_language(person), kind="reminder",
                       organisation_id=participation.organisation_id, recipient_user_id=person.id,
                       person=person, participation=participation, cohort=participation.cohort,
                       completeness=completeness[participation.id], part_label=part_label)
            session.commit()
        except IntegrityError:
            session.rollback()
            log.info("profile reminder %s for participation %s was sent by another run", step, participation.id)
            continue
        queued += 1
    return queued
