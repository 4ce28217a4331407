"""The body of the nudge job: the rhythm's steps, once per pair, and the nudge mails, at most one a week.

1. Steps. For the active pairs of running cohorts (their facts read in batches of `BATCH` pairs, a fixed
   number of queries each), the furthest step of the rhythm the pair has reached (`rhythm.step_due`) and the
   date its meeting was due. Each (pair, step, due date) not yet in the ledger (`PairNudge`, unique) is
   recorded with who is to be told (`NudgeDelivery`): a reminder and a second reminder to both partners; a
   flag to every board member and every admin of both partners' organisations, not to the partners. One
   transaction per batch, inserting only what is missing; a run at the same time that recorded some of them
   first makes the insert fail on the unique key: the batch is rolled back and done again.
2. Mails. Each person with deliveries not yet mailed gets one mail listing them all (a digest when there
   are several), if the weekly cap and their setting allow it now (`policy.may_mail`); otherwise they wait
   for the next run. The deliveries of up to `PEOPLE_PER_COMMIT` people are claimed by one conditional
   UPDATE (`mailed_at IS NULL`, returning the rows it claimed) in the same transaction as their outbox
   messages (a person is mailed only if all their rows were claimed here; the others are given back); a
   commit per person costs more than the whole job on SQLite. A run twice, two
   runs at once, or a worker killed half-way mail nobody twice and lose nobody: a claim and its mail commit
   together or not at all, and the next run takes up whoever was left. A delivery whose
   pair no longer has that step due (it met, planned a meeting, ended, reached a further step, or its cohort
   is no longer running) is marked done without a mail.

A flag says only which pair has not met for how long: names, organisations and the cohort; never a text of
the pair.
"""

from __future__ import annotations

import logging
from collections import defaultdict
from collections.abc import Iterable, Iterator, Sequence
from dataclasses import dataclass, field
from datetime import UTC, date, datetime
from typing import TypeVar

import sqlalchemy as sa
from flask_babel import force_locale, ngettext
from flask_babel import gettext as _
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session

from tandem.platform.clock import club_zone
from tandem.platform.cohorts.models import Cohort, CohortState
from tandem.platform.database import matched_rows
from tandem.platform.identity.models import User
from tandem.platform.mail.language import mail_language
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.mail.outbox import queue_mail
from tandem.platform.pairs.facts import pair_facts, rhythm_of
from tandem.platform.pairs.models import NudgeDelivery, NudgeStep, PairNudge
from tandem.platform.pairs.nudges import queries
from tandem.platform.pairs.nudges.policy import may_mail, weeks_between
from tandem.platform.pairs.rhythm import PairFacts, Rhythm, due_on, started_on, step_due
from tandem.platform.tenancy import club_scope
from tandem.platform.urls import absolute_url
from tandem.platform.workbench.models import Pair, PairStatus

log = logging.getLogger(__name__)

BATCH = 1000          # pairs whose facts are read, and steps recorded, per transaction
ATTEMPTS = 5          # a batch done again after another run recorded some of its steps first
MAX_LISTED = 20       # items listed in one mail; the rest are counted ("and 12 more") and on the linked page
MAIL_KIND = "pair_nudges"
PEOPLE_PER_COMMIT = 100  # people mailed per transaction (each claimed with their mail, in the same one)
STEP_ORDER = {NudgeStep.FLAG: 0, NudgeStep.SECOND_REMINDER: 1, NudgeStep.REMINDER: 2}

T = TypeVar("T")


def chunks(items: Sequence[T], size: int) -> Iterator[Sequence[T]]:
    for start in range(0, len(items), size):
        yield items[start:start + size]


@dataclass
class NudgeRun:
    """What one run did."""

    steps: int = 0              # ledger rows recorded
    deliveries: int = 0         # people to be told of them
    mails: int = 0              # nudge mails queued
    done_without_mail: int = 0  # deliveries whose step was no longer due
    waiting: int = 0            # deliveries held back by the weekly cap or a digest

    def as_dict(self) -> dict[str, int]:
        return {"steps": self.steps, "deliveries": self.deliveries, "mails": self.mails,
                "done_without_mail": self.done_without_mail, "waiting": self.waiting}


