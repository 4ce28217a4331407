"""Query counts per page: pages must not issue queries in proportion to the size of a cohort.

Run from the repository root:

    .venv/bin/python -m bench.query_counts
    DATABASE_URL=postgresql://postgres@127.0.0.1/postgres .venv/bin/python -m bench.query_counts

Without a PostgreSQL `DATABASE_URL` it uses a temporary SQLite file. With one, it creates a database of its
own on that server (`tandem_bench_<random>`) and drops it afterwards; the database named in the URL is only
used to connect. The schema comes from the Alembic migrations, as in production.

For each size N it grows one cohort to N participants from N/10 member organisations (at least four, or a
fixed number with --organisations; a quarter of the participants come from the organisation whose admin
signs in, the rest are spread over the others), so that both the cohort and the club grow. Half of the
participants are paired by a matching run (with explanations, as the engine stores them). The cohort's
programme has its kick-off, closing and symposium, published at the smallest size (the symposium also to
the board and the organisation admin); as the cohort grows, the new active participants are invited through
the programme's `sync_invitations`, and most of them answer. It signs in as a board member, that organisation
admin and participants, requests their pages (`/board/`, the cohort's matching workbench, the cohort's
programme and its kick-off with every invitee, `/o/<slug>/` and its programme, `/me/` with the partner, an
invitee's `/me/events`) and her private calendar feed (`/calendar/<token>.ics`, public, without a session),
and the pairs' pages: a second, running cohort grows alongside with as many people, all in active pairs, each
pair with meetings held and planned, check-ins, goals and an agreement, every tenth with a request for help;
measured are the board's pair health of that cohort and its page of one pair, the admin's `/o/<slug>/pairs`
and a partner's own `/me/pairs/<id>`,
and counts the SQL statements each request issues (transaction control such as BEGIN and SAVEPOINT is not
counted, as in the test suite's `count_queries`) and the median wall time over several requests.

Exit status: 1 when a page issues more statements at the largest size than at the smallest (the statements
are then printed, repeats collapsed, so an N+1 shows as one line with a count), 2 when a page cannot be
measured (it raised or did not answer 200), 0 otherwise.
"""

from __future__ import annotations

import argparse
import os
import statistics
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tandem import create_app
from tandem.platform.cohorts.models import (
    Cohort,
    CohortState,
    Participation,
    ParticipationRole,
    ParticipationStatus,
)
from tandem.platform.database import Database
from tandem.platform.identity.models import User
from tandem.platform.migrate import upgrade
from tandem.platform.pairs.models import (
    GoalStatus,
    HelpRequest,
    MeetingFormat,
    MeetingStatus,
    PairAgreement,
    PairCheckIn,
    PairGoal,
    PairMeeting,
)
from tandem.platform.programme.feeds import open_feed
from tandem.platform.programme.models import Answer, EventInvitation, EventKind, EventStatus, ProgrammeEvent
from tandem.platform.programme.operations import create_dated_events, publish_event, sync_invitations
from tandem.platform.tenancy import club_scope
from tandem.platform.workbench.models import MatchingRun, MatchingRunStatus, Pair, PairStatus
from tests.factories import make_board_member, make_cohort, make_org_admin, make_organisation
from tests.fixtures.services import sign_in_client

SIZES = (16, 100, 1000)
REPEAT = 5
MIN_ORGANISATIONS = 4
PARTICIPANTS_PER_ORGANISATION = 10
ADMIN_SHARE = 4  # every fourth participant is from the admin's organisation
NOT_COUNTED = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK TO", "COMMIT", "ROLLBACK")
STATUSES = (ParticipationStatus.NOMINATED, ParticipationStatus.INVITED, ParticipationStatus.ACTIVE)
# A pair's explanation as the engine stores it (what the workbench and the partner card render).
EXPLANATION = {
    "topics": {"value": 0.5, "weight": 0.4, "code": "some_offered",
               "params": {"wanted": [[1, 1], [2, 2]], "shared": [[1, 1]], "missing": [[2, 2]], "ranked_wanted": 2,
                          "mentee_top_ranked_covered": 1}},
    "format": {"value": 1.0, "weight": 0.25, "code": "remote", "params": {"mentor_format": "remote",
                                                                           "mentee_format": "both"}},
    "weekdays": {"value": 0.5, "weight": 0.15, "code": "shared", "params": {"days": ["tue"]}},
    "career_gap": {"value": 1.0, "weight": 0.2, "code": "clear_gap",
                   "params": {"mentor_band": "0-2", "mentee_band": "21+", "steps": 4}},
}


