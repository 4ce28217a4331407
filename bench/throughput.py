"""Throughput of Tandem's pages against a bare Flask app, both served by Gunicorn with the project's settings.

Run from the repository root:

    .venv/bin/python -m bench.throughput                      # SQLite (a temporary file)
    .venv/bin/python -m bench.throughput --database postgresql://postgres@127.0.0.1:5432/postgres
    DATABASE_URL=postgresql://postgres@127.0.0.1:5432/postgres .venv/bin/python -m bench.throughput
    make bench-throughput BENCH_ARGS="--rounds 5"

It builds the demo club (`tandem seed-demo`, as `make run` does) in a database of its own: a temporary SQLite
file, or `tandem_bench_<random>` created on the PostgreSQL server of the URL and dropped afterwards (as
bench/query_counts.py does), and runs the matching engine on the demo's cohort in its matching step, so that
its workbench shows the proposed pairs. It signs in as the board, a participant with a partner and an
organisation admin the way the app does (a server-side session row and the signed cookie that carries its
token, made with the server's SECRET_KEY, as the tests' `sign_in_client` does), and starts two Gunicorns with
deploy/gunicorn.conf.py (only the address, a free port on 127.0.0.1, and with --workers the number of
workers are set, through the file's own GUNICORN_BIND and GUNICORN_WORKERS, the same for both): Tandem in
production mode, and bench/hello_app.py, a bare Flask "Hello, World!".

The load comes from wrk (Debian's package `wrk`) when it is installed, else from a Python client (processes
of threads, each with one keep-alive http.client connection): the hello rate it reaches shows that the
client is not what limits the pages. Every page and hello are measured in turn, hello then the page, for
--rounds rounds of --duration seconds each, after a warm-up; each page's ratio is the median over the rounds
of page / hello of the same round, and p50 and p99 are the medians over the rounds of the latencies each
round measured. Only 200s count: each page must answer one to its role before and after the rounds (a
redirect to the sign-in page stops the bench), and under load the answers that are not (SQLite's "database
is locked") are counted and shown, and the page misses its target.

The rate depends on what else the machine does; the CPU time a response costs much less. So it also reads
the CPU time the servers' processes spent in each run (Linux's /proc: the Gunicorn's process group, and on
PostgreSQL the backends serving the bench's database; bench/cpu.py) and shows the CPU milliseconds per page
and hello's CPU per response over the page's (the CPU ratio: what the rate ratio would be on an idle machine
where the servers have the CPUs to themselves, and the client costs nothing).

Targets (page / hello): the public pages 0.5, the board's overview, `/me/` and an organisation's people
page 0.25, the workbench 0.15. Exit status: 2 when a page cannot be measured (a server does not start, a
page does not answer 200), 1 with --check when a target is missed, 0 otherwise.

With --profile it measures nothing: it profiles (cProfile) --profile-requests requests of each page in the
bench's own process, against the app as Gunicorn builds it, and prints the top entries.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import json
import logging
import os
import platform
import pstats
import signal
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import Callable, Iterator, Sequence
from contextlib import ExitStack, contextmanager, suppress
from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from bench import cpu, load
from bench.query_counts import bench_database

ROOT = Path(__file__).resolve().parent.parent
GUNICORN_CONF = ROOT / "deploy" / "gunicorn.conf.py"
TANDEM_APP = "tandem:create_app()"
HELLO_APP = "bench.hello_app:create_app()"
USER_AGENT = "tandem-bench/1 (bench/throughput.py)"
CLUB_NAME = "Club Kommunikation Schweiz"

ROUNDS = 4
DURATION = 2.0
CONNECTIONS = 8
WARMUP = 2.0
START_TIMEOUT = 120.0

PUBLIC, SIGNED_IN, WORKBENCH = 0.5, 0.25, 0.15


@dataclass(frozen=True)
class Page:
    name: str
    role: str
    path: str
    target: float
    cookie: str | None = None  # the session cookie, name=value (None: anonymous)


@dataclass
class PageResult:
    page: Page
    hello: list[load.Result] = field(default_factory=list)
    runs: list[load.Result] = field(default_factory=list)
    hello_cpu: list[float] = field(default_factory=list)  # the servers' CPU ms per response, each round
    page_cpu: list[float] = field(default_factory=list)

    @property
    def ratios(self) -> list[float]:
        return [run.rate / hello.rate if hello.rate else 0.0 for hello, run in zip(self.hello, self.runs, strict=True)]

    @property
    def ratio(self) -> float:
        return statistics.median(self.ratios)

    @property
    def met(self) -> bool:
        return self.ratio >= self.page.target and not self.failed

    def median(self, which: str, what: str) -> float:
        return statistics.median(getattr(result, what) for result in getattr(self, which))

    @property
    def failed(self) -> int:
        return sum(run.failed for run in self.runs)

    @property
    def cpu_ms(self) -> float | None:
        return statistics.median(self.page_cpu) if self.page_cpu else None

    @property
    def hello_cpu_ms(self) -> float | None:
        return statistics.median(self.hello_cpu) if self.hello_cpu else None

    @property
    def cpu_ratio(self) -> float | None:
        """Hello's CPU per response over the page's, each round (median): the page's cost in hellos, inverted."""
        if not self.page_cpu:
            return None
        return statistics.median(hello / page if page else 0.0 for hello, page in zip(self.hello_cpu, self.page_cpu,
                                                                                       strict=True))


