"""Shared data and readers of the rights tests."""

from __future__ import annotations

import json
from typing import Any

__all__ = ["HANDOVER", "entries"]

# 82 days overdue after reminders 1-3: the next step is the collection handover (needs review)
HANDOVER = {"invoice.due_on": "2026-09-01", "invoice.issued_on": "2026-08-01", "history.dunning": [
    {"at": "2026-09-05T09:00:00Z", "kind": "reminder", "level": 1, "channel": "letter"},
    {"at": "2026-09-20T09:00:00Z", "kind": "reminder", "level": 2, "channel": "letter"},
    {"at": "2026-10-10T09:00:00Z", "kind": "final_notice", "level": 3, "channel": "letter"}]}


def entries(runtime: Any, kind: str | None = None) -> list[dict[str, Any]]:
    from ledger.tables import LedgerEntry

    with runtime.db.reading() as session:
        query = session.query(LedgerEntry).order_by(LedgerEntry.seq)
        if kind is not None:
            query = query.filter(LedgerEntry.kind == kind)
        return [json.loads(row.entry) for row in query]
