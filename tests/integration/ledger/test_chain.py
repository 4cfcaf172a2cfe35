"""The hash chain on both databases: append, verify, detect tampering."""

from __future__ import annotations

import hashlib
import json
import threading
from datetime import UTC, datetime

import pytest
from sqlalchemy import text

from ledger import BlobMismatch, ChainBroken, Database, LedgerError, Sealed, append, verify_chain
from ledger.canonical import canonical_json, leaf_hash
from ledger.chain import GENESIS_PREV
from ledger.tables import LedgerEntry
from service.schema import upgrade

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(database_url: str):
    database = Database(database_url)
    upgrade(database.engine)
    yield database
    database.dispose()


def _append(db: Database, n: int, *, sealed: bool = False) -> list:
    out = []
    with db.unit_of_work() as uow:
        for i in range(n):
            blob = Sealed(subject_id="s" * 64, data=f"blob {i}".encode()) if sealed else None
            out.append(append(uow.session, kind="test", body={"i": i, "x": 0.1 * i}, ts=T0, sealed=blob))
        uow.commit()
    return out


def _tamper(db: Database, sql: str, **params: object) -> None:
    """Bypass the append-only triggers, as an attacker with database access would."""
    with db.engine.connect() as connection:
        if db.is_sqlite:
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS ledger_entries_no_update")
            connection.exec_driver_sql("DROP TRIGGER IF EXISTS ledger_entries_no_delete")
        else:
            connection.execute(text("ALTER TABLE ledger_entries DISABLE TRIGGER USER"))
        connection.execute(text(sql), params)
        connection.commit()


def test_entries_are_canonical_json_chained_by_leaf_hash(db: Database) -> None:
    appended = _append(db, 3)
    assert [a.seq for a in appended] == [0, 1, 2]
    with db.reading() as session:
        rows = [(r.entry, r.leaf_hash) for r in session.query(LedgerEntry).order_by(LedgerEntry.seq)]
    prev = GENESIS_PREV
    for (entry, stored_hash), a in zip(rows, appended, strict=False):
        document = json.loads(entry)
        assert set(document) == {"seq", "ts", "kind", "prev", "body", "sealed_sha256"}
        assert document["prev"] == prev
        assert canonical_json(document).decode() == entry
        # RFC 9162 §2.1.1, computed independently of the ledger code
        assert a.entry_hash == hashlib.sha256(b"\x00" + entry.encode()).hexdigest() == stored_hash
        prev = stored_hash
    with db.reading() as session:
        report = verify_chain(session)
    assert (report.entries, report.head_hash) == (3, appended[-1].entry_hash)


def test_appends_in_separate_transactions_continue_the_chain(db: Database) -> None:
    first = _append(db, 2)
    second = _append(db, 2)
    assert [a.seq for a in first + second] == [0, 1, 2, 3]
    with db.reading() as session:
        entry2 = json.loads(session.get(LedgerEntry, 2).entry)
    assert entry2["prev"] == first[-1].entry_hash


def test_a_rolled_back_transaction_leaves_no_entry(db: Database) -> None:
    with db.unit_of_work() as uow:
        append(uow.session, kind="test", body={}, ts=T0)   # no commit
    assert _append(db, 1)[0].seq == 0


def test_the_database_refuses_updates_and_deletes(db: Database) -> None:
    _append(db, 1)
    for statement in ("UPDATE ledger_entries SET kind = 'x'", "DELETE FROM ledger_entries"):
        with pytest.raises(Exception, match="append-only"), db.engine.connect() as connection:
            connection.execute(text(statement))
            connection.commit()
    with db.reading() as session:
        assert verify_chain(session).entries == 1


def test_a_modified_body_is_found_at_its_seq(db: Database) -> None:
    _append(db, 4)
    with db.reading() as session:
        original = session.get(LedgerEntry, 2).entry
    _tamper(db, "UPDATE ledger_entries SET entry = :e WHERE seq = 2", e=original.replace('"i":2', '"i":7'))
    with db.reading() as session, pytest.raises(ChainBroken) as caught:
        verify_chain(session)
    assert (caught.value.seq, caught.value.reason) == (2, "modified")


def test_a_rehashed_modification_is_found_at_its_seq_by_the_next_link(db: Database) -> None:
    _append(db, 4)
    with db.reading() as session:
        document = json.loads(session.get(LedgerEntry, 1).entry)
    document["body"]["i"] = 99
    forged = canonical_json(document)
    _tamper(db, "UPDATE ledger_entries SET entry = :e, leaf_hash = :h WHERE seq = 1",
            e=forged.decode(), h=leaf_hash(forged))
    with db.reading() as session, pytest.raises(ChainBroken) as caught:
        verify_chain(session)
    assert (caught.value.seq, caught.value.reason) == (1, "modified")


def test_a_deleted_entry_is_reported_missing(db: Database) -> None:
    _append(db, 4)
    _tamper(db, "DELETE FROM ledger_entries WHERE seq = 1")
    with db.reading() as session, pytest.raises(ChainBroken) as caught:
        verify_chain(session)
    assert (caught.value.seq, caught.value.reason) == (1, "missing")


def test_a_changed_sealed_blob_is_detected(db: Database) -> None:
    _append(db, 2, sealed=True)
    with db.engine.connect() as connection:
        connection.execute(text("UPDATE ledger_blobs SET data = :d WHERE sha256 IN "
                                "(SELECT sealed_sha256 FROM ledger_entries WHERE seq = 1)"), {"d": b"other"})
        connection.commit()
    with db.reading() as session, pytest.raises(BlobMismatch) as caught:
        verify_chain(session)
    assert (caught.value.seq, caught.value.reason) == (1, "modified")


def test_concurrent_writers_form_one_contiguous_chain(db: Database) -> None:
    errors: list[BaseException] = []

    def writer(k: int) -> None:
        try:
            for i in range(10):
                with db.unit_of_work() as uow:
                    append(uow.session, kind="test", body={"writer": k, "i": i}, ts=T0)
                    uow.commit()
        except BaseException as exc:  # reported below
            errors.append(exc)

    threads = [threading.Thread(target=writer, args=(k,)) for k in range(6)]
    for t in threads:
        t.start()
    for t in threads:
        t.join()
    assert errors == []
    with db.reading() as session:
        report = verify_chain(session)
        seqs = [s for (s,) in session.query(LedgerEntry.seq).order_by(LedgerEntry.seq)]
    assert report.entries == 60
    assert seqs == list(range(60))


def test_appended_rows_are_visible_to_the_transaction_and_written_on_any_commit(db: Database) -> None:
    with db.unit_of_work() as uow:
        append(uow.session, kind="test", body={}, ts=T0)
        assert uow.session.get(LedgerEntry, 0) is not None     # a query writes what was appended
        append(uow.session, kind="test", body={}, ts=T0)
        uow.session.commit()                                    # not only UnitOfWork.commit()
    with db.reading() as session:
        assert verify_chain(session).entries == 2
        with pytest.raises(LedgerError, match="unit_of_work"):
            append(session, kind="test", body={}, ts=T0)
