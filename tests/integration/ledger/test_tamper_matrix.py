"""The tamper matrix: each kind of damage, to an export (verified offline) and to the
database (verified in place), is reported with the right seq and reason; a
crypto-shredded subject verifies clean.

The ledger: 12 entries, checkpoints signed at sizes 4, 8 and 12."""

from __future__ import annotations

import base64
import json
import shutil
from collections.abc import Callable
from pathlib import Path
from typing import Any

import pytest
import rfc9162_reference as reference

from ledger import ChainBroken, Database, Notary
from ledger.canonical import canonical_json
from ledger.checkpoints import checkpoint_text
from ledger.offline import (
    BAD_SIGNATURE,
    INCONSISTENT,
    MISSING,
    MODIFIED,
    REORDERED,
    TRUNCATED,
    VerificationFailed,
    read_public_keys,
    verify_export,
)
from ledger.signing import NoteSigner
from retention import KeyVault


@pytest.fixture
def ledger(notary: Notary, fill: Callable[..., list[Any]], tmp_path: Path) -> dict[str, Any]:
    fill(4, subject="a" * 64)
    early = [notary.checkpoint().note]
    fill(4)
    early.append(notary.checkpoint().note)
    fill(4, subject="b" * 64)
    exported = notary.export(tmp_path / "export")
    return {"export": exported.directory, "early": early, "keys": read_public_keys("\n".join(notary.public_keys()))}


def _lines(export: Path) -> list[str]:
    return (export / "entries.jsonl").read_text(encoding="utf-8").splitlines(keepends=True)


def _write(export: Path, lines: list[str]) -> None:
    (export / "entries.jsonl").write_text("".join(lines), encoding="utf-8")


def _offline(ledger: dict[str, Any], *, checkpoints: list[str] = ()) -> tuple[int, str]:
    with pytest.raises(VerificationFailed) as caught:
        verify_export(ledger["export"], ledger["keys"], checkpoints=checkpoints)
    return caught.value.seq, caught.value.reason


def _in_place(notary: Notary) -> tuple[int, str]:
    with pytest.raises(ChainBroken) as caught:
        notary.verify()
    return caught.value.seq, caught.value.reason


def _forged_checkpoint(signer: NoteSigner, export: Path, *, size: int, change_seq: int) -> str:
    """A checkpoint over a fork of the exported entries in which one entry differs."""
    leaves = [bytes.fromhex(json.loads(line)["leaf_hash"]) for line in _lines(export)][:size]
    leaves[change_seq] = reference.leaf(b"another entry")
    return signer.sign(checkpoint_text("test/ledger", size, reference.mth(leaves)))


def test_an_untouched_export_and_database_verify(ledger: dict[str, Any], notary: Notary) -> None:
    report = verify_export(ledger["export"], ledger["keys"], checkpoints=ledger["early"])
    # the export's own (12), the two earlier ones it carries and the auditor's copies of them
    assert (report.entries, report.checkpoint.tree_size, report.checkpoints, report.sealed) == (12, 12, 5, 8)
    stored = notary.verify()
    assert (stored.entries, stored.checkpoints, stored.blobs_checked, stored.root_hash) == (12, 3, 8, report.root_hash)


# -- the export -------------------------------------------------------------------------------------

def test_export_one_changed_byte_of_a_body(ledger: dict[str, Any]) -> None:
    lines = _lines(ledger["export"])
    lines[5] = lines[5].replace('\\"n\\":1', '\\"n\\":3')
    _write(ledger["export"], lines)
    assert _offline(ledger) == (5, MODIFIED)


def test_export_a_deleted_entry(ledger: dict[str, Any]) -> None:
    lines = _lines(ledger["export"])
    del lines[5]
    _write(ledger["export"], lines)
    assert _offline(ledger) == (5, MISSING)


def test_export_two_swapped_entries(ledger: dict[str, Any]) -> None:
    lines = _lines(ledger["export"])
    lines[5], lines[6] = lines[6], lines[5]
    _write(ledger["export"], lines)
    assert _offline(ledger) == (5, REORDERED)


def test_export_a_truncated_tail(ledger: dict[str, Any]) -> None:
    _write(ledger["export"], _lines(ledger["export"])[:9])
    assert _offline(ledger) == (9, TRUNCATED)


def test_export_resigned_with_an_unknown_key(ledger: dict[str, Any]) -> None:
    checkpoint = ledger["export"] / "checkpoint.txt"
    text = checkpoint.read_text().split("\n\n")[0] + "\n"
    checkpoint.write_text(NoteSigner.from_seed("test/ledger", bytes(32)).sign(text))
    # the earlier checkpoints the export carries still vouch for entries up to 8
    assert _offline(ledger) == (8, BAD_SIGNATURE)
    # without them nothing is vouched for, unless the auditor kept them
    (ledger["export"] / "checkpoints.jsonl").unlink()
    assert _offline(ledger) == (0, BAD_SIGNATURE)
    assert _offline(ledger, checkpoints=ledger["early"]) == (8, BAD_SIGNATURE)


