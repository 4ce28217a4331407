"""The public showcase's throughput against a bare Flask "hello", under the same Gunicorn settings, side by side.

Run from the repository root:

    .venv/bin/python -m bench.showcase_pages
    DATABASE_URL=postgresql://postgres@127.0.0.1/postgres .venv/bin/python -m bench.showcase_pages
    .venv/bin/python -m bench.showcase_pages --seconds 10 --rounds 5 --connections 32

It builds, in a database of its own (a temporary SQLite file, or a new PostgreSQL database when
`DATABASE_URL` names one: see bench/query_counts.py) migrated with Alembic, a published showcase: a cohort
in the state showcase_published with 12 pairs of six organisations, each with its story (chosen, confirmed
by both, two featured, a photo, topics), each person's consents (some partly anonymous), meetings held, the
symposium event and four programme slots. Then it starts two Gunicorn servers with deploy/gunicorn.conf.py
(or `--config`; the same workers, threads, worker class and max_requests for both; GUNICORN_WORKERS and
GUNICORN_THREADS apply to both) on free ports of 127.0.0.1:

- Tandem in production mode (`tandem:create_app()`), on that database;
- a bare Flask app whose one route answers "hello" (`bench.showcase_pages:hello_app()`).

Both are warmed up (every worker has rendered and cached the pages), then loaded in turns, round after round
(`--rounds`), each for `--seconds`: `GET /` of the bare app, `GET /robots.txt` of Tandem (its floor: the
app's request handling without a database), `GET /showcase/<slug>/` and `GET /showcase/<slug>/stories/<id>`,
as an anonymous browser asking for German (no cookie). The load comes from `--processes` processes, each
keeping its share of `--connections` keep-alive connections busy (asyncio, one request at a time per
connection). Every answer must be 200. It prints each round's requests per second and each server's CPU time
per request (its arbiter and workers, those restarted after max_requests included, from /proc: a figure that
other work on the machine disturbs less than throughput), their medians, and each page's ratio to the bare
app.

Beside throughput it measures, in the app itself (test client, no network), the statements and the time of
a page rendered anew (its cache emptied) and served from the cache.

Exit status: 1 when a showcase page's median is less than `--target` (0.5) of the bare app's requests per
second, 2 when an answer was not 200, 0 otherwise.
"""

from __future__ import annotations

import argparse
import asyncio
import multiprocessing
import os
import runpy
import secrets
import signal
import socket
import statistics
import subprocess
import sys
import time
import urllib.request
import uuid
from datetime import UTC, date, datetime, timedelta
from io import BytesIO
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask

from bench.query_counts import NOT_COUNTED, bench_database
from tandem import create_app
from tandem.platform.cohorts.models import Cohort, CohortState, ParticipationStatus
from tandem.platform.database import Database, utcnow
from tandem.platform.migrate import upgrade
from tandem.platform.pairs.models import MeetingFormat, MeetingStatus, PairMeeting
from tandem.platform.programme.models import EventKind, EventStatus, ProgrammeEvent
from tandem.platform.showcase.models import StoryConsent, StoryTopic, SymposiumSlot, SymposiumSlotStory
from tandem.platform.showcase.public.caching import page_cache
from tandem.platform.tenancy import club_scope
from tests.factories import (
    make_catalogue_topic,
    make_cohort,
    make_organisation,
    make_pair,
    make_participation,
    make_story,
    make_user,
)

ROOT = Path(__file__).resolve().parents[1]
GUNICORN_CONFIG = ROOT / "deploy" / "gunicorn.conf.py"
PAIRS = 12
TARGET = 0.5
HEADERS = {"Accept-Language": "de-CH,de;q=0.9"}
ORGANISATIONS = ("Alpenbank Zürich", "Rhein Energie", "Jura Kliniken", "Helvetia Verlag", "Lago Logistik",
                 "Berner Versicherung")
