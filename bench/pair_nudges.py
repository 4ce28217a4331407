"""The nudge job over 5,000 pairs: how long it takes, and that it sends each mail once.

Run from the repository root:

    .venv/bin/python -m bench.pair_nudges
    DATABASE_URL=postgresql://postgres@127.0.0.1/postgres .venv/bin/python -m bench.pair_nudges

In a database of its own (a temporary SQLite file, or a new PostgreSQL database when `DATABASE_URL` names
one: see bench/query_counts.py) migrated with Alembic, it bulk-inserts a running cohort (kick-off 2027-03-01,
meetings every 3 to 4 weeks) of `--pairs` pairs (default 5,000) between people of 50 organisations, each with
an admin, and a board of three; a tenth of the people chose the weekly digest. At the measured moment,
Monday 2027-05-10 09:00 in Zurich, a quarter of the pairs are on their rhythm (met on 2027-04-26), a quarter
are due a reminder (met on 2027-04-05), a quarter a second reminder (met on 2027-03-22) and a quarter have
never met and are flagged. The job (`nudge_pairs`, as the scheduler runs it) runs twice at that moment; the
mails' send jobs are only enqueued (sending is the workers' part): to the Redis of `REDIS_URL` when set (its
queues are emptied at the end: give it a database of its own, e.g. redis://127.0.0.1:6379/3), else to an
in-memory Redis (fakeredis, several times slower to enqueue to than a real one).

Exit status: 1 when the first run takes more than 30 s, mails anyone twice or misses anyone, or the second run
mails anything; 0 otherwise.
"""

from __future__ import annotations

import argparse
import os
import sys
import time
from collections import Counter
from datetime import UTC, date, datetime
from zoneinfo import ZoneInfo

import fakeredis
import sqlalchemy as sa
from flask import Flask

from bench.query_counts import bench_database
from tandem import create_app
from tandem.platform.board.models import BoardMember
from tandem.platform.cohorts.models import Cohort, CohortState, Participation, ParticipationStatus
from tandem.platform.database import Database
from tandem.platform.identity.models import User
from tandem.platform.mail.models import OutboxMessage
from tandem.platform.migrate import upgrade
from tandem.platform.pairs.models import MeetingFormat, MeetingStatus, NudgePreference, PairMeeting
from tandem.platform.pairs.nudges.jobs import nudge_pairs
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import Pair, PairStatus
from tandem.tenants.models import Organisation, OrganisationAdmin
from tandem.workers.queues import QUEUE_NAMES

ZURICH = ZoneInfo("Europe/Zurich")
MOMENT = datetime(2027, 5, 10, 9, 0, tzinfo=ZURICH)
ORGANISATIONS = 50
BOARD = 3
LIMIT_SECONDS = 30.0
# By quarter of the pairs: the day of their last meeting (None: never met), and what is due at MOMENT.
LAST_MET = (date(2027, 4, 26), date(2027, 4, 5), date(2027, 3, 22), None)


def build(app: Flask, pairs: int) -> dict[str, int]:
    """The cohort and its people, bulk-inserted. Returns the expected number of mails per role."""
    database: Database = app.extensions["tandem.db"]
    with app.app_context():
        session = database.session()
        with club_scope(session):
            session.execute(sa.insert(Organisation), [
                {"slug": f"org-{n}", "name": f"Organisation {n}"} for n in range(ORGANISATIONS)])
            orgs = list(session.scalars(sa.select(Organisation.id).order_by(Organisation.id)))
            cohort = Cohort(slug="cohort-2027", name="Cohort 2027", state=CohortState.RUNNING,
                            nomination_deadline=date(2027, 1, 31), kickoff_on=date(2027, 3, 1),
                            closing_on=date(2027, 8, 30), symposium_on=date(2027, 9, 16))
            session.add(cohort)
            session.flush()
            people: list[dict[str, object]] = [
                {"organisation_id": orgs[n % ORGANISATIONS], "email": f"person{n}@bench.example",
                 "display_name": f"Person {n}", "preferred_language": ("de", "fr", "en")[n % 3]}
                      for n in range(2 * pairs)]
            staff: list[dict[str, object]] = [
                {"organisation_id": orgs[n % ORGANISATIONS], "email": f"staff{n}@bench.example",
                 "display_name": f"Staff {n}", "preferred_language": "de"} for n in range(ORGANISATIONS + BOARD)]
            session.execute(sa.insert(User), people + staff)
            ids = dict(session.execute(sa.select(User.email, User.id)).all())
            users = {str(row["email"]): (ids[str(row["email"])], int(str(row["organisation_id"])))
                     for row in people + staff}
            session.execute(sa.insert(OrganisationAdmin), [
                {"organisation_id": users[f"staff{n}@bench.example"][1], "user_id": users[f"staff{n}@bench.example"][0]}
                for n in range(ORGANISATIONS)])
            session.execute(sa.insert(BoardMember), [{"user_id": users[f"staff{n}@bench.example"][0]}
                                                    for n in range(ORGANISATIONS, ORGANISATIONS + BOARD)])
            session.execute(sa.insert(NudgePreference), [
                {"organisation_id": users[f"person{n}@bench.example"][1],
                 "user_id": users[f"person{n}@bench.example"][0], "weekly_digest": True}
                for n in range(0, 2 * pairs, 10)])
            session.execute(sa.insert(Participation), [
                {"organisation_id": users[f"person{n}@bench.example"][1],
                 "user_id": users[f"person{n}@bench.example"][0], "cohort_id": cohort.id,
                 "role": "mentor" if n % 2 == 0 else "mentee",
                 "status": ParticipationStatus.ACTIVE} for n in range(2 * pairs)])
            participation = dict(session.execute(sa.select(Participation.user_id, Participation.id)).all())
            published = datetime(2027, 2, 20, 10, tzinfo=UTC)
            # A mentor of organisation k with the mentee of organisation k+1 (never of the same organisation).
            session.execute(sa.insert(Pair), [
                {"cohort_id": cohort.id, "status": PairStatus.ACTIVE, "activated_at": published,
                 "mentor_participation_id": participation[users[f"person{2 * n}@bench.example"][0]],
                 "mentee_participation_id": participation[users[f"person{2 * n + 1}@bench.example"][0]]}
                for n in range(pairs)])
            pair_ids = list(session.scalars(sa.select(Pair.id).order_by(Pair.id)))
            meetings = []
            for index, pair_id in enumerate(pair_ids):
                met = LAST_MET[index % 4]
                if met is not None:
                    meetings.append({"pair_id": pair_id, "uid": f"bench-{pair_id}@tandem.test",
                                     "status": MeetingStatus.HELD, "duration_minutes": 60,
                                     "starts_at": datetime(met.year, met.month, met.day, 16, tzinfo=UTC),
                                     "format": MeetingFormat.ONLINE, "online_url": "https://meet.example/x"})
            session.execute(sa.insert(PairMeeting), meetings)
            session.commit()
        database.session.remove()
    due = sum(1 for index in range(pairs) if index % 4 in (1, 2))
    return {"partners": 2 * due, "board": BOARD if pairs >= 4 else 0,
            "admins": len({n % ORGANISATIONS for index in range(3, pairs, 4) for n in (2 * index, 2 * index + 1)})}


