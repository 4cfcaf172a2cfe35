"""The published vectors (../shared/vectors), read in place; tests skip with a reason
where they are absent (they are never copied into the repository)."""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import pytest
from conftest import SHARED

VECTORS = SHARED / "vectors"


@pytest.fixture
def vectors() -> Callable[[str], Any]:
    def load(name: str) -> Any:
        path = VECTORS / name
        if not path.exists():
            pytest.skip(f"published vector file {path} is absent")
        return json.loads(path.read_text(encoding="utf-8"))

    return load