NAMES = ("Lea Meier", "Noah Keller", "Mia Frei", "Luca Brunner", "Elena Rossi", "David Weber", "Sara Huber",
         "Jonas Schmid", "Nina Baumann", "Tim Graf", "Alina Wyss", "Marco Bianchi")


# --- The bare app -----------------------------------------------------------------------------------------

def hello_app() -> Flask:
    """The reference: a bare Flask app whose one route answers "hello"."""
    app = Flask("hello")

    @app.get("/")
    def hello() -> str:
        return "hello"

    return app


# --- The data ---------------------------------------------------------------------------------------------

def _jpeg(width: int, height: int, shade: int) -> bytes:
    from PIL import Image

    out = BytesIO()
    image = Image.new("RGB", (width, height), (20 + shade, 90, 110))
    image.save(out, format="JPEG", quality=80)
    return out.getvalue()


def build(app: Flask) -> tuple[str, int]:
    """The published showcase. Returns the cohort's slug and the id of a featured story with a photo."""
    database: Database = app.extensions["tandem.db"]
    with app.app_context():
        session = database.session()
        organisations = [make_organisation(session, f"org-{n}", name=name) for n, name in enumerate(ORGANISATIONS)]
        cohort = make_cohort(session, CohortState.RUNNING, slug="spring-2027", name="Frühling 2027",
                             kickoff_on=date(2027, 3, 1), symposium_on=date(2027, 9, 16))
        topics = [make_catalogue_topic(session, label) for label in ("Social media", "Feedback culture",
                                                                    "Artificial intelligence", "Hybrid work")]
        start = datetime(2027, 9, 16, 14, tzinfo=UTC)
        with club_scope(session):
            event = ProgrammeEvent(uid=f"symposium-{uuid.uuid4().hex}@bench", cohort_id=cohort.id,
                                   kind=EventKind.SYMPOSIUM, status=EventStatus.PUBLISHED,
                                   titles={"de": "Symposium 2027", "fr": "Symposium 2027", "en": "Symposium 2027"},
                                   starts_at=start, ends_at=start + timedelta(hours=4), venue_name="Kursaal Bern",
                                   venue_room="Arena", venue_address="Kornhausstrasse 3, 3013 Bern",
                                   audience=["mentors", "mentees", "board"], published_at=utcnow(),
                                   updated_at=utcnow())
            session.add(event)
            session.flush()
        stories = []
        for n in range(PAIRS):
            mentor_org, mentee_org = organisations[n % 6], organisations[(n + 1) % 6]
            mentor = make_participation(session, make_user(session, mentor_org, display_name=NAMES[n]), cohort,
                                        role="mentor", status=ParticipationStatus.ACTIVE)
            mentee = make_participation(session, make_user(session, mentee_org,
                                                           display_name=f"Dr. {NAMES[(n + 5) % 12]}"),
                                        cohort, role="mentee", status=ParticipationStatus.ACTIVE)
            pair = make_pair(session, mentor, mentee)
            story = make_story(
                session, pair, chosen=True, featured=n < 2, position=n, language=("de", "fr", "en")[n % 3],
                title=f"Was wir voneinander gelernt haben ({n + 1})",
                mentee_learned="Dass ein Team-Chat kein Rundschreiben ist, und wie kurze Videos unsere Lernenden "
                               "erreichen. " * 4,
                mentor_learned="Wie eine Geschäftsleitung einen Entscheid gegen ein Budget abwägt. " * 3,
                tip="Das erste Treffen im Büro der Mentorin, dann abwechselnd.",
                mentor_quote="Fragen, bevor man erklärt.", mentee_quote="Einmal war ich der Lernende.")
            with club_scope(session):
                story.photo, story.photo_small = _jpeg(1200, 800, n * 10), _jpeg(480, 320, n * 10)
                story.photo_version, story.photo_alt = 1, "Die beiden beim Kick-off"
                for rank, topic in enumerate(topics[n % 3:n % 3 + 2], start=1):
                    session.add(StoryTopic(story_id=story.id, topic_id=topic.id, rank=rank))
                anonymous = n % 3 == 2  # partly anonymous: the mentee's description instead of the name
                session.add(StoryConsent(story_id=story.id, participation_id=mentor.id, show_name=True,
                                         show_organisation=True, show_photo=True, show_quote=True, story_version=1))
                session.add(StoryConsent(story_id=story.id, participation_id=mentee.id, show_name=not anonymous,
                                         show_organisation=not anonymous, show_photo=True, show_quote=True,
                                         description="Leiterin Kommunikation einer Versicherung" if anonymous
                                         else None, story_version=1))
                for week in range(0, 24, 4):
                    session.add(PairMeeting(pair_id=pair.id, uid=f"m-{pair.id}-{week}@bench",
                                            status=MeetingStatus.HELD, format=MeetingFormat.IN_PERSON,
                                            duration_minutes=90,
                                            starts_at=datetime(2027, 3, 8, 17, tzinfo=UTC) + timedelta(weeks=week)))
                session.flush()
            stories.append(story)
        with club_scope(session):
            for n in range(4):
                slot = SymposiumSlot(cohort_id=cohort.id, event_id=event.id,
                                     starts_at=start + timedelta(minutes=45 * n),
                                     ends_at=start + timedelta(minutes=45 * n + 40), title=f"Tandems erzählen {n + 1}",
                                     room="Arena" if n % 2 else "Saal B")
                session.add(slot)
                session.flush()
                for story in stories[3 * n:3 * n + 3]:
                    session.add(SymposiumSlotStory(slot_id=slot.id, story_id=story.id))
            row = session.get(Cohort, cohort.id)
            assert row is not None
            row.state = CohortState.SHOWCASE_PUBLISHED
            session.flush()
        session.commit()
        slug, story_id = cohort.slug, stories[0].id
        database.session.remove()
    return slug, story_id


