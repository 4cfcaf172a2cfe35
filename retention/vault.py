"""The subject key vault: per-subject AES-256-GCM data keys, wrapped by the master key.

Sealing personal data under the subject's own key is what makes erasure by
crypto-shredding possible: destroy the key and every blob of that subject is
unreadable, while the ledger's hashes over the blobs still verify.
"""

from __future__ import annotations

import os
from collections.abc import Callable
from datetime import datetime

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy.orm import Session

from ledger.chain import Sealed

from .tables import SubjectKey

__all__ = ["KeyVault", "VaultError"]

_BLOB_VERSION = b"\x01"
_NONCE_BYTES = 12  # NIST SP 800-38D §8.2: 96-bit nonces for GCM
_CACHE_KEY = "fairdun.subject_keys"


class VaultError(Exception):
    """A blob could not be sealed or opened (unknown subject, shredded key, tampering)."""


class KeyVault:
    def __init__(self, *, master_key: bytes, random_bytes: Callable[[int], bytes] = os.urandom) -> None:
        self._master = AESGCM(master_key)
        self._random_bytes = random_bytes

    def seal(self, session: Session, subject_id: str, plaintext: bytes, *, now: datetime) -> Sealed:
        """Encrypt ``plaintext`` under the subject's data key (created on first use)."""
        key = self._data_key(session, subject_id, now=now, create=True)
        nonce = self._random_bytes(_NONCE_BYTES)
        ciphertext = AESGCM(key).encrypt(nonce, plaintext, subject_id.encode("ascii"))
        return Sealed(subject_id=subject_id, data=_BLOB_VERSION + nonce + ciphertext)

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
        # Cache unwrapped keys for the current transaction only: a key created in a
        # transaction that rolls back must not outlive it.
        transaction = session.get_transaction()
        cached = session.info.get(_CACHE_KEY)
        if cached is None or cached[0] is not transaction:
            cached = (transaction, {})
            session.info[_CACHE_KEY] = cached
        cache: dict[str, bytes] = cached[1]
        if subject_id in cache:
            return cache[subject_id]
        row = session.get(SubjectKey, subject_id)
        aad = b"subject-key:" + subject_id.encode("ascii")
        if row is None:
            if not create or now is None:
                raise VaultError("no data key for this subject (never sealed, or shredded)")
            key = self._random_bytes(32)
            nonce = self._random_bytes(_NONCE_BYTES)
            wrapped = nonce + self._master.encrypt(nonce, key, aad)
            session.add(SubjectKey(subject_id=subject_id, wrapped_key=wrapped, created_at=now))
        else:
            try:
                key = self._master.decrypt(row.wrapped_key[:_NONCE_BYTES], row.wrapped_key[_NONCE_BYTES:], aad)
            except InvalidTag as exc:
                raise VaultError("subject key does not unwrap under the master key") from exc
        cache[subject_id] = key
        return key
