"""Webhooks end to end, over real HTTP: the app served on loopback and called with ``requests``,
the dispatcher posting to a real receiver on loopback, every signature checked with the Standard
Webhooks library. Time is the app's clock, moved by the tests (no sleeps); the dispatcher runs one
pass at a time (``fairdun webhooks dispatch --once``)."""

from __future__ import annotations

import json
from collections.abc import Callable, Iterator
from dataclasses import replace
from datetime import UTC, datetime, timedelta
from typing import Any

import pytest
import requests
from click.testing import CliRunner
from conftest import FakeClock
from fakes import request_with
from standardwebhooks import Webhook
from webhook_support import PERSONAL, Receiver, serve, signed_by

from decisions.read_models import verify_read_models
from service.cli import main
from service.webhooks import dispatcher_for, start_dispatcher
from service.webhooks.dispatcher import RETRY_DELAYS

ALL = ["decision.held", "decision.reviewed", "review.requested", "run.completed", "request.deadline_near"]


@pytest.fixture
def clock() -> FakeClock:
    """The wall clock's present (to the second), so ``Webhook.verify`` (which compares
    ``webhook-timestamp`` with the wall clock, 5 minutes either way) accepts what was just signed."""
    return FakeClock(datetime.now(UTC).replace(microsecond=0))


@pytest.fixture
def app(make_app: Callable[..., Any]) -> Any:
    return make_app(WEBHOOK_ALLOW_HTTP_HOSTS="127.0.0.1")


@pytest.fixture
def base(app: Any) -> Iterator[str]:
    with serve(app) as url:
        yield url


@pytest.fixture
def receiver() -> Iterator[Receiver]:
    with Receiver() as running:
        yield running


@pytest.fixture
def api(base: str, api_keys: dict[str, str]) -> Callable[..., requests.Response]:
    """``api("admin", "POST", "/v1/…", json=…)``: one real HTTP request with that role's key."""
    session = requests.Session()

    def call(role: str, method: str, path: str, headers: dict[str, str] | None = None,
             **kwargs: Any) -> requests.Response:
        return session.request(method, base + path, timeout=60, **kwargs,
                               headers={"Authorization": f"Bearer {api_keys[role]}", **(headers or {})})

    return call


def _ok(response: requests.Response, status: int = 200) -> Any:
    assert response.status_code == status, response.text
    return response.json()


def _register(api: Any, receiver: Receiver, events: list[str] | None = None) -> dict[str, Any]:
    created = _ok(api("admin", "POST", "/v1/webhook-endpoints", json={"url": receiver.url, "events": events or ALL}),
                  201)
    assert created["secret"].startswith("whsec_") and created["status"] == "enabled"
    return created


def _dispatch(app: Any) -> dict[str, Any]:
    return dispatcher_for(app).run_once().as_dict()


def _hold_every_decision(app: Any) -> None:
    from decisions.policy import FakePolicyEngine, PolicyError

    def fails(_: Any) -> Any:
        raise PolicyError("the policy engine is down")

    runtime = app.extensions["fairdun"]
    runtime.context = replace(runtime.context, policy=FakePolicyEngine(fails))


def _held_decision(api: Any, ref: str) -> dict[str, Any]:
    decided = _ok(api("ar_system", "POST", "/v1/decisions", json=request_with(**{"debtor.ref": ref})), 201)
    assert decided["status"] == "held"
    return decided


def _verifies(app: Any) -> Any:
    with app.extensions["fairdun"].db.reading() as session:
        return verify_read_models(session)


