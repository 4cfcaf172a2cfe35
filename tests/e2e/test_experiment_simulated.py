"""An experiment end to end on a simulated portfolio whose true effect is known (issue 19).

Decisions go through the API while the experiment runs; the simulated debtors answer through
/v1/events (``decisions.simulator``); the results endpoint must recover the truth: the 95 %
interval of the effect contains it and excludes 0. The truth is the difference of the expected
payment rates of the two arms' claims under the actions they actually received (a refused arm
option falls back to another channel, which the simulator's truth follows too).
"""

from __future__ import annotations

import base64
from datetime import datetime
from typing import Any

import pytest

from decisions.experiments import allocate, experiment
from decisions.portfolio import Segment, generate_cases
from decisions.simulator import Effect, Simulator, events, factor_values
from decisions.tables import DecisionRow

# A letter raises payment within 14 days by 25 points for late payers and 8 for punctual ones
# (about 17 points over the population). About a third of the decided claims have a message due
# and are allocated: ~290 per arm, a standard error of ~0.04 for the difference, so the 95 %
# interval excludes 0 with a power of about 99 %.
EFFECTS = {"punctual": 0.08, "occasionally_late": 0.25, "chronically_late": 0.25, "distressed": 0.25}
CLAIMS = 1800
SPEC = {"name": "letter-vs-email", "hypothesis": "Letters get non-punctual consumers to pay within 14 days.",
        "primary_metric": "paid_14d", "factor": "channel",
        "arms": [{"name": "email", "value": "email"}, {"name": "letter", "value": "letter"}],
        "population": {"jurisdictions": ["DE", "GB", "FR", "NL", "AT"], "debtor_kinds": ["consumer"]},
        "guardrails": [{"metric": "dispute_rate", "max": 0.5}], "seed": 7}


