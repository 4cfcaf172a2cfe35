"""Revision 0002 on both databases: its tables are the models', it stores the Merkle
subtrees of a ledger written before it, and the new tables are append-only too."""

from __future__ import annotations

from typing import Any

import pytest
import rfc9162_reference as reference
from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from conftest import FakeClock
from sqlalchemy import text

from ledger import Database, Notary, verify_chain
from ledger.canonical import canonical_json
from ledger.chain import GENESIS_PREV, entry_document
from service.schema import alembic_config, metadata, upgrade

OURS = ("ledger_nodes", "ledger_checkpoints", "ledger_signing_keys")


@pytest.fixture
def bare(database_url: str) -> Any:
    database = Database(database_url)
    yield database
    database.dispose()


def test_the_migration_creates_exactly_the_models(bare: Database) -> None:
    upgrade(bare.engine)
    with bare.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata())
    ours = [d for d in differences if any(table in repr(d) for table in OURS)]
    assert ours == []


def test_a_ledger_from_before_the_revision_gets_its_subtrees(bare: Database, clock: FakeClock, tmp_path: Any) -> None:
    upgrade(bare.engine, "0001")
    prev, leaves = GENESIS_PREV, []
    with bare.engine.begin() as connection:
        for seq in range(13):
            entry = canonical_json(entry_document(seq=seq, ts=clock(), kind="old", prev=prev, body={"seq": seq},
                                                  sealed_sha256=None))
            prev = reference.leaf(entry).hex()
            leaves.append(reference.leaf(entry))
            connection.execute(text("INSERT INTO ledger_entries (seq, ts, kind, entry, leaf_hash) "
                                    "VALUES (:seq, :ts, 'old', :entry, :leaf)"),
                               {"seq": seq, "ts": clock(), "entry": entry.decode(), "leaf": prev})
    upgrade(bare.engine)
    with bare.reading() as session:
        assert verify_chain(session).nodes_checked == 13 - (13).bit_count()
    notary = Notary(db=bare, instance_path=tmp_path / "instance", origin="test/ledger", clock=clock)
    assert bytes.fromhex(notary.checkpoint().root_hash) == reference.mth(leaves)


def test_downgrade_and_upgrade_again(bare: Database) -> None:
    upgrade(bare.engine)
    command.downgrade(alembic_config(bare.engine), "0001")
    upgrade(bare.engine)
    with bare.reading() as session:
        assert verify_chain(session).entries == 0


def test_subtrees_and_checkpoints_are_append_only(bare: Database, clock: FakeClock, tmp_path: Any) -> None:
    upgrade(bare.engine)
    from ledger import append

    with bare.unit_of_work() as uow:
        for i in range(2):
            append(uow.session, kind="test", body={"i": i}, ts=clock())
        uow.commit()
    Notary(db=bare, instance_path=tmp_path / "instance", origin="test/ledger", clock=clock).checkpoint()
    for statement in ("UPDATE ledger_nodes SET level = 2", "DELETE FROM ledger_nodes",
                      "UPDATE ledger_checkpoints SET tree_size = 0", "DELETE FROM ledger_checkpoints"):
        with pytest.raises(Exception, match="append-only"), bare.engine.begin() as connection:
            connection.execute(text(statement))