def test_an_overturned_decision_is_told_signed_to_the_receiver_and_in_the_feed(
        app: Any, api: Any, receiver: Receiver) -> None:
    endpoint = _register(api, receiver, ["decision.reviewed", "review.requested"])
    decision = _ok(api("ar_system", "POST", "/v1/decisions", json=request_with()), 201)
    assert decision["status"] == "decided"
    _ok(api("compliance_officer", "POST", "/v1/subjects/C-10023/review-requests",
            json={"decision_id": decision["decision_id"], "statement": "please look again"}), 201)
    [case] = _ok(api("reviewer", "GET", "/v1/reviews?status=open"))["reviews"]
    _ok(api("reviewer", "POST", f"/v1/reviews/{case['case_id']}/outcome",
            json={"outcome": "overturn", "rationale": "the fee was never owed", "explanation_opened": True}))

    report = CliRunner().invoke(main, ["webhooks", "dispatch", "--once"], catch_exceptions=False, env={
        "FAIRDUN_INSTANCE_PATH": app.config["INSTANCE_PATH"], "FAIRDUN_DATABASE_URL": app.config["DATABASE_URL"],
        "FAIRDUN_WEBHOOK_ALLOW_HTTP_HOSTS": "127.0.0.1", "FAIRDUN_LOG_LEVEL": "WARNING"})
    assert report.exit_code == 0, report.output
    assert json.loads(report.stdout.strip().splitlines()[-1])["delivered"] == 2

    # deliveries go out concurrently: in any order (the feed has the recorded order)
    told_by_type = {r.payload["type"]: r for r in receiver.received}
    assert len(receiver.received) == len(told_by_type) == 2
    requested, reviewed = told_by_type["review.requested"], told_by_type["decision.reviewed"]
    for delivery in (requested, reviewed):   # the library's own check: signature, id, timestamp within 5 min
        assert Webhook(endpoint["secret"]).verify(delivery.body, delivery.headers) == delivery.payload
        assert delivery.path == "/hooks/fairdun" and delivery.headers["content-type"] == "application/json"
    assert requested.payload["type"] == "review.requested"
    assert requested.payload["data"]["decision_id"] == decision["decision_id"]
    assert requested.payload["data"]["case_id"] == case["case_id"]
    told = reviewed.payload
    assert told["type"] == "decision.reviewed" and told["data"]["outcome"] == "overturn"
    assert told["data"]["decision_id"] == decision["decision_id"] and told["data"]["case_id"] == case["case_id"]
    assert told["data"]["effective"]["status"] == "set_aside" and told["data"]["effective"]["action"] is None
    assert told["data"]["effective"] == _ok(api("ar_system", "GET", f"/v1/decisions/{decision['decision_id']}"))[
        "effective"]

    page = _ok(api("ar_system", "GET", "/v1/feed"))
    assert [e["id"] for e in page["events"]] == [requested.headers["webhook-id"], reviewed.headers["webhook-id"]]
    assert [{k: v for k, v in e.items() if k != "id"} for e in page["events"]] == [requested.payload, told]
    assert _ok(api("ar_system", "GET", f"/v1/feed?after={page['next_cursor']}")) == {
        "events": [], "next_cursor": page["next_cursor"]}

    for text in (*(r.body.decode() for r in receiver.received), json.dumps(page)):
        assert not [p for p in PERSONAL if p in text], text
    assert _verifies(app).rows["outbox_events"] == 2


def test_a_receiver_that_fails_twice_gets_the_event_on_the_third_try(
        app: Any, api: Any, receiver: Receiver, clock: FakeClock) -> None:
    endpoint = _register(api, receiver, ["decision.held"])
    _hold_every_decision(app)
    decided = _held_decision(api, "R-1")
    receiver.answers = [500, 503]
    assert _dispatch(app) == {"fanned_out": 1, "announced": 0, "delivered": 0, "failed": 1, "disabled": []}
    assert _dispatch(app)["failed"] == 0 and len(receiver.received) == 1      # not due before its retry time
    clock.advance(seconds=RETRY_DELAYS[0].total_seconds())
    assert _dispatch(app)["failed"] == 1
    clock.advance(seconds=RETRY_DELAYS[1].total_seconds() - 1)
    assert _dispatch(app)["delivered"] == 0 and len(receiver.received) == 2
    clock.advance(seconds=1)
    assert _dispatch(app)["delivered"] == 1

    first, second, third = receiver.received
    assert {r.headers["webhook-id"] for r in receiver.received} == {first.headers["webhook-id"]}
    assert first.body == second.body == third.body
    assert [int(r.headers["webhook-timestamp"]) for r in receiver.received] == [
        int((clock.now - timedelta(seconds=35) + d).timestamp()) for d in (timedelta(0), timedelta(seconds=5),
                                                                             timedelta(seconds=35))]
    for delivery in receiver.received:
        Webhook(endpoint["secret"]).verify(delivery.body, delivery.headers)
    data = third.payload["data"]
    assert third.payload["type"] == "decision.held" and data["decision_id"] == decided["decision_id"]
    assert data["hold"] == {"code": "policy_error"} and data["run"] is None
    assert data["effective"] == {"status": "held", "action": decided["action"], "because": None}

    log = _ok(api("admin", "GET", f"/v1/webhook-endpoints/{endpoint['endpoint_id']}/deliveries"))
    [delivery] = log["deliveries"]
    assert delivery["status"] == "delivered" and delivery["event_id"] == first.headers["webhook-id"]
    assert [(a["status_code"], a["error"]) for a in delivery["attempts"]] == [
        (500, "http_status"), (503, "http_status"), (200, None)]
    assert log["next_cursor"] is None