# --- In the app: statements and time of a page, rendered anew and cached -----------------------------------

def in_app(app: Flask, paths: dict[str, str], repeat: int = 20) -> None:
    engine = app.extensions["tandem.db"].engine
    client = app.test_client()
    print(f"\nIn the app (test client, no network; median of {repeat}):")
    print(f"{'page':<40} {'statements':>10} {'ms anew':>8} {'statements':>10} {'ms cached':>9}")
    for name, path in paths.items():
        figures: list[Any] = []
        for cached in (False, True):
            statements: list[str] = []

            def count(_conn: Any, _cursor: Any, statement: str, *_args: Any,
                      kept: list[str] = statements) -> None:
                if not statement.lstrip().upper().startswith(NOT_COUNTED):
                    kept.append(statement)

            timings = []
            for n in range(repeat + 1):
                if not cached:
                    with app.app_context():
                        page_cache().clear()
                if n == repeat:
                    sa.event.listen(engine, "before_cursor_execute", count)
                started = time.perf_counter()
                response = client.get(path, headers=HEADERS)
                elapsed = (time.perf_counter() - started) * 1000
                if n == repeat:
                    sa.event.remove(engine, "before_cursor_execute", count)
                if response.status_code != 200:
                    raise RuntimeError(f"{path} answered {response.status_code}")
                if n:
                    timings.append(elapsed)
            figures += [len(statements), statistics.median(timings)]
        print(f"{name:<40} {figures[0]:>10} {figures[1]:>8.1f} {figures[2]:>10} {figures[3]:>9.2f}")


# --- The servers -----------------------------------------------------------------------------------------

def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


def gunicorn_settings(config: Path) -> dict[str, Any]:
    """The Gunicorn settings file as Gunicorn reads it (with this environment)."""
    return runpy.run_path(str(config))


