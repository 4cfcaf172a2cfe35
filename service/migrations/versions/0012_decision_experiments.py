"""decisions: the experiment arm a decision was allocated to (issue 19)

Revision ID: 0012
Revises: 0011
"""
from alembic import op
import sqlalchemy as sa


revision = '0012'
down_revision = '0011'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('decisions') as batch:
        batch.add_column(sa.Column('experiment_id', sa.String(length=36), nullable=True))
        batch.add_column(sa.Column('experiment_arm', sa.String(length=40), nullable=True))
        batch.create_index(batch.f('ix_decisions_experiment_id'), ['experiment_id'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('decisions') as batch:
        batch.drop_index(batch.f('ix_decisions_experiment_id'))
        batch.drop_column('experiment_arm')
        batch.drop_column('experiment_id')
