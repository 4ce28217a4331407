"""The Alembic history builds the schema the models describe, exactly (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
import sqlalchemy as sa
from alembic.autogenerate import compare_metadata
from alembic.migration import MigrationContext
from alembic.script import ScriptDirectory

import tandem.models  # noqa: F401
from tandem.platform.database import Base, Database
from tandem.platform.migrate import alembic_config, upgrade
from tests.fixtures.services import fresh_database


@pytest.mark.parametrize("kind", ["sqlite", "postgresql"])
def test_migrations_on_an_empty_database_match_the_models_exactly(kind):
    with fresh_database("migrations", kind) as url:
        database = Database(url)
        try:
            upgrade(database.engine)
            with database.engine.connect() as connection:
                context = MigrationContext.configure(connection, opts={"compare_type": True})
                differences = compare_metadata(context, Base.metadata)
                assert differences == [], differences
                head = ScriptDirectory.from_config(alembic_config(database.engine)).get_current_head()
                assert context.get_current_revision() == head
                tables = set(sa.inspect(connection).get_table_names())
            assert set(Base.metadata.tables) <= tables
        finally:
            database.dispose()


def test_the_migration_history_is_one_line():
    script = ScriptDirectory.from_config(alembic_config(sa.create_engine("sqlite://")))
    assert len(script.get_heads()) == 1
    assert len(script.get_bases()) == 1


def test_database_rules_hold_without_the_application(db):
    """Check constraints and foreign keys are in the database, not only in Python."""
    from tandem.platform.tenancy import use_club_scope
    from tests.factories import make_cohort, make_organisation, make_participation, make_user

    use_club_scope(db)
    organisation = make_organisation(db)
    other = make_organisation(db)
    person = make_user(db, organisation)
    cohort = make_cohort(db)
    make_participation(db, person, cohort)
    statements = [
        # a person at most once in a cohort
        ("INSERT INTO participations (organisation_id, user_id, cohort_id, role, status, nominated_at) "
         f"VALUES ({organisation.id}, {person.id}, {cohort.id}, 'mentee', 'nominated', CURRENT_TIMESTAMP)"),
        # a participation's organisation is its person's organisation
        ("INSERT INTO participations (organisation_id, user_id, cohort_id, role, status, nominated_at) "
         f"VALUES ({other.id}, {person.id}, {make_cohort(db).id}, 'mentee', 'nominated', CURRENT_TIMESTAMP)"),
        # role and status are from the lists
        (f"UPDATE participations SET role = 'boss' WHERE user_id = {person.id}"),
        (f"UPDATE cohorts SET state = 'finished' WHERE id = {cohort.id}"),
        # dates in order
        (f"UPDATE cohorts SET closing_on = kickoff_on WHERE id = {cohort.id}"),
        # exclusions stored once, ordered
        ("INSERT INTO organisation_exclusions (organisation_a_id, organisation_b_id, created_at) "
         f"VALUES ({other.id}, {organisation.id}, CURRENT_TIMESTAMP)"),
        # one identity per issuer and subject
        ("INSERT INTO identities (user_id, issuer, subject, created_at) VALUES "
         f"({person.id}, 'https://idp.example', 'abc', CURRENT_TIMESTAMP), "
         f"({person.id}, 'https://idp.example', 'abc', CURRENT_TIMESTAMP)"),
        # only one queued or running matching run per cohort
        ("INSERT INTO matching_runs (cohort_id, number, attempt, status, progress, parameters, created_at) VALUES "
         f"({cohort.id}, 1, 1, 'queued', 0, '{{}}', CURRENT_TIMESTAMP), "
         f"({cohort.id}, 2, 1, 'running', 0, '{{}}', CURRENT_TIMESTAMP)"),
        # runs are numbered once per cohort
        ("INSERT INTO matching_runs (cohort_id, number, attempt, status, progress, parameters, created_at) VALUES "
         f"({cohort.id}, 1, 1, 'failed', 100, '{{}}', CURRENT_TIMESTAMP), "
         f"({cohort.id}, 1, 1, 'succeeded', 100, '{{}}', CURRENT_TIMESTAMP)"),
    ]
    for statement in statements:
        savepoint = db.begin_nested()
        with pytest.raises(sa.exc.IntegrityError):
            db.execute(sa.text(statement))
        savepoint.rollback()