class BenchError(RuntimeError):
    """A server did not start, or a page could not be measured (it did not answer 200)."""


# --- The club ---------------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Club:
    pages: list[Page]
    showcase: bool


def build_club(url: str, secret: str, encryption_key: str) -> Club:
    """Migrate, seed the demo club, run the matching of its cohort in the matching step, sign its people in."""
    from tandem import create_app
    from tandem.platform.database import Database
    from tandem.platform.migrate import upgrade

    engine = Database(url).engine
    upgrade(engine)
    engine.dispose()
    app = create_app({"TANDEM_ENV": "demo", "DATABASE_URL": url, "SECRET_KEY": secret,
                      "ENCRYPTION_KEY": encryption_key, "REDIS_URL": "", "SMTP_URL": "", "CLUB_NAME": CLUB_NAME})
    database = app.extensions["tandem.db"]
    try:
        with app.app_context():
            people = _seed(database.session())
            database.session.remove()
        cookies = {role: session_cookie(app, user_id, USER_AGENT) for role, user_id in people.users.items()}
    finally:
        database.dispose()
    pages = [Page("landing", "anonymous", "/", PUBLIC)]
    if people.showcase_path:
        pages.append(Page("showcase", "anonymous", people.showcase_path, PUBLIC))
    pages += [
        Page("board overview", "board", "/board/", SIGNED_IN, cookies["board"]),
        Page("/me/", "participant", "/me/", SIGNED_IN, cookies["participant"]),
        Page("organisation people", "organisation admin", f"/o/{people.org_slug}/", SIGNED_IN,
             cookies["organisation admin"]),
        Page(f"workbench ({people.workbench_pairs} pairs)", "board", f"/board/cohorts/{people.cohort_id}/matching",
             WORKBENCH, cookies["board"]),
    ]
    return Club(pages, showcase=people.showcase_path is not None)


def session_cookie(app: Any, user_id: int, user_agent: str) -> str:
    """Sign `user_id` in as the app does (a session row and its signed cookie, bound by Flask-Login's
    strong session protection to the loopback address and `user_agent`): the cookie as name=value."""
    from tests.fixtures.services import sign_in_client

    client = app.test_client()
    client.environ_base["HTTP_USER_AGENT"] = user_agent
    sign_in_client(client, user_id)
    cookie = client.get_cookie(app.config["SESSION_COOKIE_NAME"])
    if cookie is None:
        raise BenchError(f"no session cookie for user {user_id}")
    return f"{cookie.key}={cookie.value}"


