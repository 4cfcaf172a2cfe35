"""Run results through the API: POST /v1/runs decides the valid items and reports the invalid ones
(or refuses the run with on_invalid=reject); GET /v1/runs/{id}/items lists every item, page by page,
with its references and metadata as sent, its decision and effective status and action, or its error;
a replayed Idempotency-Key answers with the run's state now."""

from __future__ import annotations

import uuid
from typing import Any

import pytest
from fakes import ledger_kinds, request_with
from openapi_check import assert_matches

ITEMS = [
    request_with(**{"invoice.ref": "INV-1"}, metadata={"erp": "A-1"}),
    request_with(**{"invoice.ref": "INV-2", "debtor.timezone": "Atlantis/Capital"}),   # invalid, refs readable
    "not an object",                                                                   # invalid, nothing readable
    request_with(**{"invoice.ref": "INV-4", "debtor.ref": 10023}),                      # invalid, no debtor ref
    request_with(**{"invoice.ref": "INV-5"}),
]


def _run(client: Any, auth: Any, app: Any, body: dict[str, Any], **headers: str) -> dict[str, Any]:
    response = client.post("/v1/runs", json=body, headers={**auth("ar_system"), **headers})
    assert response.status_code == 202, response.json
    app.extensions["fairdun"].runner.join(response.json["run_id"], timeout=120)
    return dict(response.json)


def _all_items(client: Any, auth: Any, run_id: str, limit: int) -> tuple[list[dict[str, Any]], int]:
    items: list[dict[str, Any]] = []
    cursor, pages = None, 0
    while True:
        query = f"limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        page = client.get(f"/v1/runs/{run_id}/items?{query}", headers=auth("ar_system"))
        assert page.status_code == 200, page.json
        pages += 1
        items += page.json["items"]
        cursor = page.json["next_cursor"]
        if cursor is None:
            return items, pages


def test_valid_items_are_decided_and_invalid_ones_reported_each(client: Any, auth: Any, app: Any) -> None:
    started = _run(client, auth, app, {"items": ITEMS})
    assert (started["total"], started["invalid"], started["decided"]) == (5, 3, 0)   # known before it runs
    status = client.get(f"/v1/runs/{started['run_id']}", headers=auth("ar_system")).json
    assert (status["status"], status["decided"], status["invalid"], status["done"]) == ("finished", 2, 3, 5)
    assert status["summary"]["errors"] == {"validation_error": 3} and status["summary"]["invalid_items"] == [1, 2, 3]
    items, pages = _all_items(client, auth, started["run_id"], limit=2)
    assert pages == 3 and [i["index"] for i in items] == [0, 1, 2, 3, 4]
    first, tz, junk, number, last = items
    assert first["state"] == "decided" and first["debtor_ref"] == "C-10023" and first["invoice_ref"] == "INV-1"
    assert first["metadata"] == {"erp": "A-1"} and last["metadata"] == {}
    decision = client.get(f"/v1/decisions/{first['decision_id']}", headers=auth("ar_system")).json
    assert first["status"] == decision["status"] and first["effective"] == decision["effective"]
    assert first["effective"] == {"status": decision["status"], "action": decision["action"], "because": None}
    assert first["error"] is None
    assert tz["state"] == "error" and tz["decision_id"] is None and tz["effective"] is None
    assert tz["error"]["status"] == 422 and tz["error"]["code"] == "validation_error"
    assert list(tz["error"]["fields"]) == ["debtor.timezone"]
    assert (tz["debtor_ref"], tz["invoice_ref"]) == ("C-10023", "INV-2")
    assert (junk["debtor_ref"], junk["invoice_ref"], junk["metadata"]) == (None, None, None)
    assert "debtor.ref" in number["error"]["fields"] and number["debtor_ref"] is None
    assert ledger_kinds(app).count("decision") == 2
    spec = client.get("/v1/openapi.json").json
    assert_matches(spec, "RunItemsPage", {"items": items, "next_cursor": None})
    assert_matches(spec, "RunStatus", status)


def test_on_invalid_reject_refuses_the_run_naming_each_invalid_items_fields(client: Any, auth: Any,
                                                                           app: Any) -> None:
    response = client.post("/v1/runs", json={"items": ITEMS, "on_invalid": "reject"}, headers=auth("ar_system"))
    assert response.status_code == 422
    fields = response.json["error"]["fields"]
    assert "items.1.debtor.timezone" in fields and "items.2._body" in fields and "items.3.debtor.ref" in fields
    assert not any(name.startswith(("items.0.", "items.4.")) for name in fields)
    assert ledger_kinds(app) == []
    from decisions.tables import RunRow

    with app.extensions["fairdun"].db.reading() as session:
        assert session.query(RunRow).count() == 0


def test_a_replayed_key_answers_with_the_runs_state_now(client: Any, auth: Any, app: Any) -> None:
    body = {"items": [request_with()]}
    started = _run(client, auth, app, body, **{"Idempotency-Key": "nightly-1"})
    assert started["status"] == "pending"
    again = client.post("/v1/runs", json=body, headers={**auth("ar_system"), "Idempotency-Key": "nightly-1"})
    assert again.status_code == 200 and again.json["run_id"] == started["run_id"]
    assert again.json["status"] == "finished" and again.json["decided"] == 1 and again.json["summary"]
    other = client.post("/v1/runs", json={"items": [request_with(), request_with()]},
                        headers={**auth("ar_system"), "Idempotency-Key": "nightly-1"})
    assert other.status_code == 409 and other.json["error"]["code"] == "idempotency_conflict"