def test_export_rewritten_and_resigned_with_an_unknown_key(ledger: dict[str, Any]) -> None:
    """An attacker rewrites entry 5 and everything after it consistently, and signs."""
    lines = _lines(ledger["export"])
    entries = [json.loads(line)["entry"].encode() for line in lines]
    documents = [json.loads(e) for e in entries]
    documents[5]["body"]["n"] = 99
    prev = json.loads(lines[4])["leaf_hash"]
    for seq in range(5, 12):
        documents[seq]["prev"] = prev
        entries[seq] = canonical_json(documents[seq])
        prev = reference.leaf(entries[seq]).hex()
        lines[seq] = json.dumps({"seq": seq, "entry": entries[seq].decode(), "leaf_hash": prev}) + "\n"
    _write(ledger["export"], lines)
    root = reference.mth([reference.leaf(e) for e in entries])
    intruder = NoteSigner.from_seed("test/ledger", bytes(32))
    (ledger["export"] / "checkpoint.txt").write_text(intruder.sign(checkpoint_text("test/ledger", 12, root)))
    # the export's checkpoint of size 8 is the first that disagrees: the damage lies in entries 4..7
    with pytest.raises(VerificationFailed) as caught:
        verify_export(ledger["export"], ledger["keys"])
    assert (caught.value.seq, caught.value.reason) == (4, INCONSISTENT)
    assert "size 8 is the first" in caught.value.detail and "from seq 4 to 7" in caught.value.detail
    # an export without its earlier checkpoints vouches for nothing; the auditor's copies pin it again
    (ledger["export"] / "checkpoints.jsonl").unlink()
    assert _offline(ledger) == (0, BAD_SIGNATURE)
    assert _offline(ledger, checkpoints=ledger["early"]) == (4, INCONSISTENT)


def test_export_with_an_inconsistent_checkpoint(ledger: dict[str, Any], notary: Notary) -> None:
    forged = _forged_checkpoint(notary.keys().newest, ledger["export"], size=12, change_seq=10)
    (ledger["export"] / "checkpoint.txt").write_text(forged)
    assert _offline(ledger) == (8, INCONSISTENT)    # the earlier checkpoints (4, 8) still match
    (ledger["export"] / "checkpoints.jsonl").unlink()
    assert _offline(ledger) == (0, INCONSISTENT)
    assert _offline(ledger, checkpoints=ledger["early"]) == (8, INCONSISTENT)


# -- the database ------------------------------------------------------------------------------------

def test_database_one_changed_byte_of_a_body(ledger: dict[str, Any], notary: Notary, tamper: Any) -> None:
    tamper("UPDATE ledger_entries SET entry = replace(entry, :a, :b) WHERE seq = 5", a='"n":1', b='"n":3')
    assert _in_place(notary) == (5, MODIFIED)


def test_database_a_deleted_entry(ledger: dict[str, Any], notary: Notary, tamper: Any) -> None:
    tamper("DELETE FROM ledger_entries WHERE seq = 5")
    assert _in_place(notary) == (5, MISSING)


def test_database_two_swapped_entries(ledger: dict[str, Any], notary: Notary, tamper: Any) -> None:
    tamper("UPDATE ledger_entries SET seq = seq + 1000 WHERE seq IN (5, 6)")
    tamper("UPDATE ledger_entries SET seq = CASE seq WHEN 1005 THEN 6 ELSE 5 END WHERE seq >= 1000")
    assert _in_place(notary) == (5, REORDERED)


def test_database_a_truncated_tail(ledger: dict[str, Any], notary: Notary, tamper: Any) -> None:
    tamper("DELETE FROM ledger_entries WHERE seq >= 9")
    assert _in_place(notary) == (9, TRUNCATED)


def test_database_resigned_with_an_unknown_key(ledger: dict[str, Any], notary: Notary, tamper: Any) -> None:
    note = (ledger["export"] / "checkpoint.txt").read_text()
    forged = NoteSigner.from_seed("test/ledger", bytes(32)).sign(note.split("\n\n")[0] + "\n")
    tamper("UPDATE ledger_checkpoints SET note = :n WHERE tree_size = 12", n=forged)
    # the instance's journal keeps the genuine checkpoint of size 12: it vouches for every entry,
    # and the stored one is reported as not validly signed (nor stored, as the journal has it)
    assert _in_place(notary) == (12, BAD_SIGNATURE)
    notary.journal.path.unlink()
    assert _in_place(notary) == (8, BAD_SIGNATURE)


def test_database_with_an_inconsistent_checkpoint(ledger: dict[str, Any], notary: Notary, tamper: Any) -> None:
    forged = _forged_checkpoint(notary.keys().newest, ledger["export"], size=8, change_seq=6)
    root = forged.split("\n")[2]
    tamper("UPDATE ledger_checkpoints SET note = :n, root_hash = :r WHERE tree_size = 8", n=forged,
           r=base64.b64decode(root).hex())
    assert _in_place(notary) == (4, INCONSISTENT)


# -- crypto-shredding --------------------------------------------------------------------------------

def test_a_shredded_subject_verifies_clean_offline_and_in_place(ledger: dict[str, Any], notary: Notary, db: Database,
                                                                clock: Any, tmp_path: Path) -> None:
    with db.unit_of_work() as uow:
        shredded = KeyVault(master_key=bytes(32)).shred(uow.session, "a" * 64, now=clock())
        uow.commit()
    assert (shredded.seq, len(shredded.blobs)) == (12, 4)
    stored = notary.verify()
    assert (stored.entries, stored.blobs_checked, stored.blobs_shredded) == (13, 4, 4)
    shutil.rmtree(ledger["export"])
    notary.export(ledger["export"])
    report = verify_export(ledger["export"], ledger["keys"], checkpoints=ledger["early"])
    assert (report.entries, report.sealed, report.shredded) == (13, 8, 4)
