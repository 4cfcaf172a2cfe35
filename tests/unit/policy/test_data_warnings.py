"""Warnings about the deciding bundle's data: a German base-rate table that ends before today
(DE-BGB-288 then claims no interest) is reported, from the first UTC day after known_until."""

from __future__ import annotations

import json
from datetime import date
from types import SimpleNamespace
from typing import Any

import pytest

from decisions.policy import UnavailableEngine, load_bundle
from decisions.policy.data_warnings import BASE_RATE_PERIOD_MISSING, bundle_warnings, data_warnings


def _data(known_until: Any) -> dict[str, Any]:
    return {"parameters": {"de_interest": {"known_until": known_until, "base_rates": []}}}


@pytest.mark.parametrize(("today", "warned"), [
    (date(2026, 6, 29), False),
    (date(2026, 6, 30), False),   # the last day of the table
    (date(2026, 7, 1), True),     # debtors far ahead of UTC may already be on 2 July
    (date(2027, 1, 15), True),
])
def test_a_table_ending_before_today_is_warned_about(today: date, warned: bool) -> None:
    warnings = data_warnings(_data("2026-06-30"), today=today)

    assert bool(warnings) is warned
    if warned:
        (warning,) = warnings
        assert (warning["code"], warning["rule"], warning["missing_from"]) == (
            BASE_RATE_PERIOD_MISSING, "DE-BGB-288", "2026-07-01")
        assert "2026-07-01" in warning["message"] and "Updating the base rate" in warning["message"]


@pytest.mark.parametrize("data", [{}, {"parameters": {}}, _data(None), _data("30.06.2026"), _data(20260630)])
def test_an_unreadable_table_is_warned_about(data: dict[str, Any]) -> None:
    (warning,) = data_warnings(data, today=date(2026, 1, 1))

    assert warning["code"] == BASE_RATE_PERIOD_MISSING and warning["missing_from"] is None


def test_the_shipped_bundle_is_warned_about_after_its_known_until() -> None:
    bundle = load_bundle()
    known_until = date.fromisoformat(json.loads(bundle.data_text)["parameters"]["de_interest"]["known_until"])
    engine = SimpleNamespace(bundle=bundle)

    assert bundle_warnings(engine, today=known_until) == []
    assert [w["code"] for w in bundle_warnings(engine, today=date.fromordinal(known_until.toordinal() + 1))] == [
        BASE_RATE_PERIOD_MISSING]


def test_an_engine_without_a_bundle_has_no_data_warnings() -> None:
    assert bundle_warnings(UnavailableEngine(reason="no bundle"), today=date(2030, 1, 1)) == []
