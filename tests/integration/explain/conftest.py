"""Real-data fixtures: the IBM AR history, which a user's machine will not have."""

from __future__ import annotations

import os
from pathlib import Path

import pytest


def ar_history_path() -> Path:
    env = os.environ.get("FAIRDUN_AR_HISTORY")
    if env:
        return Path(env)
    # <checkout>/tests/integration/explain/conftest.py -> <checkout>/../shared/data/...
    return Path(__file__).resolve().parents[3].parent / "shared/data/ar_history_ibm.csv"


@pytest.fixture(scope="session")
def real_csv() -> Path:
    path = ar_history_path()
    if not path.is_file():
        pytest.skip(
            f"real AR history not found at {path} (set FAIRDUN_AR_HISTORY to the IBM "
            "'Accounts Receivable' CSV to run the real-data tests)"
        )
    return path


@pytest.fixture
def registry_db(database_url):
    """A migrated database of its own (SQLite and PostgreSQL)."""
    from ledger import Database
    from service.schema import upgrade

    db = Database(database_url)
    upgrade(db.engine)
    yield db
    db.dispose()


@pytest.fixture(scope="session")
def variant():
    """``variant(n)``: a valid artifact other than the shipped one (same model, other metadata),
    as the canonical bytes ``fairdun model train --out`` writes. Its governance check passed
    (no sign-off needed) unless ``findings=True``: then it keeps the shipped model's findings."""
    import json

    from explain import default_artifact_path
    from explain._artifact import artifact_bytes, with_model_id

    shipped = json.loads(default_artifact_path().read_bytes())

    def make(n: int, *, findings: bool = False) -> bytes:
        artifact = dict(shipped)
        artifact["training"] = {**shipped["training"], "variant": n}
        if not findings:
            artifact["governance"] = {**shipped["governance"], "findings": [], "calibration_check": "passed",
                                      "sign_off_required": False}
        return artifact_bytes(with_model_id(artifact, prefix="ebm-ar-ibm-"))

    return make


@pytest.fixture(scope="session")
def synthetic_ar_csv(tmp_path_factory) -> Path:
    """A small AR history in the IBM layout: 40 customers with their own payment habits."""
    import csv
    import random
    from datetime import date, timedelta

    rng = random.Random(11)
    path = tmp_path_factory.mktemp("ar") / "ar_history_synthetic.csv"
    us = lambda d: f"{d.month}/{d.day}/{d.year}"  # noqa: E731
    with path.open("w", newline="") as f:
        writer = csv.writer(f)
        writer.writerow(["countryCode", "customerID", "invoiceNumber", "InvoiceDate", "DueDate", "InvoiceAmount",
                         "Disputed", "SettledDate", "PaperlessBill", "DaysLate"])
        number = 100000
        for c in range(40):
            habit, paperless, country = rng.choice([-8, -2, 0, 4, 12]), rng.random() < 0.5, rng.choice("ABCDE")
            for _ in range(12):
                issued = date(2012, 1, 2) + timedelta(days=rng.randint(0, 680))
                due, disputed = issued + timedelta(days=30), rng.random() < 0.2
                settled = max(issued + timedelta(days=1),
                              due + timedelta(days=habit + rng.randint(-4, 4) + (12 if disputed else 0)))
                number += rng.randint(1, 9)
                writer.writerow([country, f"{1000 + c}-C", f"{number:010d}", us(issued), us(due),
                                 f"{rng.uniform(5, 130):.2f}", "Yes" if disputed else "No", us(settled),
                                 "Electronic" if paperless else "Paper", max(0, (settled - due).days)])
    return path
