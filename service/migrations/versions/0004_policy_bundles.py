"""policy bundles: stored bundles and their activation (issue 3)

Revision ID: 0004
Revises: 0003
"""
from alembic import op
import sqlalchemy as sa


revision = '0004'
down_revision = '0003'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('policy_bundles',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('archive', sa.LargeBinary(), nullable=False),
    sa.Column('archive_sha256', sa.String(length=64), nullable=False),
    sa.Column('stored_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_policy_bundles'))
    )
    op.create_table('policy_activations',
    sa.Column('ledger_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('bundle_sha256', sa.String(length=64), nullable=False),
    sa.Column('engine', sa.String(length=20), nullable=False),
    sa.Column('source', sa.String(length=20), nullable=False),
    sa.Column('activated_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.CheckConstraint("source IN ('start', 'cli')", name=op.f('ck_policy_activations_source_known')),
    sa.PrimaryKeyConstraint('ledger_seq', name=op.f('pk_policy_activations'))
    )
    with op.batch_alter_table('policy_activations', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_policy_activations_bundle_sha256'), ['bundle_sha256'], unique=False)


def downgrade() -> None:
    with op.batch_alter_table('policy_activations', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_policy_activations_bundle_sha256'))

    op.drop_table('policy_activations')
    op.drop_table('policy_bundles')
