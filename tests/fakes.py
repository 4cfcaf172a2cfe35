"""Hand-written test doubles and builders (fakes over mocks)."""

from __future__ import annotations

import copy
from datetime import UTC, datetime
from typing import Any

from conftest import EXAMPLE_REQUEST

from decisions.case import Case
from service.schemas import DecisionRequestSchema

__all__ = ["request_with", "case_from", "utc"]


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text.replace("Z", "+00:00")).astimezone(UTC)


def request_with(**changes: Any) -> dict[str, Any]:
    """The example request with dotted-path changes: ``request_with(**{"invoice.disputed": True})``."""
    request = copy.deepcopy(EXAMPLE_REQUEST)
    for path, value in changes.items():
        node = request
        *parents, leaf = path.split(".")
        for key in parents:
            node = node[key]
        node[leaf] = value
    return request


def case_from(request: dict[str, Any]) -> Case:
    return DecisionRequestSchema().load(request)


def ledger_kinds(app: Any) -> list[str]:
    """The kinds of all ledger entries, in order."""
    from ledger.tables import LedgerEntry

    with app.extensions["fairdun"].db.reading() as session:
        return [kind for (kind,) in session.query(LedgerEntry.kind).order_by(LedgerEntry.seq)]


def verify(app: Any) -> Any:
    from ledger import verify_chain

    with app.extensions["fairdun"].db.reading() as session:
        return verify_chain(session)


APPEND_ONLY = ("ledger_entries", "ledger_nodes", "ledger_checkpoints")


def tamper(db: Any, *statements: str, **params: object) -> None:
    """Run SQL past the append-only triggers, as someone with database access could."""
    from sqlalchemy import text

    with db.engine.connect() as connection:
        for table in APPEND_ONLY:
            if db.is_sqlite:
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_update")
                connection.exec_driver_sql(f"DROP TRIGGER IF EXISTS {table}_no_delete")
            else:
                connection.execute(text(f"ALTER TABLE {table} DISABLE TRIGGER USER"))
        for statement in statements:
            connection.execute(text(statement), params)
        connection.commit()


class FakeModel:
    """A risk model with a fixed answer (explain's own Score type, calibrated into ``band`` with a
    safeguard interval reaching ``interval_bands``, default: only ``band``), or one that fails."""

    id = "fake-model"
    sha256 = "f" * 64

    def __init__(self, p_late: float = 0.1, uncertainty: float = 0.02, *, error: Exception | None = None,
                 contribution: float = 0.8, band: str = "medium", interval_bands: tuple[str, ...] | None = None,
                 out_of_range: tuple[str, ...] = ()) -> None:
        self.p_late = p_late
        self.uncertainty = uncertainty
        self.error = error
        self.contribution = contribution
        self.band = band
        self.interval_bands = interval_bands or (band,)
        self.out_of_range = out_of_range
        self.seen: list[dict[str, Any]] = []

    def score(self, features: dict[str, Any]) -> Any:
        import math

        from explain import Calibrated, Contribution, Score

        self.seen.append(dict(features))
        if self.error is not None:
            raise self.error
        log_odds = math.log(self.p_late / (1 - self.p_late))
        rest = log_odds - self.contribution
        return Score(p_late=self.p_late, log_odds=log_odds, intercept=rest, uncertainty=self.uncertainty,
                     contributions=(Contribution(term="days_past_due", features=("days_past_due",),
                                                 values=(features["days_past_due"],),
                                                 contribution=self.contribution),),
                     model_id=self.id, out_of_range=self.out_of_range,
                     calibrated=Calibrated(p_late=self.p_late, band=self.band, lower=self.p_late * 0.9,
                                           upper=self.p_late * 1.1, bands=self.interval_bands, log_odds_sd=0.1))
