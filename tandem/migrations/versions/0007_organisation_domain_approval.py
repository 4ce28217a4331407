"""organisation domains wait for the board's approval

Revision ID: 0007
Revises: 0006
Create Date: 2026-12-05 19:55:54.814595
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op

revision: str = '0007'
down_revision: str | None = '0006'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    # Existing domains were entered by the board or routed sign-ins already: they are approved. The server
    # default is dropped afterwards, as the application sets every value (a new domain is pending unless
    # the board enters it). organisation_domains is club-level: no row-level security policy.
    with op.batch_alter_table('organisation_domains', schema=None) as batch_op:
        batch_op.add_column(sa.Column('status', sa.String(length=20), nullable=False, server_default='approved'))
        batch_op.create_check_constraint(op.f('ck_organisation_domains_status'), "status IN ('pending', 'approved')")
    with op.batch_alter_table('organisation_domains', schema=None) as batch_op:
        batch_op.alter_column('status', server_default=None)


def downgrade() -> None:
    # A pending domain never routed a sign-in: it goes, rather than becoming one that does.
    op.execute("DELETE FROM organisation_domains WHERE status = 'pending'")
    with op.batch_alter_table('organisation_domains', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_organisation_domains_status'), type_='check')
        batch_op.drop_column('status')
