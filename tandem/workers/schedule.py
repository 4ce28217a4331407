"""Periodic jobs, run by RQ's cron scheduler (`tandem cron`, beside the workers)."""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from rq.cron import CronScheduler

from tandem.platform.mail.jobs import flush_outbox
from tandem.platform.outcomes.surveys.jobs import run_surveys
from tandem.platform.pairs.meetings.jobs import sweep_meeting_mails
from tandem.platform.pairs.nudges.jobs import nudge_pairs
from tandem.platform.participant.jobs import remind_incomplete_profiles
from tandem.platform.privacy.erasure.jobs import apply_retention
from tandem.platform.programme.jobs import remind_upcoming_events, sweep_event_mails
from tandem.platform.showcase.stories.jobs import remind_story_writers


@dataclass(frozen=True)
class PeriodicJob:
    func: Any
    queue: str
    every_seconds: int


PERIODIC_JOBS = (
    # Pending mail whose send job was lost (Redis restarted, a failed attempt: 5 minutes after it) is picked up
    # again, and mail whose worker died while sending once its claim has run out (OUTBOX_CLAIM_LEASE_SECONDS).
    PeriodicJob(flush_outbox, "low", 60),
    # Participants whose profile is incomplete, 14 and 3 days before their cohort's nomination deadline.
    PeriodicJob(remind_incomplete_profiles, "low", 3600),
    # Programme events: the reminder before each event, and the mails of events whose job was lost.
    PeriodicJob(remind_upcoming_events, "low", 900),
    PeriodicJob(sweep_event_mails, "low", 300),
    PeriodicJob(sweep_meeting_mails, "low", 300),  # pair meetings whose partner was not told (a lost job)
    # The pairs' rhythm: each step (reminder, second reminder, flag) once per pair; nudge mails at most one a week.
    PeriodicJob(nudge_pairs, "low", 3600),
    # The pairs' stories for the showcase: the invitation once the cohort is closing (if its job was lost), the
    # reminder a week later, the last call a week before the symposium; each once per pair.
    PeriodicJob(remind_story_writers, "low", 3600),
    # The cohorts' surveys: prepared, opened on their day (invitations), one reminder a week later to whoever
    # has not answered, closed after their last day (answers unlinked from their authors); each mail once.
    PeriodicJob(run_surveys, "low", 3600),
    # Personal data: people whose last cohort was archived more than RETENTION_MONTHS ago, and the requests for
    # erasure confirmed or past their day, erased once a day (a request confirmed on a page is done at once).
    PeriodicJob(apply_retention, "low", 86400),
)


def build_cron_scheduler(connection: Any) -> CronScheduler:
    scheduler = CronScheduler(connection=connection, name="tandem-cron")
    for job in PERIODIC_JOBS:
        scheduler.register(job.func, job.queue, interval=job.every_seconds)
    return scheduler
