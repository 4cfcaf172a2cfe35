"""An independent check of RFC 9162 proofs and signed checkpoints, for the tests.

Written straight from the RFC's recursive definitions (§2.1.1 MTH, §2.1.3.1 PATH,
§2.1.4.1 SUBPROOF) and the C2SP signed-note text, sharing no code with ``ledger``:
the ledger verifies iteratively (§2.1.3.2, §2.1.4.2) and builds proofs from stored
subtrees, so agreement between the two is evidence, not a tautology.
"""

from __future__ import annotations

import base64
import hashlib

from cryptography.hazmat.primitives.asymmetric.ed25519 import Ed25519PublicKey

__all__ = ["leaf", "mth", "path", "subproof", "root_from_path", "roots_from_consistency", "open_checkpoint",
           "MemoryNodes"]


def leaf(data: bytes) -> bytes:
    return hashlib.sha256(b"\x00" + data).digest()


def _node(left: bytes, right: bytes) -> bytes:
    return hashlib.sha256(b"\x01" + left + right).digest()


def _k(n: int) -> int:
    k = 1
    while k * 2 < n:
        k *= 2
    return k


def mth(leaf_hashes: list[bytes]) -> bytes:
    n = len(leaf_hashes)
    if n == 0:
        return hashlib.sha256(b"").digest()
    if n == 1:
        return leaf_hashes[0]
    k = _k(n)
    return _node(mth(leaf_hashes[:k]), mth(leaf_hashes[k:]))


def path(m: int, leaf_hashes: list[bytes]) -> list[bytes]:
    n = len(leaf_hashes)
    if n == 1:
        return []
    k = _k(n)
    if m < k:
        return path(m, leaf_hashes[:k]) + [mth(leaf_hashes[k:])]
    return path(m - k, leaf_hashes[k:]) + [mth(leaf_hashes[:k])]


def subproof(m: int, leaf_hashes: list[bytes], complete: bool = True) -> list[bytes]:
    n = len(leaf_hashes)
    if m == n:
        return [] if complete else [mth(leaf_hashes)]
    k = _k(n)
    if m <= k:
        return subproof(m, leaf_hashes[:k], complete) + [mth(leaf_hashes[k:])]
    return subproof(m - k, leaf_hashes[k:], False) + [mth(leaf_hashes[:k])]


def root_from_path(m: int, n: int, leaf_hash: bytes, proof: list[bytes]) -> bytes:
    """The root that PATH(m, D[n]) leads to from ``leaf_hash`` (consumes the whole proof)."""
    remaining = list(proof)

    def walk(m: int, n: int) -> bytes:
        if n == 1:
            return leaf_hash
        k = _k(n)
        sibling = remaining.pop()
        if m < k:
            return _node(walk(m, k), sibling)
        return _node(sibling, walk(m - k, n - k))

    if not 0 <= m < n:
        raise AssertionError("leaf outside the tree")
    root = walk(m, n)
    if remaining:
        raise AssertionError("proof longer than the path")
    return root


def roots_from_consistency(m: int, n: int, old_root: bytes, proof: list[bytes]) -> tuple[bytes, bytes]:
    """The (old, new) roots SUBPROOF(m, D[n], true) leads to, for 0 < m < n."""
    remaining = list(proof)

    def walk(m: int, n: int, complete: bool) -> tuple[bytes, bytes]:
        if m == n:
            if complete:
                return old_root, old_root
            h = remaining.pop()
            return h, h
        k = _k(n)
        sibling = remaining.pop()
        if m <= k:
            old, new = walk(m, k, complete)
            return old, _node(new, sibling)
        old, new = walk(m - k, n - k, False)
        return _node(sibling, old), _node(sibling, new)

    if not 0 < m < n:
        raise AssertionError("sizes outside 0 < m < n")
    roots = walk(m, n, True)
    if remaining:
        raise AssertionError("proof longer than needed")
    return roots


def open_checkpoint(note: str, vkey: str) -> tuple[str, int, bytes]:
    """(origin, tree size, root) of a checkpoint note, after checking its signature by
    ``vkey`` (``<name>+<hex id>+<base64(0x01 || key)>``) with cryptography directly."""
    name, hex_id, encoded = vkey.split("+", 2)
    key = base64.b64decode(encoded)
    assert hashlib.sha256(name.encode() + b"\n" + key).digest()[:4].hex() == hex_id
    text, _, signatures = note.rpartition("\n\n")
    text += "\n"
    for line in signatures.splitlines():
        signer, blob = line.removeprefix("\u2014 ").split(" ")
        raw = base64.b64decode(blob)
        if signer == name and raw[:4].hex() == hex_id:
            Ed25519PublicKey.from_public_bytes(key[1:]).verify(raw[4:], text.encode())
            origin, size, root = text.splitlines()[:3]
            return origin, int(size), base64.b64decode(root)
    raise AssertionError(f"no signature by {name}+{hex_id}")


class MemoryNodes:
    """A ledger ``NodeSource`` over in-memory leaves: every complete subtree computed
    with the reference MTH. Counts what was asked for (proofs must ask O(log n))."""

    def __init__(self, leaf_hashes: list[bytes]) -> None:
        self._leaves = leaf_hashes
        self.requested = 0

    def nodes(self, wanted):
        found = {}
        for seq, level in wanted:
            start = seq + 1 - (1 << level)
            if start < 0 or seq >= len(self._leaves) or (seq + 1) % (1 << level):
                raise KeyError((seq, level))
            found[(seq, level)] = mth(self._leaves[start:seq + 1])
        self.requested += len(found)
        return found