@dataclass(frozen=True)
class _People:
    users: dict[str, int]
    org_slug: str
    cohort_id: int
    workbench_pairs: int
    showcase_path: str | None


def _seed(session: Any) -> _People:
    import sqlalchemy as sa

    from tandem.platform.board.models import BoardMember
    from tandem.platform.cohorts.models import Cohort, CohortState, Participation
    from tandem.platform.demo.seed import seed_demo
    from tandem.platform.tenancy import club_scope
    from tandem.platform.workbench.models import Pair, PairStatus
    from tandem.platform.workbench.runs.operations import start_run
    from tandem.tenants.models import Organisation, OrganisationAdmin

    app_log = logging.getLogger("tandem")
    level = app_log.level
    app_log.setLevel(logging.WARNING)  # the seed's hundreds of in-process mail jobs, as `tandem seed-demo`
    try:
        seed_demo(session)
        with club_scope(session):
            board_user = session.scalars(sa.select(BoardMember.user_id).order_by(BoardMember.id)).first()
            cohort = session.scalars(sa.select(Cohort).where(Cohort.state == CohortState.MATCHING)
                                     .order_by(Cohort.id)).first()
            if board_user is None or cohort is None:
                raise BenchError("the demo has no board member or no cohort in its matching step")
            start_run(session, cohort, board_user)
            session.commit()  # the run is a job: without Redis it runs in this process, at commit
            cohort_id = cohort.id
            pairs = session.scalar(sa.select(sa.func.count(Pair.id)).where(Pair.cohort_id == cohort_id)) or 0
            if not pairs:
                raise BenchError(f"the matching run of cohort {cohort_id} proposed no pairs")
            mentee = session.scalars(
                sa.select(Participation.user_id)
                .join(Pair, Pair.mentee_participation_id == Participation.id)
                .join(Cohort, Cohort.id == Pair.cohort_id)
                .where(Cohort.state == CohortState.RUNNING, Pair.status == PairStatus.ACTIVE)
                .order_by(Pair.id)).first()
            admin = session.execute(
                sa.select(OrganisationAdmin.user_id, Organisation.slug)
                .join(Organisation, Organisation.id == OrganisationAdmin.organisation_id)
                .where(OrganisationAdmin.user_id.not_in(sa.select(BoardMember.user_id)))
                .order_by(OrganisationAdmin.id)).first()
            if mentee is None or admin is None:
                raise BenchError("the demo has no participant in an active pair or no organisation admin")
            showcased = session.scalars(sa.select(Cohort.slug).where(Cohort.state.in_(
                (CohortState.SHOWCASE_PUBLISHED, CohortState.ARCHIVED))).order_by(Cohort.id)).first()
            session.commit()
    finally:
        app_log.setLevel(level)
    return _People(users={"board": board_user, "participant": mentee, "organisation admin": admin.user_id},
                   org_slug=admin.slug, cohort_id=cohort_id, workbench_pairs=pairs,
                   showcase_path=f"/showcase/{showcased}/" if showcased else None)


# --- The servers ------------------------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@dataclass
class Server:
    name: str
    port: int
    process: subprocess.Popen[bytes]
    log_path: Path
    meter: cpu.Meter | None = None  # the CPU its processes (and its database's backends) spend

    def log_tail(self, lines: int = 40) -> str:
        try:
            return "\n".join(self.log_path.read_text(errors="replace").splitlines()[-lines:])
        except OSError:
            return ""


