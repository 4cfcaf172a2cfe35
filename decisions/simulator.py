"""How synthetic debtors answer dunning: a seeded response model with known true effects.

The synthetic portfolio (``decisions.portfolio``) says who the debtors are; this module says what
they do after a decision: whether and when they pay, dispute, opt out of a channel, complain or
ask for a human review. Experiments and retraining are tested against it (issue 19): an effect set
here is the truth an estimate must recover.

- **Base behaviour per segment** (``BASE``): cumulative probabilities of paying within 7, 14 and
  30 days after the decision, and the probabilities of a dispute, an opt-out, a complaint and a
  review request within 30 days.
- **Effects** (``Effect``): an action's factor value (the channel ``"letter"``, the send hour
  ``9``, a wording variant) shifts one metric by a fixed number of points, for one segment or all.
  A ``"paid"`` effect shifts the 7-, 14- and 30-day payment probabilities alike, so "payment
  within 14 days rises by 8 points" is exactly true; an effect that would push a probability out
  of [0, 1] is refused when the simulator is built.
- **Reproducible and order-free**: each response is drawn from its own generator, seeded by the
  simulator's seed and the response key (a decision id), so the same decision gets the same
  answer whichever order decisions are simulated in, and the global RNG is never read.
"""

from __future__ import annotations

import hashlib
import random
from collections.abc import Iterable, Mapping
from dataclasses import dataclass
from datetime import UTC, datetime, time, timedelta
from typing import Any
from zoneinfo import ZoneInfo

from .portfolio import Segment

__all__ = ["BASE", "EVENT_METRICS", "FACTORS", "PAYMENT_WINDOWS", "Effect", "Rates", "Response",
           "Simulator", "events", "factor_values"]

FACTORS = ("channel", "send_hour", "wording")
PAYMENT_WINDOWS = (7, 14, 30)
EVENT_METRICS = ("dispute", "opt_out", "complaint", "review_request")
HORIZON_DAYS = PAYMENT_WINDOWS[-1]


@dataclass(frozen=True, slots=True)
class Rates:
    """True probabilities for one debtor under one action."""

    paid: tuple[float, float, float]      # paid within 7, 14, 30 days (cumulative)
    dispute: float
    opt_out: float
    complaint: float
    review_request: float

    def metric(self, name: str) -> float:
        """``paid_7d``/``paid_14d``/``paid_30d`` or an event metric, by name."""
        for days, p in zip(PAYMENT_WINDOWS, self.paid, strict=True):
            if name == f"paid_{days}d":
                return p
        if name in EVENT_METRICS:
            return float(getattr(self, name))
        raise ValueError(f"unknown metric {name!r}")


# Chosen to resemble the portfolio's segments (punctual debtors mostly pay within a week of a
# reminder, distressed ones rarely within a month); they are a test bed, not an estimate of
# anybody's real debtors.
BASE: Mapping[Segment, Rates] = {
    Segment.PUNCTUAL: Rates((0.55, 0.75, 0.90), 0.010, 0.010, 0.002, 0.005),
    Segment.OCCASIONALLY_LATE: Rates((0.30, 0.50, 0.70), 0.020, 0.015, 0.004, 0.010),
    Segment.CHRONICALLY_LATE: Rates((0.12, 0.25, 0.45), 0.035, 0.020, 0.008, 0.015),
    Segment.DISTRESSED: Rates((0.04, 0.09, 0.20), 0.060, 0.030, 0.015, 0.030),
}


@dataclass(frozen=True, slots=True)
class Effect:
    """The true effect of one factor value: ``delta`` points on ``metric`` (``"paid"`` or an
    event metric), for ``segment`` or, when None, every segment."""

    factor: str
    value: str | int
    metric: str
    delta: float
    segment: Segment | None = None

    def __post_init__(self) -> None:
        if self.factor not in FACTORS:
            raise ValueError(f"factor must be one of {FACTORS}, got {self.factor!r}")
        if self.metric != "paid" and self.metric not in EVENT_METRICS:
            raise ValueError(f"metric must be 'paid' or one of {EVENT_METRICS}, got {self.metric!r}")

    def applies(self, segment: Segment, values: Mapping[str, Any]) -> bool:
        return (self.segment is None or self.segment == segment) and values.get(self.factor) == self.value


@dataclass(frozen=True, slots=True)
class Response:
    """What one debtor did within ``HORIZON_DAYS`` after a decision, as days after it (None: not)."""

    paid_after_days: int | None
    disputed_after_days: int | None
    opted_out: bool
    complained: bool
    requested_review: bool

    def paid_within(self, days: int) -> bool:
        return self.paid_after_days is not None and self.paid_after_days <= days


