"""Retraining from the ledger, the installation's side: ``fairdun model dataset --from-ledger``
writes the training set of fairdun's own decisions (``reports.training_set``) from a ledger verified
first, its SHA-256 recorded in the ledger (``training_set_exported``) before the file appears under
its name; ``fairdun model compare`` compares a challenger trained on such a set with the champion
(``explain.comparison``) on a set the ledger recorded, and records the result for the approval
gate (``explain.registry``)."""

from __future__ import annotations

import os
from datetime import date, datetime
from pathlib import Path
from typing import Any

from flask import Flask

from decisions.errors import Conflict
from explain import ModelError
from ledger import append
from ledger.tables import LedgerEntry
from ledger.timestamps import rfc3339
from reports.training_set import training_set

from .api_ledger import notary
from .api_reports import verified_ledger

__all__ = ["export_training_set", "champion_target", "compare_challenger", "EXPORT_KIND"]

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
    verified = verified_ledger(app, notary(app), "no training set is exported from it")
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


def compare_challenger(app: Flask, model_id: str, ledger_set: Path, *, now: datetime, since: date | None,
                       bootstrap: int, seed: int, actor: dict[str, Any], **margins: float) -> dict[str, Any]:
    """Compare candidate ``model_id`` with the model scoring live decisions on ``ledger_set`` (a
    set whose export the ledger recorded) and record the result (``model_compared``)."""
    from sqlalchemy import select

    from explain._dataset import file_sha256
    from explain._model import Model
    from explain.comparison import compare_models
    from explain.ledger_set import read_ledger_set

    runtime = app.extensions["fairdun"]
    models = runtime.models
    digest = file_sha256(ledger_set)
    with runtime.db.reading() as session:
        exports = session.scalars(select(LedgerEntry.entry).where(LedgerEntry.kind == EXPORT_KIND)).all()
    if not any(f'"sha256":"{digest}"' in entry for entry in exports):
        raise Conflict(f"{ledger_set.name} is no training set this installation's ledger recorded "
                       "(fairdun model dataset --from-ledger)", code="unknown_training_set")
    champion = models.model(models.state())
    artifact, sha256 = models.artifact(model_id)
    challenger = Model(artifact=artifact, sha256=sha256)
    holdout_from = (artifact.get("training") or {}).get("split", {}).get("holdout_from")
    start = since or (date.fromisoformat(holdout_from) if holdout_from else None)
    if start is None:
        raise Conflict(f"model {model_id} names no holdout: give --since", code="bad_comparison")
    result = compare_models(champion, challenger, read_ledger_set(ledger_set), since=start, bootstrap=bootstrap,
                            seed=seed, **margins)
    return models.record_comparison(model_id, {**result, "data_sha256": digest}, now=now, actor=actor)
