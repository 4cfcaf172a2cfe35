"""/v1/experiments: pre-registration, start and stop as ledger events; who may do what."""

from __future__ import annotations

import copy
from typing import Any

import pytest
from fakes import ledger_kinds, request_with, verify

SPEC: dict[str, Any] = {
    "name": "letter-vs-email", "hypothesis": "A letter gets occasionally late consumers to pay sooner than an e-mail.",
    "factor": "channel", "arms": [{"name": "email", "value": "email"}, {"name": "letter", "value": "letter"}],
    "population": {"jurisdictions": ["DE"], "debtor_kinds": ["consumer"]},
    "guardrails": [{"metric": "dispute_rate", "max": 0.05}], "seed": 7,
}


def register(client: Any, auth: Any, **changes: Any) -> Any:
    return client.post("/v1/experiments", json={**SPEC, **changes}, headers=auth("compliance_officer"))


def test_an_experiment_is_registered_started_and_stopped_in_the_ledger(client: Any, auth: Any, app: Any) -> None:
    created = register(client, auth)
    assert created.status_code == 201, created.json
    experiment = created.json
    assert (experiment["status"], experiment["primary_metric"], experiment["seed"]) == ("registered", "paid_14d", 7)
    assert [a["stopped"] for a in experiment["arms"]] == [None, None]
    assert created.headers["Location"].endswith(f"/v1/experiments/{experiment['id']}")

    started = client.post(f"/v1/experiments/{experiment['id']}/start", headers=auth("compliance_officer"))
    assert started.status_code == 200 and started.json["status"] == "running"
    again = client.post(f"/v1/experiments/{experiment['id']}/start", headers=auth("compliance_officer"))
    assert again.status_code == 409 and again.json["error"]["code"] == "transition_refused"
    stopped = client.post(f"/v1/experiments/{experiment['id']}/stop", json={"note": "enough data"},
                          headers=auth("compliance_officer"))
    assert stopped.status_code == 200 and stopped.json["status"] == "stopped"
    assert set(stopped.json["ledger"]) == {"registered", "started", "stopped"}

    read = client.get(f"/v1/experiments/{experiment['id']}", headers=auth("auditor"))
    assert read.status_code == 200 and read.json == stopped.json
    listed = client.get("/v1/experiments", headers=auth("auditor")).json["experiments"]
    assert [e["id"] for e in listed] == [experiment["id"]]
    assert ledger_kinds(app) == ["experiment_registered", "experiment_started", "experiment_stopped"]
    assert verify(app).entries == 3


def test_only_a_compliance_officer_registers_and_the_ar_system_cannot_read(client: Any, auth: Any, app: Any) -> None:
    assert client.post("/v1/experiments", json=SPEC, headers=auth("auditor")).status_code == 403
    assert client.post("/v1/experiments", json=SPEC, headers=auth("ar_system")).status_code == 403
    assert client.get("/v1/experiments", headers=auth("ar_system")).status_code == 403
    assert ledger_kinds(app) == []


def test_names_are_unique_and_unknown_experiments_are_404(client: Any, auth: Any) -> None:
    assert register(client, auth).status_code == 201
    assert register(client, auth).status_code == 409
    unknown = "00000000-0000-4000-8000-000000000000"
    assert client.get(f"/v1/experiments/{unknown}", headers=auth("auditor")).status_code == 404
    assert client.post(f"/v1/experiments/{unknown}/start", headers=auth("compliance_officer")).status_code == 404


def _without(path: str) -> dict[str, Any]:
    spec = copy.deepcopy(SPEC)
    *parents, last = path.split(".")
    target = spec
    for name in parents:
        target = target[name]
    del target[last]
    return spec