class Simulator:
    def __init__(self, *, seed: int, effects: Iterable[Effect] = (),
                 base: Mapping[Segment, Rates] = BASE) -> None:
        self.seed = seed
        self.effects = tuple(effects)
        self._base = dict(base)
        for segment in self._base:           # refuse effects that cannot be true as stated
            for effect in self.effects:
                if effect.segment in (None, segment):
                    self._shifted(self._base[segment], (effect,))

    def rates(self, segment: Segment, values: Mapping[str, Any]) -> Rates:
        """The true probabilities for a debtor of ``segment`` under an action with these factor
        values (``factor_values``): the truth an experiment's estimate is checked against."""
        return self._shifted(self._base[segment], [e for e in self.effects if e.applies(segment, values)])

    def respond(self, key: str, segment: Segment, values: Mapping[str, Any]) -> Response:
        """Draw one debtor's response; the same ``key`` (a decision id) always gets the same one."""
        rates = self.rates(segment, values)
        digest = hashlib.sha256(f"{self.seed}|{key}".encode()).digest()
        rng = random.Random(int.from_bytes(digest[:8], "big"))
        u = rng.random()
        paid_after = None
        start = 1
        for days, p in zip(PAYMENT_WINDOWS, rates.paid, strict=True):
            if u < p:
                paid_after = rng.randint(start, days)
                break
            start = days + 1
        disputed = rng.random() < rates.dispute
        disputed_after = rng.randint(1, HORIZON_DAYS) if disputed else None
        return Response(paid_after_days=paid_after, disputed_after_days=disputed_after,
                        opted_out=rng.random() < rates.opt_out, complained=rng.random() < rates.complaint,
                        requested_review=rng.random() < rates.review_request)

    @staticmethod
    def _shifted(rates: Rates, effects: Iterable[Effect]) -> Rates:
        paid = list(rates.paid)
        events = {name: float(getattr(rates, name)) for name in EVENT_METRICS}
        for effect in effects:
            if effect.metric == "paid":
                paid = [p + effect.delta for p in paid]
            else:
                events[effect.metric] += effect.delta
        for name, p in (*zip(("paid_7d", "paid_14d", "paid_30d"), paid, strict=True), *events.items()):
            if not 0.0 <= p <= 1.0:
                raise ValueError(f"the effects push {name} to {p:.3f}, outside [0, 1]")
        return Rates((paid[0], paid[1], paid[2]), **events)


def factor_values(request: Mapping[str, Any], decision: Mapping[str, Any]) -> dict[str, Any]:
    """The factor values of a decision's action, as effects name them: its channel, the hour of
    its send time in the debtor's time zone, and its wording variant (the template id)."""
    action = decision.get("action") or {}
    send_at = action.get("send_at")
    hour = None
    if send_at:
        local = datetime.fromisoformat(send_at).astimezone(ZoneInfo(request["debtor"]["timezone"]))
        hour = local.hour
    return {"channel": action.get("channel"), "send_hour": hour, "wording": action.get("template")}


def events(request: Mapping[str, Any], decided_at: datetime, response: Response) -> list[dict[str, Any]]:
    """The response as ``POST /v1/events`` bodies (payment in full, dispute), each at noon UTC of
    its day, in time order; opt-outs, complaints and review requests travel other ways."""
    debtor_ref, invoice = request["debtor"]["ref"], request["invoice"]
    day0 = decided_at.astimezone(UTC).date()
    timed: list[tuple[int, dict[str, Any]]] = []

    def at(days: int) -> str:
        return datetime.combine(day0 + timedelta(days=days), time(12), tzinfo=UTC).isoformat()

    if response.paid_after_days is not None:
        d = response.paid_after_days
        timed.append((d, {"type": "payment_received", "at": at(d), "debtor_ref": debtor_ref,
                          "invoice_ref": invoice["ref"], "amount": invoice["open_amount"],
                          "currency": invoice["currency"],
                          "on_date": (day0 + timedelta(days=d)).isoformat()}))
    if response.disputed_after_days is not None:
        d = response.disputed_after_days
        timed.append((d, {"type": "dispute_opened", "at": at(d), "debtor_ref": debtor_ref,
                          "invoice_ref": invoice["ref"], "reason": "other"}))
    return [body for _, body in sorted(timed, key=lambda t: t[0])]
