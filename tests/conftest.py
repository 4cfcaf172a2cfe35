"""Shared fixtures: the database backends, the app, clients, fixed time and ids.

Every test that touches the database runs on SQLite and on PostgreSQL. The
PostgreSQL run uses ``FAIRDUN_TEST_DATABASE_URL``; with ``CI=true`` it is
mandatory (defaulting to the local server) and fails rather than skips.
"""

from __future__ import annotations

import copy
import itertools
import os
import uuid
from collections.abc import Callable, Iterator
from datetime import UTC, datetime, timedelta
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy import create_engine, text

from service.schemas.examples import DECISION_REQUEST_EXAMPLE

CI = os.environ.get("CI", "").lower() == "true"
DEFAULT_PG_URL = "postgresql+psycopg://postgres@127.0.0.1:5432/test"
SHARED = Path(__file__).resolve().parents[1].parent / "shared"

# The API's documented example (README, OpenAPI), without metadata and with e-mail consent given.
EXAMPLE_REQUEST: dict[str, Any] = {key: value for key, value in copy.deepcopy(DECISION_REQUEST_EXAMPLE).items()
                                   if key != "metadata"}
EXAMPLE_REQUEST["debtor"]["consents"]["email"] = True


# The installation's controller (GDPR Art. 13/14) is required at start: every app, CLI and server
# process a test starts reads it from the environment (a test that sets its own wins).
TEST_CONTROLLER = {"FAIRDUN_CONTROLLER_NAME": "Muster Energie GmbH", "FAIRDUN_CONTROLLER_ADDRESS": "Hauptstraße 5, 10117 Berlin",
                   "FAIRDUN_CONTROLLER_EMAIL": "datenschutz@muster.example",
                   "FAIRDUN_CONTROLLER_DPO": "Dr. Datenschutz, dsb@muster.example"}


@pytest.fixture(scope="session", autouse=True)
def controller_environment() -> Iterator[None]:
    added = {name: value for name, value in TEST_CONTROLLER.items() if name not in os.environ}
    os.environ.update(added)
    try:
        yield
    finally:
        for name in added:
            os.environ.pop(name, None)


@pytest.fixture
def example_request() -> dict[str, Any]:
    """The DESIGN.md example request; a fresh copy for each test to modify."""
    return copy.deepcopy(EXAMPLE_REQUEST)


class FakeClock:
    """A clock the test moves by hand."""

    def __init__(self, start: datetime) -> None:
        self.now = start

    def __call__(self) -> datetime:
        return self.now

    def advance(self, **delta: float) -> None:
        self.now += timedelta(**delta)


@pytest.fixture
def clock() -> FakeClock:
    return FakeClock(datetime(2026, 11, 22, 9, 30, tzinfo=UTC))


@pytest.fixture
def ids() -> Callable[[], str]:
    counter = itertools.count(1)
    return lambda: str(uuid.UUID(int=next(counter)))


def _postgres_url() -> str | None:
    url = os.environ.get("FAIRDUN_TEST_DATABASE_URL") or (DEFAULT_PG_URL if CI else None)
    return url


@pytest.fixture(params=["sqlite", "postgresql"])
def database_url(request: pytest.FixtureRequest, tmp_path: Path) -> Iterator[str]:
    """A fresh, empty database: a SQLite file, or a PostgreSQL schema of its own."""
    if request.param == "sqlite":
        yield f"sqlite:///{tmp_path / 'fairdun.sqlite3'}"
        return
    url = _postgres_url()
    if url is None:
        pytest.skip("PostgreSQL suite: set FAIRDUN_TEST_DATABASE_URL (CI=true makes it mandatory)")
    schema = f"t_{uuid.uuid4().hex[:16]}"
    admin = create_engine(url, isolation_level="AUTOCOMMIT")
    try:
        with admin.connect() as connection:
            connection.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception as exc:
        admin.dispose()
        if CI:
            pytest.fail(f"PostgreSQL is mandatory with CI=true and unreachable at {url}: {exc}")
        pytest.skip(f"PostgreSQL unreachable at {url}: {type(exc).__name__}")
    separator = "&" if "?" in url else "?"
    try:
        yield f"{url}{separator}options=-csearch_path%3D{schema}"
    finally:
        with admin.connect() as connection:
            connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
        admin.dispose()


@pytest.fixture
def make_app(tmp_path: Path, database_url: str, clock: FakeClock, ids: Callable[[], str]) -> Iterator[Callable[..., Any]]:
    """Build apps on the test database (migrated to head); all are torn down after the test."""
    from service.app import create_app
    from service.schema import upgrade

    apps: list[Any] = []

    def build(**overrides: Any) -> Any:
        config = {"INSTANCE_PATH": str(tmp_path / "instance"), "DATABASE_URL": database_url,
                  "CLOCK": clock, "NEW_ID": ids, "TESTING": True, **overrides}
        app = create_app(config)
        upgrade(app.extensions["fairdun"].db.engine)
        apps.append(app)
        return app

    yield build
    from service.api_ledger import checkpoint_signer
    from service.app import close_app

    for app in apps:
        close_app(app)
        assert checkpoint_signer(app).wait(timeout=0)   # no signer outlives the test's database


@pytest.fixture
def app(make_app: Callable[..., Any]) -> Any:
    return make_app()


@pytest.fixture
def client(app: Any) -> Any:
    return app.test_client()


@pytest.fixture
def api_keys(app: Any) -> dict[str, str]:
    """One API key per role: ``{"ar_system": "fd_…", …}``."""
    from service.auth import Role, create_api_key

    runtime = app.extensions["fairdun"]
    return {role.value: create_api_key(runtime.db, name=f"test {role.value}", role=role, now=runtime.clock(),
                                       new_id=lambda: str(uuid.uuid4()))
            for role in Role}


@pytest.fixture
def auth(api_keys: dict[str, str]) -> Callable[[str], dict[str, str]]:
    """Headers for a role: ``client.post(..., headers=auth("ar_system"))``."""
    return lambda role: {"Authorization": f"Bearer {api_keys[role]}"}
