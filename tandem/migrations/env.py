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


def run_migrations_offline() -> None:
    context.configure(url=config.get_main_option("sqlalchemy.url"), target_metadata=target_metadata,
                      literal_binds=True, compare_type=True)
    with context.begin_transaction():
        context.run_migrations()


if context.is_offline_mode():
    run_migrations_offline()
else:
    run_migrations_online()
