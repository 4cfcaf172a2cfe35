from datetime import UTC, datetime

import pytest

from ledger import Database
from retention import KeyVault, Pseudonymizer, VaultError, load_or_create_key
from service.schema import upgrade

NOW = datetime(2026, 11, 22, tzinfo=UTC)


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
