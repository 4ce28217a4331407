"""The private calendar feed of a person invited to 50 events: how long it takes to write, and to fetch.

Run from the repository root:

    .venv/bin/python -m bench.programme_feed
    DATABASE_URL=postgresql://postgres@127.0.0.1/postgres .venv/bin/python -m bench.programme_feed

It builds, in a database of its own (a temporary SQLite file, or a new PostgreSQL database when
`DATABASE_URL` names one: see bench/query_counts.py) migrated with Alembic, a running cohort with its
kick-off, closing and symposium and further trainings, workshops and other events, 50 in all, each titled
and described in three languages, with a venue or an online link, spread over the year (in winter and in
summer time). They are made and published through the programme's operations, which
invite the cohort's active people, among them the person whose feed is measured. Then it times:

- `feed_calendar()`: the calendar file of her 50 events (a fresh database session each time);
- `GET /calendar/<token>.ics` over HTTP: the app served by werkzeug on 127.0.0.1 (a free port, stopped at
  the end), fetched with urllib and no cookies, as a calendar program does.

Each is run once to warm up, then 20 times; it prints the medians (and the fastest and slowest), the size of
the file and the SQL statements of one request. Exit status: 1 when a median exceeds 100 ms (or the feed does
not list the 50 events), 0 otherwise.
"""

from __future__ import annotations

import argparse
import logging
import statistics
import sys
import threading
import time
import urllib.request
from collections.abc import Callable
from datetime import date, datetime, timedelta
from typing import Any
from zoneinfo import ZoneInfo

import sqlalchemy as sa
from flask import Flask
from icalendar import Calendar
from werkzeug.serving import make_server

from bench.query_counts import NOT_COUNTED, bench_database
from tandem import create_app
from tandem.platform.cohorts.models import CohortState, ParticipationRole, ParticipationStatus
from tandem.platform.database import Database
from tandem.platform.identity.models import User
from tandem.platform.migrate import upgrade
from tandem.platform.programme.feeds import feed_calendar, open_feed
from tandem.platform.programme.models import Audience, EventKind
from tandem.platform.programme.operations import EventInput, create_dated_events, create_event, publish_event
from tandem.platform.tenancy import club_scope
from tests.factories import make_board_member, make_cohort, make_organisation, make_participation, make_user

EVENTS = 50
REPEAT = 20
LIMIT_MS = 100.0
ZURICH = ZoneInfo("Europe/Zurich")
KICKOFF = date(2027, 3, 1)
# The events beside the kick-off, closing and symposium: weekly from December, on Tuesday evenings.
FIRST_OTHER = date(2026, 12, 1)
KINDS = (EventKind.WORKSHOP, EventKind.TRAINING, EventKind.OTHER)
DESCRIPTION = {
    "en": "Two hours in small groups: what went well in your tandem, what did not, and what you try next. "
          "Bring one question from your last meeting. Drinks afterwards.",
    "de": "Zwei Stunden in kleinen Gruppen: was in Ihrem Tandem gut lief, was nicht, und was Sie als Nächstes "
          "versuchen. Bringen Sie eine Frage aus Ihrem letzten Treffen mit. Danach Apéro.",
    "fr": "Deux heures en petits groupes : ce qui a bien marché dans votre tandem, ce qui n'a pas marché, et ce "
          "que vous essayez ensuite. Apportez une question de votre dernière rencontre. Apéritif ensuite.",
}


def build(app: Flask) -> tuple[int, str]:
    """The cohort, its people and its 50 published events. Returns the measured person's id and feed token."""
    database: Database = app.extensions["tandem.db"]
    with app.app_context():
        session = database.session()
        alpha = make_organisation(session, "alpenbank", name="Alpenbank Zürich")
        beta = make_organisation(session, "rhein", name="Rhein Energie")
        board = make_board_member(session, alpha, display_name="Regula Widmer")
        cohort = make_cohort(session, CohortState.RUNNING, name="Cohort 2027", languages=["de", "fr", "en"],
                             kickoff_on=KICKOFF)
        person = make_user(session, beta, display_name="Monika Wyss", preferred_language="fr")
        make_participation(session, person, cohort, role=ParticipationRole.MENTEE,
                           status=ParticipationStatus.ACTIVE)
        for n in range(6):
            make_participation(session, make_user(session, alpha if n % 2 else beta), cohort,
                               role=ParticipationRole.MENTOR if n % 2 else ParticipationRole.MENTEE,
                               status=ParticipationStatus.ACTIVE)
        session.commit()
        with club_scope(session):
            events = create_dated_events(session, cohort, board.id)
            for n in range(EVENTS - len(events)):
                day = FIRST_OTHER + timedelta(weeks=n)
                kind = KINDS[n % len(KINDS)]
                online = n % 4 == 3
                events.append(create_event(session, cohort, EventInput(
                    kind=kind,
                    titles={"en": f"Tandem workshop {n + 1}", "de": f"Tandem-Workshop {n + 1}",
                            "fr": f"Atelier tandem {n + 1}"},
                    descriptions=DESCRIPTION,
                    starts_at=datetime.combine(day, datetime.min.time(), ZURICH).replace(hour=18),
                    ends_at=datetime.combine(day, datetime.min.time(), ZURICH).replace(hour=20),
                    venue_name=None if online else "Alpenbank Zürich, Forum",
                    venue_room=None if online else f"Room {n % 7 + 1}",
                    venue_address=None if online else "Bahnhofstrasse 45, 8001 Zürich",
                    online_url=f"https://meet.example/tandem-{n + 1}" if online else None,
                    audience=(Audience.MENTORS, Audience.MENTEES),
                    capacity=40 if kind == EventKind.WORKSHOP else None), board.id))
            session.commit()
            for event in events:
                publish_event(session, event, board.id)  # the mails are sent in-process and kept (no SMTP)
                session.commit()
            token = open_feed(session, person)
            session.commit()
        person_id = person.id
        database.session.remove()
    return person_id, token


