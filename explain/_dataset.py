"""Leak-free decision-time snapshots from an AR history CSV (the IBM "Accounts Receivable" layout
natively, other exports through a column mapping: ``explain.layout``).

A *snapshot* is what a dunning decision on one open invoice would have seen at the start of one
decision day ``t``. The population is the ladder's: an invoice enters every day of each decision
window (``windows``, days relative to its due date: the pre-due reminder's days and the overdue
days from the first reminder on) on which it is still open at the start of the day (issued by
then, settled on or after ``t``).

Features use only what was known before ``t``: the customer's invoices *settled before t* (share
paid late, average days late) and the customer's paperless flag. The label is whether the invoice
was still unpaid at the end of the *outcome day* ``max(due + late_after_days, t + horizon_days)``;
it becomes known the day after the outcome day or the day after settlement, whichever is first
(``label_known_on``), which the time-ordered split uses so that no training label comes from after
a cutoff.

Each snapshot also carries the values of the *candidates* (:data:`CANDIDATES`): attributes that
are not features, measured only to report what they would add out of time (the model card's
feature evidence). The customer is kept to cluster the evaluation's intervals, never as a feature.

Recent invoices are censored: the history holds paid invoices only, so an invoice due less than
the history's longest lateness before its last settlement is in it only if it was paid early
enough, which biases late payment downwards at the end of the period. Invoices due after
``last settlement - max days late`` are left out (``censor_recent``).
"""

from __future__ import annotations

import bisect
import csv
import hashlib
import logging
import math
import os
import statistics
from dataclasses import dataclass
from datetime import date, datetime, timedelta
from pathlib import Path

from explain._errors import TrainingError
from explain.features import FEATURE_NAMES, feature
from explain.layout import IBM_LAYOUT, ArLayout

__all__ = ["Invoice", "Snapshot", "CANDIDATES", "read_ar_history", "csv_columns", "build_snapshots",
           "censor_date", "file_sha256"]

_log = logging.getLogger(__name__)
_DAYS_PAST_DUE = feature("days_past_due")


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
    # values of the attributes measured for fairness (never features), in the order asked for
    groups: tuple[str | None, ...] = ()

    @property
    def days_late(self) -> int:
        return max(0, (self.settled_on - self.due_on).days)


# Attributes measured for the feature evidence only (never features), with how each is computed.
CANDIDATES: dict[str, str] = {
    "due_month": "calendar month (1 to 12) of the due date, binned by quarter (a pure calendar proxy)",
    "prior_invoices": "number of the customer's invoices settled before the decision (grows with calendar time)",
    "open_amount_log": "log2 of the amount over the history's median amount (log-scaled within its one, "
                       "unknown currency)",
}


@dataclass(frozen=True, slots=True)
class Snapshot:
    decided_on: date
    invoice: str
    features: tuple[float, ...]  # in FEATURE_NAMES order; NaN = missing
    label: int
    label_known_on: date
    groups: tuple[str | None, ...] = ()  # the invoice's fairness groups (never features)
    customer: str = ""                   # clusters the evaluation's intervals (never a feature)
    candidates: tuple[float, ...] = ()   # in CANDIDATES order (never features)


def file_sha256(path: str | os.PathLike[str]) -> str:
    h = hashlib.sha256()
    with open(path, "rb") as f:
        for block in iter(lambda: f.read(1 << 16), b""):
            h.update(block)
    return h.hexdigest()


def _date(text: str, where: str, layout: ArLayout) -> date:
    try:
        return datetime.strptime(text.strip(), layout.date_format).date()
    except ValueError as exc:
        raise _fail(f"{where}: not a date in the format {layout.date_format}: {text!r}") from exc


def _flag(text: str, field: str, column: str, where: str, layout: ArLayout) -> bool:
    value = text.strip()
    values = layout.flags[field]
    if value in values["true"]:
        return True
    if value in values["false"]:
        return False
    raise _fail(f"{where}: {column} must be one of {list(values['true'])} (yes) or "
                f"{list(values['false'])} (no), got {text!r}")


def _number(text: str, column: str, where: str, layout: ArLayout) -> float:
    raw = text.strip()
    if layout.decimal_separator == ",":
        raw = raw.replace(".", "").replace(",", ".")
    try:
        value = float(raw)
    except ValueError as exc:
        raise _fail(f"{where}: {column} is not a number: {text!r}") from exc
    if value != value or value in (float("inf"), float("-inf")):
        raise _fail(f"{where}: {column} is not a finite number: {text!r}")
    return value


def csv_columns(csv_path: str | os.PathLike[str]) -> list[str]:
    """The header of a CSV file."""
    with Path(csv_path).open(newline="", encoding="utf-8-sig") as f:
        return next(csv.reader(f), [])


