"""Fixtures for the explain unit tests: a synthetic AR history and small, fast EBMs."""

from __future__ import annotations

import csv
import dataclasses
import random
from datetime import date, timedelta
from pathlib import Path

import pytest

from explain import load_model, write_artifact
from explain._artifact import with_model_id
from explain._fitting import export_ebm_model
from explain.features import FEATURES
from explain.training import TrainingSettings, assemble_artifact, export_ebm, fit_ebm

# Small EBMs: a few bags, a fast learning rate, early stopping soon.
FAST = {
    "outer_bags": 3,
    "learning_rate": 0.1,
    "max_rounds": 300,
    "early_stopping_rounds": 15,
    "max_bins": 12,
    "max_interaction_bins": 8,
    "bootstrap": 50,
}

COLUMNS = [
    "countryCode", "customerID", "PaperlessDate", "invoiceNumber", "InvoiceDate", "DueDate",
    "InvoiceAmount", "Disputed", "SettledDate", "PaperlessBill", "DaysToSettle", "DaysLate",
]


def _us(d: date) -> str:
    return f"{d.month}/{d.day}/{d.year}"


def synthetic_ar_history(
    path: Path, *, customers: int = 40, invoices: int = 12, seed: int = 7,
    country_codes: tuple[str, ...] = ("391", "406", "770", "818", "897"),
) -> Path:
    """Write an AR history in the IBM layout: customers with their own payment habits."""
    rng = random.Random(seed)
    start = date(2012, 1, 2)
    rows = []
    number = 100000
    for c in range(customers):
        habit = rng.choice([-12, -6, -2, 0, 3, 8, 15])  # typical days late (negative: early)
        paperless = rng.random() < 0.5
        paperless_on = start + timedelta(days=rng.randint(-60, 400))
        country = rng.choice(country_codes)
        for _ in range(invoices):
            issued = start + timedelta(days=rng.randint(0, 680))
            due = issued + timedelta(days=30)
            disputed = rng.random() < 0.2
            delay = habit + rng.randint(-4, 4) + (12 if disputed else 0)
            delay += 0 if paperless else 3
            settled = max(issued + timedelta(days=1), due + timedelta(days=delay))
            number += rng.randint(1, 9)
            rows.append({
                "countryCode": country,
                "customerID": f"{1000 + c}-CUST",
                "PaperlessDate": _us(paperless_on),
                "invoiceNumber": f"{number:010d}",
                "InvoiceDate": _us(issued),
                "DueDate": _us(due),
                "InvoiceAmount": f"{rng.uniform(5, 130):.2f}",
                "Disputed": "Yes" if disputed else "No",
                "SettledDate": _us(settled),
                "PaperlessBill": "Electronic" if paperless else "Paper",
                "DaysToSettle": str((settled - issued).days),
                "DaysLate": str(max(0, (settled - due).days)),
            })
    with path.open("w", newline="") as f:
        writer = csv.DictWriter(f, fieldnames=COLUMNS)
        writer.writeheader()
        writer.writerows(rows)
    return path


@pytest.fixture(scope="session")
def fast_settings() -> dict:
    return dict(FAST)


@pytest.fixture(scope="session")
def write_ar_history():
    """The synthetic AR history writer (a fixture: tests run in importlib mode)."""
    return synthetic_ar_history


@pytest.fixture(scope="session")
def ar_history_csv(tmp_path_factory) -> Path:
    return synthetic_ar_history(tmp_path_factory.mktemp("ar") / "ar_history_synthetic.csv")


@pytest.fixture(scope="session")
def trained(ar_history_csv):
    """(artifact, summary) of a small model trained on the synthetic history."""
    from explain.training import train_from_ar_history

    return train_from_ar_history(ar_history_csv, **FAST)


@pytest.fixture(scope="session")
def trained_path(trained, tmp_path_factory) -> Path:
    artifact, _ = trained
    path = tmp_path_factory.mktemp("model") / f"{artifact['model_id']}.json"
    write_artifact(artifact, path)
    return path


@pytest.fixture(scope="session")
def model(trained_path):
    return load_model(trained_path)


# The decision features without monotone constraints: interpret never pairs a monotone feature,
# and three of the four decision features are monotone, so pair terms need these specs.
UNCONSTRAINED = tuple(dataclasses.replace(f, monotone=0) for f in FEATURES)


def artifact_from_ebm(ebm, settings: TrainingSettings) -> dict:
    """A complete, valid artifact for a fitted EBM (placeholder training metadata): a decision
    ('dunning') artifact for an EBM fitted on the decision features, a 'custom' one for the
    unconstrained pair EBM."""
    if list(ebm.monotone_constraints) != [f.monotone for f in FEATURES]:
        artifact = assemble_artifact(export_ebm_model(ebm, UNCONSTRAINED), settings=settings)
        artifact["feature_set"] = "custom"
        return with_model_id(artifact)
    return with_model_id(assemble_artifact(export_ebm(ebm), settings=settings))


@pytest.fixture(scope="session")
def make_artifact():
    """The ``artifact_from_ebm`` helper (fixtures, not imports: tests use importlib mode)."""
    return artifact_from_ebm


@pytest.fixture(scope="session")
def matrix_data():
    """(X_train, y_train, X_test) with missing values, for direct EBM fits."""
    import numpy as np

    rng = np.random.RandomState(3)
    n = 1500
    dpd = rng.randint(-5, 46, n).astype(float)
    prior = rng.randint(0, 25, n).astype(float)
    ratio = rng.uniform(0, 1, n)
    avg = ratio * rng.uniform(0, 20, n)
    no_history = prior == 0
    ratio[no_history] = np.nan
    avg[no_history] = np.nan
    paperless = (rng.uniform(size=n) < 0.5).astype(float)
    X = np.column_stack([dpd, ratio, avg, paperless])
    logit = (
        0.04 * dpd + 2.0 * np.nan_to_num(ratio, nan=0.4) + 0.8 * paperless * (dpd > 10)
        + 0.05 * np.nan_to_num(avg, nan=0.0) * (1 - paperless) - 2.5
    )
    y = (rng.uniform(size=n) < 1 / (1 + np.exp(-logit))).astype(int)
    return X[:1000], y[:1000], X[1000:]


@pytest.fixture(scope="session")
def pair_ebm(matrix_data):
    """A small EBM with pairwise terms, and its settings."""
    X, y, _ = matrix_data
    settings = TrainingSettings(**FAST, interactions=3)
    return fit_ebm(X, y, settings, n_jobs=1, specs=UNCONSTRAINED), settings
