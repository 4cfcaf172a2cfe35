"""The audit report's human-review, data-subject-request and erasure figures, through the rights
API, against independent counts from the workflows' tables (review cases, subject requests)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta
from typing import Any

from fakes import request_with
from pdf_tools import pdf_text
from sqlalchemy import func, select, text

from decisions.rights.tables import ReviewCaseRow, SubjectRequestRow
from reports import Period, render_audit_report
from service.api_reports import verified_audit_figures

DAY = datetime(2026, 11, 23, 9, tzinfo=UTC)
PERIOD = Period(date(2026, 11, 23), date(2026, 11, 24))
START, END = datetime(2026, 11, 23, tzinfo=UTC), datetime(2026, 11, 25, tzinfo=UTC)


def _decide(client: Any, auth: Any, ref: str, **changes: Any) -> dict[str, Any]:
    body = request_with(**{"as_of": "2026-11-23T09:00:00Z", "debtor.ref": ref, **changes})
    response = client.post("/v1/decisions", json=body, headers=auth("ar_system"))
    assert response.status_code == 201, response.json
    return response.json


def _ok(response: Any) -> dict[str, Any]:
    assert response.status_code in (200, 201), response.json
    return response.json


def test_review_request_and_erasure_figures(app: Any, client: Any, auth: Any, clock: Any) -> None:
    clock.now = DAY
    officer, reviewer = auth("compliance_officer"), auth("reviewer")
    decisions = {ref: _decide(client, auth, ref) for ref in ("C-1", "C-2", "C-3", "C-4")}
    # debtors ask for review of three decisions; reviewers overturn one, uphold one, leave one open
    for ref in ("C-1", "C-2", "C-3"):
        _ok(client.post(f"/v1/subjects/{ref}/review-requests", headers=officer,
                        json={"decision_id": decisions[ref]["decision_id"], "statement": "please look again"}))
    cases = {c["decision_id"]: c["case_id"] for c in _ok(client.get("/v1/reviews?status=open", headers=reviewer))["reviews"]}
    clock.now = DAY + timedelta(hours=5)
    _ok(client.post(f"/v1/reviews/{cases[decisions['C-1']['decision_id']]}/outcome", headers=reviewer,
                    json={"outcome": "overturn", "rationale": "the invoice was disputed by phone",
                          "explanation_opened": True}))
    _ok(client.post(f"/v1/reviews/{cases[decisions['C-2']['decision_id']]}/outcome", headers=reviewer,
                    json={"outcome": "uphold", "rationale": "correct", "explanation_opened": False}))
    # an objection, an access request (fulfilled at once), an extended rectification
    _ok(client.post("/v1/subjects/C-4/objections", headers=officer, json={"scope": "profiling"}))
    _ok(client.get("/v1/subjects/C-4/access", headers=officer))
    rectification = _ok(client.post("/v1/subjects/C-2/rectifications", headers=officer,
                                    json={"concerns": "address", "statement": "I moved last year"}))
    _ok(client.post(f"/v1/requests/{rectification['request_id']}/extension", headers=officer,
                    json={"reason": "complexity", "notice": "we need to check the address with the creditor"}))
    clock.now = datetime(2026, 11, 26, 12, tzinfo=UTC)

    runtime = app.extensions["fairdun"]
    figures = verified_audit_figures(app, first_day=PERIOD.first_day, last_day=PERIOD.last_day, now=clock.now)

    with runtime.db.reading() as session:
        opened = session.scalar(select(func.count()).select_from(ReviewCaseRow).where(
            ReviewCaseRow.opened_at >= START, ReviewCaseRow.opened_at < END))
        outcomes = dict(session.execute(select(ReviewCaseRow.outcome, func.count()).where(
            ReviewCaseRow.closed_at >= START, ReviewCaseRow.closed_at < END).group_by(ReviewCaseRow.outcome)).all())
        still_open = session.scalar(select(func.count()).select_from(ReviewCaseRow).where(
            ReviewCaseRow.status == "open"))
        received = dict(session.execute(select(SubjectRequestRow.type, func.count()).where(
            SubjectRequestRow.received_at >= START, SubjectRequestRow.received_at < END)
            .group_by(SubjectRequestRow.type)).all())
        fulfilled = session.scalar(select(func.count()).select_from(SubjectRequestRow).where(
            SubjectRequestRow.fulfilled_at.is_not(None), SubjectRequestRow.fulfilled_at <= SubjectRequestRow.due_at))
        extended = session.scalar(select(func.count()).select_from(SubjectRequestRow).where(
            SubjectRequestRow.extended_at.is_not(None)))
        shredded = session.scalar(text("SELECT count(*) FROM ledger_entries WHERE kind = 'subject_shredded'"))

    review = figures["review"]
    assert review["opened"] == opened
    assert review["outcomes"] == {"uphold": outcomes.get("uphold", 0), "modify": outcomes.get("modify", 0),
                                  "overturn": outcomes.get("overturn", 0)} == {"uphold": 1, "modify": 0, "overturn": 1}
    assert review["overturn_rate"] == 0.5 and review["explanation_opened"] == 1
    assert review["open_at_end"] == still_open
    assert review["hours_to_outcome"]["max"] == 5.0 and review["closed_on_time"] == 2
    requests = figures["requests"]
    assert {r["type"]: r["received"] for r in requests["by_type"] if r["received"]} == received
    assert requests["on_time"] == fulfilled
    assert requests["late"] == 0 and requests["pending"] == requests["received"] - fulfilled
    assert requests["extensions"] == {"recorded": extended, "by_reason": {"complexity": 1}}
    assert requests["objections_in_force"] == 1
    assert figures["integrity"]["shredded_subjects"]["in_period"] == shredded == 0

    words = " ".join(pdf_text(render_audit_report(figures)).split())
    assert f"Cases opened {opened}" in words and "Overturn rate 50.0 %" in words
    assert "Review SLA met 100.0 % 2 of 2 review cases closed in the period" in words      # the KPI section
    assert f"{requests['received']} received: {fulfilled} on time, 0 late" in words
