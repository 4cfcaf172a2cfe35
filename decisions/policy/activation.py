"""Activating a policy bundle is a ledger event.

``activate(session, engine, ...)`` appends ``policy_bundle_activated`` (the bundle's SHA-256, the
engine that evaluates it with its version, the Rego test run that passed on it, where the
activation came from, the bundle active before), stores the bundle's OPA archive once, and
projects the activation, all in the caller's transaction. Only an engine from ``build_engine``
(whose bundle passed its Rego tests on it) can be activated.
``ensure_activated(db, engine, now=)`` does so at service start when the running bundle was never
activated (appends serialise on the ledger head, so two starting workers record it once).
"""

from __future__ import annotations

import hashlib
import logging
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import inspect, select
from sqlalchemy.orm import Session

from ledger import Database, append
from ledger.chain import lock_head

from ._model import _fail
from ._opa_bundle import opa_bundle_bytes
from .tables import ACTIVATION_SOURCES, PolicyActivationRow, PolicyBundleRow

__all__ = ["ACTIVATION_EVENT", "Activation", "activate", "activations", "ensure_activated", "stored_archive"]

log = logging.getLogger(__name__)

ACTIVATION_EVENT = "policy_bundle_activated"


@dataclass(frozen=True, slots=True)
class Activation:
    bundle_sha256: str
    engine: str
    source: str
    activated_at: datetime
    ledger_seq: int
    entry_hash: str
    previous_sha256: str | None


def activate(session: Session, engine: Any, *, source: str, now: datetime) -> Activation:
    """Record the activation of ``engine.bundle`` on ``engine`` in the caller's transaction
    (nothing is committed)."""
    if source not in ACTIVATION_SOURCES:
        raise ValueError(f"activation source must be one of {', '.join(ACTIVATION_SOURCES)}")
    bundle, tests = engine.bundle, getattr(engine, "tests", None)
    if tests is None or not tests.passed:
        raise _fail(f"policy bundle {bundle.sha256[:12]} was not tested on {engine.name}: not activated")
    lock_head(session)   # serialise with every other append before reading what was active
    previous = _latest(session)
    if session.get(PolicyBundleRow, bundle.sha256) is None:
        archive = opa_bundle_bytes(bundle)
        session.add(PolicyBundleRow(sha256=bundle.sha256, archive=archive,
                                    archive_sha256=hashlib.sha256(archive).hexdigest(), stored_at=now))
    body = {
        "bundle_sha256": bundle.sha256,
        "engine": engine.name,
        "engine_version": engine.version,
        "tests": tests.to_dict(),
        "source": source,
        "rules": sorted(rule.id for rule in bundle.rules),
        "previous_bundle_sha256": previous.bundle_sha256 if previous else None,
    }
    appended = append(session, kind=ACTIVATION_EVENT, body=body, ts=now)
    session.add(PolicyActivationRow(ledger_seq=appended.seq, bundle_sha256=bundle.sha256, engine=engine.name,
                                    source=source, activated_at=now, entry_hash=appended.entry_hash))
    log.info("policy bundle %s activated (%s, %s) at ledger seq %d", bundle.sha256[:12], engine.name, source,
             appended.seq)
    return Activation(bundle_sha256=bundle.sha256, engine=engine.name, source=source, activated_at=now,
                      ledger_seq=appended.seq, entry_hash=appended.entry_hash,
                      previous_sha256=previous.bundle_sha256 if previous else None)


def ensure_activated(db: Database, engine: Any, *, now: datetime) -> Activation | None:
    """Record the activation of ``bundle`` unless it was ever activated; None when it was, or when
    the database has no activation table yet (not migrated: ``fairdun init-db``)."""
    with db.reading() as session:
        if not inspect(session.get_bind()).has_table(PolicyActivationRow.__tablename__):
            log.warning("policy bundle activation not recorded: the database is not migrated")
            return None
    with db.unit_of_work() as uow:
        lock_head(uow.session)
        if uow.session.scalar(select(PolicyActivationRow.ledger_seq).where(
                PolicyActivationRow.bundle_sha256 == engine.bundle_sha256).limit(1)) is not None:
            return None
        activation = activate(uow.session, engine, source="start", now=now)
        uow.commit()
    return activation


def activations(session: Session) -> list[Activation]:
    """Every activation, oldest first."""
    rows = session.scalars(select(PolicyActivationRow).order_by(PolicyActivationRow.ledger_seq)).all()
    result: list[Activation] = []
    for row in rows:
        result.append(Activation(bundle_sha256=row.bundle_sha256, engine=row.engine, source=row.source,
                                 activated_at=row.activated_at, ledger_seq=row.ledger_seq, entry_hash=row.entry_hash,
                                 previous_sha256=result[-1].bundle_sha256 if result else None))
    return result


def stored_archive(session: Session, bundle_sha256: str) -> bytes | None:
    """The OPA archive of an activated bundle, as stored when it was activated."""
    row = session.get(PolicyBundleRow, bundle_sha256)
    return row.archive if row is not None else None


def _latest(session: Session) -> PolicyActivationRow | None:
    return session.scalar(select(PolicyActivationRow).order_by(PolicyActivationRow.ledger_seq.desc()).limit(1))
