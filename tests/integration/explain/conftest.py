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