def read_ar_history(csv_path: str | os.PathLike[str], layout: ArLayout = IBM_LAYOUT,
                    measure: tuple[str, ...] = ()) -> list[Invoice]:
    """Parse and check the AR history. Of the other columns only the ``measure`` columns are
    kept (the IBM data's ``countryCode``, say), as fairness groups that never become features."""
    path = Path(csv_path)
    col = layout.columns
    invoices: list[Invoice] = []
    with path.open(newline="", encoding="utf-8-sig") as f:
        reader = csv.DictReader(f)
        header = reader.fieldnames or []
        missing = [c for c in (*col.values(), *measure) if c not in header]
        if missing:
            raise _fail(f"{path.name}: missing columns {missing}")
        for line, row in enumerate(reader, start=2):
            where = f"{path.name}:{line}"
            if None in row or any(v is None for v in row.values()):
                raise _fail(f"{where}: the row does not have {len(header)} cells")
            inv = Invoice(
                customer=row[col["customer"]].strip(),
                number=row[col["invoice"]].strip(),
                issued_on=_date(row[col["issued_on"]], where, layout),
                due_on=_date(row[col["due_on"]], where, layout),
                settled_on=_date(row[col["settled_on"]], where, layout),
                amount=_number(row[col["amount"]], col["amount"], where, layout),
                disputed=_flag(row[col["disputed"]], "disputed", col["disputed"], where, layout),
                paperless=_flag(row[col["paperless"]], "paperless", col["paperless"], where, layout),
                groups=tuple(row[c].strip() or None for c in measure),
            )
            if not inv.customer or not inv.number:
                raise _fail(f"{where}: empty {col['customer']} or {col['invoice']}")
            if "days_late" in col:
                stated = _number(row[col["days_late"]], col["days_late"], where, layout)
                if inv.days_late != stated:
                    raise _fail(
                        f"{where}: {col['days_late']} {stated:g} disagrees with the dates "
                        f"({inv.days_late})"
                    )
            if inv.settled_on < inv.issued_on or inv.due_on < inv.issued_on:
                raise _fail(f"{where}: dates out of order")
            invoices.append(inv)
    if not invoices:
        raise _fail(f"{path.name}: no invoices")
    numbers = [i.number for i in invoices]
    if len(set(numbers)) != len(numbers):
        raise _fail(f"{path.name}: duplicate {col['invoice']}")
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


def censor_date(invoices: list[Invoice]) -> date:
    """The last due date of an uncensored invoice: the last settlement minus the longest lateness."""
    last = max(i.settled_on for i in invoices)
    return last - timedelta(days=max(i.days_late for i in invoices))


def build_snapshots(
    invoices: list[Invoice],
    *,
    late_after_days: int,
    horizon_days: int,
    windows: tuple[tuple[int, int], ...],
    censor_recent: bool = True,
) -> list[Snapshot]:
    """Decision-time snapshots, sorted by (decision date, invoice number)."""
    if FEATURE_NAMES != (
        "days_past_due",
        "prior_late_ratio",
        "prior_avg_days_late",
        "paperless",
    ):  # pragma: no cover - guards the tuple layout below
        raise _fail("FEATURES changed; update build_snapshots")
    by_customer: dict[str, list[Invoice]] = {}
    for inv in invoices:
        by_customer.setdefault(inv.customer, []).append(inv)
    histories = {c: _History(v) for c, v in by_customer.items()}
    median_amount = statistics.median(i.amount for i in invoices)
    censored_after = censor_date(invoices) if censor_recent else date.max

    snapshots: list[Snapshot] = []
    day = timedelta(days=1)
    for inv in invoices:
        if inv.due_on > censored_after:
            continue
        amount_log = math.log2(inv.amount / median_amount) if inv.amount > 0 and median_amount > 0 else math.nan
        for first, last_day in windows:
            t = inv.due_on + timedelta(days=first)
            last = inv.due_on + timedelta(days=last_day)
            while t <= last:
                # open at the start of day t: issued by then and not settled before t
                if inv.issued_on <= t <= inv.settled_on:
                    # late = still unpaid at the end of the later of due + late_after_days and
                    # t + horizon_days; known the day after that, or the day after settlement
                    outcome_on = max(
                        inv.due_on + timedelta(days=late_after_days), t + timedelta(days=horizon_days)
                    )
                    label = 1 if inv.settled_on > outcome_on else 0
                    label_known_on = min(inv.settled_on + day, outcome_on + day)
                    n, late_ratio, avg_days_late = histories[inv.customer].before(t)
                    features = (
                        float(_DAYS_PAST_DUE.clipped((t - inv.due_on).days) or 0),
                        late_ratio,
                        avg_days_late,
                        1.0 if inv.paperless else 0.0,
                    )
                    candidates = (float(inv.due_on.month), float(n), amount_log)
                    snapshots.append(Snapshot(t, inv.number, features, label, label_known_on, inv.groups,
                                              inv.customer, candidates))
                t += day
    snapshots.sort(key=lambda s: (s.decided_on, s.invoice))
    return snapshots
