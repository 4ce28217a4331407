"""Reaching the real services the suite uses: PostgreSQL or SQLite, Redis, and fresh databases.

A service that cannot be reached skips the tests that need it, with the reason, except under CI=true,
where it fails them: CI must never pass by skipping.
"""

from __future__ import annotations

import os
import tempfile
import uuid
from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

import pytest
import sqlalchemy as sa

IN_CI = os.environ.get("CI", "").lower() in {"1", "true", "yes"}
LOCAL_REDIS_URL = "redis://127.0.0.1:6379/15"


def unavailable(reason: str) -> None:
    """Skip, or fail under CI=true."""
    if IN_CI:
        pytest.fail(f"CI=true and a required service is missing: {reason}", pytrace=False)
    pytest.skip(reason)


def configured_database_url() -> str | None:
    url = os.environ.get("DATABASE_URL")
    if url and url.startswith("postgresql://"):
        url = "postgresql+psycopg://" + url[len("postgresql://"):]
    return url or None


def is_postgres(url: str) -> bool:
    return url.startswith("postgresql")


LOCAL_POSTGRES_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/postgres"


def require_postgres() -> str:
    """A PostgreSQL server for tests that are about PostgreSQL itself (migrations, row-level security)."""
    url = configured_database_url()
    if not (url and is_postgres(url)):
        url = os.environ.get("TEST_POSTGRES_URL") or LOCAL_POSTGRES_URL
    engine = sa.create_engine(url)
    try:
        with engine.connect():
            pass
    except sa.exc.OperationalError as error:
        unavailable(f"PostgreSQL at {url} is not reachable ({str(error).splitlines()[0]})")
    finally:
        engine.dispose()
    return url


@contextmanager
def fresh_database(tag: str, kind: str | None = None) -> Iterator[str]:
    """An empty database, dropped afterwards. Yields its URL.

    `kind` is "sqlite" or "postgresql"; by default the same kind as the suite's database.
    """
    base = configured_database_url()
    if kind == "postgresql":
        base = require_postgres()
    elif kind == "sqlite":
        base = None
    if base and is_postgres(base):
        url = sa.make_url(base)
        name = f"{url.database}_{tag}_{uuid.uuid4().hex[:8]}"[:63]
        admin = sa.create_engine(url.set(database="postgres"), isolation_level="AUTOCOMMIT")
        with admin.connect() as conn:
            conn.exec_driver_sql(f'CREATE DATABASE "{name}"')
        try:
            yield url.set(database=name).render_as_string(hide_password=False)
        finally:
            with admin.connect() as conn:
                conn.exec_driver_sql(f'DROP DATABASE IF EXISTS "{name}" WITH (FORCE)')
            admin.dispose()
    else:
        with tempfile.TemporaryDirectory(prefix=f"tandem-{tag}-") as directory:
            yield f"sqlite:///{Path(directory) / 'tandem.sqlite3'}"


def redis_url_for_tests() -> str:
    return os.environ.get("REDIS_URL") or LOCAL_REDIS_URL


def require_redis() -> str:
    import redis

    url = redis_url_for_tests()
    try:
        redis.Redis.from_url(url, socket_connect_timeout=2).ping()
    except redis.RedisError as error:
        unavailable(f"Redis at {url} is not reachable ({error})")
    return url


def sign_in_client(test_client: Any, user_id: int, method: str = "link") -> Any:
    """Sign a test client in as the app does: a server-side session row (written through the client's own
    app, so it lands in the database that app reads) and its cookie. Used by tests and benchmarks."""
    from flask_login.utils import _create_identifier

    from tandem.platform.identity.models import UserSession
    from tandem.platform.identity.sessions import COOKIE_KEY
    from tandem.platform.identity.tokens import new_token, token_hash
    from tandem.platform.tenancy import club_scope

    application = test_client.application
    token = new_token()
    session = application.extensions["tandem.db"].sessionmaker()
    try:
        with club_scope(session):
            session.add(UserSession(user_id=user_id, token_hash=token_hash(token), method=method))
            session.commit()
    finally:
        session.close()
    with application.test_request_context(
        environ_base={"REMOTE_ADDR": "127.0.0.1"},
        headers={"User-Agent": test_client.environ_base.get("HTTP_USER_AGENT", "")},
    ):
        identifier = _create_identifier()
    with test_client.session_transaction() as cookie:
        cookie.clear()
        cookie["_user_id"] = str(user_id)
        cookie["_fresh"] = True
        cookie["_id"] = identifier
        cookie[COOKIE_KEY] = token
    return test_client
