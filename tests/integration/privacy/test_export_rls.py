"""On PostgreSQL with row-level security, as the application's role (no superuser, no BYPASSRLS): the collector
reads in club scope and finds every exported value of the person, across the organisations their rows belong
to (their partner's, the reviewing organisation's), and still nothing of anyone else."""

from __future__ import annotations

import json
import uuid
from datetime import UTC, datetime

import pytest
import sqlalchemy as sa

from tandem.platform.database import Database
from tandem.platform.migrate import upgrade
from tandem.platform.privacy.export.collector import collect
from tandem.platform.privacy.registry import REGISTRY, PersonalData
from tandem.platform.tenancy import tenant_scope
from tests.fixtures.everything import make_person_with_everything
from tests.fixtures.services import fresh_database

pytestmark = pytest.mark.postgres


@pytest.fixture()
def app_role_url():
    with fresh_database("rls_export", "postgresql") as owner_url:
        owner = sa.create_engine(owner_url, isolation_level="AUTOCOMMIT")
        upgrade(Database(owner_url).engine)
        role = f"tandem_app_{uuid.uuid4().hex[:8]}"
        with owner.connect() as conn:
            conn.exec_driver_sql(f'CREATE ROLE "{role}" LOGIN NOSUPERUSER NOBYPASSRLS')
            conn.exec_driver_sql(f'GRANT SELECT, INSERT, UPDATE, DELETE ON ALL TABLES IN SCHEMA public TO "{role}"')
            conn.exec_driver_sql(f'GRANT USAGE, SELECT ON ALL SEQUENCES IN SCHEMA public TO "{role}"')
        try:
            yield sa.make_url(owner_url).set(username=role).render_as_string(hide_password=False)
        finally:
            with owner.connect() as conn:
                conn.exec_driver_sql(f'DROP OWNED BY "{role}"')
                conn.exec_driver_sql(f'DROP ROLE "{role}"')
            owner.dispose()


def test_the_collector_sees_all_of_the_person_under_row_level_security(app, app_role_url):
    database = Database(app_role_url)
    session = database.sessionmaker()
    try:
        with app.app_context():
            everything = make_person_with_everything(session)
            # Called from the person's own tenant scope (as the page is): the collector takes club scope itself.
            with tenant_scope(session, everything.organisation.id):
                data = collect(session, everything.person.id, created_at=datetime(2027, 4, 2, tzinfo=UTC))
        text = json.dumps(data, ensure_ascii=False)
        for key, value in everything.strings.items():
            table, _, column = key.partition(".")
            declaration = REGISTRY[table]
            assert isinstance(declaration, PersonalData)
            spec = declaration.columns.get(column)
            if spec is not None and spec.export:
                assert value in text, key
        assert not [value for value in everything.other_strings.values() if value in text]
    finally:
        session.close()
        database.dispose()
