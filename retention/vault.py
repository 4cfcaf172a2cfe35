"""The subject key vault: per-subject AES-256-GCM data keys, wrapped by the master key.

Sealing personal data under the subject's own key is what makes erasure by
crypto-shredding possible: destroy the key and every blob of that subject is
unreadable, while the ledger's hashes over the blobs still verify.

Division of labour: the vault seals and shreds; the ledger stores entries and
blobs and knows nothing of keys. Shredding deletes the subject's key, asks the
ledger to drop the subject's blobs and appends a ``subject_shredded`` entry naming
their digests, so verification reports them as shredded, never as tampering.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ledger import append, discard_blobs
from ledger.chain import Sealed, lock_head
from ledger.offline import SHREDDED_KIND

from .tables import SubjectKey

__all__ = ["KeyVault", "VaultError", "MasterKey", "LocalMasterKey", "Shredded"]

_BLOB_VERSION = b"\x01"
_NONCE_BYTES = 12  # NIST SP 800-38D §8.2: 96-bit nonces for GCM
_CACHE_KEY = "fairdun.subject_keys"


class VaultError(Exception):
    """A blob could not be sealed or opened (unknown subject, shredded key, tampering)."""


class MasterKey(Protocol):
    """Wraps and unwraps subject data keys. The embedded default holds the master key
    itself (``LocalMasterKey``); a KMS adapter implements the same two calls (its
    encrypt/decrypt with the subject id as encryption context), and the master key
    never leaves the KMS."""

    def wrap(self, subject_id: str, data_key: bytes) -> bytes: ...

    def unwrap(self, subject_id: str, wrapped: bytes) -> bytes: ...


class LocalMasterKey:
    """AES-256-GCM under a master key from the instance folder or the environment."""

    def __init__(self, key: bytes, *, random_bytes: Callable[[int], bytes] = os.urandom) -> None:
        self._aead = AESGCM(key)
        self._random_bytes = random_bytes

    def wrap(self, subject_id: str, data_key: bytes) -> bytes:
        nonce = self._random_bytes(_NONCE_BYTES)
        return nonce + self._aead.encrypt(nonce, data_key, _key_aad(subject_id))

    def unwrap(self, subject_id: str, wrapped: bytes) -> bytes:
        try:
            return self._aead.decrypt(wrapped[:_NONCE_BYTES], wrapped[_NONCE_BYTES:], _key_aad(subject_id))
        except InvalidTag as exc:
            raise VaultError("subject key does not unwrap under the master key") from exc


@dataclass(frozen=True)
class Shredded:
    """The ledger entry recording a crypto-shredding, and the blobs it destroyed."""

    seq: int
    entry_hash: str
    blobs: list[str]


class KeyVault:
    def __init__(self, *, master_key: bytes | None = None, master: MasterKey | None = None,
                 random_bytes: Callable[[int], bytes] = os.urandom) -> None:
        if (master_key is None) == (master is None):
            raise ValueError("give the vault either master_key (embedded) or a master key provider")
        self._master: MasterKey = master or LocalMasterKey(master_key, random_bytes=random_bytes)
        self._random_bytes = random_bytes

    def seal(self, session: Session, subject_id: str, plaintext: bytes, *, now: datetime) -> Sealed:
        """Encrypt ``plaintext`` under the subject's data key (created on first use)."""
        key = self._data_key(session, subject_id, now=now, create=True)
        nonce = self._random_bytes(_NONCE_BYTES)
        ciphertext = AESGCM(key).encrypt(nonce, plaintext, subject_id.encode("ascii"))
        return Sealed(subject_id=subject_id, data=_BLOB_VERSION + nonce + ciphertext)

    def preload(self, session: Session, subject_ids: list[str]) -> None:
        """Unwrap the keys of ``subject_ids`` that exist, in one query (batch runs)."""
        cache = self._cache(session)
        wanted = sorted(set(subject_ids) - set(cache))
        with session.no_autoflush:
            for start in range(0, len(wanted), 500):
                rows = session.scalars(select(SubjectKey).where(SubjectKey.subject_id.in_(wanted[start:start + 500])))
                for row in rows:
                    cache[row.subject_id] = self._unwrap(row)

    def unseal(self, session: Session, sealed: Sealed) -> bytes:
        key = self._data_key(session, sealed.subject_id, now=None, create=False)
        if sealed.data[:1] != _BLOB_VERSION:
            raise VaultError("unknown blob version")
        nonce, ciphertext = sealed.data[1:1 + _NONCE_BYTES], sealed.data[1 + _NONCE_BYTES:]
        try:
            return AESGCM(key).decrypt(nonce, ciphertext, sealed.subject_id.encode("ascii"))
        except InvalidTag as exc:
            raise VaultError("blob does not authenticate under the subject's key") from exc

    def _data_key(self, session: Session, subject_id: str, *, now: datetime | None, create: bool) -> bytes:
        cache = self._cache(session)
        if subject_id in cache:
            return cache[subject_id]
        with session.no_autoflush:   # a key lookup must not flush a batch's pending rows one by one
            row = session.get(SubjectKey, subject_id)
        if row is not None:
            key = self._unwrap(row)
        elif create and now is not None:
            key = self._random_bytes(32)
            session.add(SubjectKey(subject_id=subject_id, wrapped_key=self._master.wrap(subject_id, key),
                                   created_at=now))
        else:
            raise VaultError("no data key for this subject (never sealed, or shredded)")
        cache[subject_id] = key
        return key

    def _unwrap(self, row: SubjectKey) -> bytes:
        return self._master.unwrap(row.subject_id, row.wrapped_key)

    def shred(self, session: Session, subject_id: str, *, now: datetime) -> Shredded:
        """Crypto-shred ``subject_id`` inside the caller's transaction: destroy its data
        key, drop its sealed blobs and ledger the fact (``subject_shredded``)."""
        lock_head(session)   # no blob of this subject can be appended meanwhile
        session.execute(delete(SubjectKey).where(SubjectKey.subject_id == subject_id))
        self._cache(session).pop(subject_id, None)
        digests = discard_blobs(session, subject_id)
        appended = append(session, kind=SHREDDED_KIND, body={"subject": subject_id, "blobs": digests}, ts=now)
        return Shredded(seq=appended.seq, entry_hash=appended.entry_hash, blobs=digests)

    @staticmethod
    def _cache(session: Session) -> dict[str, bytes]:
        """Unwrapped keys of the current transaction only: a key created in a
        transaction that rolls back must not outlive it."""
        transaction = session.get_transaction()
        cached = session.info.get(_CACHE_KEY)
        if cached is None or cached[0] is not transaction:
            cached = (transaction, {})
            session.info[_CACHE_KEY] = cached
        return cached[1]


def _key_aad(subject_id: str) -> bytes:
    return b"subject-key:" + subject_id.encode("ascii")