@contextmanager
def gunicorn(name: str, app: str, env: dict[str, str], log_dir: Path, workers: int | None,
             ready_path: str = "/", backend_pids: Callable[[], list[int]] | None = None) -> Iterator[Server]:
    """Gunicorn with deploy/gunicorn.conf.py on a free loopback port, until the block ends (also on Ctrl-C)."""
    port = free_port()
    server_env = {key: value for key, value in os.environ.items() if not key.startswith("GUNICORN_")}
    server_env.update(env)
    server_env["GUNICORN_BIND"] = f"127.0.0.1:{port}"
    if workers:
        server_env["GUNICORN_WORKERS"] = str(workers)
    log_path = log_dir / f"{name}.log"
    with open(log_path, "wb") as log_file:
        process = subprocess.Popen(
            [sys.executable, "-m", "gunicorn", "-c", str(GUNICORN_CONF), app],
            cwd=ROOT, env=server_env, stdin=subprocess.DEVNULL, stdout=log_file, stderr=subprocess.STDOUT,
            start_new_session=True,  # a Ctrl-C reaches the bench, which stops the server in order
        )
    meter = cpu.Meter(process.pid, backend_pids) if cpu.available() else None
    server = Server(name, port, process, log_path, meter)
    try:
        _wait_until_up(server, ready_path)
        yield server
    finally:
        stop(server)


def _wait_until_up(server: Server, path: str) -> None:
    deadline = time.monotonic() + START_TIMEOUT
    while time.monotonic() < deadline:
        if server.process.poll() is not None:
            raise BenchError(f"{server.name}: Gunicorn exited with {server.process.returncode}:\n{server.log_tail()}")
        try:
            status, _body = load.fetch(server.port, path, {"User-Agent": USER_AGENT}, timeout=10)
        except OSError:
            time.sleep(0.2)
            continue
        if status < 500:
            return
        time.sleep(0.2)
    raise BenchError(f"{server.name}: no answer within {START_TIMEOUT:.0f} s:\n{server.log_tail()}")


def stop(server: Server) -> None:
    """SIGTERM to the master (its workers finish what they do), then whatever is left of its process group."""
    process = server.process
    if process.poll() is None:
        process.send_signal(signal.SIGTERM)
        with suppress(subprocess.TimeoutExpired):
            process.wait(timeout=40)
    with suppress(ProcessLookupError, PermissionError):
        os.killpg(process.pid, signal.SIGKILL)  # its own session: the group is the master's pid
    process.wait()


# --- Measuring --------------------------------------------------------------------------------------------


def headers_of(page: Page | None) -> dict[str, str]:
    headers = {"User-Agent": USER_AGENT}
    if page is not None and page.cookie:
        headers["Cookie"] = page.cookie
    return headers


def check_page(server: Server, page: Page) -> None:
    """The page answers 200 to its role (a signed-in page that redirects to the sign-in page fails here)."""
    status, body = load.fetch(server.port, page.path, headers_of(page), timeout=60)
    if status != 200:
        raise BenchError(f"GET {page.path} as {page.role} answered {status}, not 200:\n{body[:300]!r}\n"
                         f"{server.log_tail(10)}")


def timed(client: load.Client, server: Server, page: Page | None, duration: float) -> tuple[load.Result, float | None]:
    """Load on one page of a server; the result and the server's CPU ms per response (None without /proc)."""
    path = page.path if page else "/"
    before = server.meter.read() if server.meter else None
    result = client.run(server.port, path, headers_of(page), duration)
    if server.meter is None or before is None or not result.requests:
        return result, None
    return result, cpu.Meter.spent(before, server.meter.read()) * 1000 / result.requests