def test_an_http_url_to_a_host_not_allowed_is_refused_and_nothing_is_registered(api: Any) -> None:
    for url in ("http://hooks.example.com/fairdun", "https://10.0.0.7/hooks", "https://localhost:8443/hooks",
                "https://[::ffff:127.0.0.2]/hooks", "https://user:password@hooks.example.com/", "ftp://x.example/",
                "https://hooks.example.com/#frag", "https:///no-host"):
        refused = api("admin", "POST", "/v1/webhook-endpoints", json={"url": url, "events": ["decision.held"]})
        assert refused.status_code == 422, (url, refused.text)
        assert list(refused.json()["error"]["fields"]) == ["url"], url
    refused = api("admin", "POST", "/v1/webhook-endpoints", json={"url": "https://hooks.example.com/",
                                                                  "events": ["decision.sent"]})
    assert refused.status_code == 422 and list(refused.json()["error"]["fields"]) == ["events.0"]
    assert api("ar_system", "POST", "/v1/webhook-endpoints",
               json={"url": "https://hooks.example.com/", "events": ["decision.held"]}).status_code == 403
    assert _ok(api("admin", "GET", "/v1/webhook-endpoints")) == {"endpoints": []}
    created = _ok(api("admin", "POST", "/v1/webhook-endpoints",
                      json={"url": "https://hooks.example.com/fairdun?k=1", "events": ["decision.held"]}), 201)
    assert created["url"] == "https://hooks.example.com/fairdun?k=1"


def test_an_endpoint_failing_for_five_days_is_disabled_then_enabled_and_its_events_redelivered(
        app: Any, api: Any, receiver: Receiver, clock: FakeClock) -> None:
    endpoint = _register(api, receiver, ["decision.held"])
    path = f"/v1/webhook-endpoints/{endpoint['endpoint_id']}"
    _hold_every_decision(app)
    _held_decision(api, "D-1")
    receiver.answers = [500] * 100
    for delay in (timedelta(0), *RETRY_DELAYS):   # every attempt of the first event's series fails
        clock.advance(seconds=delay.total_seconds())
        assert _dispatch(app)["failed"] == 1
    assert len(receiver.received) == len(RETRY_DELAYS) + 1
    clock.advance(days=1)
    assert _dispatch(app)["failed"] == 0                      # no retry after the last one
    [first] = _ok(api("admin", "GET", f"{path}/deliveries"))["deliveries"]
    assert first["status"] == "failed" and first["next_attempt_at"] is None
    assert _ok(api("admin", "GET", path))["status"] == "enabled"   # failing for 2 days and 8 hours: not yet

    clock.now = datetime.fromisoformat(_ok(api("admin", "GET", path))["failing_since"]) + timedelta(days=5)
    second = _held_decision(api, "D-2")
    assert _dispatch(app) == {"fanned_out": 1, "announced": 0, "delivered": 0, "failed": 1,
                              "disabled": [endpoint["endpoint_id"]]}
    disabled = _ok(api("admin", "GET", path))
    assert disabled["status"] == "disabled" and disabled["disabled_reason"] == "failing"
    third = _held_decision(api, "D-3")                        # recorded while disabled: it waits
    clock.advance(hours=9)
    assert _dispatch(app)["failed"] == 0 and len(receiver.received) == len(RETRY_DELAYS) + 2
    assert api("admin", "POST", f"{path}/deliveries/{first['delivery_id']}/redeliver").status_code == 409

    receiver.answers = []
    assert _ok(api("admin", "POST", f"{path}/enable"))["status"] == "enabled"
    assert _dispatch(app)["delivered"] == 2                   # D-2 and D-3; D-1's retries had run out
    assert {r.payload["data"]["decision_id"] for r in receiver.received[-2:]} == {
        second["decision_id"], third["decision_id"]}
    redelivered = _ok(api("admin", "POST", f"{path}/deliveries/{first['delivery_id']}/redeliver"), 202)
    assert redelivered["status"] == "pending"
    assert _dispatch(app)["delivered"] == 1
    assert receiver.received[-1].body == receiver.received[0].body
    assert all(signed_by(endpoint["secret"], r) for r in receiver.received)
    log = _ok(api("admin", "GET", f"{path}/deliveries"))["deliveries"]
    assert [d["status"] for d in log] == ["delivered"] * 3
    assert len(log[-1]["attempts"]) == len(RETRY_DELAYS) + 2 and log[-1]["attempts"][-1]["status_code"] == 200
    assert _ok(api("admin", "GET", path))["failing_since"] is None


