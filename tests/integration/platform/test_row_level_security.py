"""PostgreSQL row-level security: the second wall holds even for raw SQL that skips the ORM scoping."""

from __future__ import annotations

import pytest
import sqlalchemy as sa

from tandem.platform.database import Database
from tandem.platform.tenancy import ClubScope, club_scope, current_scope, tenant_scope, use_club_scope, use_tenant
from tests.factories import make_organisation, make_user
from tests.fixtures.services import app_role_database as migrated_app_role_database

pytestmark = pytest.mark.postgres


@pytest.fixture()
def app_role_database():
    """A fresh migrated database and a URL for an application role that owns nothing and is no superuser."""
    with migrated_app_role_database("rls") as url:
        yield url


def test_raw_sql_sees_only_the_sessions_tenant(app_role_database):
    database = Database(app_role_database)
    session = database.sessionmaker()
    try:
        with club_scope(session):
            alpha, beta = make_organisation(session, "alpha"), make_organisation(session, "beta")
            make_user(session, alpha), make_user(session, beta), make_user(session, beta)
            session.commit()
        raw = sa.text("SELECT count(*) FROM users")
        with tenant_scope(session, alpha.id):
            assert session.scalar(raw) == 1
            # Writing into another tenant is refused by the database itself.
            with pytest.raises(sa.exc.ProgrammingError, match="row-level security"):
                session.execute(sa.text(
                    "INSERT INTO users (organisation_id, email, display_name, is_active, created_at) "
                    "VALUES (:org, 'x@beta.example', 'X', true, now())"), {"org": beta.id})
            session.rollback()
        with tenant_scope(session, beta.id):
            assert session.scalar(raw) == 2
            assert session.execute(sa.text("UPDATE users SET display_name = 'renamed'")).rowcount == 2
            session.rollback()
        with club_scope(session):
            assert session.scalar(raw) == 3
        session.commit()
        assert session.scalar(raw) == 0, "no scope: no tenant rows, even with raw SQL"
    finally:
        session.close()
        database.dispose()


def test_a_plain_connection_without_settings_sees_no_tenant_rows(app_role_database):
    database = Database(app_role_database)
    session = database.sessionmaker()
    try:
        with club_scope(session):
            make_user(session, make_organisation(session, "gamma"))
            session.commit()
        with database.engine.connect() as connection:
            assert connection.scalar(sa.text("SELECT count(*) FROM users")) == 0
            assert connection.scalar(sa.text("SELECT count(*) FROM organisations")) == 1
    finally:
        session.close()
        database.dispose()


def test_every_tenant_owned_table_has_row_level_security(app_role_database):
    """A new tenant-owned model without its policy fails here (add it in its migration, as 0003/0004 do)."""
    import tandem.models  # noqa: F401
    from tandem.platform.database import Base
    from tandem.platform.tenancy import TenantOwned

    tenant_tables = {mapper.local_table.name for mapper in Base.registry.mappers
                     if issubclass(mapper.class_, TenantOwned)}
    engine = sa.create_engine(app_role_database)
    try:
        with engine.connect() as connection:
            protected = dict(connection.execute(sa.text(
                "SELECT relname, relrowsecurity AND relforcerowsecurity FROM pg_class "
                "WHERE relname = ANY(:names)"), {"names": list(tenant_tables)}).all())
            policies = set(connection.scalars(sa.text(
                "SELECT tablename FROM pg_policies WHERE policyname = 'tenant_isolation'")))
    finally:
        engine.dispose()
    assert tenant_tables and set(protected) == tenant_tables
    assert [name for name, on in protected.items() if not on] == []
    assert tenant_tables <= policies


def test_an_object_loaded_under_one_scope_refreshes_under_another(app_role_database):
    """A board member's own record, loaded first, is refreshed after a rollback inside another
    organisation's area: the refresh must not be hidden by row-level security (it would be a 500)."""
    database = Database(app_role_database)
    session = database.sessionmaker()
    try:
        with club_scope(session):
            alpha, beta = make_organisation(session, "alpha"), make_organisation(session, "beta")
            board_member = make_user(session, alpha, display_name="Regula")
            session.commit()
            person = session.get(type(board_member), board_member.id)
        with tenant_scope(session, beta.id):
            session.scalar(sa.text("SELECT 1"))  # a transaction in the other organisation's scope...
            session.rollback()  # ...rolled back: that expires every loaded object
            assert person.display_name == "Regula"
            assert session.scalar(sa.text("SELECT count(*) FROM users")) == 0, "the scope itself is unchanged"
    finally:
        session.close()
        database.dispose()


def test_the_scope_is_written_once_and_again_after_a_savepoint_rollback_undid_it(app_role_database):
    """Setting the scope the transaction already has costs no statement; a rollback to a savepoint reverts
    the database's setting, so the next scope change is written again (the second wall never lags)."""
    database = Database(app_role_database)
    session = database.sessionmaker()
    writes: list[str] = []

    def _count(_conn, _cursor, statement, *_args):  # noqa: ANN001
        if "set_config" in statement:
            writes.append(statement)

    try:
        with club_scope(session):
            alpha, beta = make_organisation(session, "alpha"), make_organisation(session, "beta")
            make_user(session, alpha), make_user(session, beta), make_user(session, beta)
            session.commit()
        raw = sa.text("SELECT count(*) FROM users")
        setting = sa.text("SELECT current_setting('tandem.scope', true)")
        sa.event.listen(database.engine, "before_cursor_execute", _count)
        with club_scope(session):
            assert session.scalar(raw) == 3
            before = len(writes)
            with club_scope(session), club_scope(session):  # the same scope again: nothing to write
                assert session.scalar(raw) == 3
            assert len(writes) == before

            with tenant_scope(session, alpha.id):
                savepoint = session.begin_nested()
                use_club_scope(session)  # the session's scope is club from here on...
                assert session.scalar(raw) == 3
                savepoint.rollback()  # ...but the database undid the setting made since the savepoint
                assert current_scope(session) == ClubScope()
                assert session.scalar(setting) == "club" and session.scalar(raw) == 3  # written again
                use_tenant(session, alpha.id)
                assert session.scalar(setting) == "tenant" and session.scalar(raw) == 1
                released = session.begin_nested()
                before = len(writes)
                released.commit()  # a released savepoint keeps the setting: nothing to write
                assert len(writes) == before and session.scalar(raw) == 1
        session.commit()
    finally:
        sa.event.remove(database.engine, "before_cursor_execute", _count)
        session.close()
        database.dispose()
