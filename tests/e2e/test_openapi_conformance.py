"""schemathesis over every operation of the OpenAPI document (issue 14, item 6): each operation
is called through the WSGI app with a key of a role it accepts, on generated parameters and
bodies, and no answer may be a 5xx, an undocumented status, content type or header, or a body
that does not match its schema.

Generated path parameters only find 404s, so the test first records a little of everything (a
decision, a run with an invalid item, a debtor's review request and its case, a legal hold, a
webhook endpoint) and each operation with path parameters is also called on those real ids:
the answers about things that exist are checked too. Deterministic (derandomized, no example
database) and small: a few examples per operation."""

from __future__ import annotations

from typing import Any

import pytest
import schemathesis
from fakes import request_with
from hypothesis import HealthCheck, given, settings
from schemathesis.checks import not_a_server_error
from schemathesis.specs.openapi.checks import (
    content_type_conformance,
    response_headers_conformance,
    response_schema_conformance,
    status_code_conformance,
)

CHECKS = [not_a_server_error, status_code_conformance, content_type_conformance, response_headers_conformance,
          response_schema_conformance]
EXAMPLES = 4
REF = "ST-1"


def _ok(response: Any, status: int = 200) -> Any:
    assert response.status_code == status, response.get_data(as_text=True)
    return response.json


def _record_things(client: Any, keys: dict[str, str]) -> dict[str, str]:
    """Record one of each kind of thing; its ids by path parameter name."""
    def auth(role: str) -> dict[str, str]:
        return {"Authorization": f"Bearer {keys[role]}"}

    decision = _ok(client.post("/v1/decisions", json=request_with(**{"debtor.ref": REF}), headers=auth("ar_system")),
                   201)
    run = _ok(client.post("/v1/runs", headers=auth("ar_system"), json={"items": [
        request_with(**{"debtor.ref": "ST-2", "invoice.ref": "I-1"}), {"debtor": {"ref": "ST-3"}}]}), 202)
    asked = _ok(client.post(f"/v1/subjects/{REF}/review-requests", headers=auth("compliance_officer"),
                            json={"decision_id": decision["decision_id"], "statement": "please look again"}), 201)
    hold = _ok(client.post("/v1/legal-holds", headers=auth("compliance_officer"),
                           json={"debtor_ref": "ST-2", "reason": "litigation"}), 201)
    endpoint = _ok(client.post("/v1/webhook-endpoints", headers=auth("admin"),
                               json={"url": "https://hooks.example.com/in", "events": ["decision.held"]}), 201)
    key = _ok(client.post("/v1/api-keys", headers=auth("admin"), json={"name": "spare", "role": "auditor"}), 201)
    model = _ok(client.get("/v1/models", headers=auth("admin")))["versions"][0]
    return {"decision_id": decision["decision_id"], "run_id": run["run_id"], "ref": REF,
            "request_id": asked["request_id"], "case_id": asked["case_id"], "hold_id": hold["hold_id"],
            "endpoint_id": endpoint["endpoint_id"], "key_id": key["key_id"], "model_id": model["model_id"]}


def _exercise(operation: Any, api_keys: dict[str, str], known: dict[str, str]) -> str | None:
    """Call one operation on EXAMPLES generated cases (and each again on the recorded ids); what
    failed, or None."""
    roles = operation.definition.raw.get("x-roles") or ["admin"]
    headers = {"Authorization": f"Bearer {api_keys[roles[0]]}"}
    real = {p.name: known[p.name] for p in operation.path_parameters if p.name in known}

    @settings(max_examples=EXAMPLES, derandomize=True, database=None, deadline=None,
              suppress_health_check=list(HealthCheck))
    @given(case=operation.as_strategy())
    def run(case: Any) -> None:
        case.call_and_validate(headers=headers, checks=CHECKS)
        if real:   # the same request about something that exists
            case.path_parameters = {**case.path_parameters, **real}
            case.call_and_validate(headers=headers, checks=CHECKS)

    try:
        run()
    except (Exception, BaseExceptionGroup) as exc:   # collected, so one run names every operation that fails
        return f"{operation.method.upper()} {operation.path}: {str(exc)[:3000]}"
    return None


def test_every_operation_answers_as_documented(make_app: Any, api_keys: dict[str, str]) -> None:
    app = make_app(API_RATE_LIMIT="off")
    known = _record_things(app.test_client(), api_keys)
    schema = schemathesis.openapi.from_wsgi("/v1/openapi.json", app)
    operations = [result.ok() for result in schema.get_all_operations()]
    assert len(operations) >= 50
    failures = [failure for operation in operations
                if (failure := _exercise(operation, api_keys, known)) is not None]
    assert not failures, "\n\n".join(failures)


def _examples(spec: dict[str, Any]) -> list[tuple[str, str, Any]]:
    """(where, component, example) for every example of the document: a component's own examples and
    a media type's example under a $ref schema (requests, responses, webhook payloads)."""
    found = [(f"components/{name}", name, example) for name, schema in spec["components"]["schemas"].items()
             for example in schema.get("examples", ())]
    operations = [(f"{method.upper()} {path}", op) for section in ("paths", "webhooks")
                  for path, item in spec[section].items() for method, op in item.items()]
    for where, op in operations:
        bodies = [("request", op.get("requestBody") or {})] + list(op["responses"].items())
        for part, body in bodies:
            for media in (body.get("content") or {}).values():
                ref = (media.get("schema") or {}).get("$ref", "")
                if "example" in media and ref:
                    found.append((f"{where} {part}", ref.rsplit("/", 1)[1], media["example"]))
    return found


def test_every_example_matches_its_schema(client: Any) -> None:
    from openapi_check import assert_matches

    spec = client.get("/v1/openapi.json").json
    examples = _examples(spec)
    named = {component for _, component, _ in examples}
    assert {"DecisionHeldEvent", "FeedRunCompletedEvent", "ErrorResponse", "DecisionRequest"} <= named
    for where, component, example in examples:
        try:
            assert_matches(spec, component, example)
        except AssertionError as exc:
            raise AssertionError(f"{where}: {exc}") from None


def test_the_feeds_events_are_one_schema_per_type_told_apart_by_type(client: Any) -> None:
    spec = client.get("/v1/openapi.json").json
    event = spec["components"]["schemas"]["FeedEvent"]
    mapping = event["discriminator"]["mapping"]
    assert event["discriminator"]["propertyName"] == "type"
    assert set(mapping) == set(spec["webhooks"]) and {o["$ref"] for o in event["oneOf"]} == set(mapping.values())
    for type_, ref in mapping.items():
        schema = spec["components"]["schemas"][ref.rsplit("/", 1)[1]]
        assert schema["properties"]["type"]["enum"] == [type_] and "type" in schema["required"]
        assert schema["examples"][0]["type"] == type_


pytestmark = pytest.mark.filterwarnings("ignore::DeprecationWarning")
