"""a run item answered with a decision recorded before it (same claim, as_of and request) names it (issue 14)

Revision ID: 0008
Revises: 0007
"""
from alembic import op
import sqlalchemy as sa


revision = '0008'
down_revision = '0007'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('run_items', schema=None) as batch_op:
        batch_op.add_column(sa.Column('decision_id', sa.String(length=36), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('run_items', schema=None) as batch_op:
        batch_op.drop_column('decision_id')
