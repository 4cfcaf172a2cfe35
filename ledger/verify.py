"""Chain verification over the stored ledger (the Merkle tree and signed
checkpoints come with the ledger issue). Raises on the first problem."""

from __future__ import annotations

import json
from dataclasses import dataclass

from sqlalchemy import select
from sqlalchemy.orm import Session

from .canonical import canonical_json, leaf_hash, sha256_hex
from .chain import GENESIS_PREV
from .errors import BlobMismatch, ChainBroken
from .tables import LedgerBlob, LedgerEntry

__all__ = ["ChainReport", "verify_chain"]


@dataclass(frozen=True)
class ChainReport:
    entries: int
    head_hash: str
    blobs_checked: int


def verify_chain(session: Session, *, batch_size: int = 5000) -> ChainReport:
    """Recompute every leaf hash and link; check every sealed blob still present.

    Raises ``ChainBroken`` or ``BlobMismatch`` naming the first bad seq.
    """
    expected_seq = 0
    prev = GENESIS_PREV
    blobs_checked = 0
    rows = session.execute(
        select(LedgerEntry.seq, LedgerEntry.entry, LedgerEntry.leaf_hash).order_by(LedgerEntry.seq)
        .execution_options(yield_per=batch_size)
    )
    for row in rows:
        raw = row.entry.encode("utf-8")
        # (1) the stored row sits where its seq says
        if row.seq != expected_seq:
            raise ChainBroken(expected_seq, "missing", f"next stored seq is {row.seq}")
        # (2) the entry text is canonical JSON and names the same seq
        try:
            document = json.loads(raw)
        except ValueError as exc:
            raise ChainBroken(row.seq, "modified", "entry is not JSON") from exc
        if canonical_json(document) != raw:
            raise ChainBroken(row.seq, "not_canonical")
        if document.get("seq") != row.seq:
            raise ChainBroken(row.seq, "reordered", f"entry says seq {document.get('seq')}")
        # (3) RFC 9162 §2.1.1 leaf hash of the exact text matches the stored hash
        if leaf_hash(raw) != row.leaf_hash:
            raise ChainBroken(row.seq, "modified", "leaf hash differs from the entry text")
        # (4) the entry links to its predecessor
        if document.get("prev") != prev:
            raise ChainBroken(row.seq, "modified", "prev does not match the previous entry's hash")
        # (5) the sealed blob it commits to is still the one stored
        sealed = document.get("sealed_sha256")
        if sealed is not None:
            blob = session.get(LedgerBlob, sealed)
            if blob is None:
                raise BlobMismatch(row.seq, "missing")
            if sha256_hex(blob.data) != sealed:
                raise BlobMismatch(row.seq, "modified")
            blobs_checked += 1
        prev = row.leaf_hash
        expected_seq += 1
    return ChainReport(entries=expected_seq, head_hash=prev, blobs_checked=blobs_checked)