# --- The database -----------------------------------------------------------------------------------------


def _postgres_url() -> str | None:
    url = os.environ.get("DATABASE_URL") or ""
    for prefix in ("postgres://", "postgresql://"):
        if url.startswith(prefix):
            return "postgresql+psycopg://" + url[len(prefix):]
    return url if url.startswith("postgresql+") else None


@contextmanager
def bench_database() -> Iterator[str]:
    """A new, empty database: a PostgreSQL one created on $DATABASE_URL's server, or a temporary SQLite file."""
    base = _postgres_url()
    if base is None:
        if os.environ.get("DATABASE_URL"):
            print("DATABASE_URL is not PostgreSQL; using a temporary SQLite database instead.", file=sys.stderr)
        with tempfile.TemporaryDirectory(prefix="tandem-bench-") as directory:
            yield f"sqlite:///{Path(directory) / 'bench.sqlite3'}"
        return
    url = sa.make_url(base)
    name = f"tandem_bench_{uuid.uuid4().hex[:12]}"
    admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
    with admin.connect() as connection:
        connection.exec_driver_sql(f'CREATE DATABASE "{name}"')
    try:
        yield url.set(database=name).render_as_string(hide_password=False)
    finally:
        with admin.connect() as connection:
            connection.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
        admin.dispose()


# --- The data ---------------------------------------------------------------------------------------------


