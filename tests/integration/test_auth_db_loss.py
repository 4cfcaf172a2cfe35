"""An installation whose database cannot be reached (a SQLite file that cannot be opened, a
PostgreSQL server that refuses connections): authentication cannot tell whether a key is
valid, so every authenticated /v1 route answers 503 with the JSON error — never 500 — and
the key functions raise ``StorageUnavailable``."""

from __future__ import annotations

import re
import socket
import uuid
from collections.abc import Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest

from decisions.errors import StorageUnavailable
from service.auth import ROLES_ATTRIBUTE, authenticate, list_api_keys, revoke_api_key

NOW = datetime(2026, 11, 22, 9, 30, tzinfo=UTC)


def _closed_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


@pytest.fixture(params=["sqlite", "postgresql"])
def lost_app(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[Any]:
    from service.app import close_app, create_app

    url = (f"sqlite:///{tmp_path / 'gone' / 'fairdun.sqlite3'}" if request.param == "sqlite"
           else f"postgresql+psycopg://postgres@127.0.0.1:{_closed_port()}/fairdun?connect_timeout=2")
    app = create_app({"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": url, "TESTING": True})
    yield app
    close_app(app)


def test_every_authenticated_route_answers_503(lost_app: Any) -> None:
    client = lost_app.test_client()
    headers = {"Authorization": "Bearer fd_0123456789ab_secret"}
    checked = 0
    for rule in lost_app.url_map.iter_rules():
        if not rule.rule.startswith("/v1/") or not getattr(lost_app.view_functions[rule.endpoint], ROLES_ATTRIBUTE, ()):
            continue
        url = re.sub(r"<(?:(\w+):)?(\w+)>", lambda m: str(uuid.uuid4()) if m.group(1) == "uuid" else "1", rule.rule)
        for method in sorted((rule.methods or set()) - {"HEAD", "OPTIONS"}):
            response = client.open(url, method=method, json={}, headers=headers)
            assert response.status_code == 503, (method, rule.rule, response.status_code)
            assert response.json["error"] == {"status": 503, "code": "storage_unavailable",
                                              "message": "the API keys could not be read: the database is unavailable",
                                              "request_id": response.headers["Request-Id"]}
            checked += 1
    assert checked >= 30
    assert client.get("/health").status_code == 503


def test_the_key_functions_raise_storage_unavailable(lost_app: Any) -> None:
    db = lost_app.extensions["fairdun"].db
    with pytest.raises(StorageUnavailable):
        authenticate(db, "bearer fd_0123456789ab_secret", now=NOW)
    with pytest.raises(StorageUnavailable):
        list_api_keys(db)
    with pytest.raises(StorageUnavailable):
        revoke_api_key(db, str(uuid.uuid4()), now=NOW, actor="test")