def timed(action: Callable[[], Any], repeat: int) -> list[float]:
    """Milliseconds of each of `repeat` runs, after one run to warm up."""
    action()
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        action()
        timings.append((time.perf_counter() - started) * 1000)
    return timings


def count_events(body: bytes) -> int:
    return len(list(Calendar.from_ical(body).walk("VEVENT")))


def report(name: str, timings: list[float]) -> float:
    median = statistics.median(timings)
    print(f"{name:<34} median {median:7.1f} ms   fastest {min(timings):7.1f} ms   slowest {max(timings):7.1f} ms")
    return median


def run(repeat: int) -> int:
    with bench_database() as url:
        engine = Database(url).engine
        upgrade(engine)
        engine.dispose()
        app = create_app({"TANDEM_ENV": "test", "DATABASE_URL": url, "SECRET_KEY": "x" * 40,
                          "WTF_CSRF_ENABLED": False, "REDIS_URL": "", "SMTP_URL": ""})
        try:
            return _run(app, url, repeat)
        finally:
            app.extensions["tandem.db"].dispose()


def _run(app: Flask, url: str, repeat: int) -> int:
    started = time.perf_counter()
    person_id, token = build(app)
    print(f"database: {sa.make_url(url).get_backend_name()}; {EVENTS} published events built in "
          f"{time.perf_counter() - started:.1f} s; {repeat} timed runs after one warm-up")
    database: Database = app.extensions["tandem.db"]

    def write_calendar() -> bytes:
        with app.app_context():
            session = database.session()
            try:
                with club_scope(session):
                    person = session.get(User, person_id)
                assert person is not None
                return feed_calendar(session, person)
            finally:
                database.session.remove()

    body = write_calendar()
    events = count_events(body)
    print(f"the feed lists {events} events in {len(body) / 1024:.0f} KiB")

    logging.getLogger("werkzeug").setLevel(logging.WARNING)  # not a line per request
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, name="feed-server", daemon=True)
    thread.start()
    feed_url = f"http://127.0.0.1:{server.server_port}/calendar/{token}.ics"
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(NOT_COUNTED):
            statements.append(statement)

    def fetch() -> bytes:
        with urllib.request.urlopen(feed_url, timeout=10) as response:  # noqa: S310 - 127.0.0.1, built above
            if response.status != 200 or "Set-Cookie" in response.headers:
                raise RuntimeError(f"GET /calendar/<token>.ics answered {response.status} {response.headers}")
            return response.read()

    try:
        calendar_ms = report("feed_calendar()", timed(write_calendar, repeat))
        http_ms = report("GET /calendar/<token>.ics (HTTP)", timed(fetch, repeat))
        sa.event.listen(database.engine, "before_cursor_execute", count)
        try:
            fetched = fetch()
        finally:
            sa.event.remove(database.engine, "before_cursor_execute", count)
    finally:
        server.shutdown()
        thread.join(timeout=10)
        server.server_close()
    print(f"statements per GET of the feed: {len(statements)}")

    failed = False
    if events != EVENTS or count_events(fetched) != EVENTS:
        failed = True
        print(f"FAIL: the feed lists {count_events(fetched)} events, not {EVENTS}", file=sys.stderr)
    for name, median in (("feed_calendar()", calendar_ms), ("GET /calendar/<token>.ics", http_ms)):
        if median > LIMIT_MS:
            failed = True
            print(f"FAIL: {name} takes {median:.1f} ms (median), more than {LIMIT_MS:.0f} ms", file=sys.stderr)
    if not failed:
        print(f"OK: the feed of {EVENTS} events is written and fetched in less than {LIMIT_MS:.0f} ms (median).")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.programme_feed", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=REPEAT, help="timed runs of each (default: %(default)s)")
    args = parser.parse_args(argv)
    if args.repeat < 1:
        parser.error("--repeat needs 1 or more")
    return run(args.repeat)


if __name__ == "__main__":
    sys.exit(main())
