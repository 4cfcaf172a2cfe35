"""Text entering the /v1 JSON API (issue 13): lone UTF-16 surrogates, duplicate names and
documents that are not JSON are refused at the edge, on every route that takes a body (read
from the OpenAPI document, so a new route is covered without touching this file), and
bytes that are not UTF-8 in a URL on every /v1 route (read from the URL map). Nothing is
written and nothing answers 5xx."""

from __future__ import annotations

import json
import re
import uuid
from typing import Any

from fakes import ledger_kinds, request_with

from service.auth import ROLES_ATTRIBUTE
from service.edge import NOT_UTF8
from service.schemas.document import DuplicateKey, LoneSurrogate

REF = "C-10023"
SOME_ID = str(uuid.UUID(int=1))
JSON = {"Content-Type": "application/json"}
LONE = LoneSurrogate.problem
REPEATED = DuplicateKey.problem


def _body_routes(client: Any) -> list[tuple[str, str, str]]:
    """(method, url, a role allowed) of every operation with a request body."""
    routes = []
    for path, operations in client.get("/v1/openapi.json").json["paths"].items():
        for method, op in operations.items():
            if "requestBody" not in op:
                continue
            url = path
            for parameter in op["parameters"]:
                if parameter["in"] == "path":
                    value = SOME_ID if parameter["schema"].get("format") == "uuid" else REF
                    url = url.replace("{" + parameter["name"] + "}", value)
            routes.append((method.upper(), url, op["x-roles"][0]))
    return routes


