"""ledger.db.insert_later: rows queued in a unit of work are written with it, one statement per
table, before its next query and at its commit; never outside it."""

from __future__ import annotations

from typing import Any

import pytest
from sqlalchemy import event, func, select

from decisions.rights.tables import PortalSubjectRow
from ledger import Database
from ledger.db import insert_later


def _rows(n: int) -> list[dict[str, Any]]:
    return [{"subject_id": f"{i:064x}", "code_digest": f"{i:064x}"} for i in range(n)]


def test_queued_rows_are_written_at_commit_in_one_statement(db: Database) -> None:
    statements: list[str] = []
    event.listen(db.engine, "before_cursor_execute",
                 lambda conn, cursor, statement, *args: statements.append(statement))
    with db.unit_of_work() as uow:
        for row in _rows(30):   # queued before the transaction has run any statement
            insert_later(uow.session, PortalSubjectRow, row)
        uow.commit()
    assert sum(s.startswith("INSERT INTO portal_subjects") for s in statements) == 1
    with db.reading() as session:
        assert session.scalar(select(func.count()).select_from(PortalSubjectRow)) == 30


def test_queued_rows_are_seen_by_the_next_query_and_rolled_back_with_it(db: Database) -> None:
    with db.unit_of_work() as uow:
        for row in _rows(3):
            insert_later(uow.session, PortalSubjectRow, row)
        assert uow.session.scalar(select(func.count()).select_from(PortalSubjectRow)) == 3
    with db.reading() as session:   # not committed: nothing stays
        assert session.scalar(select(func.count()).select_from(PortalSubjectRow)) == 0


def test_only_units_of_work_queue_rows(db: Database) -> None:
    with db.reading() as session, pytest.raises(RuntimeError):
        insert_later(session, PortalSubjectRow, _rows(1)[0])
