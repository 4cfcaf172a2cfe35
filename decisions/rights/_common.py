"""What the rights workflows share: their configuration, sealing texts under the subject's
rights key, reading sealed entries back, the subject-status projection, time formatting."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from ledger import Database, Sealed
from ledger.tables import LedgerBlob, LedgerEntry
from ledger.timestamps import as_utc, rfc3339
from retention import KeyVault, Pseudonymizer, Schedule, VaultError, load_schedule

from ..privacy import Controller
from .deadlines import DEFAULT_CALENDAR, Calendar
from .portal_access import PortalAccess
from .tables import SubjectStatusRow

__all__ = ["RightsConfig", "RightsContext", "seal_text", "unseal_entry", "subject_status", "iso", "DEFAULT_RIGHTS"]


@dataclass(frozen=True)
class RightsConfig:
    """What recording a decision needs from the rights workflows: the retention schedule (which
    key seals the record), the calendar (deadlines of automatic reviews) and the portal keys
    (access-code lookup rows; None: no portal rows are written)."""

    schedule: Schedule = field(default_factory=load_schedule)
    calendar: Calendar = DEFAULT_CALENDAR
    portal: PortalAccess | None = None


DEFAULT_RIGHTS = RightsConfig()


@dataclass(frozen=True)
class RightsContext:
    """Everything the workflows use; built once per app (``service.runtime``)."""

    db: Database
    vault: KeyVault
    pseudonyms: Pseudonymizer
    config: RightsConfig
    clock: Callable[[], datetime]
    new_id: Callable[[], str]
    policy: Callable[[], Any] | None = None     # the current PolicyEngine (checks a reviewer's modified action)
    controller: Controller | None = None        # GDPR Art. 13/14: shown on the portal and in the access export

    @property
    def portal(self) -> PortalAccess | None:
        return self.config.portal

    @property
    def schedule(self) -> Schedule:
        return self.config.schedule

    @property
    def calendar(self) -> Calendar:
        return self.config.calendar


def seal_text(session: Session, ctx: RightsContext, subject_id: str, payload: dict[str, Any], *,
              now: datetime) -> Sealed:
    """Seal free text of a request or review (statements, notes, rationales) under the subject's
    key for rights requests: it may hold personal data, so it never enters a ledger body."""
    placement = ctx.schedule.place("rights_request", at=now)
    return ctx.vault.seal(session, subject_id, json.dumps(payload, sort_keys=True).encode("utf-8"), now=now,
                          category=placement.category, scope=placement.scope)


def unseal_entry(session: Session, vault: KeyVault, seq: int | None) -> dict[str, Any] | None:
    """The sealed payload of ledger entry ``seq``; None when it has none or it was shredded."""
    if seq is None:
        return None
    digest = session.get(LedgerEntry, seq)
    if digest is None or digest.sealed_sha256 is None:
        return None
    blob = session.get(LedgerBlob, digest.sealed_sha256)
    if blob is None:
        return None
    try:
        return json.loads(vault.unseal(session, Sealed(subject_id=blob.subject_id, data=blob.data)))
    except (VaultError, ValueError):
        return None


def subject_status(session: Session, subject_id: str, *, now: datetime) -> SubjectStatusRow:
    """The subject's status row, created (empty) on first use."""
    row = session.get(SubjectStatusRow, subject_id)
    if row is None:
        row = SubjectStatusRow(subject_id=subject_id, open_rectifications=0, updated_at=now)
        session.add(row)
    row.updated_at = now
    return row


def iso(moment: datetime | None) -> str | None:
    return rfc3339(as_utc(moment)) if moment is not None else None
