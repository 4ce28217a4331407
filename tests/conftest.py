"""Shared fixtures: the app on a migrated database, a transaction rolled back after each test, clients
signed in as each role, SQL statement counting, jobs, a real SMTP server and a real browser."""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field

import pytest
import sqlalchemy as sa
from flask import Flask
from flask.testing import FlaskClient

from tandem import create_app
from tandem.platform.database import Database
from tandem.platform.migrate import upgrade
from tandem.platform.tenancy import clear_scope
from tests.fixtures.jobs import run_queued_jobs
from tests.fixtures.services import (
    config_for_tests,
    configured_database_url,
    fresh_database,
    redis_url_for_tests,
    require_redis,
    sign_in_client,
)

pytest_plugins = ["tests.fixtures.browser", "tests.fixtures.smtp", "tests.fixtures.oidc", "tests.fixtures.rogue_idp"]


@pytest.fixture(scope="session")
def database_url() -> Iterator[str]:
    """The suite's database: DATABASE_URL (PostgreSQL in CI) or a fresh SQLite file, migrated to head."""
    configured = configured_database_url()
    if configured:
        engine = sa.create_engine(configured)
        upgrade(engine)
        engine.dispose()
        yield configured
        return
    with fresh_database("suite") as url:
        engine = Database(url).engine
        upgrade(engine)
        engine.dispose()
        yield url


@pytest.fixture(scope="session")
def app(database_url: str) -> Iterator[Flask]:
    application = create_app(config_for_tests(database_url))
    if os.environ.get("REDIS_URL"):
        application.extensions["tandem.jobs"].connection.flushdb()
    yield application
    application.extensions["tandem.db"].dispose()


@pytest.fixture()
def db(app: Flask) -> Iterator[sa.orm.Session]:
    """A session of the test's own on one connection whose outer transaction is rolled back afterwards.

    Requests and jobs get their own sessions from the app (as in production), bound to the same
    connection: with `join_transaction_mode="create_savepoint"` their commits release savepoints inside
    the outer transaction, so the test sees what they committed and nothing outlives the test.
    No app context is held open: each request builds its own, so `g` and sessions never leak between
    requests. Tests that call app code directly use the `app_context` fixture.
    """
    database: Database = app.extensions["tandem.db"]
    connection = database.engine.connect()
    outer = connection.begin()
    database.sessionmaker.configure(bind=connection, join_transaction_mode="create_savepoint")
    if app.extensions["tandem.jobs"].is_async:
        app.extensions["tandem.jobs"].connection.flushdb()
    app.extensions["tandem.limiter"].reset()
    session = database.sessionmaker()
    try:
        yield session
    finally:
        clear_scope(session)
        session.close()
        database.session.remove()
        outer.rollback()
        connection.close()
        database.sessionmaker.configure(bind=database.engine, join_transaction_mode="conservative_savepoint")


@pytest.fixture()
def app_context(app: Flask, db: sa.orm.Session) -> Iterator[None]:
    """An app context for tests that call operations and jobs directly (not through requests)."""
    with app.app_context():
        yield


@pytest.fixture()
def client(app: Flask, db: sa.orm.Session) -> FlaskClient:
    return app.test_client()


@pytest.fixture()
def sign_in(app: Flask) -> Callable[..., FlaskClient]:
    """Sign a test client in as a user, as the app does: a server-side session row and its cookie.

    The row is written through the client's own app (the suite's, bound to the test's connection, or
    another app a test built), so it lands in the database that app reads.
    """
    def _sign_in(test_client: FlaskClient, user: object, method: str = "link") -> FlaskClient:
        return sign_in_client(test_client, user.id, method)  # type: ignore[attr-defined]

    return _sign_in


@dataclass
class QueryCounter:
    statements: list[str] = field(default_factory=list)

    @property
    def count(self) -> int:
        return len(self.statements)


@pytest.fixture()
def count_queries(app: Flask, db: sa.orm.Session) -> Callable[[], object]:
    """`with count_queries() as counter: ...` then `counter.count` is the number of SQL statements run."""
    from contextlib import contextmanager

    engine = app.extensions["tandem.db"].engine

    @contextmanager
    def _count() -> Iterator[QueryCounter]:
        counter = QueryCounter()

        def _before(_conn, _cursor, statement, _params, _context, _many):  # noqa: ANN001
            if not statement.lstrip().upper().startswith(("SAVEPOINT", "RELEASE", "ROLLBACK TO", "BEGIN")):
                counter.statements.append(statement)

        sa.event.listen(engine, "before_cursor_execute", _before)
        try:
            yield counter
        finally:
            sa.event.remove(engine, "before_cursor_execute", _before)

    return _count


@pytest.fixture()
def run_jobs(app: Flask) -> Callable[[], int]:
    """Run what is queued. In-process mode ran it already at commit; with Redis, the jobs are taken off the
    queues and run in this app (tests/fixtures/jobs.py). Returns how many jobs ran."""
    return lambda: run_queued_jobs(app)


def pytest_report_header(config: pytest.Config) -> list[str]:
    return [
        f"tandem database: {configured_database_url() or 'SQLite (temporary file)'}",
        f"tandem redis: {os.environ.get('REDIS_URL') or 'in-process jobs; Redis tests use ' + redis_url_for_tests()}",
    ]


@pytest.fixture()
def redis_url() -> Iterator[str]:
    """The real Redis of the tests (a failure in CI, a skip elsewhere when it cannot be reached), emptied before
    and after the test."""
    import redis

    url = require_redis()
    connection = redis.Redis.from_url(url)
    connection.flushdb()
    yield url
    connection.flushdb()
