"""model versions: the latest sign-off of a version whose artifact asks for one (issue 16)

Revision ID: 0010
Revises: 0009
"""
from alembic import op
import sqlalchemy as sa


revision = '0010'
down_revision = '0009'
branch_labels = None
depends_on = None


def upgrade() -> None:
    with op.batch_alter_table('model_versions') as batch:
        batch.add_column(sa.Column('signed_off_at', sa.DateTime(timezone=True), nullable=True))
        batch.add_column(sa.Column('signed_off_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'),
                                   nullable=True))
        batch.add_column(sa.Column('signed_off_by', sa.String(length=80), nullable=True))


def downgrade() -> None:
    with op.batch_alter_table('model_versions') as batch:
        batch.drop_column('signed_off_by')
        batch.drop_column('signed_off_seq')
        batch.drop_column('signed_off_at')
