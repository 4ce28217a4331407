"""Row-level security on tenant tables (PostgreSQL): the second wall behind the ORM scoping.

Each transaction carries the session's scope in two settings, set by tandem.platform.tenancy:
`tandem.scope` ('tenant' or 'club') and `tandem.organisation_id`. Without them no tenant row is
visible or writable. Superusers bypass row-level security: run the application as a role that is
neither superuser nor BYPASSRLS (FORCE makes the policies bind the tables' owner too).

Revision ID: 0002
Revises: 0001
"""
from collections.abc import Sequence

from alembic import op

revision: str = "0002"
down_revision: str | None = "0001"
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

TENANT_TABLES = ("users", "participations", "organisation_admins")

VISIBLE = """
CREATE OR REPLACE FUNCTION tandem_tenant_visible(row_organisation_id integer) RETURNS boolean
LANGUAGE sql STABLE AS $$
    SELECT coalesce(current_setting('tandem.scope', true), '') = 'club'
        OR (coalesce(current_setting('tandem.scope', true), '') = 'tenant'
            AND row_organisation_id = nullif(current_setting('tandem.organisation_id', true), '')::integer)
$$
"""


def upgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    op.execute(VISIBLE)
    for table in TENANT_TABLES:
        op.execute(f"ALTER TABLE {table} ENABLE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} FORCE ROW LEVEL SECURITY")
        op.execute(
            f"CREATE POLICY tenant_isolation ON {table} "
            "USING (tandem_tenant_visible(organisation_id)) WITH CHECK (tandem_tenant_visible(organisation_id))"
        )


def downgrade() -> None:
    if op.get_bind().dialect.name != "postgresql":
        return
    for table in TENANT_TABLES:
        op.execute(f"DROP POLICY IF EXISTS tenant_isolation ON {table}")
        op.execute(f"ALTER TABLE {table} NO FORCE ROW LEVEL SECURITY")
        op.execute(f"ALTER TABLE {table} DISABLE ROW LEVEL SECURITY")
    op.execute("DROP FUNCTION IF EXISTS tandem_tenant_visible(integer)")
