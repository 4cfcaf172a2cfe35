"""Retraining from fairdun's own ledger, end to end (issue 19): a simulated portfolio is decided
through the API over two months and its debtors answer (``decisions.simulator``); the ledger
export trains a challenger; compared with the champion on the same recent outcomes, it cannot be
approved without a sign-off when the comparison fails, and with one it scores live decisions."""

from __future__ import annotations

import base64
import copy
from datetime import timedelta
from pathlib import Path
from typing import Any

import pytest
from fakes import request_with

from decisions.portfolio import generate_cases
from decisions.simulator import Simulator, events, factor_values
from explain import write_artifact
from explain.ledger_set import read_ledger_set, train_from_ledger_set
from explain.registry import ComparisonRequired, SignOffRequired
from service.training_export import compare_challenger, export_training_set

BATCHES, PER_BATCH, DAYS_APART = 6, 250, 10
FAST = {"outer_bags": 3, "learning_rate": 0.1, "max_rounds": 300, "early_stopping_rounds": 15, "max_bins": 12,
        "max_interaction_bins": 8, "bootstrap": 50}
CLI = {"via": "cli"}


@pytest.fixture
def app(make_app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    """A portfolio decided at once (no per-key rate limit); the pseudonym key fixed, so every run
    exports the same set."""
    monkeypatch.setenv("FAIRDUN_PSEUDONYM_KEY", base64.b64encode(bytes(range(32))).decode())
    return make_app(API_RATE_LIMIT="off")


def _post(client: Any, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), (path, response.json)
    return response.json


def test_a_challenger_from_the_ledger_needs_a_comparison_and_a_sign_off_when_it_fails(
        app: Any, client: Any, auth: Any, clock: Any, tmp_path: Path) -> None:
    runtime = app.extensions["fairdun"]
    ar = auth("ar_system")
    simulator = Simulator(seed=21)
    start = clock()
    answers: list[dict[str, Any]] = []
    for batch in range(BATCHES):
        decided_at = clock.now = start + timedelta(days=DAYS_APART * batch)
        for case in generate_cases(PER_BATCH, seed=100 + batch, as_of=decided_at):
            request = copy.deepcopy(case.request)
            request["debtor"]["ref"] = f"B{batch}-{request['debtor']['ref']}"
            request["invoice"]["ref"] = f"B{batch}-{request['invoice']['ref']}"
            decision = _post(client, "/v1/decisions", request, ar)
            response = simulator.respond(decision["decision_id"], case.segment, factor_values(request, decision))
            answers += [b for b in events(request, decided_at, response) if b["type"] == "payment_received"]
    clock.now = start + timedelta(days=DAYS_APART * BATCHES + 40)      # every outcome known
    for body in sorted(answers, key=lambda b: b["at"]):
        _post(client, "/v1/events", body, ar)
    clock.advance(minutes=1)                                           # the export counts what came before it

    exported = tmp_path / "train.csv"
    summary = export_training_set(app, exported, now=clock(), include_open=False, target=None, actor=CLI)
    rows = read_ledger_set(exported)
    assert summary["rows"] == len(rows) > 1000 and 0 < summary["late"] < summary["rows"]

    artifact, trained = train_from_ledger_set(exported, **FAST)
    assert artifact["training"]["mode"] == "ledger" and artifact["training"]["data"]["sha256"] == summary["sha256"]
    path = tmp_path / f"{artifact['model_id']}.json"
    write_artifact(artifact, path)
    models = runtime.models
    challenger = models.register(path.read_bytes(), now=clock(), actor=CLI, note="retrained from the ledger")
    champion = models.model(models.state())

    with pytest.raises(ComparisonRequired):                           # not compared yet
        models.approve(challenger.model_id, now=clock(), actor=CLI)
    # compared on a day after the last decision: nothing to judge, so the check fails
    last = max(r["decided_on"] for r in rows)
    failed = compare_challenger(app, challenger.model_id, exported, now=clock(), bootstrap=200, seed=0, actor=CLI,
                                since=clock().date())
    assert failed["passed"] is False and "not judged" in failed["findings"][0] and last < clock().date().isoformat()
    with pytest.raises(SignOffRequired) as refused:
        models.approve(challenger.model_id, now=clock(), actor=CLI)
    assert failed["findings"][0] in refused.value.findings

    # on the challenger's own holdout: both models scored on the same decisions, paired
    judged = compare_challenger(app, challenger.model_id, exported, now=clock(), bootstrap=200, seed=0, actor=CLI,
                                since=None)
    holdout_from = artifact["training"]["split"]["holdout_from"]
    assert judged["n"] == sum(1 for r in rows if r["decided_on"] >= holdout_from) >= 50
    assert judged["champion"]["model_id"] == champion.id
    low, high = judged["auc"]["ci"]
    assert low <= judged["auc"]["difference"] <= high
    # trained on these debtors' own outcomes, it beats the champion trained elsewhere, but its own
    # calibration and fairness checks have findings: the latest comparison passed, the card's
    # findings still need a named sign-off
    assert judged["passed"] and judged["auc"]["difference"] > 0 and judged["brier"]["difference"] < 0
    own = artifact["governance"]["findings"]
    with pytest.raises(SignOffRequired) as refused:
        models.approve(challenger.model_id, now=clock(), actor=CLI)
    assert refused.value.findings == own and own
    models.sign_off(challenger.model_id, now=clock(), actor=CLI, signed_off_by="staff:0000-officer",
                    rationale="reviewed the comparison and the card")
    approved = models.approve(challenger.model_id, now=clock(), actor=CLI)
    assert approved.status == "approved" and models.state().model_id == challenger.model_id
    decision = _post(client, "/v1/decisions", request_with(as_of=clock().isoformat()), ar)
    assert decision["risk"]["model"]["id"] == challenger.model_id and decision["risk"]["p_late"] is not None