def test_a_rotated_secret_signs_beside_the_new_one_until_its_grace_period_ends(
        app: Any, api: Any, receiver: Receiver, clock: FakeClock) -> None:
    endpoint = _register(api, receiver, ["decision.held"])
    path = f"/v1/webhook-endpoints/{endpoint['endpoint_id']}"
    _hold_every_decision(app)
    rotated = _ok(api("admin", "POST", f"{path}/rotate-secret", json={"grace_minutes": 60}))
    assert rotated["secret"] != endpoint["secret"] and rotated["previous_secret_expires_at"] is not None
    _held_decision(api, "S-1")
    _dispatch(app)
    during = receiver.received[-1]
    assert len(during.headers["webhook-signature"].split(" ")) == 2
    for secret in (endpoint["secret"], rotated["secret"]):   # a receiver on either secret accepts it
        Webhook(secret).verify(during.body, during.headers)
    clock.advance(minutes=61)
    _held_decision(api, "S-2")
    _dispatch(app)
    after = receiver.received[-1]
    assert signed_by(rotated["secret"], after) and not signed_by(endpoint["secret"], after)
    assert _ok(api("admin", "GET", path))["previous_secret_expires_at"] is None
    now = _ok(api("admin", "POST", f"{path}/rotate-secret", json={"grace_minutes": 0}))
    _held_decision(api, "S-3")
    _dispatch(app)
    assert receiver.received[-1].headers["webhook-signature"].count(" ") == 0
    assert signed_by(now["secret"], receiver.received[-1])
    assert api("admin", "POST", f"{path}/rotate-secret", json={"grace_minutes": 10081}).status_code == 422


def test_a_deleted_endpoint_gets_nothing_more(app: Any, api: Any, receiver: Receiver) -> None:
    endpoint = _register(api, receiver, ["decision.held"])
    path = f"/v1/webhook-endpoints/{endpoint['endpoint_id']}"
    _hold_every_decision(app)
    _held_decision(api, "X-1")
    deleted = _ok(api("admin", "DELETE", path))
    assert deleted["status"] == "deleted"
    assert _dispatch(app)["delivered"] == 0 and receiver.received == []
    assert api("admin", "GET", path).status_code == 404
    assert _ok(api("admin", "GET", "/v1/webhook-endpoints")) == {"endpoints": []}
    assert _ok(api("ar_system", "GET", "/v1/feed"))["events"][0]["type"] == "decision.held"   # the feed keeps it


def test_an_endpoint_gets_only_its_types_and_what_was_recorded_after_it(
        app: Any, api: Any, receiver: Receiver) -> None:
    _hold_every_decision(app)
    _held_decision(api, "B-1")                                # before the endpoint existed
    _register(api, receiver, ["decision.reviewed"])
    _held_decision(api, "B-2")                                # not a type it wants
    assert _dispatch(app) == {"fanned_out": 2, "announced": 0, "delivered": 0, "failed": 0, "disabled": []}
    _register(api, receiver, ["decision.held"])
    _held_decision(api, "B-3")
    assert _dispatch(app)["delivered"] == 1 and len(receiver.received) == 1
    assert len(_ok(api("ar_system", "GET", "/v1/feed"))["events"]) == 3


