"""Leak-free decision-time snapshots from an AR history CSV (the IBM "Accounts Receivable" layout).

A *snapshot* is what a dunning decision on one open invoice would have seen at the start of one
decision day ``t``. Decision runs are weekly (on ``run_weekday``); an invoice enters every run from
``first_decision_day`` to ``last_decision_day`` days relative to its due date at which it is still
open at the start of the day (issued by then, settled on or after ``t``).

Features use only what was known before ``t``: the customer's invoices *settled before t* (count,
share paid late, average days late), and the invoice's own amount, dispute flag, paperless flag and
due month. The label is whether the invoice was still unpaid at the end of the *outcome day*
``max(due + late_after_days, t + horizon_days)``; it becomes known the day after the outcome day
or the day after settlement, whichever is first (``label_known_on``), which the time-ordered split
uses so that no training label comes from after the holdout cutoff.
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import logging
import os
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from explain._errors import TrainingError
from explain.features import FEATURE_NAMES

__all__ = ["Invoice", "Snapshot", "read_ar_history", "build_snapshots", "file_sha256"]

_log = logging.getLogger(__name__)

REQUIRED_COLUMNS = (
    "customerID",
    "invoiceNumber",
    "InvoiceDate",
    "DueDate",
    "InvoiceAmount",
    "Disputed",
    "SettledDate",
    "PaperlessBill",
    "DaysLate",
)


def _fail(message: str) -> TrainingError:
    _log.error(message)
    return TrainingError(message)


@dataclass(frozen=True, slots=True)
class Invoice:
    customer: str
    number: str
    issued_on: date
    due_on: date
    settled_on: date
    amount: float
    disputed: bool
    paperless: bool

    @property
    def days_late(self) -> int:
        return max(0, (self.settled_on - self.due_on).days)


@dataclass(frozen=True, slots=True)
class Snapshot:
    decided_on: date
    invoice: str
    features: tuple[float, ...]  # in FEATURE_NAMES order; NaN = missing
    label: int
    label_known_on: date


def file_sha256(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def _date(text: str, where: str) -> date:
    try:
        return datetime.strptime(text.strip(), "%m/%d/%Y").date()
    except ValueError as exc:
        raise _fail(f"{where}: not an M/D/YYYY date: {text!r}") from exc


def _flag(text: str, true: str, false: str, where: str) -> bool:
    value = text.strip()
    if value == true:
        return True
    if value == false:
        return False
    raise _fail(f"{where}: expected {true!r} or {false!r}, got {text!r}")


def read_ar_history(csv_path: str | os.PathLike[str]) -> list[Invoice]:
    """Parse and check the AR history. ``countryCode`` is read past, never kept."""
    path = Path(csv_path)
    invoices: list[Invoice] = []
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        missing = [c for c in REQUIRED_COLUMNS if c not in (reader.fieldnames or [])]
        if missing:
            raise _fail(f"{path.name}: missing columns {missing}")
        for line, row in enumerate(reader, start=2):
            where = f"{path.name}:{line}"
            try:
                amount = float(row["InvoiceAmount"])
                stated_days_late = int(row["DaysLate"])
            except ValueError as exc:
                raise _fail(f"{where}: bad number: {exc}") from exc
            inv = Invoice(
                customer=row["customerID"].strip(),
                number=row["invoiceNumber"].strip(),
                issued_on=_date(row["InvoiceDate"], where),
                due_on=_date(row["DueDate"], where),
                settled_on=_date(row["SettledDate"], where),
                amount=amount,
                disputed=_flag(row["Disputed"], "Yes", "No", where),
                paperless=_flag(row["PaperlessBill"], "Electronic", "Paper", where),
            )
            if inv.days_late != stated_days_late:
                raise _fail(
                    f"{where}: DaysLate {stated_days_late} disagrees with the dates "
                    f"({inv.days_late})"
                )
            if inv.settled_on < inv.issued_on or inv.due_on < inv.issued_on:
                raise _fail(f"{where}: dates out of order")
            invoices.append(inv)
    if not invoices:
        raise _fail(f"{path.name}: no invoices")
    numbers = [i.number for i in invoices]
    if len(set(numbers)) != len(numbers):
        raise _fail(f"{path.name}: duplicate invoiceNumber")
    return invoices


class _History:
    """A customer's settled invoices, for 'what was known before t' queries."""

    def __init__(self, invoices: list[Invoice]) -> None:
        ordered = sorted(invoices, key=lambda i: (i.settled_on, i.number))
        self.settled = [i.settled_on for i in ordered]
        self.cum_late = [0]
        self.cum_days = [0]
        for i in ordered:
            self.cum_late.append(self.cum_late[-1] + (1 if i.days_late > 0 else 0))
            self.cum_days.append(self.cum_days[-1] + i.days_late)

    def before(self, t: date) -> tuple[int, float, float]:
        """(count, late ratio, average days late) of invoices settled strictly before ``t``."""
        n = bisect.bisect_left(self.settled, t)
        if n == 0:
            return 0, float("nan"), float("nan")
        return n, self.cum_late[n] / n, self.cum_days[n] / n


def build_snapshots(
    invoices: list[Invoice],
    *,
    late_after_days: int,
    horizon_days: int,
    first_decision_day: int,
    last_decision_day: int,
    run_weekday: int,
) -> list[Snapshot]:
    """Decision-time snapshots, sorted by (decision date, invoice number)."""
    if FEATURE_NAMES != (
        "days_past_due",
        "open_amount",
        "prior_invoices",
        "prior_late_ratio",
        "prior_avg_days_late",
        "disputed",
        "paperless",
        "due_month",
    ):  # pragma: no cover - guards the tuple layout below
        raise _fail("FEATURES changed; update build_snapshots")
    by_customer: dict[str, list[Invoice]] = {}
    for inv in invoices:
        by_customer.setdefault(inv.customer, []).append(inv)
    histories = {c: _History(v) for c, v in by_customer.items()}

    snapshots: list[Snapshot] = []
    week = timedelta(days=7)
    for inv in invoices:
        start = inv.due_on + timedelta(days=first_decision_day)
        start += timedelta(days=(run_weekday - start.weekday()) % 7)
        last = inv.due_on + timedelta(days=last_decision_day)
        t = start
        while t <= last:
            # open at the start of day t: issued by then and not settled before t
            if inv.issued_on <= t <= inv.settled_on:
                # late = still unpaid at the end of the later of due + late_after_days and
                # t + horizon_days; known the day after that, or the day after settlement
                outcome_on = max(
                    inv.due_on + timedelta(days=late_after_days), t + timedelta(days=horizon_days)
                )
                label = 1 if inv.settled_on > outcome_on else 0
                label_known_on = min(
                    inv.settled_on + timedelta(days=1), outcome_on + timedelta(days=1)
                )
                n, late_ratio, avg_days_late = histories[inv.customer].before(t)
                features = (
                    float((t - inv.due_on).days),
                    inv.amount,
                    float(n),
                    late_ratio,
                    avg_days_late,
                    1.0 if inv.disputed else 0.0,
                    1.0 if inv.paperless else 0.0,
                    float(inv.due_on.month),
                )
                snapshots.append(Snapshot(t, inv.number, features, label, label_known_on))
            t += week
    snapshots.sort(key=lambda s: (s.decided_on, s.invoice))
    return snapshots
