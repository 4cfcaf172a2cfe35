"""The subject key vault: AES-256-GCM data keys per subject, retention category and scope,
wrapped by the master key.

Sealing personal data under the subject's own keys is what makes erasure by crypto-shredding
possible: destroy a key and every blob sealed under it is unreadable, while the ledger's hashes
over the blobs still verify. A subject has one key per retention category and scope (see
``schedule.py``: e.g. the business letters of 2026), so an erasure can shred what no duty keeps
while the records a duty keeps stay readable until their own period ends.

A key is named by ``key_id(subject, category, scope)``; the ``general`` category without scope
(records sealed without a category, and every key from before categories) is named by the
subject's pseudonym itself. ``Sealed.subject_id`` and the ledger's blob rows carry the key id.

Division of labour: the vault seals and shreds; the ledger stores entries and blobs and knows
nothing of keys. Shredding deletes keys, asks the ledger to drop their blobs and appends an
entry naming the blobs' digests (``subject_shredded``, or a retention run's one
``retention_run`` entry), so verification reports them as shredded, never as tampering.
"""

from __future__ import annotations

import functools
import hashlib
import os
import zlib
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from importlib import resources
from typing import Protocol

from cryptography.exceptions import InvalidTag
from cryptography.hazmat.primitives.ciphers.aead import AESGCM
from sqlalchemy import delete, select
from sqlalchemy.orm import Session

from ledger import append, discard_blobs
from ledger.chain import Sealed, lock_head
from ledger.offline import SHREDDED_KIND
from ledger.tables import LedgerBlob
from ledger.timestamps import as_utc

from .schedule import GENERAL
from .tables import SubjectKey

__all__ = ["KeyVault", "VaultError", "MasterKey", "LocalMasterKey", "Shredded", "key_id"]

# A blob is version byte || 96-bit nonce || AES-GCM ciphertext with its tag. Version 0x01: the
# plaintext itself, the key id as associated data. Version 0x02: the plaintext compressed with
# zlib (RFC 1950) under the preset dictionary ``blob_dictionary_v2.json`` (two decisions' sealed
# payloads of fictional debtors: a decision's ~2.9 KB of JSON becomes ~0.33 KB, against ~1.1 KB
# without it), associated data 0x02 || key id (neither version passes for the other). Sealing
# writes 0x02 when it saves bytes, else 0x01; both open. The dictionary file is never edited:
# blobs sealed with it open only with it (a better one is a new version). Lengths reveal no more
# than before: a blob's plaintext is one decision's request and inputs, which no one outside can
# mix a guess into.
_RAW = b"\x01"
_ZLIB = b"\x02"
_ZLIB_LEVEL = 1   # level 6 saves a few more per cent for twice the CPU
_DICTIONARY = "blob_dictionary_v2.json"
_DICTIONARY_SHA256 = "db0531dc14f873973d5bcd123561198df8de8b7278e0e8768b5361cdc40caf25"
_NONCE_BYTES = 12  # NIST SP 800-38D §8.2: 96-bit nonces for GCM
_CACHE_KEY = "fairdun.subject_keys"
_MISSING_KEY = "fairdun.subject_keys_missing"


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


def key_id(subject_id: str, category: str = GENERAL, scope: str = "") -> str:
    """The id of the data key of ``subject_id`` for ``category`` and ``scope`` (a pseudonym of
    pseudonyms: it reveals nothing the subject pseudonym does not)."""
    if category == GENERAL and not scope:
        return subject_id
    return hashlib.sha256("\x1f".join(("fairdun/subject-key", subject_id, category, scope)).encode()).hexdigest()


@dataclass(frozen=True)
class Shredded:
    """The ledger entry recording a crypto-shredding, and the blobs it destroyed."""

    seq: int
    entry_hash: str
    blobs: list[str]


@dataclass(frozen=True)
class Destroyed:
    """Keys destroyed and the digests of the blobs they sealed (to be ledgered by the caller)."""

    keys: list[SubjectKey]
    blobs: list[str]


def _seal_blob(key: bytes, kid: str, plaintext: bytes, nonce: bytes) -> bytes:
    compressor = zlib.compressobj(_ZLIB_LEVEL, zdict=_dictionary())
    packed = compressor.compress(plaintext) + compressor.flush()
    version, plaintext = (_ZLIB, packed) if len(packed) < len(plaintext) else (_RAW, plaintext)
    return version + nonce + AESGCM(key).encrypt(nonce, plaintext, _blob_aad(version, kid))


