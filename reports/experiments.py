"""The audit report's experiments section: every experiment registered by the period's end and
not stopped before its start, as the verified ledger makes it at the period's end, with its
arms' results as of that end (``decisions.experiment_results``: each rate with its 95 % Wilson
interval and the claims it counts over, each arm's difference from the first with its 95 %
Newcombe interval; only decisions and events before the end count)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy.orm import Session

from decisions.experiment_results import results
from decisions.experiments import GUARDRAIL_METRICS, experiments
from ledger.timestamps import as_utc

__all__ = ["experiment_figures", "METHOD"]

METHOD = ("per arm, the claims allocated before the period's end (a claim counts from its first decision in the "
          "experiment, whether or not the gate let the arm's option through); payment rates over the claims whose "
          "window closed before the end; 95 % Wilson intervals; differences from the first arm with 95 % Newcombe "
          "intervals; days in UTC")


def _moment(text: str) -> datetime:
    return as_utc(datetime.fromisoformat(text.replace("Z", "+00:00")))


def experiment_figures(session: Session, *, start: datetime, end: datetime, size: int) -> dict[str, Any]:
    """The section's figures for ``[start, end)`` from the first ``size`` ledger entries."""
    found = []
    for experiment in experiments(session, size=size).values():
        described = experiment.as_dict()
        if described["stopped_at"] and _moment(described["stopped_at"]) < start:
            continue
        computed = results(session, experiment, now=end, until=end)
        primary = described["primary_metric"]
        found.append({
            **{key: described[key] for key in ("id", "name", "hypothesis", "factor", "population", "guardrails",
                                               "seed", "status", "registered_at", "started_at", "stopped_at",
                                               "ledger")},
            "primary_metric": primary,
            "arms": [{"name": arm["name"], "value": arm["value"], "n": arm["n"], "stopped": arm["stopped"],
                      "primary": arm["metrics"][primary],
                      "guardrails": {metric: arm["metrics"][metric] for metric in GUARDRAIL_METRICS}}
                     for arm in computed["arms"]],
            "effects": [effect for effect in computed["effects"] if effect["metric"] == primary],
        })
    return {"method": METHOD, "experiments": found}
