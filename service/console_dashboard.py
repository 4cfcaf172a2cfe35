"""The console's dashboard (``/console/dashboard``, compliance officers and admins): DSO,
collection effectiveness index, amounts recovered, dunning rate, review SLA, review outcomes and
overturn rate and held decisions, by month and by jurisdiction, over a period of whole months
(by default the last twelve, the current one included and cut at now).

What is shown is what is verified: the whole ledger and every read model are verified first (as
for the audit report and the risk model page); a ledger that does not verify gets a 503 and no
figure. The figures are ``reports.audit.dashboard_figures``: ``reports.kpis.key_figures``, the
audit report's own computation, for each month, each jurisdiction and the whole period (whose
figures are the audit report's of the same days). The formulas are in ``reports.kpis``.

Presentation only here: numbers and money formatted with Babel (English), one inline SVG bar
chart per metric and breakdown (``reports.charts.bar_chart_svg``, no script) with the same
figures in a table beside it. A rate over fewer than ``MIN_N`` cases is marked as too few to
read (pale bar, "too few" in the table), never shown bare.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from babel.dates import format_date
from babel.numbers import format_currency, format_decimal, format_percent
from flask import Flask, current_app, render_template, request
from markupsafe import Markup
from marshmallow import Schema, ValidationError, fields

from decisions.errors import Conflict, InvalidInput
from ledger.timestamps import as_utc
from reports.audit import dashboard_figures, month_period
from reports.charts import Bar, bar_chart_svg
from reports.kpis import MIN_N

from . import web
from .api_ledger import notary
from .api_reports import unavailable_as_503, verified_ledger
from .console import LEDGER_READERS, _ctx, bp, staff_requires
from .errors import ApiError

__all__ = ["dashboard", "verified_dashboard", "DashboardQuerySchema", "DEFAULT_MONTHS"]

DEFAULT_MONTHS = 12
LOCALE = "en"
_MONTH = re.compile(r"[0-9]{4}-(0[1-9]|1[0-2])")
_YEARS = (2000, 2100)


class Month(fields.Field):
    """A calendar month, ``YYYY-MM`` (what ``<input type="month">`` sends); its first day."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> date:
        if not isinstance(value, str) or not _MONTH.fullmatch(value):
            raise ValidationError("Not a valid month (YYYY-MM).")
        month = date(int(value[:4]), int(value[5:]), 1)
        if not _YEARS[0] <= month.year < _YEARS[1]:
            raise ValidationError(f"Must lie between {_YEARS[0]} and {_YEARS[1]}.")
        return month


class DashboardQuerySchema(Schema):
    """``from`` and ``to``: the first and the last month (both optional; unknown fields refused)."""

    first_month = Month(data_key="from", load_default=None)
    last_month = Month(data_key="to", load_default=None)


