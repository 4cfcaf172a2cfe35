"""The registry inside the service: which model decides, switching on approval without a
restart, holding when nothing is approved, the counterfactual hint, the worker path."""

from __future__ import annotations

import json
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from fakes import ledger_kinds, request_with
from openapi_check import assert_matches

from explain import default_artifact_path, default_sha256
from explain.registry import ArtifactRefused

CLI = {"via": "cli"}


def _decide(app: Any, auth: Any, request: dict | None = None) -> dict:
    response = app.test_client().post("/v1/decisions", json=request or request_with(), headers=auth("ar_system"))
    assert response.status_code == 201, response.json
    return response.json


def _auth_for(app: Any) -> Any:
    from service.auth import Role, create_api_key

    runtime = app.extensions["fairdun"]
    key = create_api_key(runtime.db, name="t", role=Role.AR_SYSTEM, now=runtime.clock(), new_id=runtime.new_id)
    return lambda role: {"Authorization": f"Bearer {key}"}


def test_a_fresh_installation_decides_with_the_shipped_model_and_ledgers_only_the_decision(app, auth):
    document = _decide(app, auth)
    assert document["status"] == "decided"
    shipped = json.loads(default_artifact_path().read_bytes())["model_id"]
    assert document["risk"]["model"] == {"id": shipped, "sha256": default_sha256()}
    assert ledger_kinds(app) == ["decision"]


def test_an_approval_in_another_process_switches_the_model_before_the_next_decision(make_app, variant):
    serving = make_app()
    auth = _auth_for(serving)
    before = _decide(serving, auth)
    # another process (the CLI, another worker) approves a new version
    admin = make_app().extensions["fairdun"]
    candidate = admin.models.register(variant(21), now=admin.clock(), actor=CLI)
    admin.models.approve(candidate.model_id, now=admin.clock(), actor=CLI)
    # another claim (the same claim, as_of and body again would repeat the recorded decision)
    after = _decide(serving, auth, request_with(**{"invoice.ref": "INV-AFTER-APPROVAL"}))
    assert before["risk"]["model"]["sha256"] == default_sha256()
    assert after["risk"]["model"] == {"id": candidate.model_id, "sha256": candidate.sha256}
    health = serving.test_client().get("/health").json
    assert health["model"] == {"id": candidate.model_id, "sha256": candidate.sha256, "available": True}
    # the shipped default's adoption records its sign-off by the deployment before its approval
    assert ledger_kinds(serving) == ["decision", "model_registered", "model_signed_off", "model_approved",
                                     "model_registered", "model_retired", "model_approved", "decision"]


def test_without_an_approved_version_decisions_that_need_the_model_are_held(make_app, variant):
    serving = make_app()
    auth = _auth_for(serving)
    models, clock = serving.extensions["fairdun"].models, serving.extensions["fairdun"].clock
    candidate = models.register(variant(22), now=clock(), actor=CLI)
    models.approve(candidate.model_id, now=clock(), actor=CLI)
    models.retire(candidate.model_id, now=clock(), actor=CLI, note="drift")
    held = _decide(serving, auth)
    assert held["status"] == "held" and held["hold"]["code"] == "model_unavailable"
    assert "no approved model version" in held["hold"]["detail"]
    assert held["risk"]["model"] == {"id": None, "sha256": None}
    assert_matches(serving.test_client().get("/v1/openapi.json").json, "DecisionResponse", held)
    assert serving.test_client().get("/health").status_code == 503


def test_a_tampered_registered_artifact_holds_decisions(make_app, variant, tmp_path):
    serving = make_app()
    auth = _auth_for(serving)
    runtime = serving.extensions["fairdun"]
    candidate = runtime.models.register(variant(23), now=runtime.clock(), actor=CLI)
    path = Path(runtime.config["INSTANCE_PATH"]) / "models" / f"{candidate.model_id}.json"
    intact = path.read_bytes()
    path.write_bytes(intact.replace(b'"intercept": -', b'"intercept": +', 1))
    with pytest.raises(ArtifactRefused, match="SHA-256"):   # the approval reads the stored artifact
        runtime.models.approve(candidate.model_id, now=runtime.clock(), actor=CLI)
    path.write_bytes(intact)
    runtime.models.approve(candidate.model_id, now=runtime.clock(), actor=CLI)
    path.write_bytes(intact.replace(b'"intercept": -', b'"intercept": +', 1))   # tampered after approval
    held = _decide(serving, auth)
    assert held["status"] == "held" and held["hold"]["code"] == "model_unavailable"
    assert "SHA-256" in held["hold"]["detail"]
    assert held["risk"]["model"]["id"] == candidate.model_id


