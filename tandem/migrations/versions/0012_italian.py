"""italian: topic labels in Italian, survey questions in Italian, Italian as a person's language

Revision ID: 0012
Revises: 0011
Create Date: 2026-12-06 07:30:00.000000

Existing topics get their English label as the Italian one (the board translates them on the topics page);
the column is filled before it becomes NOT NULL and joins the labels' length check like the others.
"""
from collections.abc import Sequence

import sqlalchemy as sa
from alembic import op


revision: str = '0012'
down_revision: str | None = '0011'
branch_labels: str | Sequence[str] | None = None
depends_on: str | Sequence[str] | None = None

LABELS_WITH_IT = ('length(label_de) > 0 AND length(label_fr) > 0 AND length(label_it) > 0 '
                  'AND length(label_en) > 0')
LABELS_WITHOUT_IT = 'length(label_de) > 0 AND length(label_fr) > 0 AND length(label_en) > 0'
LANGUAGE_WITH_IT = "preferred_language IS NULL OR preferred_language IN ('de', 'fr', 'it', 'en')"
LANGUAGE_WITHOUT_IT = "preferred_language IS NULL OR preferred_language IN ('de', 'fr', 'en')"


def upgrade() -> None:
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.add_column(sa.Column('label_it', sa.String(length=120), nullable=True))
    op.execute("UPDATE topics SET label_it = label_en")
    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.alter_column('label_it', existing_type=sa.String(length=120), nullable=False)
        batch_op.drop_constraint(op.f('ck_topics_labels'), type_='check')
        batch_op.create_check_constraint(op.f('ck_topics_labels'), LABELS_WITH_IT)

    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.add_column(sa.Column('text_it', sa.String(length=500), nullable=True))

    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_language'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_language'), LANGUAGE_WITH_IT)


def downgrade() -> None:
    op.execute("UPDATE users SET preferred_language = NULL WHERE preferred_language = 'it'")
    with op.batch_alter_table('users', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_users_language'), type_='check')
        batch_op.create_check_constraint(op.f('ck_users_language'), LANGUAGE_WITHOUT_IT)

    with op.batch_alter_table('survey_questions', schema=None) as batch_op:
        batch_op.drop_column('text_it')

    with op.batch_alter_table('topics', schema=None) as batch_op:
        batch_op.drop_constraint(op.f('ck_topics_labels'), type_='check')
        batch_op.create_check_constraint(op.f('ck_topics_labels'), LABELS_WITHOUT_IT)
        batch_op.drop_column('label_it')
