"""Revision 0011 on both databases: ``decisions.document`` goes and the same document is read from
the entry; a downgrade writes it back; the tables are the models' (the dropped indexes included)."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from typing import Any

from alembic import command
from alembic.autogenerate import compare_metadata
from alembic.runtime.migration import MigrationContext
from sqlalchemy import inspect, text

from decisions.documents import documents_of
from ledger import Database
from ledger.canonical import canonical_json, leaf_hash
from ledger.chain import GENESIS_PREV, entry_document
from service.schema import alembic_config, metadata, upgrade

AT = datetime(2026, 11, 22, 9, tzinfo=UTC)
OURS = ("decisions", "portal_claims", "ledger_entries")


def _record_as_0010_did(database: Database) -> dict[str, Any]:
    """A decision entry and its row with the document column, as revision 0010's code wrote them."""
    document = {"decision_id": "d-1", "status": "decided", "as_of": "2026-11-22T09:00:00Z",
                "action": {"kind": "reminder", "level": 1, "fees": []}, "risk": {"p_late": 0.25}}
    body = {**document, "subject": "s" * 64, "claim": "c" * 64, "facts": {"currency": "EUR"},
            "run": {"run_id": "r-1", "item": 0}}
    entry = canonical_json(entry_document(seq=0, ts=AT, kind="decision", prev=GENESIS_PREV, body=body,
                                          sealed_sha256=None))
    document["ledger"] = {"seq": 0, "entry_hash": leaf_hash(entry)}
    with database.engine.begin() as connection:
        connection.execute(text("INSERT INTO ledger_entries (seq, ts, kind, entry, leaf_hash) "
                                "VALUES (0, :ts, 'decision', :entry, :leaf)"),
                           {"ts": AT, "entry": entry.decode(), "leaf": leaf_hash(entry)})
        connection.execute(text(
            "INSERT INTO decisions (decision_id, ledger_seq, entry_hash, subject_id, claim_id, as_of, recorded_at, "
            "status, action_kind, level, run_id, run_item, document) VALUES ('d-1', 0, :leaf, :subject, :claim, "
            ":at, :at, 'decided', 'reminder', 1, 'r-1', 0, :document)"),
            {"leaf": leaf_hash(entry), "subject": "s" * 64, "claim": "c" * 64, "at": AT,
             "document": json.dumps(document)})
    return document


def test_the_document_moves_to_the_entry_and_back(database_url: str) -> None:
    bare = Database(database_url)
    try:
        _moves_and_back(bare)
    finally:
        bare.dispose()


def _moves_and_back(bare: Database) -> None:
    upgrade(bare.engine, "0010")
    document = _record_as_0010_did(bare)
    upgrade(bare.engine)
    schema = inspect(bare.engine)
    assert "document" not in {c["name"] for c in schema.get_columns("decisions")}
    with bare.reading() as session:
        assert documents_of(session, ["d-1", "unknown"]) == {"d-1": document}
    with bare.engine.connect() as connection:
        differences = compare_metadata(MigrationContext.configure(connection), metadata())
    assert [d for d in differences if any(f"'{table}'" in repr(d) for table in OURS)] == []

    command.downgrade(alembic_config(bare.engine), "0010")
    with bare.engine.connect() as connection:
        stored = connection.execute(text("SELECT document FROM decisions WHERE decision_id = 'd-1'")).scalar_one()
    assert json.loads(stored) == document
    schema = inspect(bare.engine)
    assert not next(c for c in schema.get_columns("decisions") if c["name"] == "document")["nullable"]
    assert {"ix_decisions_run_id"} <= {i["name"] for i in schema.get_indexes("decisions")}
    assert {"ix_ledger_entries_sealed_sha256"} <= {i["name"] for i in schema.get_indexes("ledger_entries")}
    upgrade(bare.engine)
