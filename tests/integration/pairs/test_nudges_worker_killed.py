"""The nudge job under SIGKILL: real RQ workers, real Redis, killed in the middle of the job and restarted.

A running cohort (kick-off Monday 2027-03-01, meetings every 3 to 4 weeks) of `PAIRS` pairs, each a mentor
and a mentee of two organisations, published long before and never met: on Tuesday 2027-03-30 every pair
is due its first reminder (due 2027-03-29), to both partners. The job (`nudge_pairs` with that moment, as the
hourly schedule enqueues it) runs in real `rq worker`s (Tandem's worker class, which forks a work horse), two
on its queue, on a database of its own. While it mails the partners (some claimed and mailed, not all; at
once, or up to `KILL_DELAY` later) the worker running it and its horse are SIGKILLed, twice; each time a new
worker replaces it and the job is enqueued again (the schedule's next run); then the workers are left alone
until the job is done. If the job was done at the moment of a kill (a run's last people are mailed in one
transaction), `PAIRS` more pairs are added and the round is played again: two kills that land mid-job are
asserted, so the test cannot pass without them.

Then: the ledger holds exactly one reminder per pair, every delivery is mailed with its outbox message, and
each partner has exactly one nudge mail in the outbox: none twice, none missing, nobody else. Finally the
outbox is sent (its send jobs, and a sweep for the ones whose enqueue died with a worker) to a real SMTP
server (aiosmtpd), which receives exactly one mail per partner.

Runs on the suite's kind of database (PostgreSQL with DATABASE_URL, else a SQLite file) and the tests' Redis,
like tests/integration/mail/test_worker_killed_while_sending.py; skips without Redis, fails under CI=true.
Creates a database of its own (needs a PostgreSQL role that may). The figures are printed with `-s`.
"""

from __future__ import annotations

import contextlib
import os
import random
import signal
import subprocess
import sys
import tempfile
import time
from collections import Counter
from dataclasses import dataclass
from datetime import UTC, date, datetime, timedelta
from pathlib import Path
from zoneinfo import ZoneInfo

import pytest
import sqlalchemy as sa
from flask import Flask
from rq.job import Job, JobStatus

from tandem import create_app
from tandem.platform.board.models import BoardMember
from tandem.platform.cohorts.models import Cohort, CohortState, Participation, ParticipationStatus
from tandem.platform.identity.models import User
from tandem.platform.mail.delivery import pending_message_ids
from tandem.platform.mail.jobs import send_outbox_message
from tandem.platform.mail.models import OutboxMessage, OutboxStatus
from tandem.platform.migrate import upgrade
from tandem.platform.pairs.models import NudgeDelivery, NudgeStep, PairNudge
from tandem.platform.pairs.nudges.jobs import nudge_pairs
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tandem.tenants.models import Organisation, OrganisationAdmin
from tests.fixtures.jobs import run_queued_jobs
from tests.fixtures.processes import descendants
from tests.fixtures.services import config_for_tests, fresh_database

ROOT = Path(__file__).resolve().parents[3]
pytestmark = pytest.mark.redis

ZURICH = ZoneInfo("Europe/Zurich")
MOMENT = datetime(2027, 3, 30, 9, 0, tzinfo=ZURICH)  # every pair's first reminder is due (since 2027-03-29)
PUBLISHED_AT = datetime(2027, 2, 20, 10, 0, tzinfo=UTC)
KIND = "pair_nudges"
PAIRS = 150           # in the first round, and added for each further round (the job was done before a kill)
ROUNDS = 3
KILLS = 2             # workers killed mid-job before the one that is left alone
KILL_DELAY = 0.1      # seconds, at most, from seeing some people mailed to the kill
ORGANISATIONS = 20
JOB_TIMEOUT = 60.0    # seconds a worker may take to start and finish (or reach the kill point of) the job


@dataclass
class Kill:
    pairs: int
    deliveries: int
    mailed_at_kill: int      # deliveries mailed when the worker was seen mid-job and killed
    mailed_after: int        # and once it was dead: what its committed transactions left
    mails_after: int         # nudge mails in the outbox then (claims and mails commit together)
    seconds: float           # from the job's enqueueing to the kill


