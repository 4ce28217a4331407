"""Engine, sessions and the declarative base.

`Database` is created by `create_app` and kept on the app (`app.extensions["tandem.db"]`).
`db_session()` returns the session of the current scope: one per request thread, or a fresh one for
each job run in-process (see `Database.isolated_session_scope`).
"""

from __future__ import annotations

import contextvars
import itertools
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

import sqlalchemy as sa
from flask import current_app, has_request_context, request
from sqlalchemy import event
from sqlalchemy.orm import DeclarativeBase, Session, scoped_session, sessionmaker

NAMING_CONVENTION = {
    "ix": "ix_%(column_0_label)s",
    "uq": "uq_%(table_name)s_%(column_0_N_name)s",
    "ck": "ck_%(table_name)s_%(constraint_name)s",
    "fk": "fk_%(table_name)s_%(column_0_name)s_%(referred_table_name)s",
    "pk": "pk_%(table_name)s",
}


class Base(DeclarativeBase):
    metadata = sa.MetaData(naming_convention=NAMING_CONVENTION)
    type_annotation_map = {datetime: sa.DateTime(timezone=True)}


def sql_in(column: str, values: tuple[str, ...]) -> str:
    """SQL for a check constraint: `column IN ('a', 'b')` (values are our own enum members)."""
    return f"{column} IN ({', '.join(chr(39) + str(v) + chr(39) for v in values)})"


def utcnow() -> datetime:
    """The system's time, in UTC, for the moments the code records (created, sent, signed in). Decisions that
    depend on the date (windows, deadlines, reminders) read the app's clock (tandem/platform/clock.py)."""
    return datetime.now(UTC)


def as_utc(moment: datetime) -> datetime:
    """SQLite hands back naive datetimes for timezone-aware columns: read those as UTC."""
    return moment if moment.tzinfo else moment.replace(tzinfo=UTC)


_scope_key: contextvars.ContextVar[Any] = contextvars.ContextVar("tandem_session_scope", default=None)
_scope_counter = itertools.count(1)


def matched_rows(session: Session, statement: sa.Update | sa.Delete) -> int:
    """Run an UPDATE or DELETE and return its row count: the rows its WHERE matched.

    `Session.execute` is typed to return `Result`, which has no `rowcount`; for DML it returns a
    `CursorResult`, which has. The conditional UPDATEs that claim a job or move a state read it.
    """
    result = session.execute(statement)
    if not isinstance(result, sa.CursorResult):
        raise TypeError(f"{type(result).__name__} for a DML statement has no row count")
    return result.rowcount


def _current_scope_key() -> Any:
    return _scope_key.get() or ("thread", threading.get_ident())


# Requests whose method may change data begin their SQLite transactions with BEGIN IMMEDIATE, as does a block
# in `writing_apart`; every other transaction begins deferred (BEGIN: reads only take a snapshot).
SAFE_METHODS = frozenset({"GET", "HEAD", "OPTIONS"})
_IMMEDIATE_KEY = "tandem.begun_immediate"  # in the connection's info: its transaction took the write lock at BEGIN
_begin_immediate: contextvars.ContextVar[bool] = contextvars.ContextVar("tandem_begin_immediate", default=False)


def _begins_immediate() -> bool:
    if _begin_immediate.get():
        return True
    return has_request_context() and request.method not in SAFE_METHODS


def is_file_database(url: sa.URL) -> bool:
    """A SQLite database kept in a file (not `:memory:` nor a shared in-memory URI)."""
    database = url.database or ""
    return url.get_backend_name() == "sqlite" and database not in ("", ":memory:") and (
        "mode=memory" not in database and url.query.get("mode") != "memory")


