"""What an AR system does, over real HTTP (a threaded werkzeug server on loopback, requests from
``http.client``): a run of 500 items with 3 invalid ones → 497 decisions listed page by page with
their effective actions and 3 item errors; the same decision request twice, even at once, without
an Idempotency-Key → one decision; a reviewer overturns a decision → its ``effective`` status is
``set_aside``, in the decision and in the run's items."""

from __future__ import annotations

import http.client
import json
import threading
from collections.abc import Iterator
from datetime import UTC, datetime
from typing import Any

import pytest
from fakes import ledger_kinds, request_with
from rights_support import HANDOVER
from werkzeug.serving import make_server

from decisions.portfolio import generate_portfolio

AS_OF = datetime(2026, 11, 22, 9, tzinfo=UTC)
INVALID = {17: ("debtor.timezone", "Atlantis/Capital"), 250: ("invoice.amount", "12O.00"),
           499: ("as_of", "2026-11-22 09:00:00")}


class Api:
    """An AR system's HTTP client: one connection per call, JSON in and out."""

    def __init__(self, port: int, key: str) -> None:
        self.port, self.key = port, key

    def __call__(self, method: str, path: str, body: Any = None) -> tuple[int, dict[str, str], Any]:
        connection = http.client.HTTPConnection("127.0.0.1", self.port, timeout=300)
        try:
            headers = {"Authorization": f"Bearer {self.key}"}
            payload = None
            if body is not None:
                payload = json.dumps(body).encode("utf-8")
                headers["Content-Type"] = "application/json"
            connection.request(method, path, body=payload, headers=headers)
            response = connection.getresponse()
            return response.status, dict(response.getheaders()), json.loads(response.read())
        finally:
            connection.close()


@pytest.fixture
def port(app: Any) -> Iterator[int]:
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield server.server_port
    finally:
        server.shutdown()
        thread.join()


def _portfolio() -> list[Any]:
    items: list[Any] = list(generate_portfolio(496, seed=14, as_of=AS_OF))
    items.insert(3, request_with(**{**HANDOVER, "invoice.ref": "INV-HANDOVER"}))   # goes to human review
    for index, (path, value) in sorted(INVALID.items()):
        item = json.loads(json.dumps(items[0] if index >= len(items) else items[index]))
        node = item
        *parents, leaf = path.split(".")
        for key in parents:
            node = node[key]
        node[leaf] = value
        items.insert(index, item)
    assert len(items) == 500
    return items


def test_an_ar_system_over_http(app: Any, api_keys: dict[str, str], port: int) -> None:
    ar, reviewer = Api(port, api_keys["ar_system"]), Api(port, api_keys["reviewer"])

    # (1) a run of 500 items, 3 of them invalid: accepted, the invalid ones known at once
    status, headers, started = ar("POST", "/v1/runs", {"items": _portfolio()})
    assert status == 202 and started["total"] == 500 and started["invalid"] == 3
    run_id = started["run_id"]
    assert headers["Location"].endswith(f"/v1/runs/{run_id}")
    app.extensions["fairdun"].runner.join(run_id, timeout=600)     # the run's worker thread in this process
    status, _, run = ar("GET", f"/v1/runs/{run_id}")
    assert (run["status"], run["decided"], run["invalid"], run["done"]) == ("finished", 497, 3, 500)

    # (2) its items, page by page
    items: list[dict[str, Any]] = []
    cursor, pages = None, 0
    while True:
        status, _, page = ar("GET", f"/v1/runs/{run_id}/items?limit=100" + (f"&cursor={cursor}" if cursor else ""))
        assert status == 200
        pages += 1
        items += page["items"]
        cursor = page["next_cursor"]
        if cursor is None:
            break
    assert pages == 5 and [item["index"] for item in items] == list(range(500))
    errors = {item["index"]: item["error"] for item in items if item["state"] == "error"}
    assert {i: list(e["fields"]) for i, e in errors.items()} == {i: [path] for i, (path, _) in INVALID.items()}
    assert all(e["status"] == 422 and e["code"] == "validation_error" for e in errors.values())
    decided = [item for item in items if item["state"] == "decided"]
    assert len(decided) == 497 and len({item["decision_id"] for item in decided}) == 497
    recorded = _recorded(app, [item["decision_id"] for item in decided])
    for item in decided:
        document = recorded[item["decision_id"]]
        assert item["status"] == document["status"]
        assert item["effective"] == {"status": document["status"], "action": document["action"], "because": None}
        assert item["debtor_ref"] and item["invoice_ref"]
    sent = _portfolio()
    assert all((item["debtor_ref"], item["invoice_ref"]) == (sent[item["index"]]["debtor"]["ref"],
                                                             sent[item["index"]]["invoice"]["ref"]) for item in items)

    # (3) the same decision request twice, then twice at once, without a key: one decision
    first = ar("POST", "/v1/decisions", request_with())
    again = ar("POST", "/v1/decisions", request_with())
    assert (first[0], again[0]) == (201, 200) and again[2] == first[2]
    assert again[1]["Idempotent-Replayed"] == "true"
    answers: list[tuple[int, dict[str, str], Any]] = []
    start = threading.Barrier(2)

    def send() -> None:
        start.wait(timeout=30)
        answers.append(ar("POST", "/v1/decisions", request_with(as_of="2026-11-22T09:20:00Z")))

    senders = [threading.Thread(target=send) for _ in range(2)]
    for sender in senders:
        sender.start()
    for sender in senders:
        sender.join(timeout=300)
    assert sorted(status for status, _, _ in answers) == [200, 201]
    assert answers[0][2]["decision_id"] == answers[1][2]["decision_id"]
    assert ledger_kinds(app).count("decision") == 497 + 2

    # (4) a reviewer overturns the run's decision that needed review: set aside, in both places
    [handover] = [item for item in items if item["invoice_ref"] == "INV-HANDOVER"]
    assert handover["effective"]["status"] == "needs_review"
    status, _, queue = reviewer("GET", "/v1/reviews?status=open")
    [case] = [case for case in queue["reviews"] if case["decision_id"] == handover["decision_id"]]
    status, _, closed = reviewer("POST", f"/v1/reviews/{case['case_id']}/outcome",
                                 {"outcome": "overturn", "rationale": "the invoice was settled by phone",
                                  "explanation_opened": True})
    assert status == 200
    status, _, decision = ar("GET", f"/v1/decisions/{handover['decision_id']}")
    assert status == 200 and decision["status"] == "needs_review"
    assert decision["effective"] == {"status": "set_aside", "action": None, "because": {
        "case_id": case["case_id"], "outcome": "overturn", "outcome_seq": closed["outcome_seq"],
        "closed_at": closed["closed_at"]}}
    status, _, page = ar("GET", f"/v1/runs/{run_id}/items?limit=5")
    assert page["items"][handover["index"]]["effective"] == decision["effective"]


def _recorded(app: Any, decision_ids: list[str]) -> dict[str, dict[str, Any]]:
    from decisions.documents import documents_of

    with app.extensions["fairdun"].db.reading() as session:
        return documents_of(session, decision_ids)
