"""Helpers of the rights workflow tests: an app on the test database, decisions made through the
real pipeline (regopy, the shipped model), and readers of the ledger and projections."""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import pytest
from fakes import request_with

from service.schemas import DecisionRequestSchema


@pytest.fixture
def runtime(app: Any) -> Any:
    return app.extensions["fairdun"]


@pytest.fixture
def decide(runtime: Any) -> Callable[..., dict[str, Any]]:
    """Decide ``request_with(**changes)`` through the real decider; returns the contract document."""

    def run(**changes: Any) -> dict[str, Any]:
        request = request_with(**changes)
        return runtime.decider.decide(DecisionRequestSchema().load(request), request).document

    return run