def measure(client: load.Client, tandem: Server, hello: Server, pages: Sequence[Page], rounds: int,
            duration: float, warmup: float, progress: Callable[[str], None]) -> list[PageResult]:
    for page in pages:
        check_page(tandem, page)
    if warmup > 0:
        # Every worker loads its templates and opens its connections before the first timed round.
        client.run(hello.port, "/", headers_of(None), warmup)
        for page in pages:
            client.run(tandem.port, page.path, headers_of(page), warmup)
    results = [PageResult(page) for page in pages]
    for number in range(1, rounds + 1):
        for result in results:
            page = result.page
            hello_run, hello_cpu = timed(client, hello, None, duration)
            page_run, page_cpu = timed(client, tandem, page, duration)
            if hello_run.failed:
                raise BenchError(f"hello: {hello_run.failed} of {hello_run.requests} responses were not 200")
            result.hello.append(hello_run)
            result.runs.append(page_run)
            if hello_cpu is not None and page_cpu is not None:
                result.hello_cpu.append(hello_cpu)
                result.page_cpu.append(page_cpu)
            ratio = page_run.rate / hello_run.rate if hello_run.rate else 0.0
            failed = f"  {page_run.failed} of {page_run.requests} NOT 200" if page_run.failed else ""
            cost = f"  CPU ms {page_cpu:.2f} / hello {hello_cpu:.3f}" if page_cpu and hello_cpu else ""
            progress(f"round {number}/{rounds}  {page.name:<28} hello {hello_run.rate:8.1f}/s  "
                     f"page {page_run.rate:7.1f}/s  ratio {ratio:.3f}{cost}{failed}")
    for page in pages:
        check_page(tandem, page)  # still signed in at the end
    return results


# --- Reporting --------------------------------------------------------------------------------------------


def load_average() -> str:
    try:
        return "load average " + " ".join(f"{value:.1f}" for value in os.getloadavg())
    except OSError:
        return "load average unknown"


def machine() -> str:
    model = "unknown CPU"
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                model = line.split(":", 1)[1].strip()
                break
    except OSError:
        pass
    return f"{os.cpu_count()} CPUs ({model}), Python {platform.python_version()}"


def gunicorn_settings(workers: int | None) -> str:
    env = {key: value for key, value in os.environ.items() if not key.startswith("GUNICORN_")}
    if workers:
        env["GUNICORN_WORKERS"] = str(workers)
    code = (f"import runpy; c = runpy.run_path({str(GUNICORN_CONF)!r}); "
            "print(c['workers'], c['threads'], c['worker_class'], c['max_requests'], c['keepalive'])")
    out = subprocess.run([sys.executable, "-c", code], env=env, capture_output=True, text=True, check=True).stdout
    w, t, kind, max_requests, keepalive = out.split()
    return (f"deploy/gunicorn.conf.py: {w} workers x {t} threads ({kind}), max_requests {max_requests}, "
            f"keepalive {keepalive} s")


def table(results: Sequence[PageResult]) -> str:
    """The figures, a page a line; hello's latencies and CPU below (medians over every round)."""
    def number(value: float | None, digits: int) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    lines = [f"{'page':<26} {'role':<19} {'hello/s':>8} {'page/s':>8} {'ratio':>6} {'target':>6} {'met':>4} "
             f"{'p50 ms':>7} {'p99 ms':>7} {'CPU ms':>7} {'CPU ratio':>9} {'not 200':>7}"]
    for r in results:
        lines.append(
            f"{r.page.name:<26} {r.page.role:<19} {r.median('hello', 'rate'):>8.0f} {r.median('runs', 'rate'):>8.1f} "
            f"{r.ratio:>6.3f} {r.page.target:>6.2f} {'yes' if r.met else 'NO':>4} "
            f"{r.median('runs', 'p50_ms'):>7.1f} {r.median('runs', 'p99_ms'):>7.1f} "
            f"{number(r.cpu_ms, 2):>7} {number(r.cpu_ratio, 3):>9} {r.failed:>7}")
    hellos = [run for r in results for run in r.hello]
    hello_cpu = [ms for r in results for ms in r.hello_cpu]
    if hellos:
        lines.append(f"hello: p50 {statistics.median(run.p50_ms for run in hellos):.2f} ms, "
                     f"p99 {statistics.median(run.p99_ms for run in hellos):.2f} ms, "
                     f"CPU {number(statistics.median(hello_cpu) if hello_cpu else None, 3)} ms per response")
    return "\n".join(lines)


# --- Profiling --------------------------------------------------------------------------------------------


