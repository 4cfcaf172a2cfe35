"""decisions: the contract document is stored once, in the ledger entry; indexes no query needs go (issue 15)

The ``decisions.document`` column repeated the entry's body; every reader now reads the entry
(``decisions.documents``). A downgrade rebuilds the column from the entries, as the code of
revision 0010 wrote it: the body without the ledger-only members, plus ``ledger: {seq, entry_hash}``.

Indexes dropped: ``ix_decisions_run_id`` and ``ix_portal_claims_subject_id`` repeat the first
column of a unique constraint's index (``uq_decisions_run_item``, ``uq_portal_claims_subject_invoice``),
which serves the same lookups; ``ix_ledger_entries_sealed_sha256``: entries are read by seq, never
searched by their blob's digest. (``ledger_entries`` is not recreated: its append-only triggers stay.)

Revision ID: 0011
Revises: 0010
"""
import json

from alembic import op
import sqlalchemy as sa


revision = '0011'
down_revision = '0010'
branch_labels = None
depends_on = None

# Body members of a decision entry that its contract document does not carry (as of this revision).
_LEDGER_ONLY = ('subject', 'claim', 'facts', 'run')


def upgrade() -> None:
    with op.batch_alter_table('decisions') as batch:
        batch.drop_index('ix_decisions_run_id')
        batch.drop_column('document')
    op.drop_index('ix_portal_claims_subject_id', table_name='portal_claims')
    op.drop_index('ix_ledger_entries_sealed_sha256', table_name='ledger_entries')


def downgrade() -> None:
    op.create_index('ix_ledger_entries_sealed_sha256', 'ledger_entries', ['sealed_sha256'], unique=False)
    op.create_index('ix_portal_claims_subject_id', 'portal_claims', ['subject_id'], unique=False)
    with op.batch_alter_table('decisions') as batch:
        batch.add_column(sa.Column('document', sa.Text(), nullable=True))
        batch.create_index('ix_decisions_run_id', ['run_id'], unique=False)
    connection = op.get_bind()
    rows = connection.execute(sa.text(
        'SELECT d.decision_id, e.seq, e.leaf_hash, e.entry FROM decisions d '
        'JOIN ledger_entries e ON e.seq = d.ledger_seq')).all()
    for decision_id, seq, leaf_hash, entry in rows:
        body = json.loads(entry)['body']
        document = {key: value for key, value in body.items() if key not in _LEDGER_ONLY}
        document['ledger'] = {'seq': seq, 'entry_hash': leaf_hash}
        connection.execute(sa.text('UPDATE decisions SET document = :document WHERE decision_id = :id'),
                           {'document': json.dumps(document, separators=(',', ':')), 'id': decision_id})
    with op.batch_alter_table('decisions') as batch:
        batch.alter_column('document', existing_type=sa.Text(), nullable=False)
