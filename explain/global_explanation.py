"""The global explanation of a model, as data: term importances and each feature's shape function.

- importance of a term: the mean absolute contribution over the training data, i.e. interpret's
  ``term_importances("avg_weight")``: ``average(|scores|, weights=bin_weights)``;
- shape of a feature (its main-effect term): per bin the contribution to the log odds, the
  spread of that contribution across the outer bags (population standard deviation, unweighted)
  and the training weight; for a numeric feature each bin's value interval (the first and last
  reach to the range seen in training), for a categorical one its category; plus the missing bin.

Pairwise terms have an importance but no shape here (a pair is a surface, not a curve).
``explain.charts`` renders this as SVG; reports embed those charts.
"""

from __future__ import annotations

from typing import Any

from explain._artifact import validate_artifact

__all__ = ["global_explanation", "IMPORTANCE_METHOD"]

IMPORTANCE_METHOD = (
    "mean absolute contribution to the log odds over the training data (interpret's "
    "term_importances('avg_weight'))"
)


def _importance(term: dict) -> float:
    import numpy as np

    return float(np.average(np.abs(np.asarray(term["scores"], dtype=np.float64)),
                            weights=np.asarray(term["bin_weights"], dtype=np.float64)))


def _shape(feature: dict, term: dict) -> dict[str, Any]:
    import numpy as np

    scores = [float(s) for s in term["scores"]]
    spread = [float(s) for s in np.std(np.asarray(term["bagged_scores"], dtype=np.float64), axis=0)]
    weights = [float(w) for w in term["bin_weights"]]
    shape: dict[str, Any] = {
        "feature": feature["name"],
        "kind": feature["kind"],
        "type": feature["type"],
        "monotone": feature["monotone"],
        "unit": feature.get("unit", ""),
        "missing": {"score": scores[0], "spread": spread[0], "weight": weights[0]},
        "bins": [],
    }
    if feature["type"] == "nominal":
        categories = sorted(feature["bins"][0], key=feature["bins"][0].__getitem__)
        for k, category in enumerate(categories, start=1):
            shape["bins"].append({"category": category, "score": scores[k], "spread": spread[k],
                                  "weight": weights[k]})
        return shape
    cuts = [float(c) for c in feature["bins"][0]]
    lo, hi = (float(b) for b in feature["bounds"])
    edges = [min(lo, cuts[0]) if cuts else lo, *cuts, max(hi, cuts[-1]) if cuts else hi]
    for k in range(1, len(cuts) + 2):
        shape["bins"].append({"lower": edges[k - 1], "upper": edges[k], "score": scores[k],
                              "spread": spread[k], "weight": weights[k]})
    shape["bounds"] = [lo, hi]
    return shape


def global_explanation(artifact: dict) -> dict[str, Any]:
    """Importances (largest first; ties in term order) and shape functions of ``artifact``."""
    validate_artifact(artifact)
    by_name = {f["name"]: f for f in artifact["features"]}
    importances = [{"term": t["name"], "features": list(t["features"]), "importance": _importance(t)}
                   for t in artifact["terms"]]
    ranked = sorted(importances, key=lambda r: -r["importance"])
    shapes = [_shape(by_name[t["features"][0]], t) for t in artifact["terms"] if len(t["features"]) == 1]
    return {
        "model_id": artifact["model_id"],
        "intercept": float(artifact["intercept"]),
        "importance_method": IMPORTANCE_METHOD,
        "importances": ranked,
        "shapes": shapes,
        "score_unit": "log odds of the target",
    }
