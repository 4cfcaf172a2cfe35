"""Holdout metrics of a probabilistic binary classifier: AUC, Brier score, log loss, calibration."""

from __future__ import annotations

from typing import Any

__all__ = ["binary_metrics", "calibration_table"]


def calibration_table(y: Any, p: Any, n_bins: int) -> list[dict]:
    """Equal-count bins of predicted probability (stable sort), observed rate per bin."""
    import numpy as np

    order = np.argsort(p, kind="stable")
    table = []
    for b, idx in enumerate(np.array_split(order, n_bins)):
        if len(idx) == 0:
            continue
        table.append(
            {
                "bin": b + 1,
                "n": int(len(idx)),
                "p_min": float(p[idx].min()),
                "p_max": float(p[idx].max()),
                "mean_predicted": float(p[idx].mean()),
                "observed_rate": float(y[idx].mean()),
            }
        )
    return table


def binary_metrics(y: Any, p: Any, n_bins: int) -> dict:
    import numpy as np
    from sklearn.metrics import brier_score_loss, log_loss, roc_auc_score

    table = calibration_table(y, p, n_bins)
    ece = sum(r["n"] * abs(r["mean_predicted"] - r["observed_rate"]) for r in table) / len(y)
    return {
        "n": int(len(y)),
        "positives": int(np.sum(y)),
        "prevalence": float(np.mean(y)),
        "auc": float(roc_auc_score(y, p)),
        "brier": float(brier_score_loss(y, p)),
        "log_loss": float(log_loss(y, p, labels=[0, 1])),
        "mean_predicted": float(np.mean(p)),
        "expected_calibration_error": float(ece),
        "calibration": table,
    }
