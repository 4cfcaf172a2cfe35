"""ledger: Merkle subtree hashes, signed checkpoints, signing keys, shredding (issue 5)

Revision ID: 0002
Revises: 0001
"""
import hashlib

from alembic import op
import sqlalchemy as sa


revision = '0002'
down_revision = '0001'
branch_labels = None
depends_on = None

_SEQ = sa.BigInteger().with_variant(sa.Integer(), 'sqlite')


def upgrade() -> None:
    op.create_table('ledger_checkpoints',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('tree_size', _SEQ, nullable=False),
    sa.Column('root_hash', sa.String(length=64), nullable=False),
    sa.Column('signer', sa.String(length=200), nullable=False),
    sa.Column('signed_at', sa.DateTime(timezone=True), nullable=False),
    sa.Column('note', sa.Text(), nullable=False),
    sa.CheckConstraint('tree_size >= 0', name=op.f('ck_ledger_checkpoints_tree_size_non_negative')),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_checkpoints'))
    )
    with op.batch_alter_table('ledger_checkpoints', schema=None) as batch_op:
        batch_op.create_index(batch_op.f('ix_ledger_checkpoints_tree_size'), ['tree_size'], unique=False)

    op.create_table('ledger_nodes',
    sa.Column('seq', _SEQ, autoincrement=False, nullable=False),
    sa.Column('level', sa.SmallInteger(), autoincrement=False, nullable=False),
    sa.Column('hash', sa.LargeBinary(length=32), nullable=False),
    sa.CheckConstraint('level BETWEEN 1 AND 62', name=op.f('ck_ledger_nodes_level_range')),
    sa.PrimaryKeyConstraint('seq', 'level', name=op.f('pk_ledger_nodes'))
    )
    op.create_table('ledger_signing_keys',
    sa.Column('id', sa.Integer(), autoincrement=True, nullable=False),
    sa.Column('verifier_key', sa.String(length=200), nullable=False),
    sa.Column('created_at', sa.DateTime(timezone=True), nullable=False),
    sa.PrimaryKeyConstraint('id', name=op.f('pk_ledger_signing_keys')),
    sa.UniqueConstraint('verifier_key', name=op.f('uq_ledger_signing_keys_verifier_key'))
    )
    _append_only('ledger_nodes')
    _append_only('ledger_checkpoints')
    _backfill_nodes()


def _append_only(table: str) -> None:
    """The database itself refuses to update or delete these rows (as in 0001)."""
    if op.get_bind().dialect.name == 'sqlite':
        for event in ('UPDATE', 'DELETE'):
            op.execute(f"CREATE TRIGGER {table}_no_{event.lower()} BEFORE {event} ON {table} "
                       f"BEGIN SELECT RAISE(ABORT, '{table} is append-only'); END")
    else:
        op.execute(f"CREATE FUNCTION {table}_append_only() RETURNS trigger LANGUAGE plpgsql AS $$ "
                   f"BEGIN RAISE EXCEPTION '{table} is append-only'; END $$")
        op.execute(f"CREATE TRIGGER {table}_append_only BEFORE UPDATE OR DELETE OR TRUNCATE ON {table} "
                   f"FOR EACH STATEMENT EXECUTE FUNCTION {table}_append_only()")


def _backfill_nodes() -> None:
    """Store the Merkle subtrees of entries appended before this revision
    (RFC 9162: node hash = SHA-256(0x01 || left || right)). Self-contained, so the
    migration keeps meaning what it means today whatever the code becomes."""
    bind = op.get_bind()
    entries = sa.table('ledger_entries', sa.column('seq'), sa.column('leaf_hash'))
    nodes = sa.table('ledger_nodes', sa.column('seq'), sa.column('level'), sa.column('hash'))
    frontier: list[bytes] = []
    pending: list[dict] = []
    size = 0
    for seq, leaf in bind.execute(sa.select(entries.c.seq, entries.c.leaf_hash).order_by(entries.c.seq)):
        node, level = bytes.fromhex(leaf), 0
        while size >> level & 1:
            node = hashlib.sha256(b'\x01' + frontier.pop() + node).digest()
            level += 1
            pending.append({'seq': seq, 'level': level, 'hash': node})
        frontier.append(node)
        size += 1
        if len(pending) >= 5000:
            bind.execute(nodes.insert(), pending)
            pending = []
    if pending:
        bind.execute(nodes.insert(), pending)


def downgrade() -> None:
    if op.get_bind().dialect.name != 'sqlite':
        op.execute("DROP FUNCTION ledger_nodes_append_only() CASCADE")
        op.execute("DROP FUNCTION ledger_checkpoints_append_only() CASCADE")
    op.drop_table('ledger_signing_keys')
    op.drop_table('ledger_nodes')
    with op.batch_alter_table('ledger_checkpoints', schema=None) as batch_op:
        batch_op.drop_index(batch_op.f('ix_ledger_checkpoints_tree_size'))

    op.drop_table('ledger_checkpoints')