def _kill(pid: int) -> None:
    """SIGKILL the worker and its work horse at once: a pod or machine lost, an OOM kill."""
    for process in [*descendants(pid), pid]:
        with contextlib.suppress(ProcessLookupError):
            os.kill(process, signal.SIGKILL)


def add_pairs(app: Flask, pairs: int, first: int) -> None:
    """`pairs` more pairs of never-met partners (person numbers from `first`), bulk-inserted; the cohort,
    organisations, their admins and a board member on the first call (none of them is to be mailed)."""
    database = app.extensions["tandem.db"]
    with app.app_context():
        session = database.session()
        with club_scope(session):
            cohort = session.scalar(sa.select(Cohort))
            if cohort is None:
                session.execute(sa.insert(Organisation), [
                    {"slug": f"org-{n}", "name": f"Organisation {n}"} for n in range(ORGANISATIONS)])
                cohort = Cohort(slug="spring-2027", name="Spring 2027", state=CohortState.RUNNING,
                                nomination_deadline=date(2027, 1, 31), kickoff_on=date(2027, 3, 1),
                                closing_on=date(2027, 8, 30), symposium_on=date(2027, 9, 16))
                session.add(cohort)
                session.flush()
                organisations = list(session.scalars(sa.select(Organisation.id).order_by(Organisation.id)))
                session.execute(sa.insert(User), [
                    {"organisation_id": organisation_id, "email": f"staff{n}@kill.example",
                     "display_name": f"Staff {n}", "preferred_language": "de"}
                    for n, organisation_id in enumerate(organisations)])
                staff = dict(session.execute(sa.select(User.organisation_id, User.id)).all())
                session.execute(sa.insert(OrganisationAdmin), [
                    {"organisation_id": organisation_id, "user_id": user_id}
                    for organisation_id, user_id in staff.items()])
                session.execute(sa.insert(BoardMember), [{"user_id": staff[organisations[0]]}])
            organisations = list(session.scalars(sa.select(Organisation.id).order_by(Organisation.id)))
            numbers = range(2 * first, 2 * (first + pairs))
            # A mentor of organisation k with a mentee of organisation k+1: never of the same organisation.
            session.execute(sa.insert(User), [
                {"organisation_id": organisations[n % ORGANISATIONS], "email": f"person{n}@kill.example",
                 "display_name": f"Person {n}", "preferred_language": ("de", "fr", "en")[n % 3]} for n in numbers])
            users = dict(session.execute(sa.select(User.email, User.id).where(User.email.like("person%"))).all())
            session.execute(sa.insert(Participation), [
                {"organisation_id": organisations[n % ORGANISATIONS], "user_id": users[f"person{n}@kill.example"],
                 "cohort_id": cohort.id, "role": "mentor" if n % 2 == 0 else "mentee",
                 "status": ParticipationStatus.ACTIVE} for n in numbers])
            participation = dict(session.execute(sa.select(Participation.user_id, Participation.id)).all())
            session.execute(sa.insert(Pair), [
                {"cohort_id": cohort.id, "status": PairStatus.ACTIVE, "activated_at": PUBLISHED_AT,
                 "mentor_participation_id": participation[users[f"person{2 * n}@kill.example"]],
                 "mentee_participation_id": participation[users[f"person{2 * n + 1}@kill.example"]]}
                for n in range(first, first + pairs)])
            session.commit()
        database.session.remove()


def progress(engine: sa.Engine) -> tuple[int, int, int]:
    """(deliveries, of them mailed, nudge mails in the outbox), read in one transaction."""
    with engine.connect() as connection:
        deliveries, mailed = connection.execute(sa.select(
            sa.func.count(NudgeDelivery.id),
            sa.func.count(NudgeDelivery.mailed_at))).one()
        mails = connection.scalar(sa.select(sa.func.count(OutboxMessage.id)).where(OutboxMessage.kind == KIND))
    return int(deliveries), int(mailed), int(mails or 0)


