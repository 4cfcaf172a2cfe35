"""Champion against challenger on the same recent outcomes (``fairdun model compare``).

Both models score the same rows of a ledger training set (``explain.ledger_set``): the resolved
decisions from the challenger's holdout on (``since``; none of them trained or calibrated the
challenger), each from the inputs the decision recorded, as live decisions are scored (calibrated
probabilities). The differences are paired: one bootstrap over debtors (a debtor's decisions are not
independent) resamples both models' rows together, so the interval is of the difference itself.

**Non-inferiority.** The challenger may replace the champion only if it is not worse by more than a
margin: the lower end of the 95 % interval of ``AUC(challenger) - AUC(champion)`` must lie above
``-auc_margin``, and the upper end of ``Brier(challenger) - Brier(champion)`` below
``brier_margin``. A comparison that cannot be judged (too few rows or a single class) fails. A
failed check is a finding: the registry then approves the challenger only after a named sign-off
(``explain.registry``), beside its own calibration and fairness findings.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import date
from typing import Any

from explain._model import Model
from explain.evaluation import _auc, _brier, interval, resamples
from explain.features import FEATURE_NAMES

__all__ = ["compare_models", "AUC_MARGIN", "BRIER_MARGIN", "MIN_ROWS", "METHOD"]

AUC_MARGIN = 0.02
BRIER_MARGIN = 0.01
MIN_ROWS = 50
METHOD = ("both models score the same resolved ledger decisions from the challenger's holdout on; paired "
          "bootstrap over debtors (95 % percentile intervals); non-inferior when the AUC difference's lower "
          "bound exceeds -auc_margin and the Brier difference's upper bound stays below brier_margin")


def _scores(model: Model, rows: Sequence[dict[str, str]]) -> Any:
    import numpy as np

    columns = {name: np.array([float(r[name]) if r[name] != "" else np.nan for r in rows], dtype=np.float64)
               for name in FEATURE_NAMES}
    scored = model.score_arrays(columns)
    return scored.get("calibrated", scored["p_late"])


def compare_models(champion: Model, challenger: Model, rows: Sequence[dict[str, str]], *, since: date,
                   bootstrap: int = 1000, seed: int = 0, auc_margin: float = AUC_MARGIN,
                   brier_margin: float = BRIER_MARGIN) -> dict[str, Any]:
    """The comparison of the two models on ``rows`` (a ledger set's) decided on or after
    ``since``, with its findings (empty when the challenger is non-inferior)."""
    import numpy as np

    chosen = [r for r in rows if r["label"] != "" and date.fromisoformat(r["decided_on"]) >= since]
    y = np.array([int(r["label"]) for r in chosen], dtype=np.int64)
    customers = [r["customer"] for r in chosen]
    result: dict[str, Any] = {
        "method": METHOD, "since": since.isoformat(), "n": len(chosen), "customers": len(set(customers)),
        "late": int(y.sum()), "bootstrap": bootstrap, "seed": seed,
        "margins": {"auc": auc_margin, "brier": brier_margin},
        "champion": {"model_id": champion.id, "sha256": champion.sha256},
        "challenger": {"model_id": challenger.id, "sha256": challenger.sha256},
    }
    if len(chosen) < MIN_ROWS or y.min(initial=0) == y.max(initial=0):
        result["findings"] = [f"non-inferiority not judged: {len(chosen)} resolved decisions from {since} on "
                              f"({int(y.sum())} late); at least {MIN_ROWS} with both outcomes are needed"]
        result["passed"] = False
        return result
    p, q = _scores(challenger, chosen), _scores(champion, chosen)
    boot = resamples(customers, n=bootstrap, seed=seed)

    def both(metric: Any, rows_: Any) -> tuple[float | None, float | None, float | None]:
        a, b = metric(y[rows_], p[rows_]), metric(y[rows_], q[rows_])
        return a, b, None if a is None or b is None else a - b

    every = np.arange(len(y))
    cis: dict[str, list[float] | None] = {}
    for name, metric in (("auc", _auc), ("brier", _brier)):
        challenger_value, champion_value, difference = both(metric, every)
        cis[name] = interval([both(metric, r)[2] for r in boot.rows if len(r)])
        result[name] = {"challenger": challenger_value, "champion": champion_value, "difference": difference,
                        "ci": cis[name]}
    findings = []
    auc_ci, brier_ci = cis["auc"], cis["brier"]
    if auc_ci is None or auc_ci[0] <= -auc_margin:
        low = "n/a" if auc_ci is None else f"{auc_ci[0]:.3f}"
        findings.append(f"non-inferiority: the AUC difference's 95 % lower bound ({low}) is not above "
                        f"-{auc_margin:g}")
    if brier_ci is None or brier_ci[1] >= brier_margin:
        high = "n/a" if brier_ci is None else f"{brier_ci[1]:.4f}"
        findings.append(f"non-inferiority: the Brier difference's 95 % upper bound ({high}) is not below "
                        f"{brier_margin:g}")
    result["findings"] = findings
    result["passed"] = not findings
    return result