def profile(url: str, secret: str, encryption_key: str, pages: Sequence[Page], requests: int, top: int) -> None:
    """cProfile `requests` GETs of each page through the production app in this process (after a warm-up)."""
    from tandem import create_app

    app = create_app({"TANDEM_ENV": "production", "DATABASE_URL": url, "SECRET_KEY": secret,
                      "ENCRYPTION_KEY": encryption_key, "REDIS_URL": "", "SMTP_URL": "", "CLUB_NAME": CLUB_NAME})
    client = app.test_client(use_cookies=False)  # its cookie jar would replace the Cookie header
    try:
        for page in pages:
            with _quiet_stderr():
                for _ in range(3):
                    response = client.get(page.path, headers=headers_of(page))
                    if response.status_code != 200:
                        raise BenchError(f"GET {page.path} as {page.role} answered {response.status_code}")
                profiler = cProfile.Profile()
                started = time.perf_counter()
                profiler.enable()
                for _ in range(requests):
                    client.get(page.path, headers=headers_of(page))
                profiler.disable()
                elapsed = (time.perf_counter() - started) / requests * 1000
            out = io.StringIO()
            stats = pstats.Stats(profiler, stream=out)
            print(f"\n=== {page.name} ({page.path}, as {page.role}): {requests} requests, {elapsed:.1f} ms each "
                  "under the profiler; totals over all requests")
            stats.sort_stats("tottime").print_stats(top)
            stats.sort_stats("cumulative").print_stats(top)
            stats.sort_stats("cumulative").print_stats(r"tandem/", top)  # the app's own functions and templates
            print(out.getvalue())
    finally:
        app.extensions["tandem.db"].dispose()


@contextmanager
def _quiet_stderr() -> Iterator[None]:
    """The app's request log lines (to stderr, one a request) would bury the profile."""
    sys.stderr.flush()
    saved = os.dup(2)
    with open(os.devnull, "wb") as devnull:
        os.dup2(devnull.fileno(), 2)
    try:
        yield
    finally:
        sys.stderr.flush()
        os.dup2(saved, 2)
        os.close(saved)


# --- Main -------------------------------------------------------------------------------------------------


@dataclass
class Options:
    rounds: int = ROUNDS
    duration: float = DURATION
    connections: int = CONNECTIONS
    warmup: float = WARMUP
    workers: int | None = None
    client: str = "auto"
    client_threads: int = 1
    pages: tuple[str, ...] = ()
    check: bool = False
    profile: bool = False
    profile_requests: int = 50
    profile_top: int = 25
    json_path: Path | None = None


@dataclass
class Report:
    database: str
    results: list[PageResult]
    client: str
    servers: list[Server] = field(default_factory=list)


def run(options: Options, database_url: str | None = None,
        progress: Callable[[str], None] = lambda line: print(line, flush=True)) -> Report:
    """Build the club, start both servers, measure, stop them; the report keeps the servers (stopped)."""
    import secrets

    from cryptography.fernet import Fernet

    if database_url is not None:
        os.environ["DATABASE_URL"] = database_url
    client = load.make_client(options.client, options.connections, options.client_threads)
    secret = secrets.token_urlsafe(48)
    encryption_key = Fernet.generate_key().decode()
    with bench_database() as url, tempfile.TemporaryDirectory(prefix="tandem-throughput-") as logs:
        backend = url.split(":", 1)[0].split("+", 1)[0]
        started = time.monotonic()
        club = build_club(url, secret, encryption_key)
        pages = [page for page in club.pages if not options.pages or _selected(page, options.pages)]
        progress(f"database: {backend}; demo club seeded and matched in {time.monotonic() - started:.0f} s; "
                 f"showcase: {'published' if club.showcase else 'none'}")
        if options.profile:
            profile(url, secret, encryption_key, pages, options.profile_requests, options.profile_top)
            return Report(backend, [], client.describe())
        env = {"TANDEM_ENV": "production", "SECRET_KEY": secret, "ENCRYPTION_KEY": encryption_key,
               "DATABASE_URL": url, "REDIS_URL": "", "SMTP_URL": "", "CLUB_NAME": CLUB_NAME}
        servers: list[Server] = []
        with ExitStack() as stack:
            backend_pids = stack.enter_context(database_backends(url))
            hello = stack.enter_context(gunicorn("hello", HELLO_APP, {}, Path(logs), options.workers))
            servers.append(hello)
            tandem = stack.enter_context(gunicorn("tandem", TANDEM_APP, env, Path(logs), options.workers,
                                                  ready_path="/healthz", backend_pids=backend_pids))
            servers.append(tandem)
            progress(f"servers up: hello on :{hello.port}, tandem on :{tandem.port}; "
                     f"{gunicorn_settings(options.workers)}")
            progress(f"client: {client.describe()}; {options.rounds} rounds of {options.duration:g} s per page "
                     f"and hello, after {options.warmup:g} s of warm-up; {load_average()} (at the start)")
            results = measure(client, tandem, hello, pages, options.rounds, options.duration, options.warmup, progress)
    return Report(backend, results, client.describe(), servers)