def test_workers_killed_in_the_middle_of_the_nudge_job_lose_no_mail_and_double_none(redis_url, smtp_server):
    rng = random.Random(os.environ.get("TANDEM_KILL_SEED") or None)
    started_at = time.monotonic()
    with contextlib.ExitStack() as stack:
        database_url = stack.enter_context(fresh_database("nudge_kill"))
        app = create_app(config_for_tests(database_url, REDIS_URL=redis_url, SMTP_URL=smtp_server.url))
        engine = app.extensions["tandem.db"].engine
        upgrade(engine)
        queues = app.extensions["tandem.jobs"]
        environment = {**os.environ, "TANDEM_ENV": "test", "DATABASE_URL": database_url, "REDIS_URL": redis_url,
                       "SMTP_URL": smtp_server.url, "SECRET_KEY": "test-secret-key-that-is-long-enough-for-tests",
                       "BASE_URL": "http://localhost", "PYTHONPATH": str(ROOT)}
        # The nudge job's queue only: the mails' send jobs wait in "high" until the end.
        command = [str(Path(sys.executable).with_name("rq")), "worker", "--url", redis_url,
                   "--worker-class", "tandem.workers.worker.AppWorker", "low"]
        workers: dict[str, subprocess.Popen[bytes]] = {}
        logs = Path(stack.enter_context(tempfile.TemporaryDirectory(prefix="tandem-nudge-kill-")))

        def start_worker() -> None:
            name = f"nudge-kill-{len(workers)}-{os.getpid()}"
            with (logs / f"{name}.log").open("wb") as log:
                workers[name] = subprocess.Popen([*command, "--name", name], cwd=ROOT, env=environment,
                                                 stdout=log, stderr=subprocess.STDOUT, start_new_session=True)

        def alive() -> list[subprocess.Popen[bytes]]:
            return [process for process in workers.values() if process.poll() is None]

        def running(job: Job) -> bool:
            """Whether the workers are there and the job has not failed; else the failure, with their logs."""
            if job.get_status(refresh=True) == JobStatus.FAILED or not alive():
                result = job.latest_result()
                pytest.fail(f"the nudge job failed: {result.exc_string if result else job.get_status()}; "
                            f"progress {progress(engine)}; the workers' logs:\n" + "\n".join(
                                f"--- {path.name}\n" + "\n".join(path.read_text().splitlines()[-20:])
                                for path in sorted(logs.iterdir())))
            return True

        def enqueue_the_job() -> Job:
            return queues.enqueue(nudge_pairs, MOMENT.isoformat(), queue="low")

        kills: list[Kill] = []
        late = 0  # kills that came after the job was done: a round played again with more pairs
        added = 0
        try:
            # Two workers on the queue, as in production: the one that takes the job is killed, the other takes
            # the job enqueued again, and a new worker replaces the dead one (starting while the other works).
            start_worker()
            start_worker()
            add_pairs(app, PAIRS, 0)
            added = PAIRS
            while len(kills) < KILLS:
                job = enqueue_the_job()
                enqueued_at = time.monotonic()
                deliveries, mailed_before, _ = progress(engine)
                deadline = enqueued_at + JOB_TIMEOUT
                # Mid-job: the steps are recorded, some people are claimed and mailed (more than before this
                # run), not all.
                while True:
                    deliveries, mailed, _ = progress(engine)
                    if deliveries and mailed_before < mailed:
                        break
                    assert running(job) and time.monotonic() < deadline, ("the job did not mail", progress(engine))
                    time.sleep(0.02)
                # At once (while the horse enqueues the committed mails' send jobs) or a moment later (while
                # it claims and writes the next people's mails, uncommitted).
                time.sleep(rng.uniform(0.0, KILL_DELAY))
                worker = workers[str(Job.fetch(job.id, connection=queues.connection).worker_name)]
                _kill(worker.pid)
                seconds = time.monotonic() - enqueued_at
                worker.wait(timeout=10)
                time.sleep(0.2)  # the database sees the connection go and rolls back what it held open
                deliveries, mailed_after, mails_after = progress(engine)
                start_worker()
                if mailed_after == deliveries:
                    # Done before the kill: nothing was cut short. Play the round again with more pairs.
                    late += 1
                    assert late < ROUNDS, f"the job was done before every kill, even with {added} pairs"
                    add_pairs(app, PAIRS, added)
                    added += PAIRS
                    continue
                kills.append(Kill(added, deliveries, mailed, mailed_after, mails_after, seconds))

            # The workers are left alone, with the job enqueued again as the schedule would.
            job = enqueue_the_job()
            deadline = time.monotonic() + JOB_TIMEOUT
            while job.get_status(refresh=True) != JobStatus.FINISHED:
                assert running(job) and time.monotonic() < deadline, (job.get_status(), progress(engine))
                time.sleep(0.05)
            last_run = job.return_value()
        finally:
            for process in workers.values():
                if process.poll() is None:
                    _kill(process.pid)
                    process.wait(timeout=10)
        finished_at = time.monotonic()

        with engine.connect() as connection:
            ledger = connection.execute(sa.select(PairNudge.pair_id, PairNudge.step, PairNudge.due_on)).all()
            delivered = connection.execute(sa.select(
                NudgeDelivery.user_id, NudgeDelivery.mailed_at, NudgeDelivery.outbox_message_id)).all()
            mails = connection.execute(sa.select(OutboxMessage.id, OutboxMessage.recipient_user_id,
                                                 OutboxMessage.recipient)
                                       .where(OutboxMessage.kind == KIND)).all()
            partners = dict(connection.execute(
                sa.select(User.id, User.email).join(Participation, Participation.user_id == User.id)).all())
            pair_ids = set(connection.scalars(sa.select(Pair.id)))

        # The ledger: exactly one reminder per pair, due on 2027-03-29.
        assert len(pair_ids) == added
        assert Counter(pair_id for pair_id, _, _ in ledger) == Counter(dict.fromkeys(pair_ids, 1))
        assert {(str(step), due_on) for _, step, due_on in ledger} == {(str(NudgeStep.REMINDER), date(2027, 3, 29))}
        # Each partner was to be told once, and was: every delivery mailed, with the mail that told them.
        assert Counter(user_id for user_id, _, _ in delivered) == Counter(dict.fromkeys(partners, 1))
        assert all(mailed_at is not None for _, mailed_at, _ in delivered)
        mail_ids = {mail_id for mail_id, _, _ in mails}
        assert {message_id for _, _, message_id in delivered} == mail_ids
        # The outbox: exactly one nudge mail per partner, none twice, none missing, nobody else.
        assert Counter(user_id for _, user_id, _ in mails) == Counter(dict.fromkeys(partners, 1))
        assert {user_id: recipient for _, user_id, recipient in mails} == partners

        # Sending: the send jobs the workers enqueued after each commit; then the sweep (as cron runs it, here
        # without waiting its minute) for any whose enqueue died with a worker. Each claimed once.
        sent = run_queued_jobs(app, ("high",))
        with app.app_context():
            session = app.extensions["tandem.db"].session()
            with club_scope(session):
                swept = pending_message_ids(session, older_than=timedelta(0))
                session.commit()
            app.extensions["tandem.db"].session.remove()
        for message_id in swept:
            queues.enqueue(send_outbox_message, message_id, queue="high")
        sent += run_queued_jobs(app, ("high",))
        with engine.connect() as connection:
            statuses = Counter(connection.scalars(sa.select(OutboxMessage.status).where(OutboxMessage.kind == KIND)))
        app.extensions["tandem.db"].dispose()

    assert statuses == {OutboxStatus.SENT: len(partners)}
    received = smtp_server.wait_for(len(partners) + 1, timeout=1.0)
    assert Counter(message["To"] for message in received) == Counter(dict.fromkeys(partners.values(), 1))

    # The kills landed mid-job: some people mailed, not all, and the outbox held exactly their mails.
    assert len(kills) == KILLS
    for kill in kills:
        assert 0 < kill.mailed_after < kill.deliveries, kill
        assert kill.mails_after == kill.mailed_after, kill  # one delivery each: a claim commits with its mail
    assert kills[0].mailed_after < kills[-1].mailed_after, "a restarted worker took up where the last one died"
    # The last run recorded nothing again and mailed exactly those the last killed worker had left.
    assert last_run is not None
    assert (last_run["steps"], last_run["mails"]) == (0, len(partners) - kills[-1].mailed_after), last_run
    print(f"\nnudge job under SIGKILL: {added} pairs, {len(partners)} partners mailed once each; "
          f"{len(kills)} kills mid-job at " + ", ".join(
              f"{kill.mailed_after}/{kill.deliveries} mailed ({kill.seconds:.1f} s after enqueueing)"
              for kill in kills)
          + f"; {sent} send jobs ({len(swept)} of them swept up); {late} rounds played again with more pairs (the "
          f"job was done before the kill); workers {finished_at - started_at:.1f} s, "
          f"in all {time.monotonic() - started_at:.1f} s")