def test_a_review_outcome_shows_in_the_items_effective(client: Any, auth: Any, app: Any) -> None:
    from rights_support import HANDOVER

    run = _run(client, auth, app, {"items": [request_with(**HANDOVER)]})
    [item] = client.get(f"/v1/runs/{run['run_id']}/items", headers=auth("ar_system")).json["items"]
    assert item["status"] == "needs_review" and item["effective"]["status"] == "needs_review"
    [case] = client.get("/v1/reviews?status=open", headers=auth("reviewer")).json["reviews"]
    outcome = client.post(f"/v1/reviews/{case['case_id']}/outcome", headers=auth("reviewer"),
                          json={"outcome": "overturn", "rationale": "paid in cash", "explanation_opened": True})
    assert outcome.status_code == 200
    [item] = client.get(f"/v1/runs/{run['run_id']}/items", headers=auth("ar_system")).json["items"]
    assert item["status"] == "needs_review"        # as recorded
    assert item["effective"]["status"] == "set_aside" and item["effective"]["action"] is None
    assert item["effective"]["because"]["case_id"] == case["case_id"]
    assert item["effective"]["because"]["outcome"] == "overturn"


@pytest.mark.parametrize(("query", "field"), [
    ("cursor=nonsense", "cursor"), ("cursor=%F0%9F%98%80", "cursor"), ("cursor=", "cursor"),
    ("cursor=cnVuLWl0ZW1zLy0x", "cursor"),             # "run-items/-1"
    ("cursor=ZmVlZC8x", "cursor"),                     # another list's cursor ("feed/1")
    ("limit=0", "limit"), ("limit=1001", "limit"), ("limit=ten", "limit"), ("limit=", "limit"),
    ("page=2", "page")])
def test_bad_query_parameters_are_a_422_naming_them(client: Any, auth: Any, app: Any, query: str,
                                                    field: str) -> None:
    run = _run(client, auth, app, {"items": [request_with()]})
    response = client.get(f"/v1/runs/{run['run_id']}/items?{query}", headers=auth("ar_system"))
    assert response.status_code == 422 and list(response.json["error"]["fields"]) == [field]


def test_who_may_list_items_and_of_which_run(client: Any, auth: Any) -> None:
    missing = f"/v1/runs/{uuid.UUID(int=77)}/items"
    assert client.get(missing, headers=auth("ar_system")).status_code == 404
    assert client.get(missing, headers=auth("compliance_officer")).status_code == 404
    for role in ("reviewer", "auditor", "admin"):     # the items carry what the AR system sent
        assert client.get(missing, headers=auth(role)).status_code == 403
    assert client.get(missing).status_code == 401


def test_the_openapi_document_lists_the_query_parameters(client: Any) -> None:
    operation = client.get("/v1/openapi.json").json["paths"]["/v1/runs/{run_id}/items"]["get"]
    query = {p["name"]: p for p in operation["parameters"] if p["in"] == "query"}
    assert set(query) == {"limit", "cursor"}
    assert query["limit"]["schema"]["maximum"] == 1000 and not query["cursor"]["required"]


def test_a_file_runs_items_name_their_errors_and_decisions_without_references(make_app: Any, auth: Any,
                                                                              tmp_path: Any) -> None:
    import json

    from service.commands import file_sha256, run_file, run_id_for

    app = make_app()
    path = tmp_path / "mixed.jsonl"
    path.write_text("\n".join([json.dumps(request_with()), "{broken"]) + "\n")
    run_file(app, path, progress=False)
    run_id = run_id_for(file_sha256(path), None)
    from service.auth import Role, create_api_key

    runtime = app.extensions["fairdun"]
    key = create_api_key(runtime.db, name="k", role=Role.AR_SYSTEM, now=runtime.clock(), new_id=lambda: "k-1")
    page = app.test_client().get(f"/v1/runs/{run_id}/items", headers={"Authorization": f"Bearer {key}"}).json
    decided, broken = page["items"]
    assert (decided["index"], decided["state"], decided["debtor_ref"]) == (1, "decided", None)
    assert (broken["index"], broken["state"], broken["error"]["code"]) == (2, "error", "validation_error")
    assert "not JSON" in broken["error"]["fields"]["_row"][0]


def test_after_erasure_the_references_are_no_longer_readable(client: Any, auth: Any, app: Any) -> None:
    run = _run(client, auth, app, {"items": [request_with(metadata={"erp": "A-1"})]})
    [before] = client.get(f"/v1/runs/{run['run_id']}/items", headers=auth("ar_system")).json["items"]
    assert before["debtor_ref"] == "C-10023" and before["metadata"] == {"erp": "A-1"}
    erased = client.post("/v1/subjects/C-10023/erasure-requests", json={}, headers=auth("compliance_officer"))
    assert erased.status_code == 201, erased.json
    [after] = client.get(f"/v1/runs/{run['run_id']}/items", headers=auth("ar_system")).json["items"]
    assert (after["debtor_ref"], after["invoice_ref"], after["metadata"]) == (None, None, None)
    assert (after["state"], after["decision_id"], after["effective"]) == ("decided", before["decision_id"],
                                                                          before["effective"])
