"""Cursor pages on the rights lists (issue 14, item 6): /v1/reviews, /v1/requests and
/v1/legal-holds page like run items and the feed (``limit``, ``cursor``, ``next_cursor`` beside
the list's own key), in a stable order; a bad limit or cursor is a 422 naming the field."""

from __future__ import annotations

import base64
from typing import Any

import pytest
from fakes import request_with

OFFICER = "compliance_officer"


def _walk(client: Any, headers: dict[str, str], path: str, key: str, limit: int) -> list[list[str]]:
    """The ids of every page, following next_cursor."""
    pages, cursor = [], None
    while True:
        separator = "&" if "?" in path else "?"
        url = f"{path}{separator}limit={limit}" + (f"&cursor={cursor}" if cursor else "")
        response = client.get(url, headers=headers)
        assert response.status_code == 200, response.json
        ids = [entry[f"{key}_id"] for entry in response.json[{"hold": "holds", "case": "reviews",
                                                               "request": "requests"}[key]]]
        pages.append(ids)
        cursor = response.json["next_cursor"]
        if cursor is None:
            return pages
        assert len(ids) == limit


def test_reviews_and_requests_page_in_their_order(client: Any, auth: Any) -> None:
    for n in range(3):
        decision = client.post("/v1/decisions", json=request_with(**{"debtor.ref": f"D-{n}", "invoice.ref": f"I-{n}"}),
                               headers=auth("ar_system")).json
        asked = client.post(f"/v1/subjects/D-{n}/review-requests", headers=auth(OFFICER),
                            json={"decision_id": decision["decision_id"], "statement": "please look again"})
        assert asked.status_code == 201, asked.json
        assert client.post(f"/v1/subjects/D-{n}/rectifications", headers=auth(OFFICER),
                           json={"concerns": "address", "statement": "new address"}).status_code == 201
    everything = client.get("/v1/reviews?status=all&limit=1000", headers=auth("reviewer")).json
    assert everything["next_cursor"] is None and len(everything["reviews"]) == 3
    pages = _walk(client, auth("reviewer"), "/v1/reviews?status=all", "case", 2)
    assert pages == [[c["case_id"] for c in everything["reviews"][:2]], [everything["reviews"][2]["case_id"]]]
    requests = client.get("/v1/requests?status=all", headers=auth(OFFICER)).json
    assert len(requests["requests"]) == 6 and requests["next_cursor"] is None   # the default page holds them
    pages = _walk(client, auth(OFFICER), "/v1/requests?status=all", "request", 4)
    assert [i for page in pages for i in page] == [r["request_id"] for r in requests["requests"]]
    assert [len(p) for p in pages] == [4, 2]


def test_a_hold_placed_between_pages_is_neither_skipped_nor_repeated(client: Any, auth: Any, clock: Any) -> None:
    headers = auth(OFFICER)

    def place(n: int) -> str:
        placed = client.post("/v1/legal-holds", headers=headers,
                             json={"debtor_ref": f"D-{n}", "reason": "tax_audit", "note": "audit"})
        assert placed.status_code == 201, placed.json
        return str(placed.json["hold_id"])

    first = [place(n) for n in range(3)]   # the same moment: ordered by id
    page = client.get("/v1/legal-holds?limit=2", headers=headers).json
    assert [h["hold_id"] for h in page["holds"]] == sorted(first)[:2] and page["next_cursor"]
    clock.advance(minutes=1)
    later = place(3)
    rest = client.get(f"/v1/legal-holds?limit=2&cursor={page['next_cursor']}", headers=headers).json
    assert [h["hold_id"] for h in rest["holds"]] == [sorted(first)[2], later] and rest["next_cursor"] is None


@pytest.mark.parametrize("path", ["/v1/reviews", "/v1/requests", "/v1/legal-holds"])
def test_a_bad_limit_or_cursor_is_a_422_naming_it(client: Any, auth: Any, path: str) -> None:
    headers = auth(OFFICER)
    other = "requests" if path == "/v1/reviews" else "reviews"
    another_list = base64.urlsafe_b64encode(f"{other}/0/x".encode()).decode()   # well formed, another list's
    for query, field in (("limit=0", "limit"), ("limit=1001", "limit"), ("limit=x", "limit"),
                         ("cursor=%21%21", "cursor"), ("cursor=ZmVlZC8w", "cursor"),   # base64url("feed/0")
                         (f"cursor={another_list}", "cursor")):
        response = client.get(f"{path}?{query}", headers=headers)
        assert response.status_code == 422, (query, response.json)
        assert list(response.json["error"]["fields"]) == [field], query
