"""Tree heads and proofs from the stored subtrees, on both databases: equal to the
RFC's definitions over the entries, independent of how appends were batched, and a
fixed number of queries whatever the ledger's size."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from contextlib import contextmanager
from typing import Any

import pytest
import rfc9162_reference as reference
from sqlalchemy import event, select

from ledger import Database, Notary, OutOfRange
from ledger.merkle import StoredNodes, tree_root
from ledger.offline import verify_consistency, verify_inclusion
from ledger.tables import LedgerEntry, LedgerNode


def _leaves(db: Database) -> list[bytes]:
    with db.reading() as session:
        return [bytes.fromhex(h) for h in session.scalars(select(LedgerEntry.leaf_hash).order_by(LedgerEntry.seq))]


@contextmanager
def _counting(db: Database) -> Iterator[list[str]]:
    """The SELECT statements run meanwhile."""
    statements: list[str] = []

    def count(_conn: Any, _cursor: Any, statement: str, *_: Any) -> None:
        if statement.lstrip().upper().startswith("SELECT"):
            statements.append(statement)

    event.listen(db.engine, "before_cursor_execute", count)
    try:
        yield statements
    finally:
        event.remove(db.engine, "before_cursor_execute", count)


def test_stored_subtrees_are_those_of_the_entries_whatever_the_batches(db: Database,
                                                                      fill: Callable[..., list[Any]]) -> None:
    for batch in (1, 2, 1, 5, 3, 8, 1, 13):        # every transaction reloads the head's subtrees
        fill(batch)
    leaves = _leaves(db)
    assert len(leaves) == 34
    with db.reading() as session:
        stored = {(seq, level): bytes(h) for seq, level, h in session.execute(
            select(LedgerNode.seq, LedgerNode.level, LedgerNode.hash))}
        roots = [tree_root(StoredNodes(session), size) for size in range(35)]
    assert stored == {(seq, level): reference.mth(leaves[seq + 1 - (1 << level):seq + 1])
                      for seq in range(34) for level in range(1, 6) if (seq + 1) % (1 << level) == 0}
    assert roots == [reference.mth(leaves[:size]) for size in range(35)]


def test_inclusion_and_consistency_proofs_match_the_rfc_for_every_leaf(db: Database, notary: Notary,
                                                                      fill: Callable[..., list[Any]]) -> None:
    fill(7)
    fill(14)
    leaves = _leaves(db)
    for size in (1, 2, 5, 8, 16, 21):
        for index in range(size):
            proof = notary.inclusion(index, size)
            assert [bytes.fromhex(h) for h in proof.hashes] == reference.path(index, leaves[:size])
            assert bytes.fromhex(proof.root_hash) == reference.mth(leaves[:size])
            verify_inclusion(index, size, leaves[index], [bytes.fromhex(h) for h in proof.hashes],
                             bytes.fromhex(proof.root_hash))
        for old in range(size + 1):
            proof = notary.consistency(old, size)
            hashes = [bytes.fromhex(h) for h in proof.hashes]
            assert hashes == (reference.subproof(old, leaves[:size]) if 0 < old < size else [])
            verify_consistency(old, size, reference.mth(leaves[:old]), reference.mth(leaves[:size]), hashes)


def test_a_proof_costs_the_same_few_queries_in_a_small_and_a_large_ledger(db: Database, notary: Notary,
                                                                         fill: Callable[..., list[Any]]) -> None:
    counts = []
    for more, size in ((3, 3), (2997, 3000)):
        fill(more)
        with _counting(db) as statements:
            notary.inclusion(size // 2, size)
        counts.append(len(statements))
    # the ledger's size, then the leaves and the larger subtrees of leaf, proof and root
    assert counts[0] == counts[1] <= 3


def test_proofs_outside_the_ledger_are_refused_with_the_field(notary: Notary, fill: Callable[..., list[Any]]) -> None:
    fill(4)
    for call, field in ((lambda: notary.inclusion(4, 4), "seq"), (lambda: notary.inclusion(0, 5), "tree_size"),
                        (lambda: notary.consistency(3, 5), "to_size"), (lambda: notary.consistency(4, 3), "from_size"),
                        (lambda: notary.entries(0, 1001), "to")):
        with pytest.raises(OutOfRange) as caught:
            call()
        assert caught.value.field == field
