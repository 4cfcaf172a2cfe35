"""RFC 9162 Merkle tree heads and proofs, served from stored subtree hashes.

When an entry is appended, every complete subtree it completes is stored in the same
transaction: the row ``(seq, level)`` holds the hash of the 2**level leaves ending at
leaf ``seq`` (level 0 is the entry's own leaf hash, kept on the entry). Each range the
RFC's recursive definitions ask for is a handful of such subtrees, so a tree head or
a proof for any tree size costs O(log n) rows, fetched in two queries.
"""

from __future__ import annotations

from collections.abc import Iterable
from typing import Protocol

from sqlalchemy import select
from sqlalchemy.orm import Session

from .errors import LedgerError
from .offline import EMPTY_ROOT, node_hash
from .tables import LedgerEntry, LedgerNode

__all__ = ["Subtree", "NodeSource", "StoredNodes", "subtrees", "inclusion_ranges", "consistency_ranges",
           "tree_root", "inclusion_proof", "consistency_proof", "proven_inclusion", "proven_consistency", "frontier"]

Subtree = tuple[int, int]   # (seq of its last leaf, level)
Range = tuple[int, int]     # leaves [start, end)


class NodeSource(Protocol):
    def nodes(self, wanted: Iterable[Subtree]) -> dict[Subtree, bytes]:
        """The hashes of ``wanted`` complete subtrees; raises if one is unknown."""


def subtrees(start: int, end: int) -> list[Subtree]:
    """The complete subtrees, left to right, whose leaves are exactly [start, end).

    ``start`` is a multiple of the largest power of two not above ``end - start``
    wherever RFC 9162 splits a tree, so the greedy split reproduces the RFC's.
    """
    parts = []
    while start < end:
        level = (end - start).bit_length() - 1
        if start:
            level = min(level, (start & -start).bit_length() - 1)
        parts.append((start + (1 << level) - 1, level))
        start += 1 << level
    return parts


def _split(n: int) -> int:
    """RFC 9162 §2.1.1: k, the largest power of two smaller than n (n > 1)."""
    return 1 << ((n - 1).bit_length() - 1)


def inclusion_ranges(index: int, size: int) -> list[Range]:
    """RFC 9162 §2.1.3.1 PATH(m, D[n]) as the ranges whose heads form it, leaf level first."""
    path: list[Range] = []
    start, n, m = 0, size, index
    while n > 1:
        k = _split(n)
        if m < k:
            path.append((start + k, start + n))
            n = k
        else:
            path.append((start, start + k))
            start, n, m = start + k, n - k, m - k
    path.reverse()
    return path


def consistency_ranges(old: int, new: int) -> list[Range]:
    """RFC 9162 §2.1.4.1 PROOF(m, D[n]) = SUBPROOF(m, D[n], true) as ranges, leaf level first."""
    proof: list[Range] = []
    start, n, m, complete = 0, new, old, True
    while m != n:
        k = _split(n)
        if m <= k:
            proof.append((start + k, start + n))
            n = k
        else:
            proof.append((start, start + k))
            start, n, m, complete = start + k, n - k, m - k, False
    if not complete:
        proof.append((start, start + n))
    proof.reverse()
    return proof


def _heads(source: NodeSource, ranges: list[Range]) -> list[bytes]:
    """RFC 9162 MTH of each range, from one fetch of all the subtrees involved."""
    return _fetch(source, ranges)[0]


def _fold(hashes: list[bytes]) -> bytes:
    """The head of adjacent complete subtrees, largest first: the right-most fold first."""
    head = hashes[-1]
    for left in reversed(hashes[:-1]):
        head = node_hash(left, head)
    return head


def frontier(source: NodeSource, size: int) -> list[bytes]:
    """The hashes of the complete subtrees a tree of ``size`` leaves decomposes into."""
    parts = subtrees(0, size)
    found = source.nodes(parts)
    return [found[part] for part in parts]