@dataclass(frozen=True)
class NudgeItem:
    """One line of a nudge mail."""

    step: str
    role: str  # "partner", "board" or "admin": who reads it
    pair_id: int
    cohort_name: str
    due_on: date
    weeks_overdue: int
    weeks_quiet: int
    partner_name: str = ""
    partner_organisation: str = ""
    mentor_name: str = ""
    mentor_organisation: str = ""
    mentee_name: str = ""
    mentee_organisation: str = ""
    url: str = ""


@dataclass(frozen=True)
class CurrentStep:
    step: NudgeStep
    due_on: date
    facts: PairFacts
    cohort: Cohort


@dataclass
class _Context:
    """What one delivery round has read once."""

    moment: datetime
    today: date
    steps: dict[int, CurrentStep] = field(default_factory=dict)
    people: dict[int, queries.PairPeople] = field(default_factory=dict)
    board: set[int] = field(default_factory=set)


def nudge_pairs(session: Session, moment: datetime) -> NudgeRun:
    """Record the steps due at `moment` and mail whoever may be mailed. Commits as it goes."""
    moment = moment.astimezone(UTC)
    today = moment.astimezone(club_zone()).date()
    run = NudgeRun()
    with club_scope(session):
        record_steps(session, today, run)
        deliver(session, moment, today, run)
    log.info("pair nudges at %s: %s", moment.isoformat(), run.as_dict())
    return run


# --- 1. Steps ----------------------------------------------------------------------------------------------


def _current_steps(session: Session, pairs: Sequence[tuple[int, int]], rhythms: dict[int, Rhythm],
                   cohorts: dict[int, Cohort], today: date) -> dict[int, CurrentStep]:
    """The step each pair has reached today (pairs with none are absent). Six queries."""
    cohort_of = dict(pairs)
    found = {}
    for pair_id, facts in pair_facts(session, cohort_of, today).items():
        rhythm = rhythms[cohort_of[pair_id]]
        step, day = step_due(facts, rhythm, today), due_on(facts, rhythm)
        if step is not None and day is not None:
            found[pair_id] = CurrentStep(step, day, facts, cohorts[cohort_of[pair_id]])
    return found


def record_steps(session: Session, today: date, run: NudgeRun) -> None:
    pairs = queries.running_pairs(session)
    cohorts = queries.cohorts_by_id(session, {cohort_id for _, cohort_id in pairs})
    rhythms = {cohort_id: rhythm_of(cohort) for cohort_id, cohort in cohorts.items()}
    board = queries.board_user_ids(session)
    session.commit()
    for batch in chunks(pairs, BATCH):
        for attempt in range(1, ATTEMPTS + 1):
            try:
                steps, deliveries = _record_batch(session, batch, rhythms, cohorts, board, today)
                session.commit()
            except IntegrityError:
                session.rollback()  # another run recorded some of these meanwhile: read the ledger again
                if attempt == ATTEMPTS:
                    raise
                continue
            run.steps += steps
            run.deliveries += deliveries
            break


def _record_batch(session: Session, batch: Sequence[tuple[int, int]], rhythms: dict[int, Rhythm],
                  cohorts: dict[int, Cohort], board: set[int], today: date) -> tuple[int, int]:
    current = _current_steps(session, batch, rhythms, cohorts, today)
    if not current:
        return 0, 0
    recorded = queries.recorded_steps(session, current)
    missing = [(pair_id, now.step, now.due_on) for pair_id, now in current.items()
               if (pair_id, str(now.step), now.due_on) not in recorded]
    if not missing:
        return 0, 0
    people = queries.pair_people(session, [pair_id for pair_id, _, _ in missing])
    flagged = [people[pair_id] for pair_id, step, _ in missing if step == NudgeStep.FLAG and pair_id in people]
    admins = queries.admins_by_organisation(
        session, {org for p in flagged for org in (p.mentor_organisation_id, p.mentee_organisation_id)})
    nudges = session.execute(
        sa.insert(PairNudge).returning(PairNudge.id, PairNudge.pair_id, sort_by_parameter_order=True),
        [{"pair_id": pair_id, "step": str(step), "due_on": day} for pair_id, step, day in missing]).all()
    step_of = {pair_id: step for pair_id, step, _ in missing}
    deliveries = []
    for nudge_id, pair_id in nudges:
        pair = people.get(pair_id)
        if pair is None:
            continue
        partners = {pair.mentor_user_id, pair.mentee_user_id}
        if step_of[pair_id] == NudgeStep.FLAG:
            told = (board | admins.get(pair.mentor_organisation_id, set())
                    | admins.get(pair.mentee_organisation_id, set())) - partners
        else:
            told = partners
        deliveries += [{"nudge_id": nudge_id, "user_id": user_id} for user_id in sorted(told)]
    if deliveries:
        session.execute(sa.insert(NudgeDelivery), deliveries)
    return len(nudges), len(deliveries)


