"""What fairdun remembers about claims: reading and writing ``claim_activity``."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select, text
from sqlalchemy.orm import Session

from ledger.timestamps import as_utc

from .situation import Activity
from .tables import ClaimActivityRow

__all__ = ["lock_claim", "remembered", "remember"]

def lock_claim(session: Session, claim_id: str) -> None:
    """Serialise decisions about one claim (PostgreSQL; SQLite write transactions
    are serialised already), so frequency caps see every earlier decision."""
    if session.get_bind().dialect.name == "postgresql":
        session.execute(text("SELECT pg_advisory_xact_lock(:key)"), {"key": int(claim_id[:15], 16)})

def remembered(session: Session, claim_id: str, *, before: datetime) -> tuple[Activity, ...]:
    rows = session.scalars(
        select(ClaimActivityRow).where(ClaimActivityRow.claim_id == claim_id, ClaimActivityRow.at < before)
        .order_by(ClaimActivityRow.at, ClaimActivityRow.id)
    )
    return tuple(
        Activity(at=as_utc(r.at), activity=r.activity, kind=r.kind, level=r.level, channel=r.channel,
                 connected=r.connected, on_date=r.on_date, decision_id=r.decision_id, status=r.status)
        for r in rows
    )

def remember(session: Session, *, claim_id: str, subject_id: str, source_id: str, ledger_seq: int,
             activity: Activity) -> None:
    session.add(ClaimActivityRow(
        claim_id=claim_id, subject_id=subject_id, source_id=source_id, ledger_seq=ledger_seq,
        at=activity.at, activity=activity.activity, kind=activity.kind, level=activity.level,
        channel=activity.channel, connected=activity.connected, on_date=activity.on_date,
        decision_id=activity.decision_id, status=activity.status,
    ))