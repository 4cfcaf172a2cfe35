"""decision spine: ledger, vault, projections, api keys

Revision ID: 0001
Revises: 
"""
from alembic import op
import sqlalchemy as sa


revision = '0001'
down_revision = None
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('api_keys',
    sa.Column('key_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('prefix', sa.String(length=16), nullable=False),
    sa.Column('secret_sha256', sa.String(length=64), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('revoked_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('ar_system', 'reviewer', 'compliance_officer', 'auditor', 'admin')", name=op.f('ck_api_keys_role_known')),
    sa.PrimaryKeyConstraint('key_id', name=op.f('pk_api_keys')),
    sa.UniqueConstraint('prefix', name=op.f('uq_api_keys_prefix'))
    )
    op.create_table('claim_activity',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('claim_id', sa.String(length=64), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('activity', sa.String(length=30), nullable=False),
    sa.Column('source_id', sa.String(length=36), nullable=False),
    sa.Column('ledger_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('kind', sa.String(length=30), nullable=True),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=True),
    sa.Column('connected', sa.Boolean(), nullable=True),
    sa.Column('on_date', sa.Date(), nullable=True),
    sa.Column('decision_id', sa.String(length=36), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_claim_activity'))
    )
    with op.batch_alter_table('claim_activity', schema=None) as batch_op:
        batch_op.create_index('ix_claim_activity_claim_at', ['claim_id', 'at'], unique=False)
        batch_op.create_index(batch_op.f('ix_claim_activity_subject_id'), ['subject_id'], unique=False)

    op.create_table('decisions',
    sa.Column('decision_id', sa.String(length=36), nullable=False),
    sa.Column('ledger_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('entry_hash', sa.String(length=64), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('claim_id', sa.String(length=64), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), nullable=False),
    sa.Column('recorded_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('action_kind', sa.String(length=30), nullable=False),
    sa.Column('level', sa.Integer(), nullable=True),
    sa.Column('channel', sa.String(length=10), nullable=True),
    sa.Column('send_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('hold_code', sa.String(length=40), nullable=True),
    sa.Column('run_id', sa.String(length=36), nullable=True),
    sa.Column('run_item', sa.Integer(), nullable=True),
    sa.Column('document', sa.Text(), nullable=False),
    sa.CheckConstraint("status IN ('decided', 'needs_review', 'held')", name=op.f('ck_decisions_status_known')),
    sa.CheckConstraint('level IS NULL OR level BETWEEN 0 AND 4', name=op.f('ck_decisions_level_range')),
    sa.PrimaryKeyConstraint('decision_id', name=op.f('pk_decisions')),
    sa.UniqueConstraint('ledger_seq', name=op.f('uq_decisions_ledger_seq')),
    sa.UniqueConstraint('run_id', 'run_item', name='uq_decisions_run_item')
    )
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_decisions_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_recorded_at'), ['recorded_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_run_id'), ['run_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_status'), ['status'], unique=False)
        batch_op.create_index(batch_op.f('ix_decisions_subject_id'), ['subject_id'], unique=False)

    op.create_table('idempotency_keys',
    sa.Column('client_id', sa.String(length=36), nullable=False),
    sa.Column('key', sa.String(length=255), nullable=False),
    sa.Column('scope', sa.String(length=20), nullable=False),
    sa.Column('request_sha256', sa.String(length=64), nullable=False),
    sa.Column('resource_id', sa.String(length=36), nullable=False),
    sa.Column('response', sa.Text(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('client_id', 'key', 'scope', name=op.f('pk_idempotency_keys'))
    )
    op.create_table('ledger_blobs',
    sa.Column('sha256', sa.String(length=64), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('data', sa.LargeBinary(), nullable=False),
    sa.PrimaryKeyConstraint('sha256', name=op.f('pk_ledger_blobs'))
    )
    with op.batch_alter_table('ledger_blobs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_blobs_subject_id'), ['subject_id'], unique=False)

    op.create_table('ledger_entries',
    sa.Column('seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), autoincrement=False, nullable=False),
    sa.Column('ts', sa.DateTime(timezone=True), nullable=False),
    sa.Column('kind', sa.String(length=40), nullable=False),
    sa.Column('entry', sa.Text(), nullable=False),
    sa.Column('leaf_hash', sa.String(length=64), nullable=False),
    sa.Column('sealed_sha256', sa.String(length=64), nullable=True),
    sa.CheckConstraint('seq >= 0', name=op.f('ck_ledger_entries_seq_non_negative')),
    sa.PrimaryKeyConstraint('seq', name=op.f('pk_ledger_entries')),
    sa.UniqueConstraint('leaf_hash', name=op.f('uq_ledger_entries_leaf_hash'))
    )
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_entries_kind'), ['kind'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_sealed_sha256'), ['sealed_sha256'], unique=False)
        batch_op.create_index(batch_op.f('ix_ledger_entries_ts'), ['ts'], unique=False)

    op.create_table('run_items',
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('item', sa.Integer(), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=True),
    sa.Column('sealed', sa.LargeBinary(), nullable=True),
    sa.Column('error', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('run_id', 'item', name=op.f('pk_run_items'))
    )
    with op.batch_alter_table('run_items', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_run_items_subject_id'), ['subject_id'], unique=False)

    op.create_table('runs',
    sa.Column('run_id', sa.String(length=36), nullable=False),
    sa.Column('source_sha256', sa.String(length=64), nullable=False),
    sa.Column('as_of', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=20), nullable=False),
    sa.Column('total', sa.Integer(), nullable=False),
    sa.Column('invalid', sa.Integer(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('finished_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('summary', sa.Text(), nullable=True),
    sa.CheckConstraint("status IN ('pending', 'running', 'finished', 'interrupted')", name=op.f('ck_runs_status_known')),
    sa.PrimaryKeyConstraint('run_id', name=op.f('pk_runs'))
    )
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_runs_source_sha256'), ['source_sha256'], unique=False)

    op.create_table('subject_keys',
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('wrapped_key', sa.LargeBinary(), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('subject_id', name=op.f('pk_subject_keys'))
    )
    _append_only('ledger_entries')


def _append_only(table: str) -> None:
    """The database itself refuses to update or delete ledger rows."""
    if op.get_bind().dialect.name == 'sqlite':
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    else:
        op.execute(f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN RAISE EXCEPTION '{table} is append-only'; END $$")
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()")


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.execute("DROP FUNCTION ledger_entries_append_only() CASCADE")
    op.drop_table('subject_keys')
    with op.batch_alter_table('runs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_runs_source_sha256'))

    op.drop_table('runs')
    with op.batch_alter_table('run_items', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_run_items_subject_id'))

    op.drop_table('run_items')
    with op.batch_alter_table('ledger_entries', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_entries_ts'))
        batch_op.drop_index(batch_op.f('ix_ledger_entries_sealed_sha256'))
        batch_op.drop_index(batch_op.f('ix_ledger_entries_kind'))

    op.drop_table('ledger_entries')
    with op.batch_alter_table('ledger_blobs', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_blobs_subject_id'))

    op.drop_table('ledger_blobs')
    op.drop_table('idempotency_keys')
    with op.batch_alter_table('decisions', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_decisions_subject_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_status'))
        batch_op.drop_index(batch_op.f('ix_decisions_run_id'))
        batch_op.drop_index(batch_op.f('ix_decisions_recorded_at'))
        batch_op.drop_index(batch_op.f('ix_decisions_claim_id'))

    op.drop_table('decisions')
    with op.batch_alter_table('claim_activity', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_claim_activity_subject_id'))
        batch_op.drop_index('ix_claim_activity_claim_at')

    op.drop_table('claim_activity')
    op.drop_table('api_keys')
