"""The board's matching workbench, the nominations and an organisation's people page at thousands of people.

Run from the repository root:

    .venv/bin/python -m bench.workbench_scale                  # 2,000 pairs
    .venv/bin/python -m bench.workbench_scale --pairs 1000,2000

For each size it builds, in a temporary SQLite database migrated by Alembic (or a database of its own on
$DATABASE_URL's PostgreSQL server, as bench/query_counts.py), a cohort in its matching step with a finished
matching run of that many pairs (every pair with the engine's explanation; some locked, some set by hand),
people left without a partner, people still invited, profiles (most complete), from 40 member organisations;
every mentee is of the organisation whose admin signs in, so her people page lists more than the pairs. Rows
are inserted in bulk (a few seconds for 2,000 pairs); on PostgreSQL the tables are then analysed, as
autovacuum soon does after such inserts.

Then it signs in as a board member and as that admin and requests, through Flask's test client, the workbench
(its first page, a later page, a search, a filter), the matching rules, the cohort's nominations and the
organisation's people page, and prints for each the server's time (median of several requests: the process's
CPU time, judged against the target, and the wall time), the HTML's size, its number of elements (counted
with html.parser, as `document.querySelectorAll('*').length`) and its SQL statements, with PASS or FAIL
against the targets of issue 18: under 150 ms, 300 KB and 5,000 elements. The CPU time is what the request
costs whatever else the machine runs; on an idle machine the wall time is about the same (SQLite answers
from memory).

Exit status: 1 when a page misses a target, 2 when a page cannot be measured, 0 otherwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from html.parser import HTMLParser
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient
from sqlalchemy.orm import Session

from bench.query_counts import EXPLANATION, NOT_COUNTED, bench_database, signed_in_client
from tandem import create_app
from tandem.platform.cohorts.models import CohortState, Participation, ParticipationRole, ParticipationStatus
from tandem.platform.database import Database
from tandem.platform.identity.models import User
from tandem.platform.migrate import upgrade
from tandem.platform.participant.models import Profile, ProfileTopic
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingRun, MatchingRunStatus, Pair, PairStatus
from tests.factories import (
    make_board_member,
    make_catalogue_topic,
    make_cohort,
    make_org_admin,
    make_organisation,
)

SIZES = (2000,)
REPEAT = 7
ORGANISATIONS = 40
TARGET_MS = 150.0
TARGET_BYTES = 300 * 1024
TARGET_ELEMENTS = 5000


# --- The data ---------------------------------------------------------------------------------------------


@dataclass
class ScaleClub:
    """What the benchmark and the browser test need of the club they built."""

    cohort_id: int
    board_member_id: int
    board_email: str
    org_admin_id: int
    org_slug: str
    organisation_names: list[str]
    pairs: int
    people: int  # participations of the cohort
    admin_people: int  # people of the admin's organisation (the participants and the admin)
    unmatched: int  # active people without a partner
    locked: int


def _insert(session: Session, model: Any, rows: list[dict[str, Any]]) -> list[int]:
    """Rows in bulk (one INSERT ... RETURNING per batch); their ids in order."""
    ids: list[int] = []
    for start in range(0, len(rows), 1000):
        ids.extend(session.scalars(sa.insert(model).returning(model.id, sort_by_parameter_order=True),
                                   rows[start:start + 1000]))
    return ids


def build_scale_club(session: Session, pairs: int, *, organisations: int = ORGANISATIONS) -> ScaleClub:
    """A cohort in its matching step whose current run holds `pairs` pairs, with people without a partner,
    people still invited and profiles; committed. Mentors are of the other organisations in turn, every mentee
    of the first organisation (whose admin is returned)."""
    now = datetime.now(UTC)
    orgs = [make_organisation(session, name=f"Member {i + 1:02d}") for i in range(organisations)]
    board = make_board_member(session, orgs[1], display_name="Board Member")
    admin = make_org_admin(session, orgs[0], display_name="Org Admin")
    cohort = make_cohort(session, state=CohortState.MATCHING, name=f"Scale cohort {pairs}")
    topics = [make_catalogue_topic(session, label=label) for label in ("Podcasts", "Cloud", "Design")]
    explanation: dict[str, Any] = dict(EXPLANATION)
    explanation["topics"] = {**EXPLANATION["topics"], "params": {
        "ranked_wanted": 2, "mentee_top_ranked_covered": 1, "wanted": [[topics[0].id, 1], [topics[1].id, 2]],
        "shared": [[topics[0].id, 1]], "missing": [[topics[1].id, 2]]}}
    unmatched_mentees, unmatched_mentors, invited = max(1, pairs // 50), max(1, pairs // 100), max(1, pairs // 20)
    # (role, status, organisation) of each participant: the pairs' mentees and mentors, then the others
    people: list[tuple[str, str, Any]] = []
    for n in range(pairs):
        people.append((ParticipationRole.MENTEE, ParticipationStatus.ACTIVE, orgs[0]))
        people.append((ParticipationRole.MENTOR, ParticipationStatus.ACTIVE, orgs[1 + n % (organisations - 1)]))
    people += [(ParticipationRole.MENTEE, ParticipationStatus.ACTIVE, orgs[0])] * unmatched_mentees
    people += [(ParticipationRole.MENTOR, ParticipationStatus.ACTIVE, orgs[1 + n % (organisations - 1)])
               for n in range(unmatched_mentors)]
    people += [(ParticipationRole.MENTOR if n % 2 else ParticipationRole.MENTEE, ParticipationStatus.INVITED,
                orgs[0] if n % 2 == 0 else orgs[1 + n % (organisations - 1)]) for n in range(invited)]
    with club_scope(session):
        user_ids = _insert(session, User, [
            {"organisation_id": org.id, "email": f"p{n}@{org.slug}.example", "display_name": f"Person {n:05d}",
             "preferred_language": "en"} for n, (_role, _status, org) in enumerate(people)])
        participation_ids = _insert(session, Participation, [
            {"organisation_id": org.id, "user_id": user_id, "cohort_id": cohort.id, "role": role, "status": status,
             "nominated_at": now - timedelta(days=40), "invited_at": now - timedelta(days=30)}
            for user_id, (role, status, org) in zip(user_ids, people, strict=True)])
        active = [(pid, org) for pid, (_role, status, org) in zip(participation_ids, people, strict=True)
                  if status == ParticipationStatus.ACTIVE]
        complete = [(pid, org) for index, (pid, org) in enumerate(active) if index % 20 != 7]  # 1 in 20 incomplete
        _insert(session, Profile, [
            {"participation_id": pid, "organisation_id": org.id, "languages": ["de", "en"], "format": "both",
             "city": "Bern", "weekdays": ["tue"], "career_band": "3-5", "bio": "Digital services.",
             "aims": "Learn."} for pid, org in complete])
        _insert(session, ProfileTopic, [
            {"participation_id": pid, "organisation_id": org.id, "topic_id": topic.id, "rank": rank}
            for pid, org in complete for rank, topic in enumerate(topics, start=1)])
        mentees = participation_ids[0:2 * pairs:2]
        mentors = participation_ids[1:2 * pairs:2]
        start = 2 * pairs
        lonely = participation_ids[start:start + unmatched_mentees + unmatched_mentors]
        run = MatchingRun(
            cohort_id=cohort.id, number=1, status=MatchingRunStatus.SUCCEEDED, progress=100,
            parameters={"weights": {"topics": 0.4, "format": 0.25, "weekdays": 0.15, "career_gap": 0.2},
                        "threshold": 0.5, "based_on_run_id": None},
            figures={"pairs": pairs, "share_matched": 1.0, "lowest_score": 0.3, "mean_score": 0.7,
                     "below_threshold": pairs // 10},
            unmatched=[{"id": pid, "role": ParticipationRole.MENTEE if i < unmatched_mentees else
                        ParticipationRole.MENTOR, "code": "all_compatible_taken", "params": {"compatible": 3}}
                       for i, pid in enumerate(lonely)],
            started_at=now - timedelta(minutes=5), finished_at=now - timedelta(minutes=4))
        session.add(run)
        session.flush()
        locked = 0
        rows = []
        for index, (mentee, mentor) in enumerate(zip(mentees, mentors, strict=True)):
            status = PairStatus.LOCKED if index % 20 == 3 else PairStatus.PROPOSED
            locked += status == PairStatus.LOCKED
            rows.append({"cohort_id": cohort.id, "matching_run_id": run.id, "mentor_participation_id": mentor,
                         "mentee_participation_id": mentee, "score": round(0.3 + (index * 37 % 70) / 100, 2),
                         "explanation": explanation, "status": status, "by_hand": index % 50 == 11})
        _insert(session, Pair, rows)
        session.commit()
    if session.get_bind().dialect.name == "postgresql":
        # The statistics PostgreSQL's autovacuum gathers soon after bulk inserts: without them the planner
        # takes the new tables for near empty (nested loops over thousands of rows).
        session.connection().exec_driver_sql("ANALYZE")
        session.commit()
    admin_people = 1 + sum(1 for _role, _status, org in people if org.id == orgs[0].id)
    return ScaleClub(cohort_id=cohort.id, board_member_id=board.id, board_email=board.email, org_admin_id=admin.id,
                     org_slug=orgs[0].slug,
                     organisation_names=[org.name for org in orgs], pairs=pairs, people=len(people),
                     admin_people=admin_people, unmatched=len(lonely), locked=locked)


# --- Measuring --------------------------------------------------------------------------------------------


class _Elements(HTMLParser):
    """Counts the elements of a page, as the browser's `document.querySelectorAll('*').length`."""

    def __init__(self) -> None:
        super().__init__(convert_charrefs=True)
        self.count = 0

    def handle_starttag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.count += 1

    def handle_startendtag(self, tag: str, attrs: list[tuple[str, str | None]]) -> None:
        self.count += 1