@contextmanager
def database_backends(url: str) -> Iterator[Callable[[], list[int]] | None]:
    """On PostgreSQL, a function that lists the pids of the server's backends connected to the bench's database
    (but its own); None on SQLite, where the database's work is done in the app's processes."""
    import sqlalchemy as sa

    if not url.startswith("postgresql"):
        yield None
        return
    engine = sa.create_engine(url, pool_size=1)
    query = sa.text("SELECT pid FROM pg_stat_activity WHERE datname = current_database() AND pid <> pg_backend_pid()")

    def pids() -> list[int]:
        with engine.connect() as connection:
            return [int(pid) for pid in connection.execute(query).scalars()]

    try:
        yield pids
    finally:
        engine.dispose()


def _selected(page: Page, wanted: tuple[str, ...]) -> bool:
    return any(w == page.path or page.name.startswith(w) for w in wanted)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.throughput", description=__doc__.splitlines()[0])
    parser.add_argument("--database", metavar="URL",
                        help="a PostgreSQL server to create the bench's database on (default: $DATABASE_URL when it "
                             "is PostgreSQL, else a temporary SQLite file)")
    parser.add_argument("--rounds", type=int, default=ROUNDS, help="rounds per page (default: %(default)s)")
    parser.add_argument("--duration", type=float, default=DURATION,
                        help="seconds of load per page and per hello in each round (default: %(default)s; wrk "
                             "takes whole seconds)")
    parser.add_argument("--connections", type=int, default=CONNECTIONS,
                        help="concurrent keep-alive connections (default: %(default)s)")
    parser.add_argument("--warmup", type=float, default=WARMUP, help="seconds of untimed load per page first")
    parser.add_argument("--workers", type=int, help="Gunicorn workers for both apps (default: the conf's 2 x CPUs + 1)")
    parser.add_argument("--client", choices=("auto", "wrk", "python"), default="auto",
                        help="the load client: wrk, the Python client, or wrk when installed (default)")
    parser.add_argument("--client-threads", type=int, default=1, help="wrk's threads (default: %(default)s)")
    parser.add_argument("--pages", help="only these pages, comma-separated: paths or the start of their names")
    parser.add_argument("--check", action="store_true", help="exit 1 when a page misses its target")
    parser.add_argument("--profile", action="store_true",
                        help="profile the pages in this process (cProfile) instead of measuring throughput")
    parser.add_argument("--profile-requests", type=int, default=50)
    parser.add_argument("--profile-top", type=int, default=25)
    parser.add_argument("--json", type=Path, metavar="FILE", help="also write the results to FILE as JSON")
    parser.add_argument("--markdown", action="store_true", help="also print the table in Markdown")
    args = parser.parse_args(argv)
    if args.rounds < 1 or args.duration <= 0 or args.connections < 1 or args.warmup < 0:
        parser.error("give --rounds of 1 or more, a positive --duration and --connections of 1 or more")
    options = Options(
        rounds=args.rounds, duration=args.duration, connections=args.connections, warmup=args.warmup,
        workers=args.workers, client=args.client, client_threads=args.client_threads,
        pages=tuple(p.strip() for p in (args.pages or "").split(",") if p.strip()), check=args.check,
        profile=args.profile, profile_requests=args.profile_requests, profile_top=args.profile_top,
        json_path=args.json)
    # A SIGTERM (a CI's timeout, `kill`) unwinds like Ctrl-C: the servers stop and the database is dropped.
    signal.signal(signal.SIGTERM, _terminate)
    try:
        report = run(options, args.database)
    except (BenchError, load.ClientError) as error:
        print(f"cannot measure: {error}", file=sys.stderr)
        return 2
    except KeyboardInterrupt:
        print("interrupted: the servers are stopped and the bench's database is gone", file=sys.stderr)
        return 130
    if options.profile:
        return 0
    print()
    print(f"{datetime.now(UTC):%Y-%m-%d %H:%M} UTC; {machine()}; {load_average()} (at the end); "
          f"database {report.database}; client {report.client}")
    print(table(report.results))
    missed = [r.page.name for r in report.results if not r.met]
    print()
    print("every target met" if not missed else f"targets missed: {', '.join(missed)}")
    if options.json_path:
        options.json_path.write_text(json.dumps(as_json(report), indent=2) + "\n")
    if args.markdown:
        print()
        print(markdown(as_json(report)["pages"]))
    return 1 if options.check and missed else 0


