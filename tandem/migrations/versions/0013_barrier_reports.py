"""barrier reports: the accessibility statement's feedback form, stored for the club board

Revision ID: 0013
Revises: 0012
Create Date: 2026-12-06 07:50:00.000000

Club-level (anyone may report, signed in or not): no organisation, no row-level security.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0013'
down_revision: str | None = '0012'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None


def upgrade() -> None:
    op.create_table('barrier_reports',
    sa.Column('id', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('description', sa.Text(), nullable=False),
    sa.Column('page', sa.String(length=500), nullable=True),
    sa.Column('assistive_technology', sa.String(length=200), nullable=True),
    sa.Column('language', sa.String(length=2), nullable=False),
    sa.Column('recipient', sa.String(length=320), nullable=True),
    sa.Column('recipient_user_id', sa.Integer(), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('board_note', sa.Text(), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_by_user_id', sa.Integer(), nullable=True),
    sa.CheckConstraint("status IN ('open', 'answered', 'closed')", name=op.f('ck_barrier_reports_status')),
    sa.CheckConstraint('length(description) BETWEEN 1 AND 5000', name=op.f('ck_barrier_reports_description_length')),
    sa.ForeignKeyConstraint(['recipient_user_id'], ['users.id'], name=op.f('fk_barrier_reports_recipient_user_id_users'), ondelete='SET NULL'),
    sa.ForeignKeyConstraint(['updated_by_user_id'], ['users.id'], name=op.f('fk_barrier_reports_updated_by_user_id_users'), ondelete='SET NULL'),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_barrier_reports'))
    )
    with op.batch_alter_table('barrier_reports', schema=None) as batch_op:
        batch_op.create_index('ix_barrier_reports_status_created', ['status', 'created_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_barrier_reports_recipient_user_id'), ['recipient_user_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('barrier_reports', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_barrier_reports_recipient_user_id'))
        batch_op.drop_index('ix_barrier_reports_status_created')
    op.drop_table('barrier_reports')
