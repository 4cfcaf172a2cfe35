"""The contract document of a recorded decision, read from its ledger entry.

A decision is stored once: its ledger entry. The entry's body is the contract document plus
what only the ledger carries (``LEDGER_ONLY``: the subject and claim pseudonyms, the claim's
facts, the run item; see ``recording.record_decision``), so the document every reader serves is
the body without those members, plus ``ledger: {seq, entry_hash}``; what is served is the entry
that verification checks. ``entry_hash`` is computed from the entry's text as read, never taken
from a column: a client that checks it against an inclusion proof checks the text it was served.

Numbers are as the entry's canonical JSON (RFC 8785) writes them: a whole float such as ``0.0``
reads back as ``0`` (the same JSON number).

A ``decisions`` row whose ledger_seq is no entry of that decision fails closed
(``ChainBroken``, ``read_model_mismatch``: a storage error to the API, never a guessed document).
"""

from __future__ import annotations

import json
from collections.abc import Iterable
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import ChainBroken
from ledger.canonical import leaf_hash
from ledger.tables import LedgerEntry

from .tables import DecisionRow

__all__ = ["LEDGER_ONLY", "READ_MODEL_MISMATCH", "document_from_entry", "document_of", "documents_of"]

# Body members of a decision entry that its contract document does not carry.
LEDGER_ONLY = ("subject", "claim", "facts", "run")
READ_MODEL_MISMATCH = "read_model_mismatch"
_CHUNK = 500   # ids per IN (...) list: well under every database's parameter limit


def document_from_entry(entry: str, *, seq: int, decision_id: str) -> dict[str, Any]:
    """The contract document of decision ``decision_id`` from the canonical text of its entry at ``seq``."""
    parsed = json.loads(entry)
    body = parsed.get("body") if isinstance(parsed, dict) else None
    if (not isinstance(body, dict) or parsed.get("kind") != "decision" or parsed.get("seq") != seq
            or body.get("decision_id") != decision_id):
        raise ChainBroken(seq, READ_MODEL_MISMATCH, f"decisions row {decision_id}: the entry at its ledger_seq "
                                                    "is not the entry of this decision")
    document = {key: value for key, value in body.items() if key not in LEDGER_ONLY}
    document["ledger"] = {"seq": seq, "entry_hash": leaf_hash(entry.encode("utf-8"))}
    return document


def document_of(session: Session, row: DecisionRow) -> dict[str, Any]:
    """The contract document of the recorded decision ``row``."""
    entry = session.scalar(select(LedgerEntry.entry).where(LedgerEntry.seq == row.ledger_seq))
    if entry is None:
        raise ChainBroken(row.ledger_seq, READ_MODEL_MISMATCH, f"decisions row {row.decision_id}: "
                                                               "no entry at its ledger_seq")
    return document_from_entry(entry, seq=row.ledger_seq, decision_id=row.decision_id)


def documents_of(session: Session, decision_ids: Iterable[str]) -> dict[str, dict[str, Any]]:
    """The contract documents of the recorded decisions among ``decision_ids`` (unknown ids are
    left out), in one query per 500 ids."""
    wanted = sorted(set(decision_ids))
    documents: dict[str, dict[str, Any]] = {}
    for start in range(0, len(wanted), _CHUNK):
        query = (select(DecisionRow.decision_id, DecisionRow.ledger_seq, LedgerEntry.entry)
                 .outerjoin(LedgerEntry, LedgerEntry.seq == DecisionRow.ledger_seq)
                 .where(DecisionRow.decision_id.in_(wanted[start:start + _CHUNK])))
        for decision_id, seq, entry in session.execute(query):
            if entry is None:
                raise ChainBroken(seq, READ_MODEL_MISMATCH, f"decisions row {decision_id}: no entry at its ledger_seq")
            documents[decision_id] = document_from_entry(entry, seq=seq, decision_id=decision_id)
    return documents
