"""The audit report's human-review and data-subject-request sections.

Read from the ledger events of the rights and review workflows. Until an installation records
such events the sections say so (nothing is estimated)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from ledger.tables import LedgerEntry

__all__ = ["review_figures", "REVIEW_KINDS", "REQUEST_KINDS"]

REVIEW_KINDS: tuple[str, ...] = ()
REQUEST_KINDS: tuple[str, ...] = ()


def review_figures(session: Session, *, start: datetime, end: datetime, now: datetime) -> dict[str, Any]:
    kinds = REVIEW_KINDS + REQUEST_KINDS
    recorded = 0
    if kinds:
        recorded = session.scalar(select(func.count()).select_from(LedgerEntry)
                                  .where(LedgerEntry.kind.in_(kinds), LedgerEntry.ts < end)) or 0
    return {"review": {"recorded": bool(recorded)}, "requests": {"recorded": bool(recorded)}}