def tree_root(source: NodeSource, size: int) -> bytes:
    return _fold(frontier(source, size)) if size else EMPTY_ROOT


def inclusion_proof(source: NodeSource, index: int, size: int) -> list[bytes]:
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} lies outside a tree of {size}")
    return _heads(source, inclusion_ranges(index, size))


def consistency_proof(source: NodeSource, old: int, new: int) -> list[bytes]:
    if not 0 <= old <= new:
        raise ValueError(f"a tree of {new} cannot extend a tree of {old}")
    if old in (0, new):
        return []
    return _heads(source, consistency_ranges(old, new))


def proven_inclusion(source: NodeSource, index: int, size: int) -> tuple[bytes, list[bytes], bytes]:
    """The leaf hash, its inclusion proof and the tree head, from one fetch."""
    if not 0 <= index < size:
        raise ValueError(f"leaf {index} lies outside a tree of {size}")
    heads, found = _fetch(source, [*inclusion_ranges(index, size), (0, size)], also=[(index, 0)])
    return found[(index, 0)], heads[:-1], heads[-1]


def proven_consistency(source: NodeSource, old: int, new: int) -> tuple[list[bytes], bytes, bytes]:
    """The consistency proof and both tree heads, from one fetch."""
    if not 0 <= old <= new:
        raise ValueError(f"a tree of {new} cannot extend a tree of {old}")
    ranges = consistency_ranges(old, new) if 0 < old < new else []
    heads, _ = _fetch(source, [*ranges, (0, old), (0, new)])
    return heads[:-2], heads[-2], heads[-1]


def _fetch(source: NodeSource, ranges: list[Range], also: Iterable[Subtree] = ()) -> tuple[list[bytes], dict]:
    """RFC 9162 MTH of each range (the empty range's too), and every subtree fetched."""
    parts = [subtrees(start, end) for start, end in ranges]
    found = source.nodes({subtree for part in parts for subtree in part} | set(also))
    return [_fold([found[subtree] for subtree in part]) if part else EMPTY_ROOT for part in parts], found


class StoredNodes:
    """Subtree hashes from the database: leaves from ``ledger_entries``, larger
    subtrees from ``ledger_nodes``."""

    # Rows per IN list, well below SQLite's and PostgreSQL's parameter limits.
    _CHUNK = 400

    def __init__(self, session: Session, known: dict[Subtree, bytes] | None = None) -> None:
        self._session = session
        self._known = known or {}

    def nodes(self, wanted: Iterable[Subtree]) -> dict[Subtree, bytes]:
        wanted = set(wanted)
        found = {subtree: self._known[subtree] for subtree in wanted & self._known.keys()}
        leaves = sorted(seq for seq, level in wanted - found.keys() if level == 0)
        inner = sorted(subtree for subtree in wanted - found.keys() if subtree[1] > 0)
        for chunk in _chunks(leaves, self._CHUNK):
            for seq, hex_hash in self._session.execute(
                    select(LedgerEntry.seq, LedgerEntry.leaf_hash).where(LedgerEntry.seq.in_(chunk))):
                found[(seq, 0)] = bytes.fromhex(hex_hash)
        # By seq alone, which the primary key (seq, level) indexes on every backend (a
        # row-value IN is a full scan on SQLite); the few other levels are dropped.
        for chunk in _chunks(sorted({seq for seq, _ in inner}), self._CHUNK):
            for seq, level, hash_ in self._session.execute(
                    select(LedgerNode.seq, LedgerNode.level, LedgerNode.hash).where(LedgerNode.seq.in_(chunk))):
                if (seq, level) in wanted:
                    found[(seq, level)] = bytes(hash_)
        missing = wanted - found.keys()
        if missing:
            raise LedgerError(f"{len(missing)} Merkle subtree hash(es) missing, e.g. {min(missing)}")
        return found


def _chunks(items: list, size: int) -> Iterable[list]:
    for start in range(0, len(items), size):
        yield items[start:start + size]
