import hashlib
import json
import zlib
from datetime import UTC, datetime
from importlib import resources

import pytest
from cryptography.hazmat.primitives.ciphers.aead import AESGCM

from ledger import Database, Sealed
from retention import KeyVault, LocalMasterKey, Pseudonymizer, VaultError, load_or_create_key
from retention.tables import SubjectKey
from service.schema import upgrade

NOW = datetime(2026, 11, 22, tzinfo=UTC)
DICTIONARY_V2 = "db0531dc14f873973d5bcd123561198df8de8b7278e0e8768b5361cdc40caf25"


@pytest.fixture
def db(database_url: str):
    database = Database(database_url)
    upgrade(database.engine)
    yield database
    database.dispose()


def test_sealed_data_opens_only_for_its_subject_and_key(db: Database) -> None:
    vault = KeyVault(master_key=b"k" * 32)
    with db.unit_of_work() as uow:
        sealed = vault.seal(uow.session, "subject-a", b"Erika Mustermann", now=NOW)
        uow.commit()
    assert b"Erika" not in sealed.data
    with db.reading() as session:
        assert vault.unseal(session, sealed) == b"Erika Mustermann"
        with pytest.raises(VaultError):
            vault.unseal(session, type(sealed)(subject_id="subject-b", data=sealed.data))
        with pytest.raises(VaultError):
            KeyVault(master_key=b"x" * 32).unseal(session, sealed)


def test_a_payload_is_sealed_compressed_and_opens_as_it_was(db: Database) -> None:
    vault = KeyVault(master_key=b"k" * 32)
    payload = json.dumps({"requests": [{"debtor": {"ref": f"C-{i}", "kind": "consumer", "language": "de"}}
                                       for i in range(40)]}).encode()
    with db.unit_of_work() as uow:
        sealed = vault.seal(uow.session, "subject-a", payload, now=NOW)
        uow.commit()
    with db.unit_of_work() as uow:
        short = vault.seal(uow.session, "subject-a", b"Erika", now=NOW)
        uow.commit()
    assert sealed.data[:1] == b"\x02" and len(sealed.data) < len(payload) // 4
    assert short.data[:1] == b"\x01"   # compressing five bytes would only add to them
    with db.reading() as session:
        assert vault.unseal(session, sealed) == payload
        assert vault.unseal(session, short) == b"Erika"
        # the version is authenticated: a compressed blob does not open as an uncompressed one
        with pytest.raises(VaultError, match="authenticate"):
            vault.unseal(session, Sealed(subject_id=sealed.subject_id, data=b"\x01" + sealed.data[1:]))
        with pytest.raises(VaultError, match="unknown blob version"):
            vault.unseal(session, Sealed(subject_id=sealed.subject_id, data=b"\x03" + sealed.data[1:]))


def test_blobs_of_both_versions_as_documented_open(db: Database) -> None:
    """Version 0x01 as revision 0010 wrote it (AES-256-GCM of the plaintext, the key id as associated
    data), and 0x02 (zlib under the shipped dictionary, associated data 0x02 || key id), made by hand."""
    master, data_key, nonce = b"k" * 32, b"d" * 32, b"n" * 12
    payload = json.dumps({"request": {"debtor": {"contact": {"name": "Erika Mustermann"}}}}).encode()
    with db.unit_of_work() as uow:
        uow.session.add(SubjectKey(key_id="subject-a", subject_id="subject-a", category="general", scope="",
                                   wrapped_key=LocalMasterKey(master).wrap("subject-a", data_key),
                                   created_at=NOW, last_sealed_at=NOW))
        uow.commit()
    old = b"\x01" + nonce + AESGCM(data_key).encrypt(nonce, payload, b"subject-a")
    dictionary = (resources.files("retention") / "blob_dictionary_v2.json").read_bytes()
    assert hashlib.sha256(dictionary).hexdigest() == DICTIONARY_V2   # never edited: v2 blobs open only with it
    packer = zlib.compressobj(zdict=dictionary)
    new = b"\x02" + nonce + AESGCM(data_key).encrypt(nonce, packer.compress(payload) + packer.flush(),
                                                      b"\x02subject-a")
    with db.reading() as session:
        for blob in (old, new):
            assert KeyVault(master_key=master).unseal(session, Sealed(subject_id="subject-a", data=blob)) == payload


def test_a_key_created_in_a_rolled_back_transaction_is_not_reused(db: Database) -> None:
    vault = KeyVault(master_key=b"k" * 32)
    with db.unit_of_work() as uow:
        vault.seal(uow.session, "subject-a", b"lost", now=NOW)   # rolled back
    with db.unit_of_work() as uow:
        sealed = vault.seal(uow.session, "subject-a", b"kept", now=NOW)
        uow.commit()
    with db.reading() as session:
        assert vault.unseal(session, sealed) == b"kept"


def test_instance_keys_are_created_once_and_then_reused(tmp_path) -> None:
    first = load_or_create_key(tmp_path, "master", environ={})
    assert load_or_create_key(tmp_path, "master", environ={}) == first
    assert (tmp_path / "keys" / "master.key").stat().st_mode & 0o777 == 0o600
    import base64
    injected = base64.b64encode(b"e" * 32).decode()
    assert load_or_create_key(tmp_path, "master", environ={"FAIRDUN_MASTER_KEY": injected}) == b"e" * 32


def test_pseudonyms_are_keyed_and_separate_purposes() -> None:
    a, b = Pseudonymizer(key=b"a" * 32), Pseudonymizer(key=b"b" * 32)
    assert a.subject("C-1") == a.subject("C-1") != b.subject("C-1")
    assert a.claim("C-1", "INV-1") != a.claim("C-1", "INV-2") != a.subject("C-1")
    assert "C-1" not in a.subject("C-1")
