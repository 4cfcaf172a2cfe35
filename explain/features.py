"""The model's features: the one canonical list.

The decision pipeline computes these from a request, training computes them from the AR history;
both must follow the definitions below. Every feature is known at the decision time (the start of
the decision day). Protected attributes, and their proxies, are never features: the AR history's
``countryCode`` is a nationality proxy and is deliberately absent, as are customer identifiers.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Literal

__all__ = ["FEATURES", "FEATURE_NAMES", "EXCLUDED_ATTRIBUTES", "FeatureSpec", "feature"]


@dataclass(frozen=True, slots=True, kw_only=True)
class FeatureSpec:
    """One model input.

    ``monotone`` is the direction the risk must move in when the value grows (+1 up, -1 down,
    0 unconstrained); training enforces it and loading an artifact re-checks it.
    """

    name: str
    description: str
    kind: Literal["numeric", "binary", "categorical"]
    monotone: Literal[-1, 0, 1]
    unit: str
    integer: bool = False

    def as_dict(self) -> dict:
        return {
            "name": self.name,
            "description": self.description,
            "kind": self.kind,
            "monotone": self.monotone,
            "unit": self.unit,
            "integer": self.integer,
        }


FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec(
        name="days_past_due",
        description=(
            "Days from the invoice's due date to the decision date (decision date minus due date); "
            "negative before the due date, 0 on it."
        ),
        kind="numeric",
        monotone=1,
        unit="days",
        integer=True,
    ),
    FeatureSpec(
        name="open_amount",
        description="Amount still open on the invoice, in major units of the invoice currency.",
        kind="numeric",
        monotone=0,
        unit="currency units",
    ),
    FeatureSpec(
        name="prior_invoices",
        description="Number of the customer's invoices already settled before the decision time.",
        kind="numeric",
        monotone=0,
        unit="invoices",
        integer=True,
    ),
    FeatureSpec(
        name="prior_late_ratio",
        description=(
            "Share (0 to 1) of those settled invoices that were paid after their due date; "
            "missing when there are none."
        ),
        kind="numeric",
        monotone=1,
        unit="ratio",
    ),
    FeatureSpec(
        name="prior_avg_days_late",
        description=(
            "Average days late of those settled invoices, counting an invoice paid on time as "
            "0 days late; missing when there are none."
        ),
        kind="numeric",
        monotone=1,
        unit="days",
    ),
    FeatureSpec(
        name="disputed",
        description="1 if the invoice is disputed, else 0.",
        kind="binary",
        monotone=0,
        unit="flag",
        integer=True,
    ),
    FeatureSpec(
        name="paperless",
        description="1 if the customer receives invoices electronically, else 0.",
        kind="binary",
        monotone=0,
        unit="flag",
        integer=True,
    ),
    FeatureSpec(
        name="due_month",
        description="Calendar month (1 to 12) of the invoice's due date (seasonality).",
        kind="numeric",
        monotone=0,
        unit="month",
        integer=True,
    ),
)

FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)

# Attributes of the AR history that are never model inputs, and why (recorded in the artifact and
# the model card).
EXCLUDED_ATTRIBUTES: dict[str, str] = {
    "countryCode": "nationality proxy (protected attribute)",
    "customerID": "direct identifier",
    "invoiceNumber": "identifier",
}

_BY_NAME = {f.name: f for f in FEATURES}


def feature(name: str) -> FeatureSpec:
    """The spec of feature ``name`` (KeyError if there is none)."""
    return _BY_NAME[name]
