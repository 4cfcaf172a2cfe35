"""per-API-key request counts per rate-limit window, shared by every worker (issue 14)

Revision ID: 0009
Revises: 0008
"""
from alembic import op
import sqlalchemy as sa


revision = '0009'
down_revision = '0008'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_rate_counts',
    sa.Column('key_id', sa.String(length=36), nullable=False),
    sa.Column('window_start', sa.BigInteger(), autoincrement=False, nullable=False),
    sa.Column('count', sa.Integer(), nullable=False),
    sa.PrimaryKeyConstraint('key_id', 'window_start', name=op.f('pk_api_rate_counts'))
    )


def downgrade() -> None:
    op.drop_table('api_rate_counts')
