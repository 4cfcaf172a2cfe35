"""The audit report's experiments section (issue 19): the experiments of the period as the ledger
made them at its end, each arm's claims and primary rate with its interval, nothing from after
the end; and the PDF shows them."""

from __future__ import annotations

import base64
from datetime import timedelta
from typing import Any

import pytest
from fakes import request_with
from pdf_tools import pdf_text

from reports import render_audit_report
from service.api_reports import verified_audit_figures

SPEC = {"name": "letter-vs-email", "hypothesis": "Letters get consumers to pay sooner.", "factor": "channel",
        "arms": [{"name": "email", "value": "email"}, {"name": "letter", "value": "letter"}],
        "population": {"jurisdictions": ["DE"], "debtor_kinds": ["consumer"]},
        "guardrails": [{"metric": "dispute_rate", "max": 0.5}], "seed": 7}


@pytest.fixture
def app(make_app: Any, monkeypatch: pytest.MonkeyPatch) -> Any:
    monkeypatch.setenv("FAIRDUN_PSEUDONYM_KEY", base64.b64encode(bytes(range(32))).decode())
    return make_app()


def _post(client: Any, path: str, body: dict[str, Any], headers: dict[str, str]) -> dict[str, Any]:
    response = client.post(path, json=body, headers=headers)
    assert response.status_code in (200, 201), (path, response.json)
    return response.json


def test_the_report_shows_each_arm_as_of_the_period_end(app: Any, client: Any, auth: Any, clock: Any) -> None:
    officer, ar = auth("compliance_officer"), auth("ar_system")
    experiment = _post(client, "/v1/experiments", SPEC, officer)
    _post(client, f"/v1/experiments/{experiment['id']}/start", {}, officer)
    old = _post(client, "/v1/experiments", {**SPEC, "name": "over-before"}, officer)
    _post(client, f"/v1/experiments/{old['id']}/stop", {}, officer)
    arms = []
    for n in range(12):
        decision = _post(client, "/v1/decisions", request_with(**{"debtor.ref": f"C-{n}", "invoice.ref": f"INV-{n}",
                                                                  "as_of": clock().isoformat()}), ar)
        arms.append(decision["experiment"]["arm"])
    first_day = clock().date() + timedelta(days=1)
    clock.advance(days=1)
    later = _post(client, "/v1/decisions", request_with(**{"debtor.ref": "C-99", "invoice.ref": "INV-99",
                                                           "as_of": clock().isoformat()}), ar)
    assert later["experiment"] is not None                      # decided after the period below: not counted
    clock.advance(days=2)

    day = first_day - timedelta(days=1)
    figures = verified_audit_figures(app, first_day=day, last_day=day, now=clock())
    section = figures["experiments"]
    assert [x["name"] for x in section["experiments"]] == ["letter-vs-email", "over-before"]
    [shown] = [x for x in section["experiments"] if x["name"] == "letter-vs-email"]
    counted = {a["name"]: a["n"] for a in shown["arms"]}
    assert counted == {"email": arms.count("email"), "letter": arms.count("letter")} and sum(counted.values()) == 12
    assert shown["status"] == "running" and shown["primary_metric"] == "paid_14d"
    for arm in shown["arms"]:                                   # 14 days have not passed: no rate, no 0 %
        assert arm["primary"]["rate"] is None and arm["primary"]["n"] == 0
    [effect] = shown["effects"]
    assert effect["metric"] == "paid_14d" and effect["difference"] is None

    # a period that starts after an experiment stopped leaves it out; one after the start shows the later claim
    later_figures = verified_audit_figures(app, first_day=first_day, last_day=first_day, now=clock())
    names = [x["name"] for x in later_figures["experiments"]["experiments"]]
    assert names == ["letter-vs-email"]
    assert sum(a["n"] for a in later_figures["experiments"]["experiments"][0]["arms"]) == 13

    words = " ".join(pdf_text(render_audit_report(figures)).split())
    assert "9. Experiments" in words and "letter-vs-email (running)" in words
    assert "Hypothesis: Letters get consumers to pay sooner." in words and "over-before (stopped)" in words