@pytest.mark.parametrize("body, field", [
    (_without("hypothesis"), "hypothesis"),
    (_without("seed"), "seed"),
    (_without("population.debtor_kinds"), "population.debtor_kinds"),
    ({**SPEC, "factor": "level"}, "factor"),                       # the level is never a factor
    ({**SPEC, "factor": "wording"}, "factor"),                     # no variants installed
    ({**SPEC, "arms": [{"name": "email", "value": "email"}]}, "arms"),
    ({**SPEC, "arms": [{"name": "a", "value": "email"}, {"name": "b", "value": "email"}]}, "arms"),
    ({**SPEC, "arms": [{"name": "a", "value": "email"}, {"name": "b", "value": "pigeon"}]}, "arms"),
    ({**SPEC, "factor": "send_hour", "arms": [{"name": "a", "value": 9}, {"name": "b", "value": 22}]}, "arms"),
    ({**SPEC, "factor": "send_hour", "arms": [{"name": "a", "value": 9}, {"name": "b", "value": "18"}]}, "arms"),
    ({**SPEC, "guardrails": []}, "guardrails"),
    ({**SPEC, "guardrails": [{"metric": "dispute_rate", "max": 1.5}]}, "guardrails.0.max"),
    ({**SPEC, "guardrails": [{"metric": "revenue", "max": 0.5}]}, "guardrails.0.metric"),
    ({**SPEC, "population": {"jurisdictions": ["XX"], "debtor_kinds": ["consumer"]}}, "population.jurisdictions.0"),
    ({**SPEC, "seed": "7"}, "seed"),
    ({**SPEC, "primary_metric": "revenue"}, "primary_metric"),
])
def test_an_invalid_registration_is_refused_naming_the_field(client: Any, auth: Any, app: Any,
                                                             body: dict[str, Any], field: str) -> None:
    response = client.post("/v1/experiments", json=body, headers=auth("compliance_officer"))
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == [field], response.json
    assert ledger_kinds(app) == []


def _decide(client: Any, auth: Any, invoice: str, **changes: Any) -> dict[str, Any]:
    response = client.post("/v1/decisions", json=request_with(**{"invoice.ref": invoice, **changes}),
                           headers=auth("ar_system"))
    assert response.status_code == 201, response.json
    return response.json


def test_decisions_recorded_while_it_runs_carry_their_arm(client: Any, auth: Any, app: Any) -> None:
    experiment_id = register(client, auth).json["id"]
    before = _decide(client, auth, "INV-1")
    assert before["experiment"] is None and before["selection"]["propensity"] == 1.0
    client.post(f"/v1/experiments/{experiment_id}/start", headers=auth("compliance_officer"))

    arms = {}
    for n in range(2, 12):
        decision = _decide(client, auth, f"INV-{n}")
        assert decision["experiment"]["id"] == experiment_id and decision["experiment"]["applied"] is True
        assert decision["action"]["channel"] == decision["experiment"]["arm"]
        assert decision["selection"]["chosen"] in [o["id"] for o in decision["selection"]["lawful"]]
        arms[decision["experiment"]["arm"]] = decision
    assert set(arms) == {"email", "letter"}     # ten claims, both arms drawn (a fixed seed: not by luck)
    stored = client.get(f"/v1/decisions/{arms['letter']['decision_id']}", headers=auth("auditor")).json
    assert stored["experiment"] == arms["letter"]["experiment"] and stored["selection"] == arms["letter"]["selection"]

    vulnerable = _decide(client, auth, "INV-20", **{"debtor.flags.vulnerable": True})
    assert vulnerable["experiment"] is None
    client.post(f"/v1/experiments/{experiment_id}/stop", headers=auth("compliance_officer"))
    assert _decide(client, auth, "INV-21")["experiment"] is None
    assert verify(app).entries == len(ledger_kinds(app))


def test_the_real_gate_refuses_a_send_hour_outside_the_hours_of_any_zone(client: Any, auth: Any) -> None:
    """20:00 in Los Angeles is 23:00 in New York: the Rosenthal Act's hours (Cal. Civ. Code
    § 1788.17, 15 U.S.C. § 1692c(a)(1)) must hold in every zone the debtor may be in."""
    californians = {"jurisdictions": ["US-CA"], "debtor_kinds": ["consumer"]}
    experiment_id = register(client, auth, name="evening", factor="send_hour", population=californians,
                             arms=[{"name": "morning", "value": 9}, {"name": "evening", "value": 20}]).json["id"]
    client.post(f"/v1/experiments/{experiment_id}/start", headers=auth("compliance_officer"))
    seen = {}
    for n in range(12):
        decision = _decide(client, auth, f"INV-CA-{n}", **{
            "debtor.jurisdiction": "US-CA", "debtor.timezone": "America/Los_Angeles",
            "debtor.other_timezones": ["America/New_York"], "debtor.language": "en", "invoice.currency": "USD"})
        seen[decision["experiment"]["arm"]] = decision
    assert set(seen) == {"morning", "evening"}
    assert seen["morning"]["experiment"]["applied"] is True
    assert seen["morning"]["action"]["send_at"].endswith("T17:00:00Z")      # 09:00 in Los Angeles (PST)
    evening = seen["evening"]
    assert evening["experiment"]["applied"] is False and evening["experiment"]["fallback"] == "refused"
    assert evening["experiment"]["rules"] == ["US-CA-CIV-1788.17"]
    assert any(t["rule"] in evening["experiment"]["rules"] and t["effect"] == "deny"
               for t in evening["explanation"]["policy"])