@pytest.fixture
def app(make_app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """An AR system deciding a portfolio at once: the per-key rate limit would count a day's
    requests within the fake clock's one minute. The pseudonym key is fixed: claims are allocated
    by their pseudonymous id, so with the seeds it makes each run the same experiment."""
    monkeypatch.setenv("FAIRDUN_PSEUDONYM_KEY", base64.b64encode(bytes(range(32))).decode())
    return make_app(API_RATE_LIMIT="off")


def _post(client: Any, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), (path, response.json)
    return response.json


def test_a_known_effect_is_recovered_with_its_interval(client: Any, auth: Any, app: Any, clock: Any) -> None:
    officer, ar = auth("compliance_officer"), auth("ar_system")
    experiment_id = _post(client, "/v1/experiments", SPEC, officer)["id"]
    _post(client, f"/v1/experiments/{experiment_id}/start", {}, officer)
    simulator = Simulator(seed=11, effects=[Effect("channel", "letter", "paid", delta, segment=Segment(name))
                                            for name, delta in EFFECTS.items()])
    decided_at: datetime = clock()
    population = [c for c in generate_cases(12000, seed=5, as_of=decided_at)
                  if c.request["debtor"]["kind"] == "consumer" and c.request["debtor"]["jurisdiction"] in
                  SPEC["population"]["jurisdictions"]][:CLAIMS]   # type: ignore[index]

    answers: list[dict[str, Any]] = []
    truth: dict[str, list[float]] = {"email": [], "letter": []}
    # what each allocated claim would pay within 14 days under each channel, and its risk band
    counterfactual: list[tuple[str | None, dict[str, float]]] = []
    for case in population:
        decision = _post(client, "/v1/decisions", case.request, ar)
        allocated = decision["experiment"]
        if allocated is None:
            # never randomised: vulnerable debtors, and decisions with no message to send
            assert case.request["debtor"]["flags"]["vulnerable"] or decision["action"]["channel"] is None
            continue
        assert not case.request["debtor"]["flags"]["vulnerable"]
        # the option taken is one the gate allowed, and the arm's channel whenever applied
        assert decision["selection"]["chosen"] in [o["id"] for o in decision["selection"]["lawful"]]
        if allocated["applied"]:
            assert decision["action"]["channel"] == allocated["arm"]
        values = factor_values(case.request, decision)
        truth[allocated["arm"]].append(simulator.rates(case.segment, values).metric("paid_14d"))
        counterfactual.append((decision["risk"]["band"], {
            arm: simulator.rates(case.segment, {**values, "channel": arm}).metric("paid_14d")
            for arm in ("email", "letter")}))
        response = simulator.respond(decision["decision_id"], case.segment, values)
        answers += events(case.request, decided_at, response)

    clock.advance(days=40)   # every 30-day window has closed
    for body in sorted(answers, key=lambda b: b["at"]):
        _post(client, "/v1/events", body, ar)
    results = client.get(f"/v1/experiments/{experiment_id}/results", headers=auth("auditor")).json
    arms = {a["name"]: a for a in results["arms"]}
    assert arms["email"]["n"] == len(truth["email"]) and arms["letter"]["n"] == len(truth["letter"])
    assert min(len(truth["email"]), len(truth["letter"])) >= 250

    [effect] = [e for e in results["effects"] if e["metric"] == "paid_14d"]
    true_effect = sum(truth["letter"]) / len(truth["letter"]) - sum(truth["email"]) / len(truth["email"])
    assert true_effect > 0.12                                   # the design has an effect to find
    assert effect["ci_low"] <= true_effect <= effect["ci_high"], (effect, true_effect)
    assert effect["ci_low"] > 0                                 # and finds it at this sample size
    for arm in arms.values():                                   # never a bare point estimate
        metric = arm["metrics"]["paid_14d"]
        assert metric["ci_low"] <= metric["rate"] <= metric["ci_high"] and metric["n"] == arm["n"]

    # off-policy: what "a letter for high-risk claims, else e-mail" and "always a letter" would
    # have achieved over every allocated claim, estimated from the logged propensities
    for strategy in ({"by": "risk_band", "arms": {"high": "letter"}, "default": "email"}, {"default": "letter"}):
        found = _post(client, f"/v1/experiments/{experiment_id}/estimates",
                      {"strategy": strategy, "metric": "paid_14d"}, auth("auditor"))
        chosen = [rates[(strategy.get("arms") or {}).get(band, strategy["default"])]  # type: ignore[attr-defined]
                  for band, rates in counterfactual]
        value = sum(chosen) / len(chosen)
        assert found["n"] == len(counterfactual) and 0 < found["matched"] < found["n"]
        for estimator in ("ips", "snips"):
            interval = found[estimator]
            assert interval["ci_low"] <= value <= interval["ci_high"], (strategy, estimator, found, value)
            assert interval["ci_high"] - interval["ci_low"] < 0.2                  # informative at this n
    refused = client.post(f"/v1/experiments/{experiment_id}/estimates", headers=auth("auditor"),
                          json={"strategy": {"default": "sms"}})
    assert refused.status_code == 422 and "strategy" in refused.json["error"]["fields"]
    refused = client.post(f"/v1/experiments/{experiment_id}/estimates", headers=auth("auditor"),
                          json={"strategy": {"arms": {"high": "letter"}, "default": "email"}})
    assert refused.status_code == 422 and "strategy.arms" in refused.json["error"]["fields"]

    # reproducible: every recorded arm is the draw of the seed, the experiment and the claim
    runtime = app.extensions["fairdun"]
    with runtime.db.reading() as session:
        registered = experiment(session, experiment_id)
        rows = session.query(DecisionRow).filter(DecisionRow.experiment_id == experiment_id).all()
    for row in rows:
        drawn = allocate([registered], claim_id=row.claim_id, jurisdiction="DE", debtor_kind="consumer",
                         vulnerable=False, profiling=True, under_review=False)
        assert drawn is not None and drawn.arm == row.experiment_arm


def test_a_guardrail_breach_stops_its_arm(client: Any, auth: Any, clock: Any) -> None:
    officer, ar = auth("compliance_officer"), auth("ar_system")
    spec = {**SPEC, "name": "harsh-sms", "guardrails": [{"metric": "dispute_rate", "max": 0.10, "min_n": 20}]}
    experiment_id = _post(client, "/v1/experiments", spec, officer)["id"]
    _post(client, f"/v1/experiments/{experiment_id}/start", {}, officer)
    simulator = Simulator(seed=3, effects=[Effect("channel", "letter", "dispute", 0.30)])
    decided_at = clock()
    cases = [c for c in generate_cases(1500, seed=9, as_of=decided_at)
             if c.request["debtor"]["kind"] == "consumer" and c.request["debtor"]["jurisdiction"] in
             spec["population"]["jurisdictions"]][:160]   # type: ignore[index]
    answers = []
    for case in cases:
        decision = _post(client, "/v1/decisions", case.request, ar)
        if decision["experiment"] is not None:
            answers += [b for b in events(case.request, decided_at, simulator.respond(
                decision["decision_id"], case.segment, factor_values(case.request, decision)))
                if b["type"] == "dispute_opened"]
    clock.advance(days=31)
    for body in sorted(answers, key=lambda b: b["at"]):
        _post(client, "/v1/events", body, ar)
    state = client.get(f"/v1/experiments/{experiment_id}", headers=auth("auditor")).json
    arms = {a["name"]: a for a in state["arms"]}
    assert arms["letter"]["stopped"]["reason"] == "guardrail"
    assert arms["letter"]["stopped"]["detail"]["metric"] == "dispute_rate"
    assert arms["letter"]["stopped"]["detail"]["rate"] > 0.10
    assert arms["email"]["stopped"] is None
    # from now on no claim is drawn into the stopped arm
    later = [c for c in generate_cases(400, seed=10, as_of=clock()) if c.request["debtor"]["kind"] == "consumer"
             and c.request["debtor"]["jurisdiction"] in spec["population"]["jurisdictions"]][:40]  # type: ignore[index]
    drawn = {d["experiment"]["arm"] for c in later
             if (d := _post(client, "/v1/decisions", c.request, ar))["experiment"] is not None}
    assert drawn == {"email"}