# --- 2. Mails ----------------------------------------------------------------------------------------------


def deliver(session: Session, moment: datetime, today: date, run: NudgeRun) -> None:
    pending = queries.pending_deliveries(session)
    if not pending:
        session.commit()
        return
    context = _read_context(session, moment, today, {item.pair_id for item in pending})
    session.commit()  # end the reads; each person below is a transaction of their own
    live: dict[int, list[queries.Pending]] = defaultdict(list)
    stale = []
    for item in pending:
        now = context.steps.get(item.pair_id)
        if now is not None and (str(now.step), now.due_on) == (item.step, item.due_on) \
                and item.pair_id in context.people:
            live[item.user_id].append(item)
        else:
            stale.append(item.delivery_id)
    run.done_without_mail += _mark_done(session, stale, moment)
    for user_ids in chunks(sorted(live), BATCH):
        users = queries.users_by_id(session, user_ids)
        last = queries.last_mailed(session, user_ids)
        digest = queries.digest_user_ids(session, user_ids)
        session.commit()
        due: list[tuple[User, list[queries.Pending]]] = []
        for user_id in user_ids:
            items = live[user_id]
            person = users.get(user_id)
            if person is None or not person.is_active:
                run.done_without_mail += _mark_done(session, [item.delivery_id for item in items], moment,
                                                    commit=False)
                continue
            if not may_mail(last.get(user_id), user_id in digest, moment, club_zone()):
                run.waiting += len(items)
                continue
            due.append((person, items))
        session.commit()
        for group in chunks(due, PEOPLE_PER_COMMIT):
            run.mails += _mail_group(session, context, group, digest)
            session.commit()


def _mail_group(session: Session, context: _Context, group: Sequence[tuple[User, list[queries.Pending]]],
                digest: set[int]) -> int:
    """Claim the group's deliveries with one conditional UPDATE and queue a mail to each person whose
    deliveries were all claimed, in the caller's transaction. A person some of whose deliveries another run
    claimed first gets nothing from this run: their rows claimed here are given back (that run mails them,
    and the weekly cap then holds the rest). Returns how many mails were queued."""
    wanted = [item.delivery_id for _, items in group for item in items]
    claimed = set(session.scalars(
        sa.update(NudgeDelivery).where(NudgeDelivery.id.in_(wanted), NudgeDelivery.mailed_at.is_(None))
        .values(mailed_at=context.moment).returning(NudgeDelivery.id)
        .execution_options(synchronize_session=False)).all())
    given_back: list[int] = []
    links: list[dict[str, int]] = []
    mails = 0
    for person, items in group:
        ids = {item.delivery_id for item in items}
        if not ids <= claimed:
            given_back += sorted(ids & claimed)
            continue
        message = _mail(session, context, person, items, weekly_digest=person.id in digest)
        mails += 1
        links += [{"id": delivery_id, "outbox_message_id": message.id} for delivery_id in sorted(ids)]
    if given_back:
        session.execute(sa.update(NudgeDelivery).where(NudgeDelivery.id.in_(given_back))
                        .values(mailed_at=None).execution_options(synchronize_session=False))
    if links:
        session.execute(sa.update(NudgeDelivery), links)  # by primary key: one statement, many rows
    return mails


def _read_context(session: Session, moment: datetime, today: date, pair_ids: set[int]) -> _Context:
    context = _Context(moment=moment, today=today, board=queries.board_user_ids(session))
    rows = session.execute(
        sa.select(Pair.id, Pair.cohort_id).join(Cohort, Cohort.id == Pair.cohort_id)
        .where(Pair.id.in_(pair_ids), Pair.status == PairStatus.ACTIVE, Cohort.state == CohortState.RUNNING)
        .order_by(Pair.id)).all()
    pairs = [(pair_id, cohort_id) for pair_id, cohort_id in rows]
    cohorts = queries.cohorts_by_id(session, {cohort_id for _, cohort_id in pairs})
    rhythms = {cohort_id: rhythm_of(cohort) for cohort_id, cohort in cohorts.items()}
    for batch in chunks(pairs, BATCH):
        context.steps.update(_current_steps(session, batch, rhythms, cohorts, today))
        context.people.update(queries.pair_people(session, [pair_id for pair_id, _ in batch]))
    return context


