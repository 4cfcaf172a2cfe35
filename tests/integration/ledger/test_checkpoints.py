"""Signed checkpoints on both databases: what is signed, when, by which key, and
what the signer refuses to sign."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
import rfc9162_reference as reference
from sqlalchemy import func, select

from ledger import ChainBroken, CheckpointRefused, Database, Notary
from ledger.checkpoints import checkpoint_text
from ledger.offline import NoteVerifier
from ledger.signing import NoteSigner
from ledger.tables import LedgerCheckpoint, LedgerEntry


def _leaves(db: Database) -> list[bytes]:
    with db.reading() as session:
        return [bytes.fromhex(h) for h in session.scalars(select(LedgerEntry.leaf_hash).order_by(LedgerEntry.seq))]


def _checkpoints(db: Database) -> list[int]:
    with db.reading() as session:
        return list(session.scalars(select(LedgerCheckpoint.tree_size).order_by(LedgerCheckpoint.id)))


def test_a_checkpoint_signs_the_tree_head_as_a_c2sp_note(db: Database, notary: Notary,
                                                         fill: Callable[..., list[Any]]) -> None:
    fill(6)
    signed = notary.checkpoint()
    origin, size, root = reference.open_checkpoint(signed.note, notary.public_keys()[0])
    assert (origin, size, root) == ("test/ledger", 6, reference.mth(_leaves(db)))
    assert signed.note.startswith(checkpoint_text("test/ledger", 6, root) + "\n\u2014 test/ledger ")
    assert notary.checkpoint() == signed          # nothing new: the same checkpoint, no new row
    fill(3)
    assert notary.checkpoint().tree_size == 9
    assert _checkpoints(db) == [6, 9]


def test_the_signer_refuses_an_entry_altered_since_the_last_checkpoint(notary: Notary, fill: Callable[..., list[Any]],
                                                                      tamper: Callable[..., None]) -> None:
    fill(5)
    notary.checkpoint()
    fill(3)
    tamper("UPDATE ledger_entries SET entry = replace(entry, :a, :b) WHERE seq = 6", a='"n":1', b='"n":7')
    with pytest.raises(CheckpointRefused, match="do not verify"):
        notary.checkpoint()


def test_the_signer_refuses_history_rewritten_under_a_signed_checkpoint(db: Database, notary: Notary,
                                                                       fill: Callable[..., list[Any]],
                                                                       tamper: Callable[..., None]) -> None:
    fill(8)
    notary.checkpoint()
    fill(1)
    tamper("UPDATE ledger_nodes SET hash = :h WHERE seq = 7 AND level = 3", h=bytes(32))
    with pytest.raises(CheckpointRefused, match="no longer give the last checkpoint's root"):
        notary.checkpoint()


def test_the_signer_refuses_a_ledger_shorter_than_signed(notary: Notary, fill: Callable[..., list[Any]],
                                                        tamper: Callable[..., None]) -> None:
    fill(6)
    notary.checkpoint()
    tamper("DELETE FROM ledger_entries WHERE seq >= 4")
    fill(1)
    with pytest.raises(CheckpointRefused):
        notary.checkpoint()


def test_the_signer_refuses_a_last_checkpoint_it_cannot_verify(notary: Notary, fill: Callable[..., list[Any]],
                                                              tamper: Callable[..., None]) -> None:
    fill(4)
    signed = notary.checkpoint()
    forged = NoteSigner.from_seed("test/ledger", bytes(32)).sign(signed.note.split("\n\n")[0] + "\n")
    tamper("UPDATE ledger_checkpoints SET note = :n", n=forged)
    fill(1)
    with pytest.raises(CheckpointRefused, match="does not verify"):
        notary.checkpoint()


def test_a_rotated_key_signs_new_checkpoints_and_old_ones_still_verify(db: Database, notary: Notary,
                                                                       fill: Callable[..., list[Any]]) -> None:
    fill(3)
    old = notary.checkpoint()
    first_key = notary.public_keys()[0]
    rotated = notary.rotate_key()
    assert rotated.tree_size == 3 and rotated.signer != old.signer
    fill(2)
    new = notary.checkpoint()
    keys = notary.public_keys()
    assert keys[0] == first_key and len(keys) == 2 and new.signer == keys[1]
    assert reference.open_checkpoint(old.note, keys[0])[1] == 3
    assert reference.open_checkpoint(new.note, keys[1])[1] == 5
    report = notary.verify(trusted=[NoteVerifier.from_vkey(k) for k in keys])
    assert (report.checkpoints, report.latest_checkpoint) == (3, 5)
    with pytest.raises(ChainBroken) as caught:      # the old key's checkpoint needs the old key
        notary.verify(trusted=[NoteVerifier.from_vkey(keys[1])])
    # the entries it covers are vouched for by the new key's checkpoint of the same size
    assert (caught.value.seq, caught.value.reason) == (3, "bad_signature")


def test_checkpoints_follow_every_thousand_entries_or_ten_seconds(db: Database, notary: Notary, clock: Any,
                                                                  fill: Callable[..., list[Any]]) -> None:
    db.on_append_committed(notary.appended)
    fill(1)
    assert _checkpoints(db) == [1]              # the first entry after a quiet time is signed at once
    for _ in range(19):
        fill(50)
    assert _checkpoints(db) == [1]              # 950 entries within the same second
    fill(50)
    assert _checkpoints(db) == [1, 1001]
    clock.advance(seconds=9)
    fill(1)
    assert _checkpoints(db) == [1, 1001]
    clock.advance(seconds=1)
    fill(1)
    assert _checkpoints(db) == [1, 1001, 1003]


def test_two_workers_do_not_sign_the_same_head_twice(database_url: str, notary: Notary, clock: Any,
                                                     tmp_path: Any) -> None:
    from ledger import append
    from service.schema import upgrade

    workers = [Database(database_url) for _ in range(2)]
    try:
        upgrade(workers[0].engine)
        for worker in workers:
            signer = Notary(db=worker, instance_path=tmp_path / "instance", origin="test/ledger", clock=clock,
                            every_entries=10)
            worker.on_append_committed(signer.appended)
        for i in range(40):
            with workers[i % 2].unit_of_work() as uow:
                append(uow.session, kind="test", body={"i": i}, ts=clock())
                uow.commit()
        sizes = _checkpoints(workers[0])
        assert sizes == sorted(set(sizes)) and sizes[0] == 1
        assert all(b - a >= 10 for a, b in zip(sizes, sizes[1:], strict=False)) and 40 - sizes[-1] < 10
        with workers[0].reading() as session:
            assert session.scalar(select(func.count()).select_from(LedgerCheckpoint)) == len(sizes)
    finally:
        for worker in workers:
            worker.dispose()