def test_batch_workers_load_the_approved_version(make_app, variant, database_url):
    from service.runtime import load_risk_model

    runtime = make_app().extensions["fairdun"]
    assert load_risk_model(dict(runtime.config)).sha256 == default_sha256()
    candidate = runtime.models.register(variant(24), now=runtime.clock(), actor=CLI)
    runtime.models.approve(candidate.model_id, now=runtime.clock(), actor=CLI)
    worker_config = {k: runtime.config[k] for k in ("MODEL_ARTIFACT", "MODEL_SHA256", "DATABASE_URL",
                                                    "INSTANCE_PATH")}
    assert load_risk_model(worker_config).sha256 == candidate.sha256


# three days overdue, six of nine earlier invoices paid late (17.3 days on average), on paper: the
# shipped model puts it in the medium band, and the high band from the seventh day overdue
_NEAR_A_BAND_EDGE = {"invoice.issued_on": "2026-10-20", "invoice.due_on": "2026-11-19",
                     "history.invoices_total": 9, "history.invoices_paid_late": 6, "history.avg_days_late": 17.3,
                     "history.paperless": False, "history.dunning": [], "history.contacts": []}


def test_a_decision_carries_the_counterfactual_hint(app, auth, client, clock):
    """The shipped model's only hint is "pay by D": its catalogue lists no change of past behaviour
    and a dispute is no feature. It is shown because re-deciding with the band from D + 1 gives a
    stricter step, so paying by D (what the hint asks) keeps the gentler one; re-deciding the same
    case on D and on D + 1 confirms both halves of what it tells the debtor."""
    from decisions.hints import harshness
    from decisions.strategy import Candidate
    from explain.counterfactual import counterfactual_hint

    document = _decide(app, auth, request_with(**_NEAR_A_BAND_EDGE))
    assert document["status"] in ("decided", "needs_review")
    hint = document["explanation"]["counterfactual"]
    assert hint is not None
    runtime = app.extensions["fairdun"]
    model = runtime.context.model
    features = {"days_past_due": 3, "prior_late_ratio": 6 / 9, "prior_avg_days_late": 17.3, "paperless": 0}
    assert document["risk"]["inputs"] == features
    expected = counterfactual_hint(model, features, p_late=model.score(features).calibrated.p_late,
                                   band_of=model.band_of, bands=("low", "medium", "high"),
                                   today=date(2026, 11, 22), lang="de")
    assert expected is not None and expected["change"] == "later"
    redecided = hint.pop("redecided")
    assert hint == {**expected, "counterfactual_p_late": round(expected["counterfactual_p_late"], 6)}
    assert (hint["band"], hint["counterfactual_band"], hint["paid_by"]) == ("medium", "high", "2026-11-25")
    assert hint["band"] == document["risk"]["band"]
    assert "bis zum 25. November 2026" in hint["text"] and "Einschätzung des Risikos" in hint["text"]
    # verified by re-deciding: with the band from D + 1 the step would be stricter than the one chosen
    chosen = document["action"]
    assert redecided["band"] == "high"
    as_candidate = lambda a: Candidate(id="x", kind=a["kind"], level=a["level"], tone=a["tone"])  # noqa: E731
    assert harshness(as_candidate(redecided)) > harshness(as_candidate(chosen))
    assert_matches(client.get("/v1/openapi.json").json, "DecisionResponse", {**document, "explanation": {
        **document["explanation"], "counterfactual": {**hint, "redecided": redecided}}})

    # what it tells the debtor holds: unpaid on the 25th the band stays medium, on the 26th it is high
    for as_of, band in (("2026-11-25T09:00:00Z", "medium"), ("2026-11-26T09:00:00Z", "high")):
        clock.advance(days=3 if band == "medium" else 1)
        later = _decide(app, auth, request_with(**_NEAR_A_BAND_EDGE, as_of=as_of))
        assert later["risk"]["band"] == band, as_of


def test_no_hint_on_a_disputed_claim_and_the_dispute_does_not_change_the_score(app, auth):
    undisputed = _decide(app, auth, request_with(**_NEAR_A_BAND_EDGE))
    document = _decide(app, auth, request_with(**_NEAR_A_BAND_EDGE, **{"invoice.ref": "INV-DISPUTED",
                                                                      "invoice.disputed": True}))
    assert undisputed["explanation"]["counterfactual"] is not None   # the same features give a candidate
    assert document["explanation"]["counterfactual"] is None
    assert document["risk"]["p_late"] == undisputed["risk"]["p_late"]
    assert all("disput" not in reason["feature"] for reason in document["explanation"]["reasons"])


def test_no_hint_when_no_single_change_moves_the_band(app, auth):
    document = _decide(app, auth)   # the README example: low, and stays low within the range
    assert document["explanation"]["counterfactual"] is None
