"""The size of a batch run (issue 13: ``FAIRDUN_RUNS_MAX_ITEMS`` was never read; a 10,001-item run
was accepted and a 23,001-item body fully validated): the items are counted before any of them
is validated, and a body over its byte limit is not read at all."""

from __future__ import annotations

import json
from collections.abc import Iterator
from typing import Any

import pytest
from fakes import ledger_kinds, request_with

JSON = {"Content-Type": "application/json"}
SOME_ID = "00000000-0000-0000-0000-000000000001"


@pytest.fixture
def unvalidated(monkeypatch: pytest.MonkeyPatch) -> Iterator[list[str]]:
    """Fails the test if the run's envelope or any of its items reaches validation."""
    import service.api
    import service.runner

    reached: list[str] = []

    def envelope(*_: Any, **__: Any) -> Any:
        reached.append("envelope")
        raise AssertionError("the run's envelope was validated")

    def item(*_: Any, **__: Any) -> Any:
        reached.append("item")
        raise AssertionError("an item was validated")

    monkeypatch.setattr(service.api._run_request, "load", envelope)
    monkeypatch.setattr(service.runner, "parse_item", item)
    yield reached
    assert reached == []


@pytest.mark.parametrize("items", [10_001, 23_001])
def test_a_run_over_the_default_limit_is_refused_before_validation(client: Any, auth: Any, app: Any,
                                                                   unvalidated: list[str], items: int) -> None:
    assert app.config["RUNS_MAX_ITEMS"] == 10_000
    body = json.dumps({"items": [{}] * items})
    response = client.post("/v1/runs", data=body, headers={**auth("ar_system"), **JSON})
    assert response.status_code == 413, response.json
    error = response.json["error"]
    assert error["code"] == "too_many_items" and error["fields"] == {"items": [f"At most 10000 items (got {items})."]}
    assert ledger_kinds(app) == []


@pytest.fixture
def two_items_per_run(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("FAIRDUN_RUNS_MAX_ITEMS", "2")


def test_the_run_limit_is_read_from_the_environment(two_items_per_run: None, app: Any, client: Any,
                                                    auth: Any) -> None:
    assert app.config["RUNS_MAX_ITEMS"] == 2
    headers = {**auth("ar_system"), **JSON}
    refused = client.post("/v1/runs", data=json.dumps({"items": [{}, {}, {}]}), headers=headers)
    assert refused.status_code == 413 and refused.json["error"]["fields"] == {"items": ["At most 2 items (got 3)."]}
    validated = client.post("/v1/runs", data=json.dumps({"items": [{}, {}], "on_invalid": "reject"}), headers=headers)
    assert validated.status_code == 422 and "items.1.as_of" in validated.json["error"]["fields"]


def test_a_run_body_over_its_byte_limit_is_refused_unread(make_app: Any) -> None:
    app = make_app(RUNS_MAX_CONTENT_LENGTH=1000)
    from service.auth import Role, create_api_key

    runtime = app.extensions["fairdun"]
    key = create_api_key(runtime.db, name="ar", role=Role.AR_SYSTEM, now=runtime.clock(), new_id=lambda: SOME_ID)
    body = json.dumps({"items": [request_with()]})
    assert len(body) > 1000
    response = app.test_client().post("/v1/runs", data=body, headers={"Authorization": f"Bearer {key}", **JSON})
    assert response.status_code == 413 and response.json["error"]["code"] == "request_entity_too_large"
