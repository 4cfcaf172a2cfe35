"""review cases: who is assigned to review them (the latest review_case_assigned entry)

Revision ID: 0014
Revises: 0013
"""
from alembic import op
import sqlalchemy as sa


revision = '0014'
down_revision = '0013'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('review_cases') as batch:
        batch.add_column(sa.Column('assignee', sa.String(length=80), nullable=True))
        batch.add_column(sa.Column('assigned_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('assigned_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                   nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('review_cases') as batch:
        batch.drop_column('assigned_seq')
        batch.drop_column('assigned_at')
        batch.drop_column('assignee')