def start_server(app_spec: str, port: int, env: dict[str, str], log: Path,
                 config: Path = GUNICORN_CONFIG) -> subprocess.Popen[bytes]:
    environment = {**os.environ, **env, "GUNICORN_BIND": f"127.0.0.1:{port}", "GUNICORN_LOG_LEVEL": "warning"}
    with log.open("wb") as out:
        process = subprocess.Popen(  # noqa: S603 - our own gunicorn, our own arguments
            [str(Path(sys.executable).with_name("gunicorn")), "-c", str(config), app_spec],
            cwd=ROOT, env=environment, stdout=out, stderr=subprocess.STDOUT, start_new_session=True)
    return process


def wait_until_up(port: int, path: str, process: subprocess.Popen[bytes], timeout: float = 60) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        if process.poll() is not None:
            raise RuntimeError(f"the server on port {port} stopped (exit {process.returncode})")
        try:
            with urllib.request.urlopen(f"http://127.0.0.1:{port}{path}", timeout=5) as answer:  # noqa: S310
                if answer.status == 200:
                    return
        except OSError:
            time.sleep(0.2)
    raise RuntimeError(f"the server on port {port} did not answer {path} within {timeout:.0f} s")


def stop_server(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is None:
        os.killpg(process.pid, signal.SIGTERM)
        try:
            process.wait(timeout=30)
        except subprocess.TimeoutExpired:
            os.killpg(process.pid, signal.SIGKILL)
            process.wait()


# --- The load --------------------------------------------------------------------------------------------

async def _connection(port: int, path: str, deadline: float) -> tuple[int, int]:
    """Requests one after the other on one keep-alive connection until the deadline: (answers, not 200)."""
    request = (f"GET {path} HTTP/1.1\r\nHost: 127.0.0.1:{port}\r\nAccept-Language: {HEADERS['Accept-Language']}"
               "\r\nUser-Agent: tandem-bench\r\nAccept: */*\r\n\r\n").encode()
    done = failed = 0
    reader, writer = await asyncio.open_connection("127.0.0.1", port)
    try:
        while time.monotonic() < deadline:
            writer.write(request)
            status = await reader.readline()
            if not status:  # the server closed the connection: open another
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
                continue
            length, close = 0, False
            while True:
                line = await reader.readline()
                if line in (b"\r\n", b""):
                    break
                name, _, value = line.partition(b":")
                name = name.strip().lower()
                if name == b"content-length":
                    length = int(value)
                elif name == b"connection" and value.strip().lower() == b"close":
                    close = True
            await reader.readexactly(length)
            done += 1
            if status.split()[1] != b"200":
                failed += 1
            if close:
                writer.close()
                reader, writer = await asyncio.open_connection("127.0.0.1", port)
    finally:
        writer.close()
    return done, failed


def _load_process(port: int, path: str, connections: int, start: float, seconds: float) -> tuple[int, int]:
    async def run() -> list[tuple[int, int]]:
        await asyncio.sleep(max(0.0, start - time.monotonic()))
        deadline = start + seconds
        return await asyncio.gather(*(_connection(port, path, deadline) for _ in range(connections)))

    results = asyncio.run(run())
    return sum(r[0] for r in results), sum(r[1] for r in results)


def load(port: int, path: str, seconds: float, connections: int, processes: int) -> tuple[float, int]:
    """Requests per second over `seconds`, and how many answers were not 200."""
    start = time.monotonic() + 0.5
    per_process = [connections // processes + (1 if n < connections % processes else 0) for n in range(processes)]
    with multiprocessing.get_context("fork").Pool(processes) as pool:
        results = pool.starmap(_load_process, [(port, path, n, start, seconds) for n in per_process])
    return sum(r[0] for r in results) / seconds, sum(r[1] for r in results)


# --- The run ---------------------------------------------------------------------------------------------

def run(seconds: float, rounds: int, connections: int, processes: int, target: float,
        config: Path = GUNICORN_CONFIG) -> int:
    with bench_database() as url:
        engine = Database(url).engine
        upgrade(engine)
        engine.dispose()
        env = {"TANDEM_ENV": "production", "DATABASE_URL": url, "SECRET_KEY": secrets.token_urlsafe(48),
               "ENCRYPTION_KEY": _fernet_key(), "BASE_URL": "https://tandem.example", "REDIS_URL": "",
               "SMTP_URL": "", "LOG_FORMAT": "json"}
        app = create_app({**env, "TANDEM_ENV": "test"})
        try:
            started = time.perf_counter()
            slug, story_id = build(app)
            backend = sa.make_url(url).get_backend_name()
            print(f"database: {backend}; a published showcase of {PAIRS} stories built in "
                  f"{time.perf_counter() - started:.1f} s")
            pages = {"bare Flask GET /": "/",
                     "GET /robots.txt (no database)": "/robots.txt",
                     "GET /showcase/<slug>/": f"/showcase/{slug}/",
                     "GET /showcase/<slug>/stories/<id>": f"/showcase/{slug}/stories/{story_id}"}
            in_app(app, {name: path for name, path in pages.items() if path.startswith("/showcase/")})
        finally:
            app.extensions["tandem.db"].dispose()
        return _serve_and_load(env, pages, seconds, rounds, connections, processes, target, config)


def _fernet_key() -> str:
    from cryptography.fernet import Fernet

    return Fernet.generate_key().decode()


def server_cpu_seconds(pid: int) -> float:
    """CPU time (user and system) of a Gunicorn server so far: its arbiter and live workers (every process of
    its session) and the workers it has reaped (restarted after max_requests), from /proc (Linux)."""
    ticks = os.sysconf("SC_CLK_TCK")
    total = 0
    for entry in Path("/proc").iterdir():
        if not entry.name.isdigit():
            continue
        try:
            fields = (entry / "stat").read_text().rsplit(")", 1)[1].split()
        except OSError:  # the process ended meanwhile
            continue
        # After the command: state, ppid, pgrp, session, ... utime (14th field of the line), stime, cutime, cstime.
        if int(fields[3]) != pid:
            continue
        total += int(fields[11]) + int(fields[12])
        if int(entry.name) == pid:
            total += int(fields[13]) + int(fields[14])
    return total / ticks


def _serve_and_load(env: dict[str, str], pages: dict[str, str], seconds: float, rounds: int, connections: int,
                    processes: int, target: float, config: Path = GUNICORN_CONFIG) -> int:
    settings = gunicorn_settings(config)
    print(f"\nGunicorn ({config}): workers {settings['workers']}, threads "
          f"{settings['threads']}, worker class {settings['worker_class']}, keepalive {settings['keepalive']} s, "
          f"max_requests {settings['max_requests']}; the same for both servers. Load: {connections} keep-alive "
          f"connections from {processes} processes, {seconds:.0f} s per measurement, {rounds} rounds in turns; "
          f"machine: {os.cpu_count()} CPUs, load average {os.getloadavg()[0]:.1f} at the start.")
    logs = Path(os.environ.get("TMPDIR", "/tmp"))
    tandem_port, hello_port = free_port(), free_port()
    servers: list[subprocess.Popen[bytes]] = []
    try:
        servers.append(start_server("tandem:create_app()", tandem_port, env,
                                    logs / f"tandem-bench-{tandem_port}.log", config))
        servers.append(start_server("bench.showcase_pages:hello_app()", hello_port, {},
                                    logs / f"tandem-bench-{hello_port}.log", config))
        server_of = {name: servers[1] if path == "/" else servers[0] for name, path in pages.items()}
        port_of = {name: hello_port if path == "/" else tandem_port for name, path in pages.items()}
        for name, path in pages.items():
            wait_until_up(port_of[name], path, server_of[name])
        for name, path in pages.items():  # warm up: every worker renders and keeps the pages
            load(port_of[name], path, 2.0, connections, processes)
        rates: dict[str, list[float]] = {name: [] for name in pages}
        used: dict[str, float] = dict.fromkeys(pages, 0.0)
        failures = 0
        for round_number in range(1, rounds + 1):
            line = []
            for name, path in pages.items():
                before = server_cpu_seconds(server_of[name].pid)
                rate, failed = load(port_of[name], path, seconds, connections, processes)
                used[name] += server_cpu_seconds(server_of[name].pid) - before
                failures += failed
                rates[name].append(rate)
                line.append(f"{path} {rate:.0f}/s")
            print(f"round {round_number} (load average {os.getloadavg()[0]:.1f}): " + "   ".join(line))
    finally:
        for server in servers:
            stop_server(server)
    for port in (tandem_port, hello_port):  # the access logs (kept when a server failed to start)
        (logs / f"tandem-bench-{port}.log").unlink(missing_ok=True)
    cpu = {name: used[name] * 1000 / max(sum(rates[name]) * seconds, 1) for name in pages}
    return _report(rates, cpu, failures, target)


def _report(rates: dict[str, list[float]], cpu: dict[str, float], failures: int, target: float) -> int:
    """Per page: the median and the mean of the rounds' requests per second (a worker restarted after
    max_requests costs its server the app's start-up, in whichever round it falls: the mean spreads it), and
    the server's CPU time per request over all rounds; each as a ratio to the bare app."""
    names = list(rates)
    bare, bare_mean = statistics.median(rates[names[0]]), statistics.fmean(rates[names[0]])
    print(f"\n{'':<36} {'median req/s':>12} {'ratio':>6} {'mean req/s':>11} {'ratio':>6} "
          f"{'server CPU ms/req':>18} {'ratio':>6}")
    failed = False
    for name in names:
        median, mean = statistics.median(rates[name]), statistics.fmean(rates[name])
        ratio = median / bare if bare else 0.0
        print(f"{name:<36} {median:>12.0f} {ratio:>6.2f} {mean:>11.0f} {mean / bare_mean:>6.2f} "
              f"{cpu[name]:>18.3f} {cpu[names[0]] / cpu[name]:>6.2f}")
        if name.startswith("GET /showcase/") and ratio < target:
            failed = True
            print(f"FAIL: {name} at {ratio:.2f} of bare Flask's requests per second, under {target}",
                  file=sys.stderr)
    print("(ratios to bare Flask: of requests per second; of server CPU time per request, inverted)")
    if failures:
        print(f"FAIL: {failures} answers were not 200", file=sys.stderr)
        return 2
    if not failed:
        print(f"OK: every showcase page at {target} or more of bare Flask's requests per second.")
    return 1 if failed else 0


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.showcase_pages", description=__doc__.splitlines()[0])
    parser.add_argument("--seconds", type=float, default=3.0, help="length of one measurement (%(default)s)")
    parser.add_argument("--rounds", type=int, default=8, help="rounds of measurements in turns (%(default)s)")
    parser.add_argument("--connections", type=int, default=16, help="keep-alive connections (%(default)s)")
    parser.add_argument("--processes", type=int, default=2, help="processes making the load (%(default)s)")
    parser.add_argument("--target", type=float, default=TARGET, help="least ratio to bare Flask (%(default)s)")
    parser.add_argument("--config", type=Path, default=GUNICORN_CONFIG,
                        help="Gunicorn settings for both servers (default: deploy/gunicorn.conf.py)")
    args = parser.parse_args(argv)
    if args.seconds <= 0 or args.rounds < 1 or args.connections < 1 or not 1 <= args.processes <= args.connections:
        parser.error("--seconds > 0, --rounds >= 1, 1 <= --processes <= --connections")
    return run(args.seconds, args.rounds, args.connections, args.processes, args.target, args.config.resolve())


if __name__ == "__main__":
    sys.exit(main())
