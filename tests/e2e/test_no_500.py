"""Property: no input to the write endpoints yields a 500 (hypothesis).

Two families of bodies: arbitrary JSON documents, and the valid example request
with one part replaced, removed or added. Every answer is a success or a 4xx with
the machine-readable error body."""

from __future__ import annotations

import copy
import json
from base64 import urlsafe_b64encode
from typing import Any

import pytest
from fakes import request_with
from hypothesis import HealthCheck, given, settings
from hypothesis import strategies as st

json_scalars = st.none() | st.booleans() | st.integers(min_value=-(2**70), max_value=2**70) | \
    st.floats(allow_nan=True, allow_infinity=True) | st.text(max_size=30)
json_values = st.recursive(json_scalars, lambda inner: st.lists(inner, max_size=4) |
                           st.dictionaries(st.text(max_size=12), inner, max_size=4), max_leaves=12)

EXAMPLE = request_with(metadata={"erp": "4711"})


def _paths(node: Any, prefix: tuple = ()) -> list[tuple]:
    paths = [prefix] if prefix else []
    if isinstance(node, dict):
        for key, value in node.items():
            paths += _paths(value, prefix + (key,))
    elif isinstance(node, list):
        for index, value in enumerate(node):
            paths += _paths(value, prefix + (index,))
    return paths


PATHS = _paths(EXAMPLE)


@st.composite
def mutated_requests(draw: Any) -> Any:
    request = copy.deepcopy(EXAMPLE)
    path = draw(st.sampled_from(PATHS))
    parent = request
    for key in path[:-1]:
        parent = parent[key]
    action = draw(st.sampled_from(["replace", "remove", "add"]))
    if action == "replace":
        parent[path[-1]] = draw(json_values)
    elif action == "remove":
        del parent[path[-1]]
    elif isinstance(parent, dict):
        parent[draw(st.text(min_size=1, max_size=12))] = draw(json_values)
    return request


ALLOWED = {200, 201, 202, 400, 409, 413, 415, 422}
SETTINGS = settings(max_examples=150, deadline=None, suppress_health_check=[HealthCheck.function_scoped_fixture])


def _check(response: Any) -> None:
    assert response.status_code in ALLOWED, (response.status_code, response.get_data(as_text=True)[:500])
    if response.status_code >= 400:
        error = response.json["error"]
        assert error["status"] == response.status_code and error["code"] and error["message"]


@SETTINGS
@given(body=json_values | mutated_requests())
def test_no_decision_request_yields_a_500(client: Any, auth: Any, body: Any) -> None:
    _check(client.post("/v1/decisions", json=body, headers=auth("ar_system")))


@SETTINGS
@given(body=json_values | st.fixed_dictionaries(
    {"type": st.sampled_from(["payment_received", "contact_attempt", "delivery_result", "promise_to_pay",
                              "claim_closed", "dispute_opened"]),
     "at": st.sampled_from(["2026-11-21T10:00:00Z", "2026-11-21", "x"]),
     "debtor_ref": st.text(max_size=5), "invoice_ref": st.text(max_size=5)},
    optional={"amount": json_values, "currency": st.sampled_from(["EUR", "JPY", "XXX"]), "channel": json_values,
              "connected": json_values, "status": json_values, "decision_id": json_values,
              "on_date": json_values, "reason": json_values | st.sampled_from(["paid", "sold", "withdrawn"])}))
def test_no_event_yields_a_500(client: Any, auth: Any, body: Any) -> None:
    _check(client.post("/v1/events", json=body, headers=auth("ar_system")))


@SETTINGS
@given(body=json_values | st.fixed_dictionaries({"items": st.lists(mutated_requests(), max_size=3)},
                                                optional={"as_of": json_values}))
def test_no_run_request_yields_a_500(client: Any, auth: Any, body: Any) -> None:
    _check(client.post("/v1/runs", json=body, headers=auth("ar_system")))


@pytest.fixture
def run_id(client: Any, auth: Any, app: Any) -> str:
    """A finished run with a decided and an invalid item (once for all examples of a test)."""
    started = client.post("/v1/runs", json={"items": [EXAMPLE, {"as_of": 1}]}, headers=auth("ar_system")).json
    app.extensions["fairdun"].runner.join(started["run_id"], timeout=120)
    return str(started["run_id"])


@SETTINGS
@given(limit=st.none() | st.text(max_size=6) | st.integers(min_value=-5, max_value=2000).map(str),
       cursor=st.none() | st.text(max_size=20) | st.binary(max_size=16).map(lambda b: urlsafe_b64encode(b).decode()))
def test_no_run_items_query_yields_a_500(client: Any, auth: Any, run_id: str, limit: Any, cursor: Any) -> None:
    from urllib.parse import urlencode

    query = urlencode({k: v for k, v in (("limit", limit), ("cursor", cursor)) if v is not None})
    _check(client.get(f"/v1/runs/{run_id}/items?{query}", headers=auth("ar_system")))


# Text with lone surrogates (category Cs), in names and values; objects written out by hand so
# that a name can repeat. Every answer is a 4xx naming the path, or what the body deserves.
surrogate_text = st.text(alphabet=st.characters(categories=["Cs", "Lu", "Nd"]), max_size=6)
raw_values = st.recursive(
    st.none() | st.booleans() | st.integers() | surrogate_text,
    lambda inner: st.lists(inner, max_size=3) | st.dictionaries(surrogate_text, inner, max_size=3), max_leaves=8)


@st.composite
def raw_objects(draw: Any) -> str:
    """A JSON object text whose members come from a few names (so some repeat) or surrogate text."""
    names = draw(st.lists(st.sampled_from(["as_of", "debtor", "items", "type", "note"]) | surrogate_text,
                          min_size=1, max_size=5))
    members = [f"{json.dumps(name)}: {json.dumps(draw(raw_values))}" for name in names]
    return "{" + ", ".join(members) + "}"


@SETTINGS
@given(text=raw_objects(), url=st.sampled_from(["/v1/decisions", "/v1/events", "/v1/runs"]))
def test_no_repeated_name_or_lone_surrogate_yields_a_500(client: Any, auth: Any, text: str, url: str) -> None:
    response = client.post(url, data=text, headers={**auth("ar_system"), "Content-Type": "application/json"})
    _check(response)
    pairs: list[list[tuple[str, Any]]] = []
    json.loads(text, object_pairs_hook=lambda p: pairs.append(p) or dict(p))
    if any(len({name for name, _ in p}) < len(p) for p in pairs):
        assert response.status_code == 400 and response.json["error"]["code"] == "duplicate_key"
    elif any(not _encodable(t) for t in _texts(json.loads(text))):
        assert response.status_code == 422 and response.json["error"]["fields"]


def _encodable(text: str) -> bool:
    try:
        text.encode("utf-8")
    except UnicodeEncodeError:
        return False
    return True


def _texts(node: Any) -> list[str]:
    if isinstance(node, str):
        return [node]
    if isinstance(node, dict):
        return [t for name, value in node.items() for t in (name, *_texts(value))]
    if isinstance(node, list):
        return [t for value in node for t in _texts(value)]
    return []
