"""The story's mails to the pairs: the invitation to write it, a reminder, a last call before the symposium.

The body of the jobs `invite_story_writers(cohort_id)` (enqueued when the board begins closing a cohort) and
`remind_story_writers()` (hourly), in `stories/jobs.py`. For each cohort that is closing, each of its pairs
that is active or completed (not one ended early) is told, both partners, each in their own language with a
link to the story's page:

- `invitation`: once, as soon as the cohort is closing;
- `reminder`: `REMINDER_AFTER` (7 days) after the invitation, if the story is not confirmed by both;
- `last_call`: from `LAST_CALL_BEFORE` (7 days) before the symposium until the day before it, if the story is
  still not confirmed by both (then the reminder is no longer sent). No mail follows the invitation within
  `QUIET_AFTER_INVITATION` (a cohort that begins closing a few days before its symposium), and none is sent
  from the symposium's day on.

Once per pair and step: the ledger `StoryReminder` (unique pair and step) is claimed by an INSERT that cannot
duplicate (`ON CONFLICT DO NOTHING`, its row count says whether this run claimed it) in the same transaction as
the two outbox mails, one pair per transaction. A run twice, two runs at once, or a worker killed mid-way mail
nobody twice and lose nobody: a claim and its mails commit together or not at all, and the next run takes up
the pairs that were left.
"""

from __future__ import annotations

import logging
from dataclasses import dataclass, field
from datetime import UTC, date, datetime, timedelta
from typing import cast

import sqlalchemy as sa
from sqlalchemy.orm import Session

from tandem.platform.clock import club_zone
from tandem.platform.cohorts.models import Cohort, CohortState, Participation
from tandem.platform.database import as_utc
from tandem.platform.identity.models import User
from tandem.platform.mail.language import mail_language
from tandem.platform.mail.outbox import queue_mail
from tandem.platform.pairs.models import ClosureOutcome, PairClosure
from tandem.platform.showcase.models import ReminderStep, Story, StoryReminder
from tandem.platform.tenancy import club_scope
from tandem.platform.urls import absolute_url
from tandem.platform.workbench.models import Pair, PairStatus

log = logging.getLogger(__name__)

REMINDER_AFTER = timedelta(days=7)
LAST_CALL_BEFORE = timedelta(days=7)
QUIET_AFTER_INVITATION = timedelta(days=2)
TEMPLATES = {ReminderStep.INVITATION: "story_invitation", ReminderStep.REMINDER: "story_reminder",
             ReminderStep.LAST_CALL: "story_last_call"}


@dataclass
class ReminderRun:
    """What one run did."""

    steps: dict[str, int] = field(default_factory=lambda: {str(step): 0 for step in ReminderStep})
    mails: int = 0
    taken_by_another_run: int = 0

    def as_dict(self) -> dict[str, int]:
        return {**self.steps, "mails": self.mails, "taken_by_another_run": self.taken_by_another_run}


@dataclass(frozen=True)
class PairStory:
    """What the steps need to know of one pair."""

    pair_id: int
    cohort_id: int
    mentor_participation_id: int
    mentee_participation_id: int
    story_version: int | None  # None: no story yet
    confirmed_by_both: bool
    sent: dict[str, datetime]  # step -> when


def due_step(sent: dict[str, datetime], confirmed_by_both: bool, moment: datetime, today: date,
             symposium_on: date | None) -> ReminderStep | None:
    """The step due for a pair of a closing cohort at `moment` (pure): the invitation first; then, while the
    story is not confirmed by both, the last call in the week before the symposium, else the reminder a week
    after the invitation. None: nothing to send."""
    invited_at = sent.get(ReminderStep.INVITATION)
    if invited_at is None:
        return ReminderStep.INVITATION
    if confirmed_by_both or moment - invited_at < QUIET_AFTER_INVITATION:
        return None
    if symposium_on is not None and today >= symposium_on:
        return None  # the symposium has come: no more reminders
    if symposium_on is not None and symposium_on - LAST_CALL_BEFORE <= today < symposium_on:
        return None if ReminderStep.LAST_CALL in sent else ReminderStep.LAST_CALL
    if moment - invited_at >= REMINDER_AFTER and not ({ReminderStep.REMINDER, ReminderStep.LAST_CALL} & set(sent)):
        return ReminderStep.REMINDER
    return None


# ------------------------------------------------------------------------------------------------ reads


def closing_cohorts(session: Session, cohort_id: int | None = None) -> dict[int, Cohort]:
    query = sa.select(Cohort).where(Cohort.state == CohortState.CLOSING)
    if cohort_id is not None:
        query = query.where(Cohort.id == cohort_id)
    return {cohort.id: cohort for cohort in session.scalars(query)}