def organisations_for(size: int, fixed: int | None = None) -> int:
    if fixed is not None:
        return max(2, fixed)
    return max(MIN_ORGANISATIONS, size // PARTICIPANTS_PER_ORGANISATION)


@dataclass
class Club:
    organisations: list[tuple[int, str]]
    cohort_id: int
    board_member_id: int
    org_admin_id: int
    org_slug: str
    run_id: int = 0
    participant_id: int | None = None
    participants: int = 0
    fixed_organisations: int | None = None
    invitee_id: int | None = None  # an active mentee: invited to the programme's events
    event_ids: list[int] = field(default_factory=list)  # the programme's published events
    kickoff_id: int | None = None
    feed_token: str | None = None
    pairs_cohort_id: int = 0  # a running cohort whose people are all in active pairs
    pairs_people: int = 0
    pair_id: int | None = None  # the first pair of the running cohort: the board's and its mentee's page
    pair_mentee_id: int | None = None


def build_club(app: Flask, fixed_organisations: int | None) -> Club:
    database: Database = app.extensions["tandem.db"]
    with app.app_context():
        session = database.session()
        first = min(MIN_ORGANISATIONS, organisations_for(0, fixed_organisations))
        organisations = [make_organisation(session, f"bench-org-{i + 1}") for i in range(first)]
        board = make_board_member(session, organisations[1], display_name="Board Member")
        admin = make_org_admin(session, organisations[0], display_name="Org Admin")
        cohort = make_cohort(session, state=CohortState.MATCHING, name="Bench cohort")
        today = datetime.now(UTC).date()
        running = make_cohort(session, state=CohortState.RUNNING, name="Bench running cohort",
                              nomination_deadline=today - timedelta(days=130), kickoff_on=today - timedelta(days=100),
                              closing_on=today + timedelta(days=80), symposium_on=today + timedelta(days=100))
        run = MatchingRun(cohort_id=cohort.id, number=1, status=MatchingRunStatus.SUCCEEDED, progress=100,
                          parameters={"weights": {"topics": 0.4, "format": 0.25, "weekdays": 0.15, "career_gap": 0.2},
                                      "threshold": 0.5, "based_on_run_id": None}, figures={}, unmatched=[])
        session.add(run)
        session.commit()
        club = Club(
            organisations=[(o.id, o.slug) for o in organisations],
            cohort_id=cohort.id,
            run_id=run.id,
            board_member_id=board.id,
            org_admin_id=admin.id,
            org_slug=organisations[0].slug,
            fixed_organisations=fixed_organisations,
            pairs_cohort_id=running.id,
        )
        database.session.remove()
    return club


def grow_pairs(session: Any, club: Club, size: int) -> None:
    """Grow the running cohort to `size` people, all in active pairs (a mentee with the next person, a
    mentor), each pair with two meetings held (both checked in on), one planned, two goals and a confirmed
    agreement; every tenth pair's mentor has asked the board for help. Club scope; rows in bulk."""
    start = club.pairs_people
    if size <= start:
        return
    now = datetime.now(UTC)
    others = club.organisations[1:]
    with club_scope(session):
        users = []
        for n in range(start, size):
            organisation_id, slug = club.organisations[0] if n % ADMIN_SHARE == 0 else others[n % len(others)]
            users.append(User(organisation_id=organisation_id, email=f"partner{n}@{slug}.example",
                              display_name=f"Partner {n:04d}", preferred_language="en"))
        session.add_all(users)
        session.flush()
        participations = [
            Participation(organisation_id=user.organisation_id, user_id=user.id, cohort_id=club.pairs_cohort_id,
                          role=ParticipationRole.MENTEE if n % 2 == 0 else ParticipationRole.MENTOR,
                          status=ParticipationStatus.ACTIVE, nominated_at=now - timedelta(days=160))
            for n, user in enumerate(users, start=start)
        ]
        session.add_all(participations)
        session.flush()
        pairs = [Pair(cohort_id=club.pairs_cohort_id, mentee_participation_id=mentee.id,
                      mentor_participation_id=mentor.id, status=PairStatus.ACTIVE, by_hand=True,
                      activated_at=now - timedelta(days=110))
                 for mentee, mentor in zip(participations[::2], participations[1::2], strict=False)]
        session.add_all(pairs)
        session.flush()
        meetings = []
        for index, pair in enumerate(pairs):
            for days, status in ((-70, MeetingStatus.HELD), (-40, MeetingStatus.HELD), (10, MeetingStatus.PLANNED)):
                meetings.append(PairMeeting(
                    pair_id=pair.id, uid=f"{uuid.uuid4()}@bench.example", status=status,
                    starts_at=now + timedelta(days=days), duration_minutes=60,
                    format=MeetingFormat.ONLINE if index % 2 else MeetingFormat.IN_PERSON, place="Bern",
                    summary="What we did." if status == MeetingStatus.HELD else None,
                    planned_by_participation_id=pair.mentor_participation_id))
            session.add_all([
                PairGoal(pair_id=pair.id, position=1, text="A goal", status=GoalStatus.DONE),
                PairGoal(pair_id=pair.id, position=2, text="Another goal", status=GoalStatus.PROGRESSING),
                PairAgreement(pair_id=pair.id, text="Our agreement", mentor_confirmed_at=now - timedelta(days=69),
                              mentee_confirmed_at=now - timedelta(days=69)),
            ])
            if index % 10 == 0:
                session.add(HelpRequest(pair_id=pair.id, participation_id=pair.mentor_participation_id,
                                        message="Please help."))
        session.add_all(meetings)
        session.flush()
        by_id = {pair.id: pair for pair in pairs}
        session.add_all(
            PairCheckIn(meeting_id=meeting.id, pair_id=meeting.pair_id, participation_id=who,
                        usefulness=2 + (meeting.id + who) % 3, comment="Fine.")
            for meeting in meetings if meeting.status == MeetingStatus.HELD
            for who in (by_id[meeting.pair_id].mentor_participation_id, by_id[meeting.pair_id].mentee_participation_id))
        session.commit()
        if club.pair_id is None and pairs:
            club.pair_id = pairs[0].id
            club.pair_mentee_id = users[0].id
    club.pairs_people = size


def grow_cohort(app: Flask, club: Club, size: int) -> None:
    """Add organisations, people and participations until the cohort has `size` participants (club scope)."""
    database: Database = app.extensions["tandem.db"]
    start = club.participants
    if size <= start:
        return
    nominated = datetime(2026, 11, 1, tzinfo=UTC)
    with app.app_context():
        session = database.session()
        for i in range(len(club.organisations), organisations_for(size, club.fixed_organisations)):
            organisation = make_organisation(session, f"bench-org-{i + 1}")
            club.organisations.append((organisation.id, organisation.slug))
        others = club.organisations[1:]
        with club_scope(session):
            users = []
            for n in range(start, size):
                organisation_id, slug = club.organisations[0] if n % ADMIN_SHARE == 0 else others[n % len(others)]
                users.append(User(organisation_id=organisation_id, email=f"participant{n}@{slug}.example",
                                  display_name=f"Participant {n:04d}", preferred_language="en"))
            session.add_all(users)
            session.flush()
            participations = [
                Participation(
                    organisation_id=user.organisation_id,
                    user_id=user.id,
                    cohort_id=club.cohort_id,
                    role=ParticipationRole.MENTOR if n % 2 else ParticipationRole.MENTEE,
                    status=STATUSES[n % len(STATUSES)],
                    nominated_at=nominated + timedelta(minutes=n),
                )
                for n, user in enumerate(users, start=start)
            ]
            session.add_all(participations)
            session.flush()
            # Each even participant (a mentee) with the next one (a mentor): proposals of the run, the first
            # participant's active (so that her page shows her partner).
            session.add_all(
                Pair(cohort_id=club.cohort_id, matching_run_id=club.run_id, mentee_participation_id=mentee.id,
                     mentor_participation_id=mentor.id, score=0.5 + (i % 50) / 100, explanation=EXPLANATION,
                     status=PairStatus.ACTIVE if club.participant_id is None and i == 0 else PairStatus.PROPOSED)
                for i, (mentee, mentor) in enumerate(zip(participations[::2], participations[1::2], strict=False))
                if mentee.role == ParticipationRole.MENTEE and mentor.role == ParticipationRole.MENTOR
            )
            session.commit()
            if club.participant_id is None:
                club.participant_id = users[0].id
            if club.invitee_id is None:
                club.invitee_id = next(p.user_id for p in participations if p.role == ParticipationRole.MENTEE
                                       and p.status == ParticipationStatus.ACTIVE)
        if club.event_ids:
            invite_newcomers(session, club)
        grow_pairs(session, club, size)
        database.session.remove()
    club.participants = size


def kickoff_invitees(app: Flask, club: Club) -> int:
    """How many people the measured event page lists."""
    database: Database = app.extensions["tandem.db"]
    with app.app_context():
        session = database.session()
        with club_scope(session):
            count = session.scalar(sa.select(sa.func.count(EventInvitation.id))
                                   .where(EventInvitation.event_id == club.kickoff_id))
            session.commit()
        database.session.remove()
    return count or 0


# An invitee's answer by her invitation's id: most people answer, some have not yet.
ANSWERS = (Answer.YES, Answer.NO, Answer.MAYBE, Answer.NONE, Answer.YES)


def build_programme(app: Flask, club: Club) -> None:
    """The cohort's kick-off, closing and symposium from its dates, published through the programme's
    operations (their mails are sent in-process and kept: no SMTP), and the invitee's calendar feed."""
    database: Database = app.extensions["tandem.db"]
    with app.app_context():
        session = database.session()
        with club_scope(session):
            cohort = session.get(Cohort, club.cohort_id)
            assert cohort is not None
            events = create_dated_events(session, cohort, club.board_member_id)
            session.commit()
            for event in events:
                publish_event(session, event, club.board_member_id)
                session.commit()
            club.event_ids = [event.id for event in events]
            club.kickoff_id = next(event.id for event in events if event.kind == EventKind.KICKOFF)
            invitee = session.get(User, club.invitee_id)
            assert invitee is not None
            club.feed_token = open_feed(session, invitee)
            session.commit()
        answer_invitations(session, club)
        database.session.remove()


def invite_newcomers(session: Any, club: Club) -> None:
    """As the cohort grows, its published events invite the new people (the programme's own sync, as after
    a matching is published); no mails are sent here. Then most of them answer."""
    with club_scope(session):
        for event in session.scalars(sa.select(ProgrammeEvent).where(ProgrammeEvent.id.in_(club.event_ids),
                                                                     ProgrammeEvent.status == EventStatus.PUBLISHED)):
            sync_invitations(session, event)
        session.commit()
    answer_invitations(session, club)


def answer_invitations(session: Any, club: Club) -> None:
    """Those who have not answered answer now (by their invitation's id); the invitee says yes to all."""
    answered = datetime(2026, 12, 1, tzinfo=UTC)
    invitation = EventInvitation.id % len(ANSWERS)
    with club_scope(session):
        session.execute(
            sa.update(EventInvitation)
            .where(EventInvitation.event_id.in_(club.event_ids), EventInvitation.answer == Answer.NONE)
            .values(answer=sa.case(*((invitation == i, answer) for i, answer in enumerate(ANSWERS)),
                                   else_=Answer.NONE),
                    answered_at=answered)
            .execution_options(synchronize_session=False))
        session.execute(
            sa.update(EventInvitation)
            .where(EventInvitation.event_id.in_(club.event_ids), EventInvitation.user_id == club.invitee_id)
            .values(answer=Answer.YES, answered_at=answered)
            .execution_options(synchronize_session=False))
        session.commit()


# --- Requests ---------------------------------------------------------------------------------------------


def signed_in_client(app: Flask, user_id: int | None) -> FlaskClient:
    """A test client signed in as `user_id` as the app does it (a server-side session and its cookie), or
    signed in as nobody (None: a public page, such as a calendar program fetching a feed)."""
    if user_id is None:
        return app.test_client()
    client = sign_in_client(app.test_client(), user_id)
    with client.session_transaction() as session:
        session["language"] = "en"
    return client


@dataclass
class Measurement:
    page: str  # the page's label (its path, with the ids and the feed's token as placeholders)
    size: int
    statements: int
    median_ms: float
    samples: list[str] = field(default_factory=list)


class PageError(RuntimeError):
    pass


def measure(app: Flask, client: FlaskClient, label: str, path: str, size: int, repeat: int) -> Measurement:
    engine = app.extensions["tandem.db"].engine
    statements: list[str] = []

    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(NOT_COUNTED):
            statements.append(statement)

    def _get() -> None:
        try:
            response = client.get(path, headers={"Accept-Language": "en"})
        except Exception as error:  # TESTING propagates exceptions: report them as a page that failed
            raise PageError(f"GET {path} raised {type(error).__name__}: {error}") from error
        if response.status_code != 200:
            raise PageError(f"GET {path} answered {response.status_code}")

    _get()  # warm-up: templates compiled, connections opened; neither counted nor timed
    counts: list[int] = []
    timings: list[float] = []
    sa.event.listen(engine, "before_cursor_execute", _count)
    try:
        for _ in range(repeat):
            statements.clear()
            started = time.perf_counter()
            _get()
            timings.append((time.perf_counter() - started) * 1000)
            counts.append(len(statements))
    finally:
        sa.event.remove(engine, "before_cursor_execute", _count)
    return Measurement(label, size, max(counts), statistics.median(timings), list(statements))


# --- Main -------------------------------------------------------------------------------------------------


def run(sizes: tuple[int, ...], repeat: int, show_statements: bool, organisations: int | None = None) -> int:
    sizes = tuple(sorted(set(sizes)))
    with bench_database() as url:
        engine = Database(url).engine
        upgrade(engine)
        engine.dispose()
        app = create_app({
            "TANDEM_ENV": "test",
            "DATABASE_URL": url,
            "SECRET_KEY": "x" * 40,
            "WTF_CSRF_ENABLED": False,
            "REDIS_URL": "",
            "SMTP_URL": "",
        })
        try:
            return _run(app, url, sizes, repeat, show_statements, organisations)
        finally:
            app.extensions["tandem.db"].dispose()


def _run(app: Flask, url: str, sizes: tuple[int, ...], repeat: int, show_statements: bool,
         organisations: int | None) -> int:
    club = build_club(app, organisations)
    grow_cohort(app, club, sizes[0])
    build_programme(app, club)
    assert club.participant_id is not None and club.invitee_id is not None
    assert club.pair_id is not None and club.pair_mentee_id is not None
    programme = f"/board/cohorts/{club.cohort_id}/programme"
    pair_health = f"/board/cohorts/{club.pairs_cohort_id}/pairs"
    # (label, path, who signs in: None for a public page)
    pages: list[tuple[str, str, int | None]] = [
        ("/board/", "/board/", club.board_member_id),
        ("/board/cohorts/<id>/matching", f"/board/cohorts/{club.cohort_id}/matching", club.board_member_id),
        ("/board/cohorts/<id>/programme", programme, club.board_member_id),
        ("/board/cohorts/<id>/programme/<event_id>", f"{programme}/{club.kickoff_id}", club.board_member_id),
        ("/o/<slug>/", f"/o/{club.org_slug}/", club.org_admin_id),
        ("/o/<slug>/programme", f"/o/{club.org_slug}/programme", club.org_admin_id),
        ("/me/", "/me/", club.participant_id),
        ("/me/events", "/me/events", club.invitee_id),
        ("/calendar/<token>.ics", f"/calendar/{club.feed_token}.ics", None),
        ("/board/cohorts/<id>/pairs", pair_health, club.board_member_id),
        ("/board/cohorts/<id>/pairs/<pair_id>", f"{pair_health}/{club.pair_id}", club.board_member_id),
        ("/o/<slug>/pairs", f"/o/{club.org_slug}/pairs", club.org_admin_id),
        ("/me/pairs/<pair_id>", f"/me/pairs/{club.pair_id}", club.pair_mentee_id),
    ]
    clients = {label: signed_in_client(app, user_id) for label, _path, user_id in pages}
    print(f"database: {sa.make_url(url).get_backend_name()}; {repeat} timed requests per page and size", flush=True)
    results: list[Measurement] = []
    invited: dict[int, int] = {}
    try:
        for size in sizes:
            grow_cohort(app, club, size)
            invited[size] = kickoff_invitees(app, club)
            for label, path, _user_id in pages:
                results.append(measure(app, clients[label], label, path, size, repeat))
    except PageError as error:
        print(f"cannot measure: {error}", file=sys.stderr)
        return 2

    print()
    print(f"{'page':<42} {'size':>6} {'orgs':>5} {'statements':>11} {'median ms':>10}")
    for m in results:
        orgs = organisations_for(m.size, organisations)
        print(f"{m.page:<42} {m.size:>6} {orgs:>5} {m.statements:>11} {m.median_ms:>10.1f}")
    print()
    print("the kick-off's invitees (the active mentors and mentees): "
          + ", ".join(f"{count} at {size} participants" for size, count in invited.items()))
    print()

    failed = False
    for label, _path, _user_id in pages:
        first = next(m for m in results if m.page == label and m.size == sizes[0])
        last = next(m for m in results if m.page == label and m.size == sizes[-1])
        if last.statements > first.statements:
            failed = True
            print(f"FAIL {label}: {first.statements} statements at {sizes[0]} participants, "
                  f"{last.statements} at {sizes[-1]}", file=sys.stderr)
        if show_statements or last.statements > first.statements:
            print(f"-- statements of GET {label} at {sizes[-1]} participants:", file=sys.stderr)
            for statement, times in _collapse(last.samples):
                repeated = f"  [x{times}]" if times > 1 else ""
                print(f"   {statement[:160]}{repeated}", file=sys.stderr)
    if not failed:
        print(f"OK: no page issues more statements at {sizes[-1]} participants than at {sizes[0]}.")
    return 1 if failed else 0


def _collapse(statements: list[str]) -> list[tuple[str, int]]:
    """Runs of the same statement as (statement, how many times): an N+1 shows as one line with a count."""
    runs: list[tuple[str, int]] = []
    for statement in (" ".join(s.split()) for s in statements):
        if runs and runs[-1][0] == statement:
            runs[-1] = (statement, runs[-1][1] + 1)
        else:
            runs.append((statement, 1))
    return runs


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.query_counts", description=__doc__.splitlines()[0])
    parser.add_argument("--sizes", default=",".join(map(str, SIZES)),
                        help="participants in the cohort, comma-separated (default: %(default)s)")
    parser.add_argument("--repeat", type=int, default=REPEAT, help="timed requests per page and size")
    parser.add_argument("--organisations", type=int, metavar="N",
                        help="a fixed number of member organisations (default: one per ten participants, at least 4)")
    parser.add_argument("--show-statements", action="store_true",
                        help="print the statements of each page at the largest size")
    args = parser.parse_args(argv)
    sizes = tuple(int(s) for s in args.sizes.split(",") if s.strip())
    if len(sizes) < 2 or min(sizes) < 3 or args.repeat < 1:
        # the smallest cohort needs an active mentee (the third participant): the programme's invitee
        parser.error("give at least two sizes of 3 or more, and --repeat of 1 or more")
    if args.organisations is not None and args.organisations < 2:
        parser.error("--organisations needs at least 2")
    return run(sizes, args.repeat, args.show_statements, args.organisations)


if __name__ == "__main__":
    sys.exit(main())
