"""The feed (``GET /v1/feed``): the events webhooks deliver, pulled; ``run.completed`` and
``request.deadline_near``; and verification, which rebuilds every event from the ledger and finds
an event changed, removed or invented."""

from __future__ import annotations

import json
from collections.abc import Callable
from dataclasses import replace
from datetime import datetime, timedelta
from typing import Any

import pytest
from conftest import FakeClock
from fakes import request_with
from sqlalchemy import text
from webhook_support import PERSONAL

from decisions.read_models import READ_MODEL_MISMATCH, verify_read_models
from ledger import ChainBroken
from service.webhooks import dispatcher_for


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.json
    return response.json


def _hold_every_decision(app: Any) -> None:
    from decisions.policy import FakePolicyEngine, PolicyError

    def fails(_: Any) -> Any:
        raise PolicyError("the policy engine is down")

    runtime = app.extensions["fairdun"]
    runtime.context = replace(runtime.context, policy=FakePolicyEngine(fails))


def _feed(client: Any, auth: Any, query: str = "") -> dict[str, Any]:
    return _ok(client.get(f"/v1/feed{query}", headers=auth("ar_system")))


def _verify(app: Any) -> Any:
    with app.extensions["fairdun"].db.reading() as session:
        return verify_read_models(session)


def _sql(app: Any, statement: str, **params: Any) -> None:
    with app.extensions["fairdun"].db.engine.begin() as connection:
        connection.execute(text(statement), params)


def test_the_feed_pages_in_order_with_a_cursor_that_survives_a_restart(
        app: Any, client: Any, auth: Any, make_app: Callable[..., Any]) -> None:
    assert _feed(client, auth) == {"events": [], "next_cursor": None}
    _hold_every_decision(app)
    decided = [_ok(client.post("/v1/decisions", json=request_with(**{"debtor.ref": f"F-{n}"}),
                               headers=auth("ar_system")), 201) for n in range(5)]
    pages, cursor = [], ""
    while True:
        page = _feed(client, auth, f"?limit=2{'&after=' + cursor if cursor else ''}")
        if not page["events"]:
            assert page["next_cursor"] == cursor
            break
        pages.append(page)
        assert page["next_cursor"] != cursor
        cursor = page["next_cursor"]
    assert [len(p["events"]) for p in pages] == [2, 2, 1]
    events = [e for p in pages for e in p["events"]]
    assert [e["data"]["decision_id"] for e in events] == [d["decision_id"] for d in decided]
    assert {e["type"] for e in events} == {"decision.held"} and len({e["id"] for e in events}) == 5
    assert all(set(e) == {"id", "type", "timestamp", "data"} for e in events)

    restarted = make_app().test_client()   # another process on the same database: same cursor, same page
    again = _ok(restarted.get(f"/v1/feed?limit=2&after={pages[0]['next_cursor']}", headers=auth("ar_system")))
    assert again == pages[1]
    assert _ok(client.get("/v1/feed", headers=auth("admin")))["events"] == events[:5]
    assert not [p for p in PERSONAL if p in json.dumps(events)]


def test_the_feed_is_for_ar_systems_and_admins_and_refuses_bad_queries(client: Any, auth: Any) -> None:
    for role in ("reviewer", "compliance_officer", "auditor"):
        assert client.get("/v1/feed", headers=auth(role)).status_code == 403
    assert client.get("/v1/feed").status_code == 401
    for query, field in (("?after=bm9wZQ", "after"), ("?after=", "after"), ("?after=%FF", "after"),
                         ("?limit=0", "limit"), ("?limit=1001", "limit"), ("?limit=x", "limit"),
                         ("?since=1", "since")):
        refused = client.get(f"/v1/feed{query}", headers=auth("ar_system"))
        assert refused.status_code == 422, query
        assert list(refused.json["error"]["fields"]) == [field], query
    other = _ok(client.get("/v1/webhook-endpoints", headers=auth("admin")))
    assert other == {"endpoints": []}


def test_a_finished_run_is_told_with_its_counts(app: Any, client: Any, auth: Any) -> None:
    items = [request_with(**{"debtor.ref": f"RUN-{n}", "invoice.ref": f"I-{n}"}) for n in range(4)]
    items.append({"as_of": "not a time"})
    run_id = _ok(client.post("/v1/runs", json={"items": items}, headers=auth("ar_system")), 202)["run_id"]
    app.extensions["fairdun"].runner.join(run_id, timeout=120)
    status = _ok(client.get(f"/v1/runs/{run_id}", headers=auth("ar_system")))
    [event] = [e for e in _feed(client, auth)["events"] if e["type"] == "run.completed"]
    data = event["data"]
    assert data["run_id"] == run_id and data["total"] == 5 == status["total"]
    assert data["decided"] == status["decided"] == 4 and data["invalid"] == status["invalid"] == 1
    assert data["by_status"] == status["summary"]["by_status"]
    assert _verify(app).rows["outbox_events"] >= 1
    app.extensions["fairdun"].runner.resume(run_id)    # a finished run is not run again, nor told again
    assert [e["type"] for e in _feed(client, auth)["events"]].count("run.completed") == 1


