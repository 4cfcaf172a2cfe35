"""The glass-box risk model: features, training (AR history and generic CSV), JSON artifact,
exact scoring, reason codes, counterfactual hints, global explanations and charts, fairness,
model cards, and the registry of governed versions (``explain.registry``).

Scoring reads only the JSON artifact (pure Python for one case, numpy for batches); interpret,
scikit-learn and matplotlib are needed for training and cards only and are imported lazily.

    from explain import load_model, default_artifact_path, default_sha256
    model = load_model(default_artifact_path(), expected_sha256=default_sha256())
    score = model.score({"days_past_due": 22, "open_amount": 120.0, ...})
"""

from __future__ import annotations

from typing import Any

from explain._artifact import write_artifact
from explain._bands import BAND_NAMES, band_of
from explain._errors import ArtifactError, ModelError, TrainingError
from explain._model import Calibrated, Contribution, Model, Score, load_model
from explain._shipped import (
    default_artifact_path,
    default_manifest,
    default_sha256,
    publish_model,
)
from explain.features import FEATURE_NAMES, FEATURES, FeatureSpec

__all__ = [
    "FEATURES",
    "FEATURE_NAMES",
    "FeatureSpec",
    "Model",
    "Score",
    "Calibrated",
    "Contribution",
    "BAND_NAMES",
    "band_of",
    "ModelError",
    "ArtifactError",
    "TrainingError",
    "load_model",
    "write_artifact",
    "default_artifact_path",
    "default_sha256",
    "default_manifest",
    "publish_model",
    "train_from_ar_history",
    "TrainingSettings",
    "train_from_csv",
    "render_model_card",
    "model_card",
    "global_explanation",
    "principal_reasons",
    "counterfactual_hint",
    "Registry",
]

_LAZY = {
    "train_from_ar_history": "explain.training",
    "TrainingSettings": "explain.training",
    "train_from_csv": "explain.generic",
    "render_model_card": "explain.card",
    "model_card": "explain.card",
    "global_explanation": "explain.global_explanation",
    "principal_reasons": "explain.reasons",
    "counterfactual_hint": "explain.counterfactual",
    "Registry": "explain.registry",
}


def __getattr__(name: str) -> Any:
    # Training pulls in interpret/scikit-learn; only load it when asked for.
    module = _LAZY.get(name)
    if module is None:
        raise AttributeError(f"module 'explain' has no attribute {name!r}")
    import importlib

    return getattr(importlib.import_module(module), name)