def _open_blob(key: bytes, kid: str, data: bytes) -> bytes:
    version = data[:1]
    if version not in (_RAW, _ZLIB):
        raise VaultError("unknown blob version")
    nonce, ciphertext = data[1:1 + _NONCE_BYTES], data[1 + _NONCE_BYTES:]
    try:
        plaintext = AESGCM(key).decrypt(nonce, ciphertext, _blob_aad(version, kid))
    except InvalidTag as exc:
        raise VaultError("blob does not authenticate under the subject's key") from exc
    if version == _RAW:
        return plaintext
    decompressor = zlib.decompressobj(zdict=_dictionary())
    return decompressor.decompress(plaintext) + decompressor.flush()


@functools.cache
def _dictionary() -> bytes:
    data = resources.files("retention").joinpath(_DICTIONARY).read_bytes()
    if hashlib.sha256(data).hexdigest() != _DICTIONARY_SHA256:   # an edited file would seal blobs no one can open
        raise VaultError(f"{_DICTIONARY} is not the dictionary blobs of version 2 are compressed with")
    return data


def _blob_aad(version: bytes, kid: str) -> bytes:
    aad = kid.encode("ascii")
    return aad if version == _RAW else version + aad


class KeyVault:
    def __init__(self, *, master_key: bytes | None = None, master: MasterKey | None = None,
                 random_bytes: Callable[[int], bytes] = os.urandom) -> None:
        if (master_key is None) == (master is None):
            raise ValueError("give the vault either master_key (embedded) or a master key provider")
        self._master: MasterKey = master if master is not None else LocalMasterKey(
            master_key if master_key is not None else b"", random_bytes=random_bytes)
        self._random_bytes = random_bytes
        # names this vault's key cache in a session; an object, not id(self), which a later vault may reuse
        self._cache_token = object()

    def seal(self, session: Session, subject_id: str, plaintext: bytes, *, now: datetime,
             category: str = GENERAL, scope: str = "") -> Sealed:
        """Encrypt ``plaintext`` under the subject's data key for ``category`` and ``scope``
        (created on first use; its ``last_sealed_at`` moves to ``now``)."""
        kid = key_id(subject_id, category, scope)
        key = self._data_key(session, kid, create=(subject_id, category, scope, now))
        return Sealed(subject_id=kid, data=_seal_blob(key, kid, plaintext, self._random_bytes(_NONCE_BYTES)))

    def preload(self, session: Session, key_ids: Iterable[str]) -> None:
        """Unwrap the keys of ``key_ids`` that exist, in one query per 500, and remember which
        do not (a new subject's key is then created without a lookup of its own: batch runs)."""
        cache = self._cache(session)
        wanted = sorted(set(key_ids) - set(cache))
        missing = self._missing(session)
        with session.no_autoflush:
            for start in range(0, len(wanted), 500):
                chunk = wanted[start:start + 500]
                for row in session.scalars(select(SubjectKey).where(SubjectKey.key_id.in_(chunk))):
                    cache[row.key_id] = (self._unwrap(row), row)
                missing.update(kid for kid in chunk if kid not in cache)

    def unseal(self, session: Session, sealed: Sealed) -> bytes:
        """Decrypt ``sealed``. ``sealed.subject_id`` is the key id the blob names (its ledger row's
        ``subject_id``), or the subject pseudonym: then the blob's own row names the key, which
        must be a key of that subject."""
        kid = self._key_of(session, sealed)
        return _open_blob(self._data_key(session, kid, create=None), kid, sealed.data)

    def _key_of(self, session: Session, sealed: Sealed) -> str:
        with session.no_autoflush:
            owner = session.scalar(select(LedgerBlob.subject_id).where(LedgerBlob.sha256 == sealed.sha256))
            if owner is None or owner == sealed.subject_id:
                return sealed.subject_id
            row = session.get(SubjectKey, owner)
        if row is None or row.subject_id != sealed.subject_id:
            raise VaultError("no data key of this subject seals this blob (never sealed, or shredded)")
        return owner

    def _data_key(self, session: Session, kid: str,
                  create: tuple[str, str, str, datetime] | None) -> bytes:
        cache = self._cache(session)
        if kid in cache:
            key, row = cache[kid]
        else:
            found = None
            if kid not in self._missing(session):
                with session.no_autoflush:   # a key lookup must not flush a batch's pending rows one by one
                    found = session.get(SubjectKey, kid)
            if found is not None:
                key, row = self._unwrap(found), found
            elif create is not None:
                subject_id, category, scope, now = create
                key = self._random_bytes(32)
                row = SubjectKey(key_id=kid, subject_id=subject_id, category=category, scope=scope,
                                 wrapped_key=self._master.wrap(kid, key), created_at=now, last_sealed_at=now)
                session.add(row)
            else:
                raise VaultError("no data key for this subject (never sealed, or shredded)")
            cache[kid] = (key, row)
        if create is not None and as_utc(row.last_sealed_at) < create[3]:
            row.last_sealed_at = create[3]
        return key

    def _unwrap(self, row: SubjectKey) -> bytes:
        return self._master.unwrap(row.key_id, row.wrapped_key)

    def keys_of(self, session: Session, subject_id: str) -> list[SubjectKey]:
        """The subject's keys (every category and scope), oldest first."""
        return list(session.scalars(select(SubjectKey).where(SubjectKey.subject_id == subject_id)
                                    .order_by(SubjectKey.created_at, SubjectKey.key_id)))

    def destroy(self, session: Session, keys: Iterable[SubjectKey]) -> Destroyed:
        """Delete ``keys`` and the blobs sealed under them, inside the caller's transaction,
        without ledgering: the caller appends the entry that names the blobs (``shred`` does)."""
        lock_head(session)   # no blob under these keys can be appended meanwhile
        keys = list(keys)
        cache = self._cache(session)
        digests: list[str] = []
        for row in keys:
            cache.pop(row.key_id, None)
            if row in session:
                session.expunge(row)
            session.execute(delete(SubjectKey).where(SubjectKey.key_id == row.key_id))
            digests += discard_blobs(session, row.key_id)
        return Destroyed(keys=keys, blobs=sorted(digests))

    def shred(self, session: Session, subject_id: str, *, now: datetime,
              keys: Iterable[SubjectKey] | None = None) -> Shredded:
        """Crypto-shred ``subject_id`` (every key, or only ``keys`` of it) inside the caller's
        transaction: destroy the keys, drop their sealed blobs and ledger the fact
        (``subject_shredded``: the subject, the categories shredded, the blob digests, and
        whether any key of the subject is left)."""
        lock_head(session)
        chosen = self.keys_of(session, subject_id) if keys is None else list(keys)
        if any(row.subject_id != subject_id for row in chosen):
            raise VaultError("a key of another subject was given to shred")
        destroyed = self.destroy(session, chosen)
        blobs = destroyed.blobs
        if keys is None:   # blobs under the subject's own id whose key row is gone already
            blobs = sorted(set(blobs) | set(discard_blobs(session, subject_id)))
        remaining = session.scalar(select(SubjectKey.key_id).where(SubjectKey.subject_id == subject_id).limit(1))
        body = {"subject": subject_id, "categories": sorted({row.category for row in chosen}),
                "keys": len(chosen), "complete": remaining is None, "blobs": blobs}
        appended = append(session, kind=SHREDDED_KIND, body=body, ts=now)
        return Shredded(seq=appended.seq, entry_hash=appended.entry_hash, blobs=blobs)

    def _missing(self, session: Session) -> set[str]:
        """Key ids ``preload`` found absent in the current transaction (like ``_cache``, per
        transaction: another transaction may create them later)."""
        transaction = session.get_transaction()
        name = (_MISSING_KEY, self._cache_token)
        cached = session.info.get(name)
        if cached is None or cached[0] is not transaction:
            cached = (transaction, set())
            session.info[name] = cached
        return cached[1]

    def _cache(self, session: Session) -> dict[str, tuple[bytes, SubjectKey]]:
        """Unwrapped keys (and their rows) of this vault in the current transaction only: a key
        created in a transaction that rolls back must not outlive it, and a vault under another
        master key must not read this one's keys."""
        transaction = session.get_transaction()
        name = (_CACHE_KEY, self._cache_token)
        cached = session.info.get(name)
        if cached is None or cached[0] is not transaction:
            cached = (transaction, {})
            session.info[name] = cached
        return cached[1]


def _key_aad(subject_id: str) -> bytes:
    return b"subject-key:" + subject_id.encode("ascii")
