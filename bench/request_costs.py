"""What a request costs inside the app: milliseconds and SQL statements per page, through the Flask test client,
on the seeded demo club (a temporary SQLite file), with an optional cProfile of each page.

Run from the repository root:

    .venv/bin/python -m bench.request_costs
    .venv/bin/python -m bench.request_costs --profile 25          # the 25 costliest functions of each page
    .venv/bin/python -m bench.request_costs --pages /,/board/ --repeat 200

It seeds the demo club once (about half a minute; `--database PATH` keeps the file and reuses it next time),
signs in as its board member, an organisation admin and a mentee, and requests each page a few times to warm
up, then `--repeat` times, timed. Printed per page: median, mean and fastest milliseconds (the fastest is the
steadiest figure on a busy machine), statements per request (not counting transaction control, as
bench/query_counts does) and how many of them write. No server, no
network: this is the app's own share of a request, which bench/throughput.py measures behind gunicorn.
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import statistics
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tandem import create_app
from tandem.platform.board.models import BoardMember
from tandem.platform.cohorts.models import Cohort, CohortState, Participation, ParticipationRole
from tandem.platform.database import Database
from tandem.platform.identity.models import User
from tandem.platform.migrate import upgrade
from tandem.platform.tenancy import club_scope
from tandem.tenants.models import OrganisationAdmin
from tests.fixtures.services import sign_in_client

SECRET_KEY = "request-costs-" + "x" * 32
NOT_COUNTED = ("BEGIN", "SAVEPOINT", "RELEASE", "ROLLBACK TO", "COMMIT", "ROLLBACK")
WRITES = ("INSERT", "UPDATE", "DELETE")


@dataclass
class Page:
    label: str
    path: str
    user_id: int | None


@dataclass
class Cost:
    label: str
    median_ms: float
    mean_ms: float
    min_ms: float
    statements: int
    writes: int


def demo_app(url: str, env: str = "demo") -> Flask:
    return create_app({"TANDEM_ENV": env, "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "REDIS_URL": "",
                       "SMTP_URL": "", "LOG_FORMAT": "json"})


def seed(path: Path) -> None:
    from tandem.platform.demo.seed import seed_demo

    url = f"sqlite:///{path}"
    engine = Database(url).engine
    upgrade(engine)
    engine.dispose()
    app = demo_app(url)
    database: Database = app.extensions["tandem.db"]
    with app.app_context(), database.sessionmaker() as session:
        seed_demo(session)
    database.dispose()


@contextmanager
def demo_database(keep: str | None) -> Iterator[str]:
    if keep:
        path = Path(keep).resolve()
        if not path.exists():
            print(f"seeding the demo club into {path} ...", file=sys.stderr, flush=True)
            seed(path)
        yield f"sqlite:///{path}"
        return
    with tempfile.TemporaryDirectory(prefix="tandem-costs-") as directory:
        path = Path(directory) / "demo.sqlite3"
        print("seeding the demo club ...", file=sys.stderr, flush=True)
        seed(path)
        yield f"sqlite:///{path}"


def demo_pages(app: Flask) -> list[Page]:
    """The landing page, the board's overview and a cohort's workbench, an admin's people page, a mentee's home."""
    database: Database = app.extensions["tandem.db"]
    with app.app_context():
        session = database.session()
        with club_scope(session):
            board = session.scalar(sa.select(BoardMember.user_id).order_by(BoardMember.id).limit(1))
            admin = session.execute(
                sa.select(OrganisationAdmin.user_id, User.organisation_id)
                .join(User, User.id == OrganisationAdmin.user_id).order_by(OrganisationAdmin.id).limit(1)).one()
            from tandem.tenants.models import Organisation

            slug = session.scalar(sa.select(Organisation.slug).where(Organisation.id == admin.organisation_id))
            running = session.scalar(sa.select(Cohort.id).where(Cohort.state == CohortState.RUNNING)
                                     .order_by(Cohort.id))
            matched = session.scalar(sa.select(Cohort.id).where(
                Cohort.state.in_((CohortState.RUNNING, CohortState.MATCHING))).order_by(Cohort.id.desc()))
            mentee = session.scalar(
                sa.select(Participation.user_id).where(Participation.cohort_id == running,
                                                       Participation.role == ParticipationRole.MENTEE)
                .order_by(Participation.id).limit(1))
            shown = session.scalar(sa.select(Cohort.slug).where(Cohort.state.in_(
                (CohortState.SHOWCASE_PUBLISHED, CohortState.ARCHIVED))).order_by(Cohort.id.desc()))
        session.close()
        database.session.remove()
    pages = [
        Page("/ (anonymous)", "/", None),
        Page("/ (signed in)", "/", mentee),
        Page("/board/", "/board/", board),
        Page("/me/", "/me/", mentee),
        Page("/o/<slug>/ (people)", f"/o/{slug}/", admin.user_id),
        Page("/board/cohorts/<id>/matching", f"/board/cohorts/{matched}/matching", board),
    ]
    if shown:
        pages.append(Page("/showcase/<slug>/", f"/showcase/{shown}/", None))
    return pages


def client_for(app: Flask, user_id: int | None) -> FlaskClient:
    client = app.test_client()
    if user_id is not None:
        sign_in_client(client, user_id)
    with client.session_transaction() as cookie:
        cookie["language"] = "en"
    return client


def measure(app: Flask, page: Page, repeat: int, profile: int, show: bool = False) -> Cost:
    engine = app.extensions["tandem.db"].engine
    client = client_for(app, page.user_id)
    statements: list[str] = []

    def _count(_conn: Any, _cursor: Any, statement: str, *_args: Any) -> None:
        if not statement.lstrip().upper().startswith(NOT_COUNTED):
            statements.append(statement)

    def _get() -> None:
        response = client.get(page.path, headers={"Accept-Language": "en"})
        if response.status_code != 200:
            raise RuntimeError(f"GET {page.path} answered {response.status_code}")

    for _ in range(3):
        _get()
    sa.event.listen(engine, "before_cursor_execute", _count)
    try:
        statements.clear()
        _get()
        counted = list(statements)
    finally:
        sa.event.remove(engine, "before_cursor_execute", _count)
    if show:
        print(f"\n-- statements of GET {page.label}:")
        for statement in counted:
            print("   " + " ".join(statement.split())[:220])
    timings = []
    for _ in range(repeat):
        started = time.perf_counter()
        _get()
        timings.append((time.perf_counter() - started) * 1000)
    if profile:
        profiler = cProfile.Profile()
        profiler.enable()
        for _ in range(repeat):
            _get()
        profiler.disable()
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("cumulative").print_stats(profile)
        print(f"\n==== profile of GET {page.label} ({repeat} requests, cumulative) ====")
        print(out.getvalue())
        out = io.StringIO()
        pstats.Stats(profiler, stream=out).sort_stats("tottime").print_stats(profile)
        print(f"==== profile of GET {page.label} ({repeat} requests, own time) ====")
        print(out.getvalue())
    writes = sum(1 for s in counted if s.lstrip().upper().startswith(WRITES))
    return Cost(page.label, statistics.median(timings), statistics.fmean(timings), min(timings), len(counted),
                writes)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.request_costs", description=__doc__.splitlines()[0])
    parser.add_argument("--repeat", type=int, default=50, help="timed requests per page (default: %(default)s)")
    parser.add_argument("--profile", type=int, default=0, metavar="N",
                        help="print the N costliest functions of each page (cProfile)")
    parser.add_argument("--pages", default="",
                        help="only the pages whose label starts with one of these (comma-separated)")
    parser.add_argument("--database", metavar="PATH", help="a demo database file to reuse (seeded when missing)")
    parser.add_argument("--show-statements", action="store_true", help="print each page's statements")
    parser.add_argument("--env", default="demo", choices=("demo", "production"),
                        help="the app's TANDEM_ENV (production: as deployed, demo pages and switcher off)")
    args = parser.parse_args(argv)
    with demo_database(args.database) as url:
        extra: dict[str, Any] = {}
        if args.env == "production":
            from cryptography.fernet import Fernet

            extra = {"BASE_URL": "https://tandem.example", "SESSION_COOKIE_SECURE": "false",
                     "ENCRYPTION_KEY": Fernet.generate_key().decode(), "SMTP_URL": "smtp://127.0.0.1:2525"}
        app = demo_app(url, "demo") if not extra else create_app({
            "TANDEM_ENV": "production", "DATABASE_URL": url, "SECRET_KEY": SECRET_KEY, "REDIS_URL": "", **extra})
        pages = demo_pages(app)
        wanted = [p for p in args.pages.split(",") if p]
        if wanted:
            pages = [p for p in pages if any(p.label.startswith(w) for w in wanted)]
        costs = [measure(app, page, args.repeat, args.profile, args.show_statements) for page in pages]
        app.extensions["tandem.db"].dispose()
    print(f"\n{'page':<36} {'median ms':>10} {'mean ms':>9} {'min ms':>8} {'statements':>11} {'writes':>7}")
    for cost in costs:
        print(f"{cost.label:<36} {cost.median_ms:>10.2f} {cost.mean_ms:>9.2f} {cost.min_ms:>8.2f} "
              f"{cost.statements:>11} {cost.writes:>7}")
    return 0


if __name__ == "__main__":
    sys.exit(main())
