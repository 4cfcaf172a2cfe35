"""The model's features: the one canonical list.

The decision pipeline computes these from a request, training computes them from the AR history;
both must follow the definitions below. Every feature is known at the decision time (the start of
the decision day). Protected attributes, and their proxies, are never features: the AR history's
``countryCode`` is a nationality proxy and is deliberately absent, as are customer identifiers.

What else is deliberately absent (issue 16), and why, is in :data:`EXCLUDED_ATTRIBUTES`; the
evidence each training run measures for the candidates it left out is on the model card
("Feature evidence").
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any, Literal

__all__ = [
    "FEATURES", "FEATURE_NAMES", "EXCLUDED_ATTRIBUTES", "DECISION_WINDOWS", "FeatureSpec", "feature",
]

# The days (relative to the due date) on which the escalation ladder (decisions/ladder.json) acts:
# the pre-due reminder from 5 days to 1 day before the due date, and the reminders from 3 days
# past due on. Training snapshots are taken on exactly these days; its last rung (collection
# handover) opens at 45 days past due, and no invoice of the IBM history stayed open longer.
DECISION_WINDOWS: tuple[tuple[int, int], ...] = ((-5, -1), (3, 45))


@dataclass(frozen=True, slots=True, kw_only=True)
class FeatureSpec:
    """One model input.

    ``monotone`` is the direction the risk must move in when the value grows (+1 up, -1 down,
    0 unconstrained); training enforces it and loading an artifact re-checks it. ``clip`` is the
    range a value is counted within (values beyond it count as its edge), part of the feature's
    definition and applied wherever the feature is computed.
    """

    name: str
    description: str
    kind: Literal["numeric", "binary", "categorical"]
    monotone: Literal[-1, 0, 1]
    unit: str
    integer: bool = False
    clip: tuple[float, float] | None = None

    def as_dict(self) -> dict:
        d: dict[str, Any] = {
            "name": self.name,
            "description": self.description,
            "kind": self.kind,
            "monotone": self.monotone,
            "unit": self.unit,
            "integer": self.integer,
        }
        if self.clip is not None:
            d["clip"] = list(self.clip)
        return d

    def clipped(self, value: float | None) -> float | None:
        """``value`` counted within ``clip`` (None stays None)."""
        if value is None or self.clip is None:
            return value
        return min(max(value, self.clip[0]), self.clip[1])


FEATURES: tuple[FeatureSpec, ...] = (
    FeatureSpec(
        name="days_past_due",
        description=(
            "Days from the invoice's due date to the decision date (negative before the due date), "
            "counted within the ladder's range: -5 (the first day of a pre-due reminder) to 45 (its "
            "last rung); earlier decisions count as -5, later ones as 45."
        ),
        kind="numeric",
        monotone=1,
        unit="days",
        integer=True,
        clip=(float(DECISION_WINDOWS[0][0]), float(DECISION_WINDOWS[-1][1])),
    ),
    FeatureSpec(
        name="prior_late_ratio",
        description=(
            "Share (0 to 1) of the customer's invoices settled before the decision time that were "
            "paid after their due date; missing when there are none."
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
        name="paperless",
        description="1 if the customer receives invoices electronically, else 0.",
        kind="binary",
        monotone=0,
        unit="flag",
        integer=True,
    ),
)

FEATURE_NAMES: tuple[str, ...] = tuple(f.name for f in FEATURES)

# Attributes of the AR history that are never model inputs, and why (recorded in the artifact and
# the model card). Training adds the columns of other layouts under their own names.
EXCLUDED_ATTRIBUTES: dict[str, str] = {
    "countryCode": "nationality proxy (protected attribute)",
    "customerID": "direct identifier",
    "invoiceNumber": "identifier",
    "Disputed": (
        "never a feature: a dispute stops dunning through the policy gate and must never raise a "
        "score (GDPR Art. 5(1)(a) fairness; ECOA 15 U.S.C. § 1691(a)(3) protects exercising a "
        "consumer right); the flag carries no date, so it would also look ahead"
    ),
    "InvoiceAmount": (
        "not a feature: the history's currency is unknown, so no live amount can be put on its "
        "scale (log-scaled within a currency needs a reference in that currency), the decision "
        "request carries no amounts of the debtor's earlier invoices, and the amount adds no "
        "measurable accuracy out of time (see the card's feature evidence)"
    ),
}

_BY_NAME = {f.name: f for f in FEATURES}


def feature(name: str) -> FeatureSpec:
    """The spec of feature ``name`` (KeyError if there is none)."""
    return _BY_NAME[name]
