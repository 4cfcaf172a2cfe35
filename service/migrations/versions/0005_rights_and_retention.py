"""rights and retention: data-subject requests, review cases, subject status, staff users,
portal access, sign-in throttling, ledger verifications, legal holds; subject keys per
retention category and scope (issue 6)

Every existing subject key becomes the ``general`` key of its subject: its id stays the
subject pseudonym, so every blob sealed under it stays readable.

Revision ID: 0005
Revises: 0004
"""
from alembic import op
import sqlalchemy as sa


revision = '0005'
down_revision = '0004'
branch_labels = None
depends_on = None


def upgrade() -> None:
    op.create_table('ledger_verifications',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('verified_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('ok', sa.Boolean(), nullable=False),
    sa.Column('entries', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('head_hash', sa.String(length=64), nullable=True),
    sa.Column('checkpoints', sa.Integer(), nullable=True),
    sa.Column('latest_checkpoint', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('blobs_shredded', sa.Integer(), nullable=True),
    sa.Column('failed_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('failure', sa.Text(), nullable=True),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_verifications'))
    )
    with op.batch_alter_table('ledger_verifications', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_verifications_verified_at'), ['verified_at'], unique=False)

    op.create_table('legal_holds',
    sa.Column('hold_id', sa.String(length=36), nullable=False),
    sa.Column('target_kind', sa.String(length=10), nullable=False),
    sa.Column('target_id', sa.String(length=64), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=True),
    sa.Column('reason', sa.String(length=20), nullable=False),
    sa.Column('note', sa.Text(), nullable=True),
    sa.Column('placed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('placed_by', sa.String(length=80), nullable=False),
    sa.Column('released_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('released_by', sa.String(length=80), nullable=True),
    sa.Column('ledger_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.CheckConstraint("reason IN ('litigation', 'tax_audit', 'authority_request', 'other')", name=op.f('ck_legal_holds_reason_known')),
    sa.CheckConstraint("target_kind IN ('subject', 'claim')", name=op.f('ck_legal_holds_target_kind_known')),
    sa.PrimaryKeyConstraint('hold_id', name=op.f('pk_legal_holds'))
    )
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_legal_holds_subject_id'), ['subject_id'], unique=False)
        batch_op.create_index('ix_legal_holds_target', ['target_kind', 'target_id'], unique=False)

    op.create_table('portal_claims',
    sa.Column('claim_id', sa.String(length=64), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('invoice_digest', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('claim_id', name=op.f('pk_portal_claims')),
    sa.UniqueConstraint('subject_id', 'invoice_digest', name='uq_portal_claims_subject_invoice')
    )
    with op.batch_alter_table('portal_claims', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_portal_claims_subject_id'), ['subject_id'], unique=False)

    op.create_table('portal_subjects',
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('code_digest', sa.String(length=64), nullable=False),
    sa.PrimaryKeyConstraint('subject_id', name=op.f('pk_portal_subjects')),
    sa.UniqueConstraint('code_digest', name=op.f('uq_portal_subjects_code_digest'))
    )
    op.create_table('review_cases',
    sa.Column('case_id', sa.String(length=36), nullable=False),
    sa.Column('decision_id', sa.String(length=36), nullable=False),
    sa.Column('decision_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('claim_id', sa.String(length=64), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('origin', sa.String(length=10), nullable=False),
    sa.Column('request_id', sa.String(length=36), nullable=True),
    sa.Column('opened_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('opened_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('outcome', sa.String(length=10), nullable=True),
    sa.Column('outcome_action', sa.Text(), nullable=True),
    sa.Column('explanation_opened', sa.Boolean(), nullable=True),
    sa.Column('reviewer', sa.String(length=80), nullable=True),
    sa.Column('closed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('outcome_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.Column('resumed_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('resumed_by', sa.String(length=80), nullable=True),
    sa.CheckConstraint("origin IN ('automatic', 'debtor')", name=op.f('ck_review_cases_origin_known')),
    sa.CheckConstraint("outcome IS NULL OR outcome IN ('uphold', 'modify', 'overturn')", name=op.f('ck_review_cases_outcome_known')),
    sa.CheckConstraint("status IN ('open', 'closed')", name=op.f('ck_review_cases_status_known')),
    sa.PrimaryKeyConstraint('case_id', name=op.f('pk_review_cases'))
    )
    with op.batch_alter_table('review_cases', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_review_cases_claim_id'), ['claim_id'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_cases_decision_id'), ['decision_id'], unique=False)
        batch_op.create_index('ix_review_cases_status_due', ['status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_review_cases_subject_id'), ['subject_id'], unique=False)

    op.create_table('sign_in_throttle',
    sa.Column('key', sa.String(length=64), nullable=False),
    sa.Column('failures', sa.Integer(), nullable=False),
    sa.Column('last_failure_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('locked_until', sa.DateTime(timezone=True), nullable=True),
    sa.PrimaryKeyConstraint('key', name=op.f('pk_sign_in_throttle'))
    )
    op.create_table('staff_users',
    sa.Column('user_id', sa.String(length=36), nullable=False),
    sa.Column('name', sa.String(length=100), nullable=False),
    sa.Column('role', sa.String(length=30), nullable=False),
    sa.Column('password_hash', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('disabled_at', sa.DateTime(timezone=True), nullable=True),
    sa.CheckConstraint("role IN ('reviewer', 'compliance_officer', 'admin')", name=op.f('ck_staff_users_role_known')),
    sa.PrimaryKeyConstraint('user_id', name=op.f('pk_staff_users')),
    sa.UniqueConstraint('name', name=op.f('uq_staff_users_name'))
    )
    op.create_table('subject_requests',
    sa.Column('request_id', sa.String(length=36), nullable=False),
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('type', sa.String(length=20), nullable=False),
    sa.Column('channel', sa.String(length=10), nullable=False),
    sa.Column('received_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('due_on', sa.Date(), nullable=False),
    sa.Column('due_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('extended_to', sa.Date(), nullable=True),
    sa.Column('extended_due_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('extension_reason', sa.String(length=30), nullable=True),
    sa.Column('extended_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('status', sa.String(length=10), nullable=False),
    sa.Column('outcome', sa.String(length=30), nullable=True),
    sa.Column('fulfilled_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('decision_id', sa.String(length=36), nullable=True),
    sa.Column('case_id', sa.String(length=36), nullable=True),
    sa.Column('concerns', sa.String(length=20), nullable=True),
    sa.Column('detail', sa.Text(), nullable=True),
    sa.Column('ledger_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=False),
    sa.Column('fulfilled_seq', sa.BigInteger().with_variant(sa.Integer(), 'sqlite'), nullable=True),
    sa.CheckConstraint("channel IN ('portal', 'staff')", name=op.f('ck_subject_requests_channel_known')),
    sa.CheckConstraint("status IN ('open', 'fulfilled')", name=op.f('ck_subject_requests_status_known')),
    sa.CheckConstraint("type IN ('access', 'objection', 'review', 'rectification', 'erasure')", name=op.f('ck_subject_requests_type_known')),
    sa.PrimaryKeyConstraint('request_id', name=op.f('pk_subject_requests'))
    )
    with op.batch_alter_table('subject_requests', schema=None) as batch_op:
        batch_op.create_index('ix_subject_requests_status_due', ['status', 'due_at'], unique=False)
        batch_op.create_index(batch_op.f('ix_subject_requests_subject_id'), ['subject_id'], unique=False)

    op.create_table('subject_status',
    sa.Column('subject_id', sa.String(length=64), nullable=False),
    sa.Column('objected_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('grounds_documented_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('grounds_basis', sa.String(length=40), nullable=True),
    sa.Column('open_rectifications', sa.Integer(), nullable=False),
    sa.Column('retention_restricted_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('erasure_requested_at', sa.DateTime(timezone=True), nullable=True),
    sa.Column('updated_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('subject_id', name=op.f('pk_subject_status'))
    )
    with op.batch_alter_table('subject_keys', schema=None) as batch_op:
        batch_op.add_column(sa.Column('key_id', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('category', sa.String(length=40), nullable=True))
        batch_op.add_column(sa.Column('scope', sa.String(length=64), nullable=True))
        batch_op.add_column(sa.Column('last_sealed_at', sa.DateTime(timezone=True), nullable=True))
    op.execute("UPDATE subject_keys SET key_id = subject_id, category = 'general', scope = '', "
               "last_sealed_at = created_at")
    with op.batch_alter_table('subject_keys', schema=None, recreate='always') as batch_op:
        batch_op.drop_constraint('pk_subject_keys', type_='primary')
        for name in ('key_id', 'category', 'scope', 'last_sealed_at'):
            batch_op.alter_column(name, nullable=False)
        batch_op.create_primary_key('pk_subject_keys', ['key_id'])
        batch_op.create_index('ix_subject_keys_subject_category', ['subject_id', 'category'], unique=False)



def downgrade() -> None:
    bind = op.get_bind()
    if bind.execute(sa.text("SELECT COUNT(*) FROM subject_keys WHERE key_id <> subject_id")).scalar():
        raise RuntimeError("subject keys of retention categories exist; 0004 has one key per subject only")
    with op.batch_alter_table('subject_keys', schema=None, recreate='always') as batch_op:
        batch_op.drop_index('ix_subject_keys_subject_category')
        batch_op.drop_constraint('pk_subject_keys', type_='primary')
        batch_op.create_primary_key('pk_subject_keys', ['subject_id'])
        batch_op.drop_column('last_sealed_at')
        batch_op.drop_column('scope')
        batch_op.drop_column('category')
        batch_op.drop_column('key_id')

    op.drop_table('subject_status')
    with op.batch_alter_table('subject_requests', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_subject_requests_subject_id'))
        batch_op.drop_index('ix_subject_requests_status_due')

    op.drop_table('subject_requests')
    op.drop_table('staff_users')
    op.drop_table('sign_in_throttle')
    with op.batch_alter_table('review_cases', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_review_cases_subject_id'))
        batch_op.drop_index('ix_review_cases_status_due')
        batch_op.drop_index(batch_op.f('ix_review_cases_decision_id'))
        batch_op.drop_index(batch_op.f('ix_review_cases_claim_id'))

    op.drop_table('review_cases')
    op.drop_table('portal_subjects')
    with op.batch_alter_table('portal_claims', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_portal_claims_subject_id'))

    op.drop_table('portal_claims')
    with op.batch_alter_table('legal_holds', schema=None) as batch_op:
        batch_op.drop_index('ix_legal_holds_target')
        batch_op.drop_index(batch_op.f('ix_legal_holds_subject_id'))

    op.drop_table('legal_holds')
    with op.batch_alter_table('ledger_verifications', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_verifications_verified_at'))

    op.drop_table('ledger_verifications')