def as_json(report: Report) -> dict[str, Any]:
    return {
        "database": report.database,
        "client": report.client,
        "machine": machine(),
        "load_average_at_the_end": load_average(),
        "pages": [{
            "name": r.page.name, "role": r.page.role, "path": r.page.path, "target": r.page.target,
            "ratio": r.ratio, "ratios": r.ratios, "met": r.met,
            "page_rate": r.median("runs", "rate"), "hello_rate": r.median("hello", "rate"),
            "p50_ms": r.median("runs", "p50_ms"), "p99_ms": r.median("runs", "p99_ms"),
            "hello_p50_ms": r.median("hello", "p50_ms"), "hello_p99_ms": r.median("hello", "p99_ms"),
            "cpu_ms": r.cpu_ms, "hello_cpu_ms": r.hello_cpu_ms, "cpu_ratio": r.cpu_ratio, "not_200": r.failed,
        } for r in report.results],
    }


def markdown(pages: Sequence[dict[str, Any]]) -> str:
    """The `pages` of `as_json` as a Markdown table (docs/benchmarks.md)."""
    def number(value: float | None, digits: int) -> str:
        return "-" if value is None else f"{value:.{digits}f}"

    lines = ["| page | role | target | hello/s | page/s | ratio | met | p50 ms | p99 ms | CPU ms | CPU ratio "
             "| not 200 |", "|---|---|---:|---:|---:|---:|---|---:|---:|---:|---:|---:|"]
    for page in pages:
        label = f"`{page['path']}`" if page["name"] == page["path"] else f"{page['name']} (`{page['path']}`)"
        lines.append(
            f"| {label} | {page['role']} | {page['target']:.2f} | {page['hello_rate']:.0f} "
            f"| {page['page_rate']:.1f} | {page['ratio']:.3f} | {'yes' if page['met'] else 'no'} "
            f"| {page['p50_ms']:.0f} | {page['p99_ms']:.0f} | {number(page['cpu_ms'], 1)} "
            f"| {number(page['cpu_ratio'], 3)} | {page['not_200']} |")
    return "\n".join(lines)


def _terminate(_signum: int, _frame: Any) -> None:
    raise KeyboardInterrupt


if __name__ == "__main__":
    sys.exit(main())
