"""``fairdun model dataset --from-ledger``: the training set of fairdun's own decisions
(``reports.training_set``), from a ledger verified first, its SHA-256 recorded in the ledger
(``training_set_exported``) before the file appears under its name."""

from __future__ import annotations

import os
from datetime import datetime
from pathlib import Path
from typing import Any

from flask import Flask

from decisions.errors import Conflict
from explain import ModelError
from ledger import append
from ledger.timestamps import rfc3339
from reports.training_set import training_set

from .api_ledger import notary
from .api_reports import _verified

__all__ = ["export_training_set", "champion_target", "EXPORT_KIND"]

EXPORT_KIND = "training_set_exported"


def champion_target(app: Flask) -> dict[str, int]:
    """The target (``late_after_days``, ``horizon_days``) of the model that scores live decisions
    (the approved one, or the deployment default while the registry is empty): what a challenger
    must predict to be compared with it."""
    models = app.extensions["fairdun"].models
    try:
        champion = models.model(models.state())
    except ModelError as exc:
        raise Conflict(f"{exc}; or name the target with --late-after-days and --horizon-days",
                       code="no_champion") from exc
    target = champion.artifact.get("target") or {}
    if "late_after_days" not in target or "horizon_days" not in target:
        raise Conflict(f"the model {champion.id} does not define its target's horizon", code="no_champion")
    return {"late_after_days": int(target["late_after_days"]), "horizon_days": int(target["horizon_days"])}


def export_training_set(app: Flask, out: Path, *, now: datetime, include_open: bool,
                        target: dict[str, int] | None, actor: dict[str, Any]) -> dict[str, Any]:
    """Write the training set as of ``now`` to ``out``; returns its summary and ledger entry."""
    runtime = app.extensions["fairdun"]
    chosen = target or champion_target(app)
    verified = _verified(app, notary(app), "no training set is exported from it")
    with runtime.db.reading() as session:
        built = training_set(session, size=verified.entries, end=now, target=chosen, include_open=include_open)
    # written beside its name first: a file under the name exists only once the ledger records it
    out.parent.mkdir(parents=True, exist_ok=True)
    partial = out.with_name(out.name + ".partial")
    partial.write_bytes(built.csv)
    try:
        with runtime.db.unit_of_work() as uow:
            appended = append(uow.session, kind=EXPORT_KIND, ts=now, body={
                **built.summary(), "target": chosen, "include_open": include_open, "as_of": rfc3339(now),
                "entries_verified": verified.entries, "actor": actor})
            uow.commit()
    except BaseException:
        partial.unlink(missing_ok=True)
        raise
    os.replace(partial, out)
    return {**built.summary(), "target": chosen, "ledger_seq": appended.seq, "out": str(out)}