def element_count(html: str) -> int:
    parser = _Elements()
    parser.feed(html)
    parser.close()
    return parser.count


@dataclass
class PageFigures:
    label: str
    pairs: int
    median_ms: float  # wall time
    cpu_ms: float  # the process's CPU time (the app, SQLite and the test client run in this process)
    db_ms: float  # the statements' wall time (PostgreSQL works in processes of its own)
    size: int  # bytes of HTML
    elements: int
    statements: int
    postgres: bool = False

    @property
    def server_ms(self) -> float:
        """The time judged against the target: the CPU time, which other processes on a busy machine do not
        inflate (SQLite answers from memory, in this process: the wall time of an idle machine is about the
        same); with PostgreSQL, plus the statements' time."""
        return self.cpu_ms + (self.db_ms if self.postgres else 0.0)

    @property
    def passed(self) -> bool:
        return self.server_ms < TARGET_MS and self.size < TARGET_BYTES and self.elements < TARGET_ELEMENTS


class PageError(RuntimeError):
    pass


def measure_page(app: Flask, client: FlaskClient, label: str, path: str, pairs: int, repeat: int) -> PageFigures:
    engine = app.extensions["tandem.db"].engine
    statements: list[str] = []
    waited: list[float] = []

    def _count(conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        conn.info["bench.started"] = time.perf_counter()
        if not statement.lstrip().upper().startswith(NOT_COUNTED) and "set_config" not in statement:
            statements.append(statement)

    def _done(conn: Any, *_args: Any) -> None:
        waited.append(time.perf_counter() - conn.info.pop("bench.started", time.perf_counter()))

    def _get() -> bytes:
        response = client.get(path, headers={"Accept-Language": "en"})
        if response.status_code != 200:
            raise PageError(f"GET {path} answered {response.status_code}")
        return response.get_data()

    body = _get()  # warm-up: templates compiled, connections opened
    timings: list[float] = []
    cpu: list[float] = []
    database: list[float] = []
    counts: list[int] = []
    sa.event.listen(engine, "before_cursor_execute", _count)
    sa.event.listen(engine, "after_cursor_execute", _done)
    try:
        for _ in range(repeat):
            statements.clear()
            waited.clear()
            started, started_cpu = time.perf_counter(), time.process_time()
            body = _get()
            cpu.append((time.process_time() - started_cpu) * 1000)
            timings.append((time.perf_counter() - started) * 1000)
            database.append(sum(waited) * 1000)
            counts.append(len(statements))
    finally:
        sa.event.remove(engine, "before_cursor_execute", _count)
        sa.event.remove(engine, "after_cursor_execute", _done)
    return PageFigures(label, pairs, statistics.median(timings), statistics.median(cpu), statistics.median(database),
                       len(body), element_count(body.decode()), max(counts),
                       postgres=engine.dialect.name == "postgresql")


def pages_of(club: ScaleClub) -> list[tuple[str, str, int]]:
    """(label, path, who signs in) of the measured pages."""
    workbench = f"/board/cohorts/{club.cohort_id}/matching"
    return [
        ("workbench", workbench, club.board_member_id),
        ("workbench ?page=20", f"{workbench}?page=20", club.board_member_id),
        ("workbench ?q=<organisation>", f"{workbench}?q={club.organisation_names[5].replace(' ', '+')}",
         club.board_member_id),
        ("workbench ?show=locked", f"{workbench}?show=locked", club.board_member_id),
        ("matching rules", f"{workbench}/rules", club.board_member_id),
        ("nominations", f"/board/cohorts/{club.cohort_id}/nominations", club.board_member_id),
        ("/o/<slug>/ (people)", f"/o/{club.org_slug}/", club.org_admin_id),
        ("/o/<slug>/nominations/", f"/o/{club.org_slug}/nominations/", club.org_admin_id),
    ]


def run(sizes: tuple[int, ...], repeat: int) -> int:
    results: list[PageFigures] = []
    for pairs in sizes:
        with bench_database() as url:
            engine = Database(url).engine
            upgrade(engine)
            engine.dispose()
            app = create_app({"TANDEM_ENV": "test", "DATABASE_URL": url, "SECRET_KEY": "x" * 40,
                              "WTF_CSRF_ENABLED": False, "REDIS_URL": "", "SMTP_URL": ""})
            database: Database = app.extensions["tandem.db"]
            try:
                started = time.perf_counter()
                with app.app_context():
                    club = build_scale_club(database.session(), pairs)
                    database.session.remove()
                print(f"{sa.make_url(url).get_backend_name()}: {pairs} pairs, {club.people} participants, "
                      f"{club.admin_people} people in the admin's organisation, built in "
                      f"{time.perf_counter() - started:.1f} s", flush=True)
                clients: dict[int, FlaskClient] = {}
                for label, path, user_id in pages_of(club):
                    client = clients.setdefault(user_id, signed_in_client(app, user_id))
                    results.append(measure_page(app, client, label, path, pairs, repeat))
            except PageError as error:
                print(f"cannot measure: {error}", file=sys.stderr)
                return 2
            finally:
                database.dispose()
    print()
    print(f"load average {os.getloadavg()[0]:.1f} on {os.cpu_count()} CPUs; medians of {repeat} requests. Server ms: "
          "the CPU time of the app (with SQLite in it), plus the statements' time on PostgreSQL; the wall time "
          "rises with other processes' load")
    print(f"{'page':<30} {'pairs':>6} {'server ms':>9} {'CPU ms':>7} {'SQL ms':>7} {'wall ms':>8} {'KB':>7} "
          f"{'elements':>9} {'statements':>11}  target")
    for m in results:
        print(f"{m.label:<30} {m.pairs:>6} {m.server_ms:>9.1f} {m.cpu_ms:>7.1f} {m.db_ms:>7.1f} {m.median_ms:>8.1f} "
              f"{m.size / 1024:>7.1f} {m.elements:>9} {m.statements:>11}  {'PASS' if m.passed else 'FAIL'}")
    print()
    failed = [m for m in results if not m.passed]
    if failed:
        print(f"FAIL: {len(failed)} page(s) miss a target (under {TARGET_MS:.0f} ms, {TARGET_BYTES // 1024} KB "
              f"and {TARGET_ELEMENTS} elements)", file=sys.stderr)
        return 1
    print(f"OK: every page answers in under {TARGET_MS:.0f} ms with under {TARGET_BYTES // 1024} KB of HTML and "
          f"{TARGET_ELEMENTS} elements.")
    return 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.workbench_scale", description=__doc__.splitlines()[0])
    parser.add_argument("--pairs", default=",".join(map(str, SIZES)),
                        help="pairs of the cohort's run, comma-separated (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="timed requests per page")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.pairs.split(",") if s.strip())
    if not sizes or min(sizes) < 10 or args.repeat < 1:
        parser.error("give sizes of 10 pairs or more, and --repeat of 1 or more")
    return run(sizes, args.repeat)


if __name__ == "__main__":
    sys.exit(main())
