"""model registry: versions and their approval status (issue 4)

Revision ID: 0003
Revises: 0002
"""
from alembic import op
import sqlalchemy as sa


revision = '0003'
down_revision = '0002'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('model_versions',
    sa.Column('model_id', sa.String(length=64), nullable=False),
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('file', sa.String(length=120), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('registered_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('registered_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('approved_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('approved_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('retired_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('retired_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('summary', sa.Text(), nullable=False),
    sa.CheckConstraint("status IN ('candidate', 'approved', 'retired')", name=op.f('ck_model_versions_status_known')),
    sa.PrimaryKeyConstraint('model_id', name=op.f('pk_model_versions')),
    sa.UniqueConstraint('sha256', name=op.f('uq_model_versions_sha256'))
    )
    with op.batch_alter_table('model_versions', schema=None) as batch_op:
        # at most one approved version
        batch_op.create_index('uq_model_versions_one_approved', ['status'], unique=True,
                              sqlite_where=sa.text("status = 'approved'"),
                              postgresql_where=sa.text("status = 'approved'"))


def downgrade() -> None:
    with op.batch_alter_table('model_versions', schema=None) as batch_op:
        batch_op.drop_index('uq_model_versions_one_approved', sqlite_where=sa.text("status = 'approved'"),
                            postgresql_where=sa.text("status = 'approved'"))

    op.drop_table('model_versions')
