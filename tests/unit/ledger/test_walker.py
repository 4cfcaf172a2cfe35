"""The chain walker (shared by the offline and the database verifier): which seq and
which reason each kind of damage is reported with."""

from __future__ import annotations

import base64
import json
from datetime import UTC, datetime

import pytest
import rfc9162_reference as reference

from ledger.canonical import canonical_json
from ledger.chain import entry_document
from ledger.offline import (
    GENESIS_PREV,
    INCONSISTENT,
    MISSING,
    MODIFIED,
    REORDERED,
    TRUNCATED,
    ChainWalker,
    VerificationFailed,
    parse_checkpoint,
)

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


def _chain(n: int, *, start_prev: str = GENESIS_PREV) -> list[bytes]:
    entries, prev = [], start_prev
    for seq in range(n):
        entry = canonical_json(entry_document(seq=seq, ts=T0, kind="test", prev=prev, body={"i": seq, "text": "für"},
                                              sealed_sha256=None))
        entries.append(entry)
        prev = reference.leaf(entry).hex()
    return entries


def _rewrite(entry: bytes, **changes: object) -> bytes:
    document = json.loads(entry)
    for key, value in changes.items():
        if key == "i":
            document["body"]["i"] = value
        else:
            document[key] = value
    return canonical_json(document)


def _walk(entries: list[bytes], *, stored: list[str] | None = None, checkpoints=()) -> object:
    walker = ChainWalker(checkpoints=checkpoints)
    for seq, entry in enumerate(entries):
        walker.add(seq, entry, None if stored is None else stored[seq])
    return walker.finish()


def _failure(entries: list[bytes], **kwargs: object) -> tuple[int, str]:
    with pytest.raises(VerificationFailed) as caught:
        _walk(entries, **kwargs)
    return caught.value.seq, caught.value.reason


def _checkpoint(entries: list[bytes]) -> object:
    root = reference.mth([reference.leaf(e) for e in entries])
    return parse_checkpoint(f"test\n{len(entries)}\n{base64.b64encode(root).decode()}\n")


def test_an_intact_chain_gives_the_rfc_tree_head() -> None:
    entries = _chain(11)
    summary = _walk(entries, checkpoints=[_checkpoint(entries[:4]), _checkpoint(entries)])
    assert summary.root_hash == reference.mth([reference.leaf(e) for e in entries])
    assert (summary.entries, summary.vouched, summary.checkpoints) == (11, 11, 2)


def test_a_changed_byte_is_found_at_its_entry_by_the_recorded_leaf_hash() -> None:
    entries = _chain(6)
    stored = [reference.leaf(e).hex() for e in entries]
    entries[3] = entries[3].replace(b'"i":3', b'"i":4')
    assert _failure(entries, stored=stored) == (3, MODIFIED)


def test_an_altered_and_rehashed_entry_is_named_by_the_link_after_it() -> None:
    entries = _chain(6)
    entries[2] = _rewrite(entries[2], i=99)
    assert _failure(entries) == (2, MODIFIED)


def test_an_entry_relinked_and_rehashed_is_named_itself() -> None:
    entries = _chain(6)
    entries[3] = _rewrite(entries[3], prev="ab" * 32)
    assert _failure(entries) == (3, MODIFIED)


def test_the_first_entry_must_start_the_chain() -> None:
    entries = _chain(3)
    entries[0] = _rewrite(entries[0], prev="ab" * 32)
    assert _failure(entries) == (0, MODIFIED)


def test_an_altered_last_entry_is_caught_by_the_checkpoint() -> None:
    entries = _chain(5)
    checkpoint = _checkpoint(entries)
    entries[4] = _rewrite(entries[4], i=99)
    assert _failure(entries, checkpoints=[_checkpoint(entries[:2]), checkpoint]) == (2, INCONSISTENT)


def test_an_entry_at_another_seq_is_reordered_and_a_gap_is_missing() -> None:
    entries = _chain(5)
    walker = ChainWalker()
    walker.add(0, entries[0])
    with pytest.raises(VerificationFailed) as caught:
        walker.add(1, entries[2])
    assert (caught.value.seq, caught.value.reason) == (1, REORDERED)
    walker = ChainWalker()
    walker.add(0, entries[0])
    with pytest.raises(VerificationFailed) as caught:
        walker.add(2, entries[2])
    assert (caught.value.seq, caught.value.reason) == (1, MISSING)


def test_text_that_is_no_ledger_entry_is_modified() -> None:
    entries = _chain(3)
    entries[1] = b'{"seq":1}'
    assert _failure(entries) == (1, MODIFIED)


def test_a_checkpoint_beyond_the_entries_means_truncation() -> None:
    entries = _chain(7)
    assert _failure(entries[:5], checkpoints=[_checkpoint(entries[:3]), _checkpoint(entries)]) == (5, TRUNCATED)


def test_shredding_entries_declare_their_blobs() -> None:
    shred = canonical_json(entry_document(seq=0, ts=T0, kind="subject_shredded", prev=GENESIS_PREV,
                                          body={"subject": "s", "blobs": ["a" * 64, "b" * 64]}, sealed_sha256=None))
    assert _walk([shred]).shredded == {"a" * 64, "b" * 64}
    broken = shred.replace(b'"blobs":', b'"blobz":')
    assert _failure([broken]) == (0, MODIFIED)