def run(pairs: int) -> int:
    with bench_database() as url:
        engine = Database(url).engine
        upgrade(engine)
        engine.dispose()
        redis_url = os.environ.get("REDIS_URL", "")
        app = create_app({"TANDEM_ENV": "test", "DATABASE_URL": url, "SECRET_KEY": "x" * 40,
                          "WTF_CSRF_ENABLED": False, "REDIS_URL": redis_url, "SMTP_URL": "",
                          "DEFAULT_LANGUAGE": "de"})
        # The send jobs go to a queue and wait for the workers, as in production (not run here): the real Redis
        # of REDIS_URL (its queues are emptied afterwards), else an in-memory one (slower to enqueue to).
        queues = app.extensions["tandem.jobs"]
        if not redis_url:
            queues.connection, queues.is_async = fakeredis.FakeRedis(), True
        try:
            return _run(app, url, pairs)
        finally:
            for name in QUEUE_NAMES:
                queues.queue(name).empty()
            app.extensions["tandem.db"].dispose()


def _run(app: Flask, url: str, pairs: int) -> int:
    started = time.perf_counter()
    expected = build(app, pairs)
    print(f"database: {sa.make_url(url).get_backend_name()}; {pairs} pairs, {2 * pairs} people, "
          f"{ORGANISATIONS} organisations, built in {time.perf_counter() - started:.1f} s")
    timings, results = [], []
    for _ in range(2):
        with app.app_context():
            started = time.perf_counter()
            results.append(nudge_pairs(MOMENT.isoformat()))
            timings.append(time.perf_counter() - started)
        print(f"run {len(timings)}: {timings[-1]:.1f} s  {results[-1]}")
    database: Database = app.extensions["tandem.db"]
    with app.app_context():
        session = database.session()
        with club_scope(session):
            recipients = Counter(session.scalars(
                sa.select(OutboxMessage.recipient_user_id).where(OutboxMessage.kind == "pair_nudges")))
        database.session.remove()
    queued = app.extensions["tandem.jobs"].queue("high").count
    wanted = sum(expected.values())
    print(f"mails: {sum(recipients.values())} to {len(recipients)} people (expected {wanted}: {expected}); "
          f"send jobs queued: {queued}")
    failed = []
    if timings[0] > LIMIT_SECONDS:
        failed.append(f"the first run took {timings[0]:.1f} s, more than {LIMIT_SECONDS:.0f} s")
    if any(count > 1 for count in recipients.values()):
        failed.append("someone got two nudge mails")
    if sum(recipients.values()) != wanted or results[0]["mails"] != wanted or queued != wanted:
        failed.append(f"{sum(recipients.values())} mails, not {wanted}")
    if results[1]["mails"] or results[1]["steps"]:
        failed.append(f"the second run did something: {results[1]}")
    for problem in failed:
        print(f"FAIL: {problem}", file=sys.stderr)
    if not failed:
        print(f"OK: {pairs} pairs nudged in {timings[0]:.1f} s (limit {LIMIT_SECONDS:.0f} s), each mail once; "
              f"the second run {timings[1]:.1f} s, nothing sent.")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.pair_nudges", description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", type=int, default=5000, help="pairs in the cohort (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.pairs < 4:
        parser.error("--pairs needs 4 or more")
    return run(args.pairs)


if __name__ == "__main__":
    sys.exit(main())
