"""A decision's document is stored once, in its ledger entry, and what the API serves is that
entry's body (without the ledger-only members) with the entry's seq and hash."""

from __future__ import annotations

import hashlib
import json
from typing import Any

from fakes import request_with
from rights_support import HANDOVER
from sqlalchemy import inspect, select, text

LEDGER_ONLY = ("subject", "claim", "facts", "run")
READ_BESIDE = ("review", "effective", "metadata")   # read beside the recorded decision, never recorded in it


def _rebuilt(served_entry: dict[str, Any]) -> dict[str, Any]:
    """The contract document from an entry as the auditors' endpoint serves it, by hand."""
    entry = json.loads(served_entry["entry"])
    leaf = hashlib.sha256(b"\x00" + served_entry["entry"].encode()).hexdigest()   # RFC 9162 §2.1.1
    return {**{k: v for k, v in entry["body"].items() if k not in LEDGER_ONLY},
            "ledger": {"seq": entry["seq"], "entry_hash": leaf}}


def test_every_served_document_is_its_entry_and_no_table_holds_a_second_copy(client: Any, auth: Any,
                                                                               app: Any, make_app: Any) -> None:
    created = [client.post("/v1/decisions", json=request, headers=auth("ar_system")).json
               for request in (request_with(), request_with(**{**HANDOVER, "invoice.ref": "INV-6"}),
                               request_with(**{"invoice.ref": "INV-7"}))]
    held_app = make_app(POLICY_ENGINE="no-such-engine")   # the same database: this one is held
    created.append(held_app.test_client().post("/v1/decisions", json=request_with(**{"invoice.ref": "INV-8"}),
                                               headers=auth("ar_system")).json)
    assert [d["status"] for d in created] == ["decided", "needs_review", "decided", "held"]
    entries = {e["seq"]: e for e in client.get("/v1/ledger/entries", headers=auth("auditor")).json["entries"]}
    for made in created:
        # an auditor is served the message's digest as the ledger holds it (service/api_messages.py)
        served = client.get(f"/v1/decisions/{made['decision_id']}", headers=auth("auditor")).json
        recorded = {k: v for k, v in served.items() if k not in READ_BESIDE}
        assert recorded == _rebuilt(entries[made["ledger"]["seq"]])
        # as the POST answered it (its message with the text the AR system reads)
        assert {k: v for k, v in recorded.items() if k != "message"} == {
            k: v for k, v in made.items() if k not in ("metadata", "message")}
    engine = app.extensions["fairdun"].db.engine
    tables = inspect(engine)
    assert "document" not in {c["name"] for c in tables.get_columns("decisions")}
    # the explanation's text is in the ledger entries and nowhere else
    summary = created[0]["explanation"]["summary"]
    holding: set[str] = set()
    with engine.connect() as connection:
        for table in tables.get_table_names():
            for row in connection.execute(select(text("*")).select_from(text(f'"{table}"'))):
                holding.update(table for value in row if isinstance(value, str) and summary in value)
    assert holding == {"ledger_entries"}