def pair_stories(session: Session, cohort_ids: list[int]) -> list[PairStory]:
    """The cohorts' pairs to tell (active, or completed at closing), with their story's state and the steps
    already sent. Two queries."""
    if not cohort_ids:
        return []
    rows = session.execute(
        sa.select(Pair.id, Pair.cohort_id, Pair.mentor_participation_id, Pair.mentee_participation_id,
                  Story.version, Story.mentor_confirmed_version, Story.mentee_confirmed_version)
        .outerjoin(PairClosure, PairClosure.pair_id == Pair.id)
        .outerjoin(Story, Story.pair_id == Pair.id)
        .where(Pair.cohort_id.in_(cohort_ids),
               sa.or_(Pair.status == PairStatus.ACTIVE,
                      sa.and_(Pair.status == PairStatus.ENDED, PairClosure.outcome == ClosureOutcome.COMPLETED)))
        .order_by(Pair.id)).all()
    sent: dict[int, dict[str, datetime]] = {}
    for pair_id, step, sent_at in session.execute(
            sa.select(StoryReminder.pair_id, StoryReminder.step, StoryReminder.sent_at)
            .where(StoryReminder.pair_id.in_([row[0] for row in rows]))):
        sent.setdefault(pair_id, {})[step] = as_utc(sent_at)
    return [PairStory(pair_id, cohort_id, mentor, mentee, version,
                      version is not None and mentor_version == version and mentee_version == version,
                      sent.get(pair_id, {}))
            for pair_id, cohort_id, mentor, mentee, version, mentor_version, mentee_version in rows]


def people_of(session: Session, participation_ids: set[int]) -> dict[int, User]:
    """The users behind the participations (club scope: the pairs span organisations). One query."""
    if not participation_ids:
        return {}
    return {participation_id: user for participation_id, user in session.execute(
        sa.select(Participation.id, User).join(User, User.id == Participation.user_id)
        .where(Participation.id.in_(participation_ids)))}


# ----------------------------------------------------------------------------------------------- claims


def claim_step(session: Session, pair_id: int, step: str, moment: datetime) -> bool:
    """Record that the pair is told `step`, unless it was already: an INSERT that cannot duplicate. Whether
    this call recorded it."""
    table = cast(sa.Table, StoryReminder.__table__)
    values = {"pair_id": pair_id, "step": str(step), "sent_at": moment}
    dialect = session.get_bind().dialect.name
    if dialect == "postgresql":
        from sqlalchemy.dialects.postgresql import insert as pg_insert

        statement: sa.Executable = pg_insert(table).values(values).on_conflict_do_nothing(
            index_elements=["pair_id", "step"]).returning(table.c.id)
    elif dialect == "sqlite":
        from sqlalchemy.dialects.sqlite import insert as sqlite_insert

        statement = sqlite_insert(table).values(values).on_conflict_do_nothing(
            index_elements=["pair_id", "step"]).returning(table.c.id)
    else:  # any other database: insert only what is missing (the unique key still refuses a duplicate)
        exists = sa.select(table.c.id).where(table.c.pair_id == pair_id, table.c.step == str(step)).exists()
        statement = sa.insert(table).from_select(
            ["pair_id", "step", "sent_at"],
            sa.select(sa.literal(pair_id), sa.literal(str(step)), sa.literal(moment)).where(~exists)
        ).returning(table.c.id)
    # The row the statement inserted, if any (RETURNING: psycopg reports no row count for such an INSERT
    # made through the session, so the count cannot tell).
    return session.execute(statement).first() is not None


# ------------------------------------------------------------------------------------------------ the run


def remind_story_writers(session: Session, moment: datetime, cohort_id: int | None = None) -> ReminderRun:
    """Send the story steps due at `moment` to the pairs of closing cohorts (of one cohort, with `cohort_id`).
    Commits as it goes, one pair per transaction."""
    moment = moment.astimezone(UTC)
    today = moment.astimezone(club_zone()).date()
    run = ReminderRun()
    with club_scope(session):
        cohorts = closing_cohorts(session, cohort_id)
        due = []
        for pair in pair_stories(session, list(cohorts)):
            step = due_step(pair.sent, pair.confirmed_by_both, moment, today, cohorts[pair.cohort_id].symposium_on)
            if step is not None:
                due.append((pair, step))
        people = people_of(session, {participation for pair, _ in due for participation in
                                     (pair.mentor_participation_id, pair.mentee_participation_id)})
        session.commit()  # end the reads; each pair below is a transaction of its own
        for pair, step in due:
            if not claim_step(session, pair.pair_id, step, moment):
                session.rollback()
                run.taken_by_another_run += 1
                continue
            run.mails += _mail_pair(session, pair, step, cohorts[pair.cohort_id], people)
            session.commit()
            run.steps[str(step)] += 1
    log.info("story reminders at %s: %s", moment.isoformat(), run.as_dict())
    return run


def _mail_pair(session: Session, pair: PairStory, step: ReminderStep, cohort: Cohort, people: dict[int, User]
               ) -> int:
    """The step's mail to both partners (each in their language; someone no longer active is left out)."""
    mentor, mentee = people.get(pair.mentor_participation_id), people.get(pair.mentee_participation_id)
    story_url = absolute_url("showcase.story", pair_id=pair.pair_id)
    mailed = 0
    for person, partner, role in ((mentor, mentee, "mentor"), (mentee, mentor, "mentee")):
        if person is None or not person.is_active:
            continue
        queue_mail(session, template=TEMPLATES[step], recipient=person.email, language=mail_language(person),
                   kind=f"story_{step}", organisation_id=person.organisation_id, recipient_user_id=person.id,
                   person=person, partner_name=partner.display_name if partner is not None else "", role=role,
                   cohort=cohort, story_url=story_url, has_story=pair.story_version is not None,
                   symposium_on=cohort.symposium_on)
        mailed += 1
    return mailed
