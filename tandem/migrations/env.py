"""Alembic environment: uses the engine handed over by tandem.platform.migrate, or sqlalchemy.url."""

from __future__ import annotations

import sqlalchemy as sa
from alembic import context

import tandem.models  # noqa: F401  (fills Base.metadata)
from tandem.platform.database import Base

config = context.config
target_metadata = Base.metadata


def _engine() -> sa.Engine:
    engine = config.attributes.get("engine")
    if engine is not None:
        return engine
    url = config.get_main_option("sqlalchemy.url")
    if not url:
        raise RuntimeError("No engine handed over and no sqlalchemy.url set: nothing to migrate")
    return sa.create_engine(url)


def run_migrations_online() -> None:
    engine = _engine()
    with engine.connect() as connection:
        if connection.dialect.name == "sqlite":
            _run_sqlite_migrations(connection)
            return
        if connection.dialect.name == "postgresql":
            # Migrations are club-wide work: row-level security must let them see every tenant's rows.
            connection.exec_driver_sql("SELECT set_config('tandem.scope', 'club', false)")
        context.configure(
            connection=connection,
            target_metadata=target_metadata,
            render_as_batch=connection.dialect.name == "sqlite",
            compare_type=True,
        )
        with context.begin_transaction():
            context.run_migrations()
        connection.commit()


def _run_sqlite_migrations(connection: sa.Connection) -> None:
    """SQLite alters a table by copying it into a new one and dropping the old: with foreign keys on, dropping
    a table that others refer to would cascade (or fail) on their rows. Foreign keys are off while migrating
    (a PRAGMA that is ignored inside a transaction, so set on the raw connection before it begins), checked
    before committing, and on again afterwards."""
    raw = connection.connection.driver_connection
    assert raw is not None
    raw.execute("PRAGMA foreign_keys = OFF")
    try:
        context.configure(connection=connection, target_metadata=target_metadata, render_as_batch=True,
                          compare_type=True)
        with context.begin_transaction():
            context.run_migrations()
            broken = connection.exec_driver_sql("PRAGMA foreign_key_check").all()
            if broken:
                raise RuntimeError(f"The migration broke foreign keys (table, row, parent): {broken[:5]}")
        connection.commit()
    finally:
        raw.execute("PRAGMA foreign_keys = ON")


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
