"""A Request-Id on every response and in every error body (issue 14, item 6): the client's own
when well formed, otherwise one from the app's id source; the access log names it beside the
route's pattern, never the path (a debtor's reference travels in some paths)."""

from __future__ import annotations

import logging
import uuid
from typing import Any

import pytest
from fakes import request_with

REF = "C-10023"


def _is_uuid(text: str) -> bool:
    try:
        uuid.UUID(text)
    except ValueError:
        return False
    return True


def test_every_kind_of_answer_carries_a_request_id_and_errors_repeat_it(client: Any, auth: Any) -> None:
    answers = {
        "created": client.post("/v1/decisions", json=request_with(), headers=auth("ar_system")),
        "unauthenticated": client.get("/v1/reviews"),
        "forbidden": client.get("/v1/reviews", headers=auth("ar_system")),
        "not found": client.get("/v1/no-such-thing", headers=auth("ar_system")),
        "method not allowed": client.delete("/v1/decisions", headers=auth("ar_system")),
        "not UTF-8 (the edge)": client.get("/v1/reviews?status=%ED%A0%80", headers=auth("reviewer")),
        "malformed JSON": client.post("/v1/decisions", data="{", headers={**auth("ar_system"),
                                                                           "Content-Type": "application/json"}),
        "portal page": client.get("/portal/no-such-page"),
        "health": client.get("/health"),
    }
    seen = set()
    for name, response in answers.items():
        rid = response.headers.get("Request-Id")
        assert rid and _is_uuid(rid), (name, dict(response.headers))
        seen.add(rid)
        if response.status_code >= 400 and response.is_json:
            assert response.get_json()["error"]["request_id"] == rid, name
    assert len(seen) == len(answers)   # one per request


def test_a_well_formed_request_id_is_kept_and_a_bad_one_replaced(client: Any, auth: Any) -> None:
    mine = "trace-0af7651916cd43dd8448eb211c80319c:01"
    kept = client.get("/v1/reviews", headers={**auth("reviewer"), "Request-Id": mine})
    assert kept.headers["Request-Id"] == mine
    refused = client.get("/v1/reviews", headers={**auth("ar_system"), "Request-Id": mine})
    assert refused.status_code == 403 and refused.get_json()["error"]["request_id"] == mine
    for bad in ("x" * 129, "erika@example.invalid", "a b", "", "ümlaut"):
        response = client.get("/v1/reviews", headers={**auth("reviewer"), "Request-Id": bad})
        assert response.status_code == 200
        assert response.headers["Request-Id"] != bad and _is_uuid(response.headers["Request-Id"])


def test_the_access_log_names_the_route_pattern_and_the_request_id_never_the_path(
        client: Any, auth: Any, caplog: pytest.LogCaptureFixture) -> None:
    assert client.post("/v1/decisions", json=request_with(), headers=auth("ar_system")).status_code == 201
    with caplog.at_level(logging.INFO, logger="fairdun.access"):
        response = client.get(f"/v1/subjects/{REF}/access", headers={**auth("compliance_officer"),
                                                                      "Request-Id": "rid-1"})
        missing = client.get(f"/v1/nothing/{REF}")
    assert response.status_code == 200 and missing.status_code == 404
    lines = [r.getMessage() for r in caplog.records if r.name == "fairdun.access"]
    assert len(lines) == 2
    assert "GET /v1/subjects/<path:ref>/access 200" in lines[0] and "request_id=rid-1" in lines[0]
    assert "key=" in lines[0] and "key=-" not in lines[0]
    assert lines[1].startswith("GET - 404") and missing.headers["Request-Id"] in lines[1]
    assert not any(REF in line or "erika" in line for line in lines)
