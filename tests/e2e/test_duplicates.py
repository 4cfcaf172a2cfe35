"""No accidental duplicates: without an Idempotency-Key, the same claim (debtor.ref + invoice.ref)
and as_of is decided once. The same body again is answered with the recorded decision (200); another
body is refused (409 duplicate_decision), as is an as_of before the claim's latest decision (409
as_of_before_latest); both name the decision. It holds under concurrency, across single requests
and runs, on SQLite and PostgreSQL."""

from __future__ import annotations

import threading
from collections import Counter
from typing import Any

import pytest
from fakes import ledger_kinds, request_with
from openapi_check import assert_matches

URL = "/v1/decisions"


def _post(client: Any, body: dict[str, Any], headers: dict[str, str], **extra: str) -> Any:
    return client.post(URL, json=body, headers={**headers, **extra})


def _decisions(app: Any) -> int:
    return ledger_kinds(app).count("decision")


def test_the_same_request_twice_is_one_decision(client: Any, auth: Any, app: Any) -> None:
    first = _post(client, request_with(), auth("ar_system"))
    again = _post(client, request_with(), auth("ar_system"))
    assert (first.status_code, again.status_code) == (201, 200)
    assert again.json == first.json and again.headers["Idempotent-Replayed"] == "true"
    assert again.headers["Location"] == first.headers["Location"]
    assert _decisions(app) == 1
    assert_matches(client.get("/v1/openapi.json").json, "DecisionResponse", again.json)


def test_another_body_for_the_same_claim_and_as_of_is_refused_naming_the_decision(client: Any, auth: Any,
                                                                                  app: Any) -> None:
    first = _post(client, request_with(), auth("ar_system")).json
    before = ledger_kinds(app)
    refused = _post(client, request_with(**{"debtor.consents.email": False}), auth("ar_system"))
    assert refused.status_code == 409
    error = refused.json["error"]
    assert error["code"] == "duplicate_decision" and first["decision_id"] in error["message"]
    assert list(error["fields"]) == ["as_of"] and first["decision_id"] in error["fields"]["as_of"][0]
    assert ledger_kinds(app) == before
    # a later as_of is a new decision about the claim
    later = _post(client, request_with(**{"debtor.consents.email": False, "as_of": "2026-11-22T09:05:00Z"}),
                  auth("ar_system"))
    assert later.status_code == 201 and later.json["decision_id"] != first["decision_id"]


def test_an_as_of_before_the_claims_latest_decision_is_refused(client: Any, auth: Any, app: Any) -> None:
    earlier = _post(client, request_with(), auth("ar_system")).json
    latest = _post(client, request_with(as_of="2026-11-22T09:10:00Z"), auth("ar_system")).json
    before = ledger_kinds(app)
    refused = _post(client, request_with(as_of="2026-11-22T09:05:00Z"), auth("ar_system"))
    assert refused.status_code == 409
    error = refused.json["error"]
    assert error["code"] == "as_of_before_latest"
    assert latest["decision_id"] in error["message"] and "2026-11-22T09:10:00Z" in error["message"]
    assert ledger_kinds(app) == before
    # a late retry of the earlier request is still answered with its decision
    retry = _post(client, request_with(), auth("ar_system"))
    assert retry.status_code == 200 and retry.json == earlier
    # another invoice of the same debtor is another claim
    other = _post(client, request_with(**{"invoice.ref": "INV-43"}), auth("ar_system"))
    assert other.status_code == 201


def test_keys_still_work_as_before(client: Any, auth: Any, app: Any) -> None:
    keyed = _post(client, request_with(), auth("ar_system"), **{"Idempotency-Key": "k-1"})
    assert _post(client, request_with(), auth("ar_system"), **{"Idempotency-Key": "k-1"}).json == keyed.json
    conflict = _post(client, request_with(**{"debtor.consents.email": False}), auth("ar_system"),
                     **{"Idempotency-Key": "k-1"})
    assert conflict.status_code == 409 and conflict.json["error"]["code"] == "idempotency_conflict"
    # a new key is a new request, as it always was: the AR system said so
    assert _post(client, request_with(), auth("ar_system"), **{"Idempotency-Key": "k-2"}).status_code == 201
    assert _decisions(app) == 2
    # without a key, the request that was decided under one is answered with the latest such decision
    assert _post(client, request_with(), auth("ar_system")).status_code == 200
    assert _decisions(app) == 2


def test_two_requests_differing_only_in_metadata_are_decided_alike_and_are_two_requests(client: Any, auth: Any,
                                                                                       app: Any) -> None:
    plain = _post(client, request_with(), auth("ar_system")).json
    tagged = _post(client, request_with(metadata={"erp_document": "4711", "batch": "nightly"}), auth("ar_system"))
    assert tagged.status_code == 409 and tagged.json["error"]["code"] == "duplicate_decision"
    other = _post(client, request_with(metadata={"erp_document": "4711", "batch": "nightly"}), auth("ar_system"),
                  **{"Idempotency-Key": "tagged"}).json
    assert other["metadata"] == {"erp_document": "4711", "batch": "nightly"} and plain["metadata"] == {}
    content = ("status", "action", "risk", "explanation", "policy", "strategy", "hold", "as_of")
    assert {k: other[k] for k in content} == {k: plain[k] for k in content}


