"""What fairdun remembers about claims (``claim_activity``), read and kept per transaction."""

from __future__ import annotations

import json
from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ledger.db import insert_later
from ledger.timestamps import as_utc

from .situation import Activity
from .tables import ClaimActivityRow

__all__ = ["ClaimMemory", "lock_claim", "remember"]

_PREFETCH_CHUNK = 500


class ClaimMemory:
    """The remembered activity of the claims one transaction decides about.

    Each claim is locked and read once (a batch prefetches all its claims in one
    query); what the transaction records is added here too, so a later decision
    about the same claim in the same transaction sees it without a flush. A batch
    run reads ahead without locks (``lock=False``) and checks again under them.
    """

    def __init__(self, session: Session, *, lock: bool = True) -> None:
        self._session = session
        self._lock = lock
        self._known: dict[str, list[Activity]] = {}

    def prefetch(self, claim_ids: list[str]) -> None:
        missing = sorted(set(claim_ids) - set(self._known))
        for claim_id in missing:   # sorted: concurrent batches take locks in one order
            if self._lock:
                lock_claim(self._session, claim_id)
            self._known[claim_id] = []
        with self._session.no_autoflush:
            for start in range(0, len(missing), _PREFETCH_CHUNK):
                chunk = missing[start:start + _PREFETCH_CHUNK]
                rows = self._session.scalars(select(ClaimActivityRow).where(ClaimActivityRow.claim_id.in_(chunk))
                                             .order_by(ClaimActivityRow.at, ClaimActivityRow.id))
                for row in rows:
                    self._known[row.claim_id].append(_activity(row))

    def before(self, claim_id: str, moment: datetime) -> tuple[Activity, ...]:
        if claim_id not in self._known:
            self.prefetch([claim_id])
        return tuple(a for a in self._known[claim_id] if a.at < moment)

    def add(self, *, claim_id: str, subject_id: str, source_id: str, ledger_seq: int, activity: Activity) -> None:
        remember(self._session, claim_id=claim_id, subject_id=subject_id, source_id=source_id,
                 ledger_seq=ledger_seq, activity=activity)
        self._known.setdefault(claim_id, []).append(activity)


def remember(session: Session, *, claim_id: str, subject_id: str, source_id: str, ledger_seq: int,
             activity: Activity) -> None:
    insert_later(session, ClaimActivityRow, {
        "claim_id": claim_id, "subject_id": subject_id, "source_id": source_id, "ledger_seq": ledger_seq,
        "at": activity.at, "activity": activity.activity, "kind": activity.kind, "level": activity.level,
        "channel": activity.channel, "connected": activity.connected, "on_date": activity.on_date,
        "decision_id": activity.decision_id, "status": activity.status,
        "notices": json.dumps(sorted(activity.notices)) if activity.activity == "dunning" else None,
    })


def lock_claim(session: Session, claim_id: str) -> None:
    """Serialise writers about one claim (PostgreSQL; SQLite write transactions are
    serialised already), so frequency caps see every earlier decision and event."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(claim_id[:15], 16)})


def _activity(row: ClaimActivityRow) -> Activity:
    return Activity(at=as_utc(row.at), activity=row.activity, kind=row.kind, level=row.level, channel=row.channel,
                    connected=row.connected, on_date=row.on_date, decision_id=row.decision_id, status=row.status,
                    notices=tuple(json.loads(row.notices)) if row.notices else ())
