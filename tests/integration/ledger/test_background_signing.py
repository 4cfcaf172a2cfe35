"""Checkpoints signed off the writer's thread (``BackgroundSigner``), on both databases: the
commit that makes one due returns before it is signed, it is still signed within its entry
count and interval, and proving it without the append lock neither signs twice nor takes in
entries that commit meanwhile."""

from __future__ import annotations

import threading
from collections.abc import Callable
from typing import Any

import pytest
from sqlalchemy import select

from ledger import Database, Notary, append
from ledger import checkpoints as checkpoints_module
from ledger.checkpoints import BackgroundSigner
from ledger.tables import LedgerCheckpoint

from .conftest import T0


def _checkpoints(db: Database) -> list[int]:
    with db.reading() as session:
        return list(session.scalars(select(LedgerCheckpoint.tree_size).order_by(LedgerCheckpoint.id)))


def test_the_commit_that_makes_a_checkpoint_due_returns_unsigned_and_a_signer_job_signs_it(
        db: Database, notary: Notary, clock: Any, fill: Callable[..., list[Any]]) -> None:
    jobs: list[Callable[[], None]] = []
    db.on_append_committed(BackgroundSigner(notary.checkpointer, start=jobs.append).appended)
    fill(1)
    assert _checkpoints(db) == [] and len(jobs) == 1     # handed on, not signed by the writer
    jobs.pop()()
    assert _checkpoints(db) == [1]
    for _ in range(19):
        fill(50)
    assert jobs == []                                     # 950 entries within the same second: not due
    fill(50)
    fill(1)                                               # due, but a signer is already on its way
    assert len(jobs) == 1 and _checkpoints(db) == [1]
    jobs.pop()()
    assert _checkpoints(db) == [1, 1002]                  # the ledger as the signer found it
    clock.advance(seconds=9)
    fill(1)
    assert jobs == []
    clock.advance(seconds=1)
    fill(1)
    jobs.pop()()
    assert _checkpoints(db) == [1, 1002, 1004]
    assert notary.verify().entries == 1004


def test_a_signer_thread_signs_and_is_waited_for(db: Database, notary: Notary,
                                                 fill: Callable[..., list[Any]]) -> None:
    threads: list[threading.Thread] = []

    def start(job: Callable[[], None]) -> None:
        threads.append(threading.Thread(target=job))
        threads[-1].start()

    signer = BackgroundSigner(notary.checkpointer, start=start)
    db.on_append_committed(signer.appended)
    fill(3)
    assert signer.wait(timeout=60)
    assert len(threads) == 1 and threads[0] is not threading.current_thread()
    assert _checkpoints(db) == [3]


def test_entries_committed_while_a_checkpoint_is_proven_are_left_to_the_next(
        db: Database, notary: Notary, clock: Any, fill: Callable[..., list[Any]],
        monkeypatch: pytest.MonkeyPatch) -> None:
    fill(5)
    prove = checkpoints_module._prove

    def prove_while_a_writer_appends(*args: Any) -> None:
        fill(2)                      # commits between the head the signer read and its proof
        prove(*args)

    monkeypatch.setattr(checkpoints_module, "_prove", prove_while_a_writer_appends)
    notary.checkpointer.appended(5)
    assert _checkpoints(db) == [5]
    monkeypatch.undo()
    clock.advance(seconds=10)
    notary.checkpointer.appended(7)
    assert _checkpoints(db) == [5, 7]
    assert notary.verify().entries == 7


def test_a_signer_that_another_signer_overtook_while_proving_signs_nothing(
        db: Database, notary: Notary, clock: Any, tmp_path: Any,
        fill: Callable[..., list[Any]], monkeypatch: pytest.MonkeyPatch) -> None:
    other = Notary(db=db, instance_path=tmp_path / "instance", origin="test/ledger", clock=clock)
    fill(4)
    prove = checkpoints_module._prove

    def overtaken(*args: Any) -> None:
        prove(*args)
        monkeypatch.undo()               # the other signer proves as usual
        with db.unit_of_work() as uow:   # another host appends and signs before this one takes the lock
            append(uow.session, kind="test", body={"n": "x"}, ts=T0)
            uow.commit()
        other.checkpoint()

    monkeypatch.setattr(checkpoints_module, "_prove", overtaken)
    notary.checkpointer.appended(4)
    assert _checkpoints(db) == [5]
    assert not notary.checkpointer.due(5)       # it learnt of the other signer's checkpoint