def test_a_request_near_its_deadline_is_told_once_per_deadline(
        app: Any, client: Any, auth: Any, clock: FakeClock) -> None:
    officer = auth("compliance_officer")
    asked = _ok(client.post("/v1/subjects/C-10023/rectifications", headers=officer,
                            json={"concerns": "address", "statement": "wrong amount"}), 201)
    _ok(client.post("/v1/subjects/C-10023/objections", headers=officer, json={"scope": "profiling"}), 201)
    due = datetime.fromisoformat(asked["due_at"])
    dispatcher = dispatcher_for(app)
    clock.now = due - timedelta(days=7, seconds=1)
    assert dispatcher.run_once().announced == 0
    clock.now = due - timedelta(days=7)
    assert dispatcher.run_once().announced == 1                  # the objection was fulfilled at once: not told
    assert dispatcher.run_once().announced == 0
    [event] = [e for e in _feed(client, auth)["events"] if e["type"] == "request.deadline_near"]
    assert event["data"] == {"request_id": asked["request_id"], "type": "rectification",
                             "received_at": asked["received_at"], "due_at": asked["due_at"], "decision_id": None,
                             "case_id": None}
    extended = _ok(client.post(f"/v1/requests/{asked['request_id']}/extension", headers=officer,
                               json={"reason": "complexity", "notice": "we need to check the records of the "
                                                                       "branch office"}))
    assert dispatcher.run_once().announced == 0
    clock.now = datetime.fromisoformat(extended["effective_due_at"]) - timedelta(days=3)
    assert dispatcher.run_once().announced == 1                  # the extended deadline draws near: told again
    told = [e["data"]["due_at"] for e in _feed(client, auth)["events"] if e["type"] == "request.deadline_near"]
    assert told == [asked["due_at"], extended["effective_due_at"]]
    assert _verify(app).rows["outbox_events"] == 2


@pytest.fixture
def recorded(app: Any, client: Any, auth: Any, clock: FakeClock) -> dict[str, Any]:
    """A review request, its overturn, a held decision, a finished run and a deadline told."""
    decision = _ok(client.post("/v1/decisions", json=request_with(), headers=auth("ar_system")), 201)
    asked = _ok(client.post("/v1/subjects/C-10023/review-requests", headers=auth("compliance_officer"),
                            json={"decision_id": decision["decision_id"], "statement": "please look again"}), 201)
    [case] = _ok(client.get("/v1/reviews?status=open", headers=auth("reviewer")))["reviews"]
    _ok(client.post(f"/v1/reviews/{case['case_id']}/outcome", headers=auth("reviewer"),
                    json={"outcome": "overturn", "rationale": "the fee was never owed", "explanation_opened": True}))
    run_id = _ok(client.post("/v1/runs", json={"items": [request_with(**{"debtor.ref": "RUN-1"})]},
                             headers=auth("ar_system")), 202)["run_id"]
    app.extensions["fairdun"].runner.join(run_id, timeout=120)
    rectification = _ok(client.post("/v1/subjects/C-10023/rectifications", headers=auth("compliance_officer"),
                                     json={"concerns": "address", "statement": "wrong amount"}), 201)
    _hold_every_decision(app)
    _ok(client.post("/v1/decisions", json=request_with(**{"debtor.ref": "H-1"}), headers=auth("ar_system")), 201)
    clock.now = datetime.fromisoformat(rectification["due_at"]) - timedelta(days=1)
    assert dispatcher_for(app).run_once().announced == 1       # the review request was fulfilled by its outcome
    assert _verify(app).rows["outbox_events"] == 5
    return {"decision": decision, "request": asked, "run_id": run_id}


def _seq_of(app: Any, type_: str) -> int:
    with app.extensions["fairdun"].db.engine.connect() as connection:
        return int(connection.execute(text("SELECT ledger_seq FROM outbox_events WHERE type = :t"),
                                      {"t": type_}).scalar_one())


