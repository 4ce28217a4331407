"""On PostgreSQL with row-level security, as the application's role (no superuser, no BYPASSRLS): the collector
reads in club scope and finds every exported value of the person, across the organisations their rows belong
to (their partner's, the reviewing organisation's), and still nothing of anyone else."""

from __future__ import annotations

import json
from datetime import UTC, datetime

import pytest

from tandem.platform.database import Database
from tandem.platform.privacy.export.collector import collect
from tandem.platform.privacy.registry import REGISTRY, PersonalData
from tandem.platform.tenancy import tenant_scope
from tests.fixtures.everything import make_person_with_everything
from tests.fixtures.services import app_role_database

pytestmark = pytest.mark.postgres


@pytest.fixture()
def app_role_url():
    """A fresh migrated database and a URL for an application role that owns nothing and is no superuser."""
    with app_role_database("rls_export") as url:
        yield url


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