def test_a_held_decision_neither_repeats_nor_blocks(make_app: Any, auth: Any, client: Any, app: Any) -> None:
    held_app = make_app(POLICY_ENGINE="no-such-engine")    # the same database and instance: every decision held
    held = _post(held_app.test_client(), request_with(), auth("ar_system"))
    assert held.status_code == 201 and held.json["status"] == "held"
    decided = _post(client, request_with(), auth("ar_system"))
    assert decided.status_code == 201 and decided.json["status"] == "decided"
    assert decided.json["decision_id"] != held.json["decision_id"]
    assert _post(client, request_with(), auth("ar_system")).json == decided.json


def test_a_run_after_a_single_request_does_not_decide_the_claim_again(client: Any, auth: Any, app: Any) -> None:
    single = _post(client, request_with(), auth("ar_system")).json
    items = [request_with(),                                                          # 0: the same request
             request_with(**{"debtor.consents.email": False}),                         # 1: another body
             request_with(as_of="2026-11-22T08:00:00Z", **{"invoice.ref": "INV-9"}),   # 2: a new claim
             request_with(as_of="2026-11-22T08:00:00Z", **{"invoice.ref": "INV-9"}),   # 3: as 2, in the same run
             request_with(as_of="2026-11-22T07:00:00Z", **{"invoice.ref": "INV-9"})]   # 4: before 2
    run_id = client.post("/v1/runs", json={"items": items}, headers=auth("ar_system")).json["run_id"]
    summary = app.extensions["fairdun"].runner.join(run_id, timeout=120)
    assert summary["decisions"] == 1 and summary["replayed"] == 2
    assert summary["errors"] == {"duplicate_decision": 1, "as_of_before_latest": 1}
    page = client.get(f"/v1/runs/{run_id}/items", headers=auth("ar_system")).json
    states = [(i["state"], i["decision_id"], (i["error"] or {}).get("code")) for i in page["items"]]
    new = states[2][1]
    assert states == [("replayed", single["decision_id"], None), ("error", None, "duplicate_decision"),
                      ("decided", new, None), ("replayed", new, None), ("error", None, "as_of_before_latest")]
    assert single["decision_id"] in page["items"][1]["error"]["message"]
    assert page["items"][1]["error"]["status"] == 409 and page["items"][0]["effective"]["because"] is None
    status = client.get(f"/v1/runs/{run_id}", headers=auth("ar_system")).json
    assert (status["decided"], status["replayed"], status["invalid"], status["done"]) == (1, 2, 2, 5)
    assert _decisions(app) == 2
    # and a single request repeating a run's item is answered with the run's decision
    again = _post(client, request_with(as_of="2026-11-22T08:00:00Z", **{"invoice.ref": "INV-9"}), auth("ar_system"))
    assert again.status_code == 200 and again.json["decision_id"] == new


@pytest.mark.parametrize("threads", [4])
def test_identical_requests_at_once_record_one_decision(app: Any, auth: Any, threads: int) -> None:
    start = threading.Barrier(threads)
    answers: list[tuple[int, str]] = []
    lock = threading.Lock()

    def send() -> None:
        client = app.test_client()
        start.wait(timeout=30)
        response = _post(client, request_with(), auth("ar_system"))
        with lock:
            answers.append((response.status_code, response.json.get("decision_id", response.json)))

    workers = [threading.Thread(target=send) for _ in range(threads)]
    for worker in workers:
        worker.start()
    for worker in workers:
        worker.join(timeout=120)
    assert Counter(status for status, _ in answers) == {201: 1, 200: threads - 1}, answers
    assert len({decision_id for _, decision_id in answers}) == 1
    assert _decisions(app) == 1


def test_metadata_is_returned_as_sent_and_kept_only_sealed(client: Any, auth: Any, app: Any) -> None:
    from sqlalchemy import text

    metadata = {"erp_document": "SECRET-4711", "batch.name": "nightly-run"}
    created = _post(client, request_with(metadata=metadata), auth("ar_system"), **{"Idempotency-Key": "m-1"}).json
    assert created["metadata"] == metadata
    assert _post(client, request_with(metadata=metadata), auth("ar_system"),
                 **{"Idempotency-Key": "m-1"}).json["metadata"] == metadata
    assert client.get(f"{URL}/{created['decision_id']}", headers=auth("ar_system")).json["metadata"] == metadata
    assert "metadata" not in client.get(f"{URL}/{created['decision_id']}", headers=auth("auditor")).json
    with app.extensions["fairdun"].db.reading() as session:
        stored = [str(v) for table in ("ledger_entries", "decisions", "idempotency_keys")
                  for row in session.execute(text(f"SELECT * FROM {table}")) for v in row]  # noqa: S608
    assert stored and not any("SECRET-4711" in v or "nightly-run" in v for v in stored)


@pytest.mark.parametrize(("metadata", "field"), [
    ({f"k{i}": "v" for i in range(21)}, "metadata"),
    ({"a" * 41: "v"}, "metadata"),
    ({"with space": "v"}, "metadata"),
    ({"k": "v" * 501}, "metadata.k.value"),
    ({"k": 4711}, "metadata.k.value"),
    ({"k": "line\nbreak"}, "metadata.k.value"),
    (["k", "v"], "metadata")])
def test_invalid_metadata_is_a_422_naming_it_and_writes_nothing(client: Any, auth: Any, app: Any, metadata: Any,
                                                                field: str) -> None:
    response = _post(client, request_with(metadata=metadata), auth("ar_system"))
    assert response.status_code == 422
    assert any(name == field or name.startswith(field + ".") for name in response.json["error"]["fields"]), \
        response.json
    assert ledger_kinds(app) == []
