"""Checkpoint signing keys in the instance folder: created once, rotated, the newest signs."""

from __future__ import annotations

import threading
from pathlib import Path

from ledger.offline import open_note
from ledger.signing import add_signing_key, load_signing_keys


def _seeds(*bytes_values: int):
    values = iter(bytes_values)
    return lambda n: bytes([next(values)]) * n


def test_the_first_key_is_created_once_private_and_then_reused(tmp_path: Path) -> None:
    keys = load_signing_keys(tmp_path, "fairdun/test", random_bytes=_seeds(1))
    again = load_signing_keys(tmp_path, "fairdun/test", random_bytes=_seeds(2))
    assert [s.verifier.vkey for s in again.signers] == [s.verifier.vkey for s in keys.signers]
    assert len(keys.signers) == 1
    path = tmp_path / "keys" / "ledger" / "0001.key"
    assert path.stat().st_mode & 0o777 == 0o600
    assert list(path.parent.iterdir()) == [path]        # no draft left behind


def test_rotation_adds_the_newest_key_and_keeps_the_old_ones(tmp_path: Path) -> None:
    first = load_signing_keys(tmp_path, "fairdun/test", random_bytes=_seeds(1)).newest
    second = add_signing_key(tmp_path, "fairdun/test", random_bytes=_seeds(2))
    keys = load_signing_keys(tmp_path, "fairdun/test")
    assert keys.newest.verifier == second.verifier != first.verifier
    assert keys.verifiers == [first.verifier, second.verifier]
    note = keys.newest.sign("hello\n")
    assert open_note(note, keys.verifiers).verified_by == (second.verifier,)


def test_workers_starting_together_agree_on_one_key(tmp_path: Path) -> None:
    found: list[str] = []
    barrier = threading.Barrier(8)

    def start() -> None:
        barrier.wait()
        found.append(load_signing_keys(tmp_path, "fairdun/test").newest.verifier.vkey)

    threads = [threading.Thread(target=start) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert len(set(found)) == 1 and len(found) == 8
    assert [p.name for p in (tmp_path / "keys" / "ledger").iterdir()] == ["0001.key"]
