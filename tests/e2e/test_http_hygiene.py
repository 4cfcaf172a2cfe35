"""HTTP hygiene of /v1 (issue 13): headers on every answer (a debtor's access export above
all), the headers an error carries (Allow on 405), malformed JSON in the API's error body."""

from __future__ import annotations

import re
from typing import Any

import pytest
from fakes import request_with
from werkzeug.datastructures import WWWAuthenticate
from werkzeug.exceptions import ServiceUnavailable, TooManyRequests, Unauthorized

from service.edge import API_CSP, API_HEADERS, PAGE_CSP

JSON = {"Content-Type": "application/json"}
REF = "C-10023"
SOME_ID = "00000000-0000-0000-0000-000000000001"
CHALLENGE = WWWAuthenticate("bearer", {"realm": "test"})


def _assert_api_headers(response: Any, csp: str = API_CSP) -> None:
    for name, value in API_HEADERS.items():
        assert response.headers.get(name) == value, (name, response.status_code, dict(response.headers))
    assert response.headers["Content-Security-Policy"] == csp


def test_the_access_export_is_never_cached_framed_or_sniffed(client: Any, auth: Any) -> None:
    assert client.post("/v1/decisions", json=request_with(), headers=auth("ar_system")).status_code == 201
    export = client.get(f"/v1/subjects/{REF}/access", headers=auth("compliance_officer"))
    assert export.status_code == 200
    assert "erika@example.invalid" in export.get_data(as_text=True)   # personal data: the reason for the headers
    _assert_api_headers(export)
    assert export.headers["Cache-Control"] == "no-store"


def test_every_kind_of_v1_answer_carries_the_headers(client: Any, auth: Any) -> None:
    answers = {
        200: client.get("/v1/openapi.json"),
        201: client.post("/v1/decisions", json=request_with(), headers=auth("ar_system")),
        401: client.get("/v1/reviews"),
        403: client.get("/v1/reviews", headers=auth("ar_system")),
        404: client.get("/v1/no-such-thing", headers=auth("ar_system")),
        405: client.delete("/v1/decisions", headers=auth("ar_system")),
        400: client.post("/v1/decisions", data="{", headers={**auth("ar_system"), **JSON}),
        422: client.post("/v1/decisions", json={}, headers=auth("ar_system")),
    }
    for status, response in answers.items():
        assert response.status_code == status, (status, response.json)
        _assert_api_headers(response)


def test_the_api_page_loads_its_own_stylesheet_and_nothing_else(client: Any) -> None:
    page = client.get("/v1/docs")
    assert page.status_code == 200 and page.mimetype == "text/html"
    _assert_api_headers(page, csp=PAGE_CSP)
    html = page.get_data(as_text=True)
    assert "<style" not in html and "style=" not in html and "<script" not in html   # nothing inline to allow
    assert 'href="/static/api_docs.css"' in html
    stylesheet = client.get("/static/api_docs.css")
    assert stylesheet.status_code == 200 and stylesheet.mimetype == "text/css"
    stylesheet.close()


def test_the_portal_keeps_its_own_headers(client: Any) -> None:
    page = client.get("/portal/")
    assert page.headers["Referrer-Policy"] == "same-origin" and "form-action 'self'" in page.headers[
        "Content-Security-Policy"]


def test_405_names_the_allowed_methods_on_every_v1_route(app: Any, client: Any) -> None:
    adapter = app.url_map.bind("localhost")
    urls = {re.sub(r"<(?:(\w+):)?\w+>", lambda m: SOME_ID if m.group(1) == "uuid" else REF, rule.rule)
            for rule in app.url_map.iter_rules() if rule.rule.startswith("/v1/")}
    assert len(urls) > 25
    for url in urls:
        allowed = set(adapter.allowed_methods(url))
        assert allowed and "PATCH" not in allowed, url
        response = client.patch(url)
        assert response.status_code == 405 and response.json["error"]["code"] == "method_not_allowed", url
        assert {m.strip() for m in response.headers["Allow"].split(",")} == allowed, url


@pytest.fixture
def refusing_app(make_app: Any) -> Any:
    """An app with three routes that raise Werkzeug's exceptions with headers of their own."""
    app = make_app()

    def busy() -> Any:
        raise ServiceUnavailable(retry_after=7)

    def slow_down() -> Any:
        raise TooManyRequests(retry_after=30)

    def challenge() -> Any:
        raise Unauthorized(www_authenticate=CHALLENGE)

    for view in (busy, slow_down, challenge):
        app.add_url_rule(f"/v1/test-{view.__name__}", view.__name__, view)
    return app


def test_an_errors_own_headers_are_kept_in_the_json_answer(refusing_app: Any) -> None:
    client = refusing_app.test_client()
    busy, slow, challenge = (client.get(f"/v1/test-{name}") for name in ("busy", "slow_down", "challenge"))
    assert (busy.status_code, busy.headers["Retry-After"], busy.json["error"]["code"]) == \
        (503, "7", "service_unavailable")
    assert (slow.status_code, slow.headers["Retry-After"]) == (429, "30")
    assert challenge.status_code == 401 and challenge.headers["WWW-Authenticate"] == CHALLENGE.to_header()
    for response in (busy, slow, challenge):
        assert response.mimetype == "application/json" and response.json["error"]["status"] == response.status_code


def test_malformed_json_gets_the_api_error_with_where_it_broke(client: Any, auth: Any) -> None:
    response = client.post("/v1/events", data='{"type": "contact_attempt",, }', headers={**auth("ar_system"), **JSON})
    assert response.status_code == 400 and response.mimetype == "application/json"
    error = response.json["error"]
    assert error["code"] == "malformed_json" and "line 1 column 28" in error["message"]
