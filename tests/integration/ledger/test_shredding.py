"""Crypto-shredding on both databases: the vault destroys the subject's key and blobs
and ledgers the fact; verification reports the blobs as shredded, never as tampering;
a blob that merely disappears is still tampering. The master key can sit in a KMS."""

from __future__ import annotations

from typing import Any

import pytest
from conftest import FakeClock
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import select

from ledger import BlobMismatch, Database, append, verify_chain
from ledger.tables import LedgerBlob, LedgerEntry
from retention import KeyVault, VaultError
from retention.tables import SubjectKey

A, B = "a" * 64, "b" * 64


def _decide(db: Database, vault: KeyVault, subject: str, now: Any) -> Any:
    with db.unit_of_work() as uow:
        sealed = vault.seal(uow.session, subject, f"contact data of {subject[0]}".encode(), now=now)
        append(uow.session, kind="decision", body={"subject": subject}, ts=now, sealed=sealed)
        uow.commit()
    return sealed


def test_shredding_destroys_key_and_blobs_and_verifies_as_shredded(db: Database, clock: FakeClock) -> None:
    vault = KeyVault(master_key=bytes(range(32)))
    sealed_a = [_decide(db, vault, A, clock()) for _ in range(3)]
    sealed_b = _decide(db, vault, B, clock())
    with db.unit_of_work() as uow:
        shredded = vault.shred(uow.session, A, now=clock())
        uow.commit()
    assert shredded.seq == 4 and shredded.blobs == sorted(s.sha256 for s in sealed_a)
    with db.reading() as session:
        report = verify_chain(session)
        assert (report.entries, report.blobs_checked, report.blobs_shredded) == (5, 1, 3)
        assert session.get(SubjectKey, A) is None
        assert session.scalars(select(LedgerBlob.subject_id)).all() == [B]
        entry = session.get(LedgerEntry, 4)
        assert entry.kind == "subject_shredded" and A in entry.entry and "contact" not in entry.entry
        with pytest.raises(VaultError):
            vault.unseal(session, sealed_a[0])
        assert vault.unseal(session, sealed_b) == b"contact data of b"


def test_a_blob_removed_without_shredding_is_tampering(db: Database, clock: FakeClock) -> None:
    vault = KeyVault(master_key=bytes(range(32)))
    _decide(db, vault, A, clock())
    sealed = _decide(db, vault, B, clock())
    with db.engine.begin() as connection:
        connection.execute(LedgerBlob.__table__.delete().where(LedgerBlob.sha256 == sealed.sha256))
    with db.reading() as session, pytest.raises(BlobMismatch) as caught:
        verify_chain(session)
    assert (caught.value.seq, caught.value.reason) == (1, "missing")


def test_a_shredding_does_not_excuse_blobs_sealed_after_it(db: Database, clock: FakeClock) -> None:
    vault = KeyVault(master_key=bytes(range(32)))
    with db.unit_of_work() as uow:
        vault.shred(uow.session, A, now=clock())
        uow.commit()
    sealed = _decide(db, vault, A, clock())          # a new key, a new blob: not covered
    with db.engine.begin() as connection:
        connection.execute(LedgerBlob.__table__.delete().where(LedgerBlob.sha256 == sealed.sha256))
    with db.reading() as session, pytest.raises(BlobMismatch) as caught:
        verify_chain(session)
    assert (caught.value.seq, caught.value.reason) == (1, "missing")


class FakeKms:
    """A key-management service behind the vault's MasterKey interface: the master key
    stays inside; the vault only sees wrapped data keys."""

    def __init__(self) -> None:
        self._aead = AESGCM(bytes(range(32, 64)))
        self.calls: list[tuple[str, str]] = []

    def wrap(self, subject_id: str, data_key: bytes) -> bytes:
        self.calls.append(("wrap", subject_id))
        nonce = bytes(12)   # one wrap per subject in this test
        return nonce + self._aead.encrypt(nonce, data_key, subject_id.encode())

    def unwrap(self, subject_id: str, wrapped: bytes) -> bytes:
        self.calls.append(("unwrap", subject_id))
        return self._aead.decrypt(wrapped[:12], wrapped[12:], subject_id.encode())


def test_the_vault_works_with_a_key_provider(db: Database, clock: FakeClock) -> None:
    kms = FakeKms()
    sealed = _decide(db, KeyVault(master=kms), A, clock())
    with db.reading() as session:
        assert KeyVault(master=kms).unseal(session, sealed) == b"contact data of a"
        with pytest.raises(VaultError):
            KeyVault(master_key=bytes(range(32, 64))).unseal(session, sealed)   # not the same wrapping
    assert kms.calls == [("wrap", A), ("unwrap", A)]
    with pytest.raises(ValueError):
        KeyVault()