def _months_before(month: date, count: int) -> date:
    index = month.year * 12 + month.month - 1 - count
    return date(index // 12, index % 12 + 1, 1)


def verified_dashboard(app: Flask, *, first_month: date, last_month: date, now: datetime) -> dict[str, Any]:
    """The dashboard's figures after the whole ledger and every read model verified
    (``Conflict`` ``ledger_unverified`` otherwise); a period that makes no sense is refused
    (``InvalidInput``) before the verification."""
    runtime = app.extensions["fairdun"]
    now = as_utc(now)
    month_period(first_month, last_month).bounds(now)
    verified = verified_ledger(app, notary(app), "no dashboard is shown from it")
    return dashboard_figures(runtime.db, first_month=first_month, last_month=last_month, now=now,
                             verified=verified)


@bp.get("/dashboard")
@staff_requires(*LEDGER_READERS)
def dashboard() -> Any:
    """Charts and tables of the key figures by month and jurisdiction; ``?from=YYYY-MM&to=YYYY-MM``."""
    now = as_utc(_ctx().clock())
    form = {k: v for k, v in request.args.items() if k in ("from", "to")}
    try:
        query = DashboardQuerySchema().load(request.args.to_dict())
        last = query["last_month"] or (now.date().replace(day=1) if query["first_month"] is None
                                       else max(query["first_month"], now.date().replace(day=1)))
        first = query["first_month"] or _months_before(last, DEFAULT_MONTHS - 1)
        if last < first:
            raise InvalidInput("the last month comes before the first", field="to")
        app = current_app._get_current_object()  # type: ignore[attr-defined]
        with unavailable_as_503():
            figures = verified_dashboard(app, first_month=first, last_month=last, now=now)
    except ValidationError as exc:
        return _form_page(web.field_errors(exc), form), 422
    except InvalidInput as exc:
        return _form_page({exc.field or "from": [str(exc)]}, form), 422
    except Conflict as exc:
        if exc.code != "ledger_unverified":
            raise
        current_app.logger.error("dashboard not shown: the ledger does not verify")
        raise ApiError(503, "ledger_unverified", str(exc)) from exc
    form = {"from": first.strftime("%Y-%m"), "to": last.strftime("%Y-%m")}
    return render_template("console/dashboard.html", errors={}, form=form, figures=figures,
                           page=_page(figures), min_n=MIN_N, entries=_count(figures["verified_entries"]))


def _form_page(errors: dict[str, list[str]], form: dict[str, str]) -> str:
    return render_template("console/dashboard.html", errors=errors, form=form, figures=None, page=None, min_n=MIN_N)


# -- presentation ----------------------------------------------------------------------------

def _pct(value: float) -> str:
    return format_percent(value, format="#,##0.0%", locale=LOCALE)


def _count(n: int) -> str:
    return format_decimal(n, locale=LOCALE)


def _days(value: float) -> str:
    return f"{format_decimal(value, format='#,##0.0', locale=LOCALE)} days"


def _money(amount: Any, currency: str) -> str:
    return format_currency(Decimal(str(amount)), currency, locale=LOCALE)


Cell = dict[str, Any]   # value (float | None), text, n, detail, thin


def _rate(value: float | None, n: int, detail: str) -> Cell:
    thin = value is not None and n < MIN_N
    if value is None:
        text = "no cases"
    elif thin:
        text = f"{_pct(value)} (too few)"
    else:
        text = _pct(value)
    return {"value": value, "text": text, "n": n, "detail": detail, "thin": thin}


def _currency_row(section: dict[str, Any], currency: str) -> dict[str, Any] | None:
    return next((c for c in section["by_currency"] if c["currency"] == currency), None)


def _dso(currency: str) -> Callable[[dict[str, Any]], Cell]:
    def cell(f: dict[str, Any]) -> Cell:
        row = _currency_row(f["dso"], currency)
        if row is None or row["value"] is None:
            new = row["new"] if row else "0"
            return {"value": None, "text": "not computable", "n": row["claims"] if row else 0, "thin": False,
                    "detail": f"no claim first referred (N = {_money(new, currency)})"}
        thin = row["new_claims"] < MIN_N      # N, the divisor, rests on the claims first referred
        return {"value": row["value"], "text": _days(row["value"]) + (" (too few)" if thin else ""),
                "n": row["claims"], "thin": thin,
                "detail": f"T {_money(row['ending'], currency)} / N {_money(row['new'], currency)} "
                          f"({_count(row['new_claims'])} claims first referred) × {_count(row['days'])} days"}
    return cell


def _cei(currency: str) -> Callable[[dict[str, Any]], Cell]:
    def cell(f: dict[str, Any]) -> Cell:
        row = _currency_row(f["cei"], currency)
        if row is None or row["value"] is None:
            return {"value": None, "text": "not computable", "n": row["claims"] if row else 0, "thin": False,
                    "detail": "B + N − C is not above 0"}
        detail = (f"B {_money(row['beginning'], currency)}, N {_money(row['new'], currency)}, "
                  f"T {_money(row['ending'], currency)}, C {_money(row['ending_current'], currency)}")
        return _rate(row["value"] / 100, row["claims"], detail)
    return cell


def _recovered(currency: str) -> Callable[[dict[str, Any]], Cell]:
    def cell(f: dict[str, Any]) -> Cell:
        row = _currency_row(f["recovered"], currency)
        amount = Decimal(row["amount"]) if row else Decimal(0)
        n = row["payments"] if row else 0
        return {"value": float(amount), "text": _money(amount, currency), "n": n, "thin": False,
                "detail": f"{_count(n)} payments"}
    return cell


def _dunning(f: dict[str, Any]) -> Cell:
    d = f["dunning_rate"]
    return _rate(d["value"], d["claims"], f"{_count(d['dunned_claims'])} of {_count(d['claims'])} claims dunned")


def _sla(f: dict[str, Any]) -> Cell:
    s = f["review_sla"]
    overdue = f"; {_count(s['overdue_at_end'])} open and overdue at the end" if s["overdue_at_end"] else ""
    return _rate(s["value"], s["closed"], f"{_count(s['on_time'])} of {_count(s['closed'])} on time{overdue}")


def _overturn(f: dict[str, Any]) -> Cell:
    o = f["overturn_rate"]
    by = ", ".join(f"{_count(n)} {outcome}" for outcome, n in o["by_outcome"].items())
    return _rate(o["value"], o["outcomes"], f"{_count(o['overturned'])} of {_count(o['outcomes'])} outcomes ({by})")


def _held(f: dict[str, Any]) -> Cell:
    h = f["held_share"]
    return _rate(h["value"], h["decisions"], f"{_count(h['held'])} of {_count(h['decisions'])} decisions held")


def _numbered(cell: Cell) -> Cell:
    return {**cell, "n_text": _count(cell["n"])}


def _currencies(figures: dict[str, Any]) -> list[str]:
    total = figures["total"]
    return sorted({c["currency"] for key in ("dso", "cei", "recovered") for c in total[key]["by_currency"]})


def _page(figures: dict[str, Any]) -> list[dict[str, Any]]:
    """The metrics in order, each with its whole-period cell and its month and jurisdiction
    breakdowns (rows and an SVG chart of the same figures)."""
    formulas = figures["formulas"]
    metrics: list[tuple[str, str, str, Callable[[dict[str, Any]], Cell], float | None]] = []
    for currency in _currencies(figures):
        metrics.append((f"dso-{currency}", "dso", f"{formulas['dso']['name']}, {currency}", _dso(currency), None))
        metrics.append((f"cei-{currency}", "cei", f"{formulas['cei']['name']}, {currency}", _cei(currency), 1.0))
        metrics.append((f"recovered-{currency}", "recovered", f"{formulas['recovered']['name']}, {currency}",
                        _recovered(currency), None))
    metrics += [("dunning", "dunning_rate", formulas["dunning_rate"]["name"], _dunning, 1.0),
                ("sla", "review_sla", formulas["review_sla"]["name"], _sla, 1.0),
                ("overturn", "overturn_rate", formulas["overturn_rate"]["name"], _overturn, 1.0),
                ("held", "held_share", formulas["held_share"]["name"], _held, 1.0)]
    months = [(format_date(date.fromisoformat(m["month"] + "-01"), "MMM yyyy", locale=LOCALE), m["figures"])
              for m in figures["by_month"]]
    places = [(j["jurisdiction"], j["figures"]) for j in figures["by_jurisdiction"]]
    page = []
    for anchor, key, title, cell, scale in metrics:
        breakdowns = []
        for by, rows in (("month", months), ("jurisdiction", places)):
            cells = [{"label": label, **_numbered(cell(f))} for label, f in rows]
            bars = [Bar(c["label"], c["value"], c["text"] if c["value"] is not None else "–", c["thin"])
                    for c in cells]
            svg = bar_chart_svg(bars, chart_id=f"chart-{anchor}-{by}", title=f"{title} by {by}",
                                description=f"Bar chart of the table below: {title.lower()} by {by}; "
                                            f"pale bars rest on fewer than {MIN_N} cases.",
                                scale_max=scale)
            breakdowns.append({"by": by, "cells": cells, "svg": Markup(svg)})   # every text escaped there
        page.append({"anchor": anchor, "key": key, "title": title, "formula": formulas[key],
                     "total": _numbered(cell(figures["total"])), "breakdowns": breakdowns})
    return page