def _all_routes(app: Any) -> list[tuple[str, str, str | None]]:
    """(method, url, a role allowed or None) of every /v1 route of the URL map."""
    routes = []
    for rule in app.url_map.iter_rules():
        if not rule.rule.startswith("/v1/"):
            continue
        roles = getattr(app.view_functions[rule.endpoint], ROLES_ATTRIBUTE, ())
        url = re.sub(r"<(?:(\w+):)?\w+>", lambda m: SOME_ID if m.group(1) == "uuid" else REF, rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            routes.append((method, url, str(roles[0]) if roles else None))
    return routes


def _send(client: Any, auth: Any, method: str, url: str, role: str | None, data: bytes | str,
          content_type: str = "application/json") -> Any:
    headers = {**(auth(role) if role else {}), "Content-Type": content_type}
    return client.open(url, method=method, data=data, headers=headers)


def _error(response: Any) -> dict[str, Any]:
    assert response.status_code < 500, response.get_data(as_text=True)[:300]
    error = response.json["error"]
    assert error["status"] == response.status_code
    return error


def test_the_body_routes_come_from_the_openapi_document(client: Any) -> None:
    routes = {(method, url) for method, url, _ in _body_routes(client)}
    assert {("POST", "/v1/decisions"), ("POST", "/v1/events"), ("POST", "/v1/runs"), ("POST", "/v1/legal-holds"),
            ("POST", f"/v1/subjects/{REF}/objections"), ("POST", f"/v1/reviews/{SOME_ID}/outcome"),
            ("POST", "/v1/models"), ("POST", f"/v1/models/{REF}/approve")} <= routes


def test_every_body_route_refuses_lone_surrogates_in_values_and_names(client: Any, auth: Any, app: Any) -> None:
    documents = {
        '{"probe": "x\\ud800"}': {"probe"},
        '{"probe": "\\udfff", "other": ["ok", "\\ud83d\\ude00", "\\udc00y"]}': {"probe", "other.2"},
        '{"a\\udbffb": 1}': {"a\\udbffb"},
        '{"items": [{"debtor": {"contact": {"name": "\\ud800"}}}]}': {"items.0.debtor.contact.name"},
        '"\\ud800"': {"_body"},
    }
    routes = _body_routes(client)
    for method, url, role in routes:
        for document, fields in documents.items():
            error = _error(_send(client, auth, method, url, role, document))
            assert (error["status"], error["code"]) == (422, "validation_error"), (method, url, document, error)
            assert error["fields"] == {field: [LONE] for field in fields}, (method, url, error)
    assert ledger_kinds(app) == []


def test_every_body_route_refuses_duplicate_names(client: Any, auth: Any, app: Any) -> None:
    documents = {
        '{"email": false, "email": true}': {"email"},
        '{"debtor": {"consents": {"email": false, "sms": false, "email": true}}}': {"debtor.consents.email"},
        '{"items": [{}, {"x": 1, "x": 1}], "note": "a", "note": "b"}': {"items.1.x", "note"},
    }
    for method, url, role in _body_routes(client):
        for document, fields in documents.items():
            error = _error(_send(client, auth, method, url, role, document))
            assert (error["status"], error["code"]) == (400, "duplicate_key"), (method, url, document, error)
            assert error["fields"] == {field: [REPEATED] for field in fields}, (method, url, error)
    assert ledger_kinds(app) == []


def test_every_body_route_answers_malformed_json_and_other_media_types_in_json(client: Any, auth: Any,
                                                                             app: Any) -> None:
    malformed = ['{"note": ', "{'note': 1}", '{"x": NaN}', '[Infinity]', "1" * 5000, "\ufeff{}", "[" * 50_000,
                 b'{"name": "\xed\xa0\x80"}', b'{"name": "\xff"}']
    for method, url, role in _body_routes(client):
        for document in malformed:
            error = _error(_send(client, auth, method, url, role, document))
            assert (error["status"], error["code"]) == (400, "malformed_json"), (method, url, document, error)
        error = _error(_send(client, auth, method, url, role, "{}", content_type="text/plain"))
        assert (error["status"], error["code"]) == (415, "unsupported_media_type"), (method, url, error)
    assert ledger_kinds(app) == []


def test_the_issues_fields_are_named_and_nothing_is_recorded(client: Any, auth: Any, app: Any) -> None:
    """The cases the attack found: each one was a 201 (then a 500 for its letter and access PDF) or a 500."""
    headers = {**auth("ar_system"), **JSON}
    for field in ("debtor.contact.name", "debtor.ref", "debtor.contact.address", "invoice.ref"):
        body = json.dumps(request_with(**{field: "Erika \ud800"}))
        assert "\\ud800" in body
        error = _error(client.post("/v1/decisions", data=body, headers=headers))
        assert error["code"] == "validation_error" and error["fields"] == {field: [LONE]}
    event = json.dumps({"type": "contact_attempt", "at": "2026-11-21T10:00:00Z", "debtor_ref": REF,
                        "invoice_ref": "INV-\udc42", "channel": "phone", "connected": False})
    error = _error(client.post("/v1/events", data=event, headers=headers))
    assert error["code"] == "validation_error" and error["fields"] == {"invoice_ref": [LONE]}
    hold = json.dumps({"debtor_ref": REF, "reason": "litigation", "note": "court \ud800 case"})
    error = _error(client.post("/v1/legal-holds", data=hold, headers={**auth("compliance_officer"), **JSON}))
    assert error["code"] == "validation_error" and error["fields"] == {"note": [LONE]}
    run = json.dumps({"items": [request_with(), request_with(**{"debtor.contact.name": "\udfff"})]})
    error = _error(client.post("/v1/runs", data=run, headers=headers))
    assert error["fields"] == {"items.1.debtor.contact.name": [LONE]}
    consents = '{"email": false, "email": true}'
    body = json.dumps(request_with()).replace('"consents": {', '"consents": {"email": false, ', 1)
    assert consents.split(",")[0] in body
    error = _error(client.post("/v1/decisions", data=body, headers=headers))
    assert error["code"] == "duplicate_key" and error["fields"] == {"debtor.consents.email": [REPEATED]}
    assert ledger_kinds(app) == []


def test_a_surrogate_pair_is_one_character_and_is_kept(client: Any, auth: Any) -> None:
    """Escaped as a pair (RFC 8259 §7), a character outside the BMP is text like any other."""
    body = json.dumps(request_with(**{"debtor.contact.name": "Erika \U0001F600"}))
    assert "\\ud83d\\ude00" in body
    decided = client.post("/v1/decisions", data=body, headers={**auth("ar_system"), **JSON})
    assert decided.status_code == 201, decided.json
    export = client.get(f"/v1/subjects/{REF}/access", headers=auth("compliance_officer"))
    assert export.status_code == 200 and "Erika \U0001F600" in json.dumps(export.json, ensure_ascii=False)


def test_every_v1_route_refuses_a_url_that_is_not_utf8(client: Any, auth: Any, app: Any) -> None:
    """``%ED%A0%80`` is the UTF-8 form of a surrogate, ``%FF`` no UTF-8 at all: Werkzeug turns
    both into U+FFFD, which would reach the views as a different text than the one sent."""
    routes = _all_routes(app)
    assert len(routes) > 30
    for method, url, role in routes:
        for query, field in (("probe=%ED%A0%80", "probe"), ("x=1&%FF=2", "\ufffd"), ("a+b=%C3%A4&c=%80", "c")):
            response = _send(client, auth, method, f"{url}?{query}", role, "{}")
            error = _error(response)
            assert (error["status"], error["code"]) == (422, "validation_error"), (method, url, query, error)
            assert set(error["fields"]) == {field}, (method, url, error)
    for path in ("/v1/subjects/C-%ED%A0%80/access", "/v1/subjects/%FF/objections"):
        response = client.open(path, method="GET" if path.endswith("access") else "POST", data="{}",
                               headers={**auth("compliance_officer"), **JSON})
        error = _error(response)
        assert error["code"] == "validation_error" and set(error["fields"]) == {"ref"}, error
    assert ledger_kinds(app) == []
    # Percent-encoded UTF-8 is fine: it reaches the schema (which knows no such status) or the view.
    wrong = client.get("/v1/requests?status=%C3%A4", headers=auth("compliance_officer")).json["error"]
    assert set(wrong["fields"]) == {"status"} and NOT_UTF8 not in wrong["fields"]["status"]
    assert client.get(f"/v1/subjects/{REF}%C3%A4/access", headers=auth("compliance_officer")).status_code == 200
