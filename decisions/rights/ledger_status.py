"""Ledger status for the console: the latest signed checkpoint and the last verification result.
``verify_and_record`` runs ``Notary.verify``, then compares every read model with the verified
entries (``decisions.read_models``), and keeps the result (``ledger_verifications``; an
observation, not a state change of the ledger, so it is not itself a ledger entry)."""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime
from typing import Any

from sqlalchemy import select

from ledger import ChainBroken, Database, LedgerError, Notary
from ledger.checkpoints import latest_checkpoint
from ledger.errors import BlobMismatch
from ledger.offline import NoteVerifier, VerificationFailed

from ..errors import storage_guard
from ..read_models import verify_read_models
from ._common import iso
from .tables import LedgerVerificationRow

__all__ = ["verify_and_record", "record_verification", "ledger_status"]


def record_verification(db: Database, *, now: datetime, report: Any = None, failure: Exception | None = None) -> None:
    row = LedgerVerificationRow(verified_at=now, ok=failure is None)
    if report is not None:
        row.entries, row.head_hash = report.entries, report.head_hash
        row.checkpoints, row.latest_checkpoint = report.checkpoints, report.latest_checkpoint
        row.blobs_shredded = report.blobs_shredded
    if failure is not None:
        row.failed_seq = getattr(failure, "seq", None)
        reason, detail = getattr(failure, "reason", None), getattr(failure, "detail", None)
        row.failure = " ".join(str(p) for p in (type(failure).__name__, reason, detail) if p)[:500]
    with storage_guard("the verification result"), db.unit_of_work() as uow:
        uow.session.add(row)
        uow.commit()


def verify_and_record(db: Database, notary: Notary, *, now: datetime, trusted: Sequence[NoteVerifier] | None = None,
                      checkpoints: Sequence[str] = ()) -> Any:
    """``notary.verify`` and the read models, with the result recorded either way; re-raises a failure."""
    try:
        report = notary.verify(trusted=trusted, checkpoints=list(checkpoints))
        with db.reading() as session:
            verify_read_models(session)
    except (ChainBroken, BlobMismatch, VerificationFailed, LedgerError) as exc:
        record_verification(db, now=now, failure=exc)
        raise
    record_verification(db, now=now, report=report)
    return report


def ledger_status(db: Database) -> dict[str, Any]:
    with storage_guard("the ledger status"), db.reading() as session:
        checkpoint = latest_checkpoint(session)
        last = session.scalars(select(LedgerVerificationRow)
                               .order_by(LedgerVerificationRow.verified_at.desc(), LedgerVerificationRow.id.desc())
                               .limit(1)).first()
        return {
            "checkpoint": None if checkpoint is None else {
                "tree_size": checkpoint.tree_size, "root_hash": checkpoint.root_hash,
                "signed_at": iso(checkpoint.signed_at), "signer": checkpoint.signer},
            "last_verification": None if last is None else {
                "verified_at": iso(last.verified_at), "ok": last.ok, "entries": last.entries,
                "head_hash": last.head_hash, "checkpoints": last.checkpoints,
                "latest_checkpoint": last.latest_checkpoint, "blobs_shredded": last.blobs_shredded,
                "failed_seq": last.failed_seq, "failure": last.failure},
        }
