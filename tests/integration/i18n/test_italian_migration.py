"""Migration 0012 on a database that already holds topics and people: the Italian label is filled from the
English one, then required and checked like the others; a person may choose Italian; nothing else is lost."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tandem.platform.database import Database
from tandem.platform.migrate import upgrade
from tests.fixtures.services import fresh_database


def _fill_before_italian(connection: sa.Connection) -> None:
    connection.execute(sa.text(
        "INSERT INTO organisations (id, slug, name, status, created_at) "
        "VALUES (1, 'alpha', 'Alpha AG', 'active', CURRENT_TIMESTAMP)"))
    connection.execute(sa.text(
        "INSERT INTO users (id, email, display_name, preferred_language, is_active, created_at, organisation_id) "
        "VALUES (1, 'anna@alpha.example', 'Anna', 'fr', true, CURRENT_TIMESTAMP, 1)"))
    connection.execute(sa.text("INSERT INTO board_members (id, user_id, since) VALUES (1, 1, CURRENT_TIMESTAMP)"))
    connection.execute(sa.text(
        "INSERT INTO topics (id, slug, label_de, label_fr, label_en, is_active) VALUES "
        "(1, 'ai', 'KI', 'IA', 'Artificial intelligence', true), "
        "(2, 'feedback', 'Feedback', 'Feed-back', 'Giving feedback', false)"))


def _fails(connection: sa.Connection, statement: str) -> bool:
    savepoint = connection.begin_nested()
    try:
        connection.execute(sa.text(statement))
    except sa.exc.IntegrityError:
        savepoint.rollback()
        return True
    savepoint.rollback()
    return False


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_upgrade_fills_the_italian_labels_and_keeps_everything_else(kind):
    with fresh_database("italian", kind) as url:
        database = Database(url)
        try:
            upgrade(database.engine, "0011")
            with database.engine.begin() as connection:
                if kind == "postgresql":
                    connection.exec_driver_sql("SELECT set_config('tandem.scope', 'club', true)")
                _fill_before_italian(connection)
            upgrade(database.engine, "0012")
            with database.engine.begin() as connection:
                if kind == "postgresql":
                    connection.exec_driver_sql("SELECT set_config('tandem.scope', 'club', true)")
                rows = connection.execute(sa.text(
                    "SELECT slug, label_de, label_fr, label_it, label_en, is_active FROM topics ORDER BY id")).all()
                assert [tuple(row) for row in rows] == [
                    ("ai", "KI", "IA", "Artificial intelligence", "Artificial intelligence", True),
                    ("feedback", "Feedback", "Feed-back", "Giving feedback", "Giving feedback", False)]
                # The board member still refers to her person: rebuilding the users table lost nothing.
                assert connection.execute(sa.text("SELECT user_id FROM board_members")).scalar_one() == 1
                assert connection.execute(sa.text("SELECT preferred_language FROM users")).scalar_one() == "fr"
                # The Italian label is required and not empty, like the others.
                assert _fails(connection, "INSERT INTO topics (slug, label_de, label_fr, label_en, is_active) "
                                          "VALUES ('x', 'X', 'X', 'X', true)")
                assert _fails(connection, "UPDATE topics SET label_it = '' WHERE id = 1")
                assert not _fails(connection, "UPDATE topics SET label_it = 'Intelligenza artificiale' WHERE id = 1")
                # A person may now choose Italian, still nothing outside the site's languages.
                assert not _fails(connection, "UPDATE users SET preferred_language = 'it' WHERE id = 1")
                assert _fails(connection, "UPDATE users SET preferred_language = 'rm' WHERE id = 1")
                connection.execute(sa.text("UPDATE users SET preferred_language = 'it' WHERE id = 1"))
                connection.execute(sa.text("UPDATE survey_questions SET text_it = 'x' WHERE 1 = 0"))
        finally:
            database.dispose()


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_downgrade_forgets_italian_without_losing_people(kind):
    with fresh_database("italian_down", kind) as url:
        database = Database(url)
        try:
            upgrade(database.engine, "0011")
            with database.engine.begin() as connection:
                if kind == "postgresql":
                    connection.exec_driver_sql("SELECT set_config('tandem.scope', 'club', true)")
                _fill_before_italian(connection)
            upgrade(database.engine, "0012")
            with database.engine.begin() as connection:
                if kind == "postgresql":
                    connection.exec_driver_sql("SELECT set_config('tandem.scope', 'club', true)")
                connection.execute(sa.text("UPDATE users SET preferred_language = 'it' WHERE id = 1"))
            from alembic import command

            from tandem.platform.migrate import alembic_config
            command.downgrade(alembic_config(database.engine), "0011")
            with database.engine.begin() as connection:
                if kind == "postgresql":
                    connection.exec_driver_sql("SELECT set_config('tandem.scope', 'club', true)")
                assert "label_it" not in {c["name"] for c in sa.inspect(connection).get_columns("topics")}
                assert connection.execute(sa.text("SELECT preferred_language FROM users")).scalar_one() is None
                assert connection.execute(sa.text("SELECT count(*) FROM board_members")).scalar_one() == 1
        finally:
            database.dispose()
