"""Central, fail-closed tenant scoping.

Every model that mixes in `TenantOwned` belongs to one member organisation. A session always carries
one of three scopes in `session.info`:

* no scope (the default): queries on tenant-owned models return nothing and new tenant rows are refused;
* `TenantScope(organisation_id)`: every ORM query (select, get, joins, relationship loads, counts, ORM
  bulk UPDATE and DELETE) is limited to that organisation, and new rows take it;
* `ClubScope()`: club-wide work (the board, the matching job) sees every organisation. It is opened
  explicitly with `club_scope(session)` or `use_club_scope(session)`, so the choice shows in the code.

Only the ORM is scoped here. On PostgreSQL the scope also goes to the database in per-transaction
settings, and row-level security policies (migration 0002) enforce it for every statement, raw SQL
included: the second wall. SQLite has no such wall.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any

import sqlalchemy as sa
from sqlalchemy import event
from sqlalchemy.orm import (
    Mapped,
    ORMExecuteState,
    Session,
    declared_attr,
    mapped_column,
    with_loader_criteria,
)

SCOPE_KEY = "tandem.tenant_scope"


class TenantScopeError(RuntimeError):
    """A write would cross a tenant boundary, or tenant data was written without a scope."""


@dataclass(frozen=True)
class TenantScope:
    organisation_id: int


@dataclass(frozen=True)
class ClubScope:
    pass


Scope = TenantScope | ClubScope | None


class TenantOwned:
    """Mixin: the row belongs to one member organisation."""

    @declared_attr
    def organisation_id(cls) -> Mapped[int]:  # noqa: N805
        return mapped_column(
            sa.ForeignKey("organisations.id", ondelete="RESTRICT"), nullable=False, index=True
        )


def current_scope(session: Session) -> Scope:
    return session.info.get(SCOPE_KEY)


def _set_scope(session: Session, scope: Scope) -> None:
    if scope is None:
        session.info.pop(SCOPE_KEY, None)
    else:
        session.info[SCOPE_KEY] = scope
    if session.in_transaction() and session.get_bind().dialect.name == "postgresql":
        _apply_to_database(session.connection(), scope)


def use_tenant(session: Session, organisation_id: int) -> None:
    _set_scope(session, TenantScope(int(organisation_id)))


def use_club_scope(session: Session) -> None:
    _set_scope(session, ClubScope())


def clear_scope(session: Session) -> None:
    _set_scope(session, None)


@contextmanager
def club_scope(session: Session) -> Iterator[Session]:
    """Temporarily see every organisation; the previous scope comes back afterwards."""
    previous = current_scope(session)
    _set_scope(session, ClubScope())
    try:
        yield session
    finally:
        _set_scope(session, previous)


@contextmanager
def tenant_scope(session: Session, organisation_id: int) -> Iterator[Session]:
    previous = current_scope(session)
    _set_scope(session, TenantScope(int(organisation_id)))
    try:
        yield session
    finally:
        _set_scope(session, previous)


# --- The second wall: PostgreSQL row-level security reads the scope from per-transaction settings. ---

_SET_SCOPE_SQL = (
    "SELECT set_config('tandem.scope', %(scope)s, true), set_config('tandem.organisation_id', %(org)s, true)"
)


# What the connection's current transaction was last told, so that setting the same scope again (a nested
# `club_scope` in club scope, say) costs no statement. Forgotten whenever the database may have undone it:
# a new transaction (settings are per transaction), a commit or rollback, and a rollback to a savepoint
# (which reverts the settings made since the savepoint).
_APPLIED_KEY = "tandem.applied_scope"


def _apply_to_database(connection: sa.Connection, scope: Scope, *, force: bool = False) -> None:
    if connection.dialect.name != "postgresql":
        return
    if isinstance(scope, ClubScope):
        values = {"scope": "club", "org": ""}
    elif isinstance(scope, TenantScope):
        values = {"scope": "tenant", "org": str(scope.organisation_id)}
    else:
        values = {"scope": "none", "org": ""}
    applied = (values["scope"], values["org"])
    if not force and connection.info.get(_APPLIED_KEY) == applied:
        return
    connection.info.pop(_APPLIED_KEY, None)  # if the statement fails, nothing is known
    connection.exec_driver_sql(_SET_SCOPE_SQL, values)
    connection.info[_APPLIED_KEY] = applied


@event.listens_for(sa.engine.Engine, "begin")
@event.listens_for(sa.engine.Engine, "commit")
@event.listens_for(sa.engine.Engine, "rollback")
@event.listens_for(sa.engine.Engine, "rollback_savepoint")
def _forget_applied_scope(connection: sa.Connection, *_args: Any) -> None:
    connection.info.pop(_APPLIED_KEY, None)


def _reapply_if_undone(session: Session) -> None:
    """Before the session's next statement or flush: if a rollback to a savepoint undid the database's
    setting (the session's scope stays what it was), write it again."""
    if not session.in_transaction() or session.get_bind().dialect.name != "postgresql":
        return
    connection = session.connection()
    if _APPLIED_KEY not in connection.info:
        _apply_to_database(connection, current_scope(session))


def visible(session: Session, obj: Any) -> bool:
    """Whether the current scope may see `obj` (used where the identity map bypasses the query)."""
    if not isinstance(obj, TenantOwned):
        return True
    scope = current_scope(session)
    if isinstance(scope, ClubScope):
        return True
    if isinstance(scope, TenantScope):
        return obj.organisation_id == scope.organisation_id
    return False


class TenantAwareSession(Session):
    """`Session.get` answers from the identity map without a query; check the scope there too."""

    def get(self, entity: Any, ident: Any, **kwargs: Any) -> Any:
        obj = super().get(entity, ident, **kwargs)
        if obj is not None and not visible(self, obj):
            return None
        return obj


def _never(cls: type) -> sa.ColumnElement[bool]:
    return sa.false()


@event.listens_for(TenantAwareSession, "do_orm_execute")
def _scope_orm_statements(state: ORMExecuteState) -> Any:
    _reapply_if_undone(state.session)
    if not (state.is_select or state.is_update or state.is_delete):
        return None
    if state.is_column_load:
        # Refreshing an object this session already loaded under a valid scope (after a rollback expired
        # it, say): the same row by primary key. Row-level security would hide it when the scope has
        # changed since (a board member's own record in another organisation's area), so the refresh runs
        # with the club setting and the request's setting comes back right after.
        return _refresh_across_scopes(state)
    scope = current_scope(state.session)
    if isinstance(scope, ClubScope):
        return
    if isinstance(scope, TenantScope):
        organisation_id = scope.organisation_id
        option = with_loader_criteria(
            TenantOwned,
            lambda cls: cls.organisation_id == organisation_id,
            include_aliases=True,
        )
    else:
        option = with_loader_criteria(TenantOwned, _never, include_aliases=True)
    state.statement = state.statement.options(option)


def _refresh_across_scopes(state: ORMExecuteState) -> Any:
    session = state.session
    if session.get_bind().dialect.name != "postgresql" or isinstance(current_scope(session), ClubScope):
        return None
    connection = session.connection()
    _apply_to_database(connection, ClubScope())
    try:
        result = state.invoke_statement().freeze()
    finally:
        _apply_to_database(connection, current_scope(session))
    return result()


@event.listens_for(TenantAwareSession, "after_begin")
def _scope_new_transaction(session: Session, _transaction: Any, connection: sa.Connection) -> None:
    _apply_to_database(connection, current_scope(session), force=True)



@event.listens_for(TenantAwareSession, "before_flush")
def _stamp_and_guard_writes(session: Session, _flush_context: Any, _instances: Any) -> None:
    _reapply_if_undone(session)
    scope = current_scope(session)
    for obj in session.new:
        if not isinstance(obj, TenantOwned):
            continue
        if isinstance(scope, TenantScope):
            if obj.organisation_id is None:
                obj.organisation_id = scope.organisation_id
            elif obj.organisation_id != scope.organisation_id:
                raise TenantScopeError(
                    f"{type(obj).__name__} for organisation {obj.organisation_id} written in the scope "
                    f"of organisation {scope.organisation_id}"
                )
        elif isinstance(scope, ClubScope):
            if obj.organisation_id is None:
                raise TenantScopeError(f"{type(obj).__name__} needs an organisation in club scope")
        else:
            raise TenantScopeError(f"{type(obj).__name__} written without a tenant scope")
    for obj in list(session.dirty) + list(session.deleted):
        if not isinstance(obj, TenantOwned) or isinstance(scope, ClubScope):
            continue
        history = sa.inspect(obj).attrs.organisation_id.history
        original = history.deleted[0] if history.deleted else obj.organisation_id
        if not isinstance(scope, TenantScope) or original != scope.organisation_id or (
            obj.organisation_id != scope.organisation_id
        ):
            raise TenantScopeError(f"{type(obj).__name__} changed outside its tenant scope")