def test_results_before_any_decision_say_nothing_rather_than_zero(client: Any, auth: Any) -> None:
    experiment_id = register(client, auth).json["id"]
    results = client.get(f"/v1/experiments/{experiment_id}/results", headers=auth("auditor"))
    assert results.status_code == 200
    for arm in results.json["arms"]:
        assert arm["n"] == 0 and arm["metrics"]["paid_14d"] == {"rate": None, "ci_low": None, "ci_high": None,
                                                                  "n": 0, "count": 0}
    assert all(e["difference"] is None for e in results.json["effects"])
    assert client.get(f"/v1/experiments/{experiment_id}/results", headers=auth("ar_system")).status_code == 403


def test_batch_runs_allocate_as_single_decisions_do(client: Any, auth: Any, app: Any) -> None:
    """A batch run allocates each claim to the arm a single decision would: the draw depends on
    the claim, never on the path."""
    from decisions.experiments import allocate, experiment
    from decisions.portfolio import generate_portfolio
    from decisions.tables import DecisionRow

    population = {"jurisdictions": ["DE", "GB", "FR", "NL", "AT"], "debtor_kinds": ["consumer"]}
    experiment_id = register(client, auth, population=population).json["id"]
    client.post(f"/v1/experiments/{experiment_id}/start", headers=auth("compliance_officer"))
    items = list(generate_portfolio(40, seed=3, as_of=clock_now(app)))
    run_id = client.post("/v1/runs", json={"items": items}, headers=auth("ar_system")).json["run_id"]
    app.extensions["fairdun"].runner.join(run_id, timeout=120)
    runtime = app.extensions["fairdun"]
    with runtime.db.reading() as session:
        registered = experiment(session, experiment_id)
        rows = session.query(DecisionRow).filter(DecisionRow.run_id == run_id).all()
    allocated = [row for row in rows if row.experiment_id is not None]
    assert allocated, "the run allocated no claim"
    for row in allocated:
        assert row.experiment_id == experiment_id
        drawn = allocate([registered], claim_id=row.claim_id, jurisdiction="DE", debtor_kind="consumer",
                         vulnerable=False, profiling=True, under_review=False)
        assert drawn is not None and drawn.arm == row.experiment_arm
    assert verify(app).entries == len(ledger_kinds(app))


def clock_now(app: Any) -> Any:
    return app.extensions["fairdun"].clock()


def test_worker_processes_allocate_as_the_run_process_would(client: Any, auth: Any, app: Any) -> None:
    from decisions.experiments import experiment
    from decisions.pipeline import DecisionContext, Job, evaluate_jobs
    from decisions.portfolio import generate_portfolio
    from decisions.strategy import load_ladder
    from service.parallel import ProcessEvaluator
    from service.runtime import load_policy_engine, load_risk_model
    from service.schemas import DecisionRequestSchema

    experiment_id = register(client, auth, population={"jurisdictions": ["DE", "GB"],
                                                       "debtor_kinds": ["consumer", "business"]}).json["id"]
    client.post(f"/v1/experiments/{experiment_id}/start", headers=auth("compliance_officer"))
    with app.extensions["fairdun"].db.reading() as session:
        running = (experiment(session, experiment_id),)
    schema = DecisionRequestSchema()
    jobs = [Job(case=schema.load(r), decision_id=f"d-{i}", remembered=(), claim_id=f"claim-{i}")
            for i, r in enumerate(generate_portfolio(30, seed=5, as_of=clock_now(app)))]
    context = DecisionContext(model=load_risk_model({}), policy=load_policy_engine({}), ladder=load_ladder(),
                              experiments=running)
    with ProcessEvaluator({}, workers=2) as pool:
        parallel = pool(jobs, context)
    here = evaluate_jobs(jobs, context)
    assert [d.document() for d in parallel] == [d.document() for d in here]
    assert any(d.experiment is not None for d in here)
