"""Retention runs: the schedule applied to every data key at one moment.

(1) every key's retention end is computed from its category, scope and last record
    (``Schedule.retention_end``); a key of a category the schedule does not know is kept
    (fail closed) and counted;
(2) a key whose end has come is shredded unless a legal hold keeps its subject;
(3) ONE ledger entry (``retention_run``) records the schedule, the counts and the digests of
    the blobs destroyed, so ``ledger verify`` reports them as shredded, never as missing.

Everything happens in the caller's transaction, at the injected ``now``: the same database,
schedule and ``now`` give the same run.
"""

from __future__ import annotations

from collections import Counter
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import append
from ledger.chain import lock_head
from ledger.offline import RETENTION_RUN_KIND
from ledger.timestamps import as_utc, rfc3339

from .holds import held_subjects
from .schedule import Schedule
from .tables import SubjectKey
from .vault import KeyVault

__all__ = ["RetentionRun", "run_retention", "retention_ends"]


@dataclass
class RetentionRun:
    as_of: datetime
    schedule_version: str
    schedule_sha256: str
    keys: int = 0
    shredded: Counter[str] = field(default_factory=Counter)      # by category
    held: Counter[str] = field(default_factory=Counter)          # expired, kept by a legal hold
    kept: Counter[str] = field(default_factory=Counter)          # not expired yet
    unknown: Counter[str] = field(default_factory=Counter)       # category not in the schedule: kept
    blobs: list[str] = field(default_factory=list)
    subjects_shredded: list[str] = field(default_factory=list)   # subjects some key of which was shredded
    subjects_emptied: list[str] = field(default_factory=list)    # ... and which have no key left
    seq: int | None = None
    entry_hash: str | None = None

    def counts(self) -> dict[str, Any]:
        return {"keys_examined": self.keys, "keys_shredded": sum(self.shredded.values()),
                "keys_held": sum(self.held.values()), "keys_kept": sum(self.kept.values()),
                "keys_unknown_category": sum(self.unknown.values()), "blobs_shredded": len(self.blobs),
                "subjects_shredded": len(self.subjects_shredded), "subjects_emptied": len(self.subjects_emptied),
                "shredded_by_category": dict(sorted(self.shredded.items())),
                "held_by_category": dict(sorted(self.held.items()))}

    def document(self) -> dict[str, Any]:
        return {"as_of": rfc3339(self.as_of),
                "schedule": {"version": self.schedule_version, "sha256": self.schedule_sha256},
                **self.counts(), "ledger": {"seq": self.seq, "entry_hash": self.entry_hash}}


def run_retention(session: Session, *, vault: KeyVault, schedule: Schedule, now: datetime,
                  actor: str) -> RetentionRun:
    lock_head(session)   # no record can be sealed under a key while the run decides about it
    run = RetentionRun(as_of=now, schedule_version=schedule.version, schedule_sha256=schedule.sha256)
    held = held_subjects(session)
    expired: list[SubjectKey] = []
    for row in session.scalars(select(SubjectKey).order_by(SubjectKey.subject_id, SubjectKey.key_id)):
        run.keys += 1
        # (1) the key's retention end
        if row.category not in schedule.categories:
            run.unknown[row.category] += 1
            continue
        end = schedule.retention_end(row.category, row.scope, as_utc(row.last_sealed_at))
        if end > now:
            run.kept[row.category] += 1
        # (2) expired: shredded unless held
        elif row.subject_id in held:
            run.held[row.category] += 1
        else:
            expired.append(row)
    destroyed = vault.destroy(session, expired)
    run.shredded.update(row.category for row in expired)
    run.blobs = destroyed.blobs
    touched = sorted({row.subject_id for row in expired})
    left = set(session.scalars(select(SubjectKey.subject_id).where(SubjectKey.subject_id.in_(touched)))) \
        if touched else set()
    run.subjects_shredded = touched
    run.subjects_emptied = [s for s in touched if s not in left]
    # (3) one ledger entry for the run
    appended = append(session, kind=RETENTION_RUN_KIND, ts=now, body={
        "as_of": rfc3339(now), "actor": actor,
        "schedule": {"version": schedule.version, "sha256": schedule.sha256},
        "counts": run.counts(), "subjects": touched, "blobs": run.blobs})
    run.seq, run.entry_hash = appended.seq, appended.entry_hash
    return run


def retention_ends(session: Session, subject_id: str, *, schedule: Schedule) -> list[dict[str, Any]]:
    """The subject's keys with their category, scope and retention end (for the access export
    and the erasure outcome)."""
    out = []
    for row in session.scalars(select(SubjectKey).where(SubjectKey.subject_id == subject_id)
                               .order_by(SubjectKey.category, SubjectKey.scope)):
        known = row.category in schedule.categories
        end = schedule.retention_end(row.category, row.scope, as_utc(row.last_sealed_at)) if known else None
        out.append({"category": row.category, "scope": "claim" if len(row.scope) == 64 else row.scope,
                    "kept_until": rfc3339(end) if end else None,
                    "duty": schedule.categories[row.category].duty if known else True})
    return out
