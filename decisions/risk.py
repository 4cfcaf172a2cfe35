"""What the pipeline needs of a risk model, and how an unusable one is represented.

The glass-box model in ``explain`` satisfies ``RiskModel``. A model that failed
its integrity check at load time is a ``ModelUnavailable``: every decision that
would need it is held, none is made without it.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any, Protocol

__all__ = ["RiskModel", "ModelUnavailable"]


class RiskModel(Protocol):
    id: str
    sha256: str

    def score(self, features: Mapping[str, float | None]) -> Any: ...


@dataclass(frozen=True, slots=True)
class ModelUnavailable:
    reason: str
    id: str | None = None
    sha256: str | None = None