def _mark_done(session: Session, delivery_ids: Iterable[int], moment: datetime, *, commit: bool = True) -> int:
    """Deliveries whose step is no longer due (or whose person cannot be mailed): done, without a mail."""
    done = 0
    for ids in chunks(sorted(delivery_ids), BATCH):
        done += matched_rows(session, sa.update(NudgeDelivery)
                             .where(NudgeDelivery.id.in_(ids), NudgeDelivery.mailed_at.is_(None))
                             .values(mailed_at=moment).execution_options(synchronize_session=False))
        if commit:
            session.commit()
    return done


def _item(context: _Context, person: User, pending: queries.Pending) -> NudgeItem:
    now = context.steps[pending.pair_id]
    pair = context.people[pending.pair_id]
    quiet_since = now.facts.last_held_on or started_on(now.facts) or now.due_on
    common = {"step": str(now.step), "pair_id": pair.pair_id, "cohort_name": now.cohort.name, "due_on": now.due_on,
              "weeks_overdue": weeks_between(now.due_on, context.today),
              "weeks_quiet": weeks_between(quiet_since, context.today)}
    if now.step != NudgeStep.FLAG:
        is_mentor = person.id == pair.mentor_user_id
        return NudgeItem(role="partner",
                         partner_name=pair.mentee_name if is_mentor else pair.mentor_name,
                         partner_organisation=pair.mentee_organisation if is_mentor else pair.mentor_organisation,
                         url=absolute_url("pairs.pair", pair_id=pair.pair_id), **common)  # type: ignore[arg-type]
    names = {"mentor_name": pair.mentor_name, "mentor_organisation": pair.mentor_organisation,
             "mentee_name": pair.mentee_name, "mentee_organisation": pair.mentee_organisation}
    if person.id in context.board:
        return NudgeItem(role="board", url=absolute_url("pairs.health", cohort_id=now.cohort.id),
                         **names, **common)  # type: ignore[arg-type]
    return NudgeItem(role="admin", url=absolute_url("pairs.organisation_pairs", org_slug=person.organisation.slug),
                     **names, **common)  # type: ignore[arg-type]


def subject_of(items: Sequence[NudgeItem]) -> str:
    """The mail's subject, in the current locale: the one item's, or how many there are."""
    first = items[0]
    if len(items) > 1:
        if all(item.role == "partner" for item in items):
            return _("Your tandem meetings are due: plan them")
        return ngettext("%(num)d tandem needs attention", "%(num)d tandems need attention", len(items))
    if first.step == NudgeStep.REMINDER:
        return _("Your next tandem meeting is due: plan it")
    if first.step == NudgeStep.SECOND_REMINDER:
        return ngettext("Your tandem with %(name)s: it has been %(num)d week",
                        "Your tandem with %(name)s: it has been %(num)d weeks", first.weeks_overdue,
                        name=first.partner_name)
    return ngettext("The tandem of %(mentor)s and %(mentee)s has not met for %(num)d week",
                    "The tandem of %(mentor)s and %(mentee)s has not met for %(num)d weeks", first.weeks_quiet,
                    mentor=first.mentor_name, mentee=first.mentee_name)


def _mail(session: Session, context: _Context, person: User, pending: list[queries.Pending], *,
          weekly_digest: bool) -> OutboxMessage:
    """Queue one mail to the person listing their (claimed) deliveries, in the caller's transaction."""
    items = sorted((_item(context, person, item) for item in pending),
                   key=lambda item: (STEP_ORDER[NudgeStep(item.step)], -item.weeks_quiet, item.pair_id))
    listed = items[:MAX_LISTED]
    links = sorted({item.url for item in items if item.role != "partner"})
    language = mail_language(person)
    with force_locale(language):
        subject = subject_of(items)
    return queue_mail(
        session, template="pair_nudges", recipient=person.email, language=language, kind=MAIL_KIND, subject=subject,
        organisation_id=person.organisation_id, recipient_user_id=person.id, person=person, items=listed,
        more=len(items) - len(listed), links=links, weekly_digest=weekly_digest,
        settings_url=absolute_url("pairs.nudge_settings"))