def _configure_sqlite(engine: sa.Engine) -> None:
    """Foreign keys on, a busy timeout, WAL for file databases (readers and the writer do not block each other;
    `synchronous=NORMAL` is durable in WAL but for the last commits at a power loss), and transactions that
    SAVEPOINT works inside (pysqlite's own handling breaks it), begun IMMEDIATE where they will write.

    Why IMMEDIATE: a deferred transaction that has read and then writes must upgrade its snapshot to the write
    lock; when another connection committed in between, SQLite answers SQLITE_BUSY at once, without waiting
    for the busy timeout ("database is locked"). A transaction that takes the write lock at BEGIN waits its
    turn instead. Requests that may change data (POST, ...) begin so; GET requests read deferred and do their
    few writes (the session's bookkeeping, the log of who saw whose data) in a short transaction of their own
    through `writing_apart`.
    """
    file_database = is_file_database(engine.url)

    @event.listens_for(engine, "connect")
    def _on_connect(dbapi_connection: Any, _record: Any) -> None:
        dbapi_connection.isolation_level = None
        cursor = dbapi_connection.cursor()
        cursor.execute("PRAGMA foreign_keys = ON")
        cursor.execute("PRAGMA busy_timeout = 5000")
        if file_database:
            cursor.execute("PRAGMA journal_mode = WAL")
            cursor.execute("PRAGMA synchronous = NORMAL")
        cursor.close()

    @event.listens_for(engine, "begin")
    def _on_begin(connection: sa.Connection) -> None:
        immediate = _begins_immediate()
        connection.exec_driver_sql("BEGIN IMMEDIATE" if immediate else "BEGIN")
        connection.info[_IMMEDIATE_KEY] = immediate


@contextmanager
def writing_apart(session: Session) -> Iterator[None]:
    """The block's writes in a transaction of their own that takes SQLite's write lock at BEGIN (waiting up to
    the busy timeout for it), for a request that has only read so far (a GET that records who saw what).

    On SQLite the session's current transaction, which has only read, is committed first (nothing of it is
    lost: objects stay loaded), so the write does not upgrade a snapshot that another connection may have
    written past. The block commits its own writes (through `request_transaction`). Elsewhere (PostgreSQL)
    nothing changes: the block writes in the request's transaction, which has no such upgrade.
    """
    if session.get_bind().dialect.name != "sqlite":
        yield
        return
    if session.in_transaction() and not session.connection().info.get(_IMMEDIATE_KEY):
        session.commit()
    token = _begin_immediate.set(True)
    try:
        yield
    finally:
        _begin_immediate.reset(token)


class Database:
    def __init__(self, url: str, *, echo: bool = False) -> None:
        from tandem.platform.tenancy import TenantAwareSession

        kwargs: dict[str, Any] = {"echo": echo, "future": True}
        if url.startswith("sqlite"):
            kwargs["connect_args"] = {"check_same_thread": False}
        else:
            kwargs["pool_pre_ping"] = True
        self.url = url
        self.engine = sa.create_engine(url, **kwargs)
        if self.engine.dialect.name == "sqlite":
            _configure_sqlite(self.engine)
        self.sessionmaker = sessionmaker(bind=self.engine, class_=TenantAwareSession, expire_on_commit=False)
        self.session = scoped_session(self.sessionmaker, scopefunc=_current_scope_key)

    @contextmanager
    def isolated_session_scope(self) -> Iterator[None]:
        """Run the block with a session of its own (used by in-process jobs), removed afterwards."""
        token = _scope_key.set(("isolated", next(_scope_counter)))
        try:
            yield
        finally:
            self.session.remove()
            _scope_key.reset(token)

    def remove_session(self, *_args: Any) -> None:
        self.session.remove()

    def dispose(self) -> None:
        self.session.remove()
        self.engine.dispose()


def get_db() -> Database:
    return current_app.extensions["tandem.db"]


def db_session() -> TenantAwareSessionType:
    return get_db().session()


# A name for type hints without importing tenancy at module level in callers.
from tandem.platform.tenancy import TenantAwareSession as TenantAwareSessionType  # noqa: E402
