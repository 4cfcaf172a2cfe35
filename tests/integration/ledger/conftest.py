"""A migrated database per test (SQLite and PostgreSQL), a notary on it, ways to
fill the ledger and to tamper with it as someone with database access could."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import pytest
from fakes import tamper as past_the_triggers

from ledger import Database, Notary, Sealed, append
from service.schema import upgrade

T0 = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture
def db(database_url: str) -> Iterator[Database]:
    database = Database(database_url)
    upgrade(database.engine)
    yield database
    database.dispose()


@pytest.fixture
def notary(db: Database, tmp_path: Path, clock: Any) -> Notary:
    return Notary(db=db, instance_path=tmp_path / "instance", origin="test/ledger", clock=clock)


@pytest.fixture
def fill(db: Database) -> Callable[..., list[Any]]:
    """Append ``n`` test entries in one transaction (each with a sealed blob of ``subject``)."""

    def append_entries(n: int, *, subject: str | None = None, kind: str = "test") -> list[Any]:
        appended = []
        with db.unit_of_work() as uow:
            for _ in range(n):
                blob = Sealed(subject_id=subject, data=f"sealed {subject} {_}".encode() + bytes(8)) if subject else None
                appended.append(append(uow.session, kind=kind, body={"n": len(appended), "text": "für"}, ts=T0,
                                       sealed=blob))
            uow.commit()
        return appended

    return append_entries


@pytest.fixture
def tamper(db: Database) -> Callable[..., None]:
    """Run SQL past the append-only triggers, as an attacker with database access would."""
    return lambda sql, **params: past_the_triggers(db, sql, **params)
