"""The debtor-response simulator: its draws follow its stated truth, and are reproducible."""

from __future__ import annotations

import math
from datetime import UTC, datetime

import pytest
from scipy.stats import binomtest

from decisions.portfolio import Segment, generate_cases
from decisions.simulator import BASE, Effect, Response, Simulator, events, factor_values
from service.schemas.event import EventRequestSchema

N = 20_000


def _rate_ci(hits: int, n: int) -> tuple[float, float]:
    ci = binomtest(hits, n).proportion_ci(confidence_level=0.99, method="wilson")
    return ci.low, ci.high


def test_same_key_same_response_in_any_order() -> None:
    sim = Simulator(seed=7)
    keys = [f"d{i}" for i in range(200)]
    forward = [sim.respond(k, Segment.OCCASIONALLY_LATE, {}) for k in keys]
    backward = [Simulator(seed=7).respond(k, Segment.OCCASIONALLY_LATE, {}) for k in reversed(keys)]
    assert forward == list(reversed(backward))
    other = [Simulator(seed=8).respond(k, Segment.OCCASIONALLY_LATE, {}) for k in keys]
    assert other != forward


@pytest.mark.parametrize("segment", list(Segment))
def test_draws_follow_the_base_rates(segment: Segment) -> None:
    sim = Simulator(seed=11)
    responses = [sim.respond(f"k{i}", segment, {}) for i in range(N)]
    truth = BASE[segment]
    for days, p in zip((7, 14, 30), truth.paid, strict=True):
        low, high = _rate_ci(sum(r.paid_within(days) for r in responses), N)
        assert low <= p <= high, (days, p, low, high)
    for name, hits in (("dispute", sum(r.disputed_after_days is not None for r in responses)),
                       ("opt_out", sum(r.opted_out for r in responses)),
                       ("complaint", sum(r.complained for r in responses)),
                       ("review_request", sum(r.requested_review for r in responses))):
        low, high = _rate_ci(hits, N)
        assert low <= truth.metric(name) <= high, (name, low, high)
    assert all(1 <= r.paid_after_days <= 30 for r in responses if r.paid_after_days is not None)


def test_an_effect_shifts_only_its_factor_value_and_segment() -> None:
    effect = Effect("channel", "letter", "paid", 0.08, segment=Segment.OCCASIONALLY_LATE)
    sim = Simulator(seed=3, effects=[effect])
    treated = sim.rates(Segment.OCCASIONALLY_LATE, {"channel": "letter"})
    assert treated.metric("paid_14d") == pytest.approx(BASE[Segment.OCCASIONALLY_LATE].paid[1] + 0.08)
    assert sim.rates(Segment.OCCASIONALLY_LATE, {"channel": "email"}) == BASE[Segment.OCCASIONALLY_LATE]
    assert sim.rates(Segment.PUNCTUAL, {"channel": "letter"}) == BASE[Segment.PUNCTUAL]

    letter = [sim.respond(f"l{i}", Segment.OCCASIONALLY_LATE, {"channel": "letter"}) for i in range(N)]
    email = [sim.respond(f"e{i}", Segment.OCCASIONALLY_LATE, {"channel": "email"}) for i in range(N)]
    p1 = sum(r.paid_within(14) for r in letter) / N
    p0 = sum(r.paid_within(14) for r in email) / N
    half = 2.576 * math.sqrt(p1 * (1 - p1) / N + p0 * (1 - p0) / N)   # 99 % Wald interval of the difference
    assert p1 - p0 - half <= 0.08 <= p1 - p0 + half
    assert p1 - p0 - half > 0


def test_event_effects_add_points() -> None:
    sim = Simulator(seed=1, effects=[Effect("send_hour", 20, "complaint", 0.05)])
    assert sim.rates(Segment.DISTRESSED, {"send_hour": 20}).complaint == pytest.approx(0.065)
    assert sim.rates(Segment.DISTRESSED, {"send_hour": 9}).complaint == pytest.approx(0.015)


@pytest.mark.parametrize("effect, message", [
    (Effect("channel", "sms", "paid", 0.15), "paid_30d"),           # punctual: 0.90 + 0.15 > 1
    (Effect("wording", "soft", "dispute", -0.02), "dispute"),        # punctual: 0.01 - 0.02 < 0
])
def test_an_effect_that_cannot_be_true_is_refused(effect: Effect, message: str) -> None:
    with pytest.raises(ValueError, match=message):
        Simulator(seed=1, effects=[effect])


@pytest.mark.parametrize("kwargs", [
    {"factor": "level", "value": 3, "metric": "paid", "delta": 0.1},      # the level is never randomised
    {"factor": "channel", "value": "email", "metric": "revenue", "delta": 0.1},
])
def test_unknown_factor_or_metric_is_refused(kwargs: dict) -> None:
    with pytest.raises(ValueError):
        Effect(**kwargs)


def test_responses_become_valid_event_requests() -> None:
    as_of = datetime(2026, 11, 2, 9, tzinfo=UTC)
    case = next(iter(generate_cases(1, seed=1, as_of=as_of)))
    decision = {"action": {"channel": "letter", "send_at": "2026-11-03T17:00:00Z", "template": "reminder-1"}}
    assert factor_values(case.request, decision) == {"channel": "letter", "send_hour": 9, "wording": "reminder-1"}

    response = Response(paid_after_days=10, disputed_after_days=3, opted_out=False, complained=False,
                        requested_review=False)
    bodies = events(case.request, as_of, response)
    assert [b["type"] for b in bodies] == ["dispute_opened", "payment_received"]
    assert [b["at"] for b in bodies] == ["2026-11-05T12:00:00+00:00", "2026-11-12T12:00:00+00:00"]
    schema = EventRequestSchema()
    for body in bodies:
        assert schema.validate(body) == {}
    assert bodies[1]["amount"] == case.request["invoice"]["open_amount"]
    assert bodies[1]["on_date"] == "2026-11-12"
