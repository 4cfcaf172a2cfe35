"""A challenger trained on fairdun's own decisions: the ledger's training set
(``fairdun model dataset --from-ledger``, written by ``reports.training_set``) read back as
decision-time snapshots and trained exactly as an AR history is (``train_on_snapshots``).

The set is the decisions fairdun actually made, so the population is the ladder's as it ran: each
row is a snapshot of its decision day with the model inputs the decision recorded, its label and
the day the label became known (time-ordered splits use it: no label from after a cutoff). Every
row carries the target it was labelled with; training takes that target and refuses another one,
and refuses a set with open rows (exported with ``--include-open``: they have no label). The
jurisdiction is measured for fairness, never a feature; the subject pseudonym only clusters the
intervals; the champion's score (``p_late``) is kept for the comparison, never a feature.
"""

from __future__ import annotations

import csv
import math
import os
from datetime import date
from pathlib import Path
from typing import Any

from explain._dataset import Snapshot, file_sha256
from explain._errors import TrainingError
from explain.features import FEATURE_NAMES
from explain.protected import ProtectedAttributes
from explain.training import TrainingData, TrainingSettings, time_split, train_on_snapshots

__all__ = ["COLUMNS", "MEASURED", "read_ledger_set", "load_ledger_training_data", "train_from_ledger_set"]

COLUMNS = ("decided_on", "decision_id", "claim", "customer", "jurisdiction", "model_id", "p_late",
           *FEATURE_NAMES, "label", "label_known_on", "late_after_days", "horizon_days")
MEASURED = ("jurisdiction",)
EXCLUDED = {
    "decision_id": "identifier",
    "claim": "pseudonymous identifier of the claim",
    "customer": "pseudonymous identifier of the debtor (only clusters the evaluation's intervals)",
    "jurisdiction": "measured for fairness, never a feature",
    "model_id": "the model that scored the decision",
    "p_late": "the champion's score at the time (compared with, never a feature)",
}


def read_ledger_set(csv_path: str | os.PathLike[str]) -> list[dict[str, str]]:
    """The rows of a ledger training set, its header checked."""
    with open(csv_path, newline="", encoding="utf-8") as f:
        reader = csv.DictReader(f)
        if tuple(reader.fieldnames or ()) != COLUMNS:
            raise TrainingError(f"{Path(csv_path).name} is not a training set of `fairdun model dataset "
                                "--from-ledger`: its columns differ")
        return list(reader)


def _number(text: str) -> float:
    return math.nan if text == "" else float(text)


def load_ledger_training_data(csv_path: str | os.PathLike[str], cfg: TrainingSettings) -> TrainingData:
    rows = read_ledger_set(csv_path)
    if not rows:
        raise TrainingError("the training set has no rows")
    targets = {(int(r["late_after_days"]), int(r["horizon_days"])) for r in rows}
    if targets != {(cfg.late_after_days, cfg.horizon_days)}:
        raise TrainingError(f"the set was labelled for the target(s) {sorted(targets)} (late_after_days, "
                            f"horizon_days); training asks for ({cfg.late_after_days}, {cfg.horizon_days})")
    open_rows = sum(1 for r in rows if r["label"] == "")
    if open_rows:
        raise TrainingError(f"{open_rows} rows have no label yet (exported with --include-open): they cannot "
                            "train; export without --include-open")
    snapshots = sorted((Snapshot(decided_on=date.fromisoformat(r["decided_on"]), invoice=r["claim"],
                                 features=tuple(_number(r[name]) for name in FEATURE_NAMES),
                                 label=int(r["label"]), label_known_on=date.fromisoformat(r["label_known_on"]),
                                 groups=tuple(r[c] for c in MEASURED), customer=r["customer"])
                        for r in rows), key=lambda s: (s.decided_on, s.invoice))
    train, calibration, holdout, cutoffs, dropped = time_split(snapshots, cfg.calibration_fraction,
                                                               cfg.holdout_fraction)
    return TrainingData(file_sha256(csv_path), [], snapshots, train, calibration, holdout, cutoffs[0], cutoffs[1],
                        dropped, None)


def train_from_ledger_set(csv_path: str | os.PathLike[str], *, n_jobs: int = 1,
                          **settings: Any) -> tuple[dict, dict]:
    """Train a challenger on a ledger training set; ``settings`` as for ``train_from_ar_history``
    (the target comes from the set)."""
    path = Path(csv_path)
    rows = read_ledger_set(path)
    if rows and "late_after_days" not in settings and "horizon_days" not in settings:
        settings = {**settings, "late_after_days": int(rows[0]["late_after_days"]),
                    "horizon_days": int(rows[0]["horizon_days"])}
    cfg = TrainingSettings(**settings)
    data = load_ledger_training_data(path, cfg)
    decided = [s.decided_on for s in data.snapshots]
    source = {
        "file": path.name,
        "sha256": data.data_sha256,
        "rows": len(rows),
        "customers": len({r["customer"] for r in rows}),
        "first_decided_on": min(decided).isoformat(),
        "last_decided_on": max(decided).isoformat(),
        "late_share": sum(s.label for s in data.snapshots) / len(data.snapshots),
        "scored_by": sorted({r["model_id"] for r in rows}),
    }
    return train_on_snapshots(data, cfg, measured=MEASURED, excluded=EXCLUDED, attributes=ProtectedAttributes(),
                              n_jobs=n_jobs, mode="ledger", source=source, prefix="ebm-ledger-")
