"""claim activity: the notices a remembered message carried (first-contact duties read them)

Revision ID: 0013
Revises: 0012
"""
from alembic import op
import sqlalchemy as sa


revision = '0013'
down_revision = '0012'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('claim_activity') as batch:
        batch.add_column(sa.Column('notices', sa.Text(), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('claim_activity') as batch:
        batch.drop_column('notices')