# case: (statement, its parameters, the event type whose entry's seq is reported, what the report names).
# Texts go in as parameters: in a statement, ``:1`` would be a bind parameter.
_REPLACE = "UPDATE outbox_events SET payload = replace(payload, :old, :new) WHERE type = :type"
TAMPERING: dict[str, tuple[str, dict[str, str], str | None, str]] = {
    "an overturn told as an uphold": (
        _REPLACE, {"old": '"outcome":"overturn"', "new": '"outcome":"uphold"', "type": "decision.reviewed"},
        "decision.reviewed", "column payload holds"),
    "a review outcome's event removed": (
        "DELETE FROM outbox_events WHERE type = 'decision.reviewed'", {}, "decision.reviewed",
        "no decision.reviewed event for the review outcome"),
    "a held decision's event removed": (
        "DELETE FROM outbox_events WHERE type = 'decision.held'", {}, "decision.held",
        "no decision.held event for the held decision"),
    # Two differences: the review request's entry has lost its event, and the event now points at
    # the next entry (no review request). The one at the lower seq is reported, the other counted.
    "a review request's event pointed at another entry": (
        "UPDATE outbox_events SET ledger_seq = ledger_seq + 1 WHERE type = 'review.requested'", {},
        "review.requested", "no review.requested event for the review request of this entry (1 more difference(s))"),
    "a deadline moved": (
        _REPLACE, {"old": '"due_at":"', "new": '"due_at":"1', "type": "request.deadline_near"},
        None, "is no deadline of request"),
    "a run's counts changed": (
        _REPLACE, {"old": '"decided":1', "new": '"decided":7', "type": "run.completed"},
        None, "column payload holds"),
    "the outbox's origin moved": ("DELETE FROM outbox_origin", {}, None, "outbox_origin"),
}


@pytest.mark.parametrize("case", list(TAMPERING))
def test_verification_finds_an_event_changed_removed_or_misplaced(app: Any, recorded: Any, case: str) -> None:
    statement, params, seq_of, names = TAMPERING[case]
    seq = _seq_of(app, seq_of) if seq_of else None
    _sql(app, statement, **params)
    with pytest.raises(ChainBroken) as broken:
        _verify(app)
    assert broken.value.reason == READ_MODEL_MISMATCH and names in str(broken.value), str(broken.value)
    if seq is not None:
        assert broken.value.seq == seq


def test_the_openapi_document_describes_the_webhooks_and_matches_the_answers(
        app: Any, client: Any, auth: Any, recorded: Any) -> None:
    from openapi_check import assert_matches

    spec = _ok(client.get("/v1/openapi.json"))
    assert spec["openapi"].startswith("3.1")
    assert set(spec["webhooks"]) == {"decision.held", "decision.reviewed", "review.requested", "run.completed",
                                     "request.deadline_near"}
    for type_, hook in spec["webhooks"].items():
        assert {p["name"] for p in hook["post"]["parameters"]} == {"webhook-id", "webhook-timestamp",
                                                                  "webhook-signature"}, type_
    for path in ("/v1/webhook-endpoints", "/v1/webhook-endpoints/{endpoint_id}/rotate-secret",
                 "/v1/webhook-endpoints/{endpoint_id}/deliveries"):
        assert all(op["x-roles"] == ["admin"] for op in spec["paths"][path].values())
    assert spec["paths"]["/v1/feed"]["get"]["x-roles"] == ["ar_system", "admin"]
    assert {p["name"] for p in spec["paths"]["/v1/feed"]["get"]["parameters"] if p["in"] == "query"} == {"after", "limit"}

    page = _feed(client, auth)
    assert_matches(spec, "FeedPage", page)
    names = {"decision.held": "DecisionHeldEvent", "decision.reviewed": "DecisionReviewedEvent",
             "review.requested": "ReviewRequestedEvent", "run.completed": "RunCompletedEvent",
             "request.deadline_near": "RequestDeadlineNearEvent"}
    for event in page["events"]:
        assert_matches(spec, names[event["type"]], {k: v for k, v in event.items() if k != "id"})
    created = _ok(client.post("/v1/webhook-endpoints", headers=auth("admin"),
                              json={"url": "https://hooks.example.com/in", "events": ["decision.held"]}), 201)
    assert_matches(spec, "EndpointIssued", created)
    assert_matches(spec, "EndpointList", _ok(client.get("/v1/webhook-endpoints", headers=auth("admin"))))
    dispatcher, deliveries = dispatcher_for(app), f"/v1/webhook-endpoints/{created['endpoint_id']}/deliveries"
    dispatcher.fan_out()                                       # what was recorded before it: not for it
    assert _ok(client.get(deliveries, headers=auth("admin")))["deliveries"] == []
    held = _ok(client.post("/v1/decisions", json=request_with(**{"debtor.ref": "H-2"}), headers=auth("ar_system")), 201)
    assert held["status"] == "held" and dispatcher.fan_out() == 1
    log = _ok(client.get(deliveries, headers=auth("admin")))
    assert [(d["event_type"], d["status"]) for d in log["deliveries"]] == [("decision.held", "pending")]
    assert_matches(spec, "DeliveryPage", log)