def test_a_redirect_is_not_followed_and_a_silent_receiver_times_out(
        make_app: Callable[..., Any], receiver: Receiver, api_keys: dict[str, str], clock: FakeClock) -> None:
    app = make_app(WEBHOOK_ALLOW_HTTP_HOSTS="127.0.0.1", WEBHOOK_TIMEOUT=0.5)
    with serve(app) as base:
        headers = {"Authorization": f"Bearer {api_keys['admin']}"}
        created = requests.post(f"{base}/v1/webhook-endpoints", headers=headers, timeout=60,
                                json={"url": receiver.url, "events": ["decision.held"]}).json()
        _hold_every_decision(app)
        requests.post(f"{base}/v1/decisions", json=request_with(), timeout=60,
                      headers={"Authorization": f"Bearer {api_keys['ar_system']}"})
        receiver.answers = [302]
        assert _dispatch(app)["failed"] == 1
        assert [r.path for r in receiver.received] == ["/hooks/fairdun"]    # /elsewhere never asked for
        receiver.hold()
        clock.advance(seconds=5)
        assert _dispatch(app)["failed"] == 1
        receiver.release()
        log = requests.get(f"{base}/v1/webhook-endpoints/{created['endpoint_id']}/deliveries", headers=headers,
                           timeout=60).json()
    assert [(a["status_code"], a["error"]) for a in log["deliveries"][0]["attempts"]] == [
        (302, "redirect_refused"), (None, "timeout")]


def test_fairdun_serve_runs_a_dispatcher_in_the_background(
        make_app: Callable[..., Any], receiver: Receiver, api_keys: dict[str, str]) -> None:
    off = make_app(WEBHOOK_ALLOW_HTTP_HOSTS="127.0.0.1", WEBHOOK_DISPATCH="false")
    assert start_dispatcher(off) is None
    app = make_app(WEBHOOK_ALLOW_HTTP_HOSTS="127.0.0.1", WEBHOOK_POLL_SECONDS=0.05)
    client = app.test_client()
    client.post("/v1/webhook-endpoints", json={"url": receiver.url, "events": ["decision.held"]},
                headers={"Authorization": f"Bearer {api_keys['admin']}"})
    _hold_every_decision(app)
    stop = start_dispatcher(app)
    assert stop is not None
    try:
        client.post("/v1/decisions", json=request_with(), headers={"Authorization": f"Bearer {api_keys['ar_system']}"})
        assert receiver.got.wait(60), "the background dispatcher delivered nothing"
    finally:
        stop.set()
    assert receiver.received[0].payload["type"] == "decision.held"


def test_the_endpoint_routes_refuse_other_roles_and_unknown_ids(api: Any, receiver: Receiver) -> None:
    endpoint = _register(api, receiver)
    path = f"/v1/webhook-endpoints/{endpoint['endpoint_id']}"
    for role in ("ar_system", "reviewer", "compliance_officer", "auditor"):
        assert api(role, "GET", "/v1/webhook-endpoints").status_code == 403
        assert api(role, "POST", f"{path}/rotate-secret").status_code == 403
    missing = "/v1/webhook-endpoints/00000000-0000-4000-8000-000000000000"
    assert api("admin", "GET", missing).status_code == 404
    assert api("admin", "DELETE", missing).status_code == 404
    assert api("admin", "GET", f"{missing}/deliveries").status_code == 404
    assert api("admin", "POST", f"{path}/deliveries/00000000-0000-4000-8000-000000000000/redeliver").status_code == 404
    assert api("admin", "GET", f"{path}/deliveries?cursor=nonsense").json()["error"]["fields"] == {
        "cursor": ["Not a cursor of this list: send next_cursor as the list gave it."]}
    assert api("admin", "GET", f"{path}/deliveries?limit=0").status_code == 422
    assert api("admin", "GET", f"{path}/deliveries?status=lost").status_code == 422
    assert api("admin", "POST", f"{path}/enable", json={"redeliver_failed": "yes"}).status_code == 422
    assert api("admin", "POST", "/v1/webhook-endpoints", data="[]",
               headers={"Content-Type": "application/json"}).status_code in (400, 422)
    listed = _ok(api("admin", "GET", "/v1/webhook-endpoints"))["endpoints"]
    assert listed == [{k: v for k, v in endpoint.items() if k != "secret"}]
