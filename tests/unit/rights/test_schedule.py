"""The retention schedule as data: periods, where each record goes, when a key may be shredded."""

from __future__ import annotations

import json
from datetime import UTC, datetime
from pathlib import Path

import pytest

from retention import GENERAL, ScheduleError, load_schedule

SCHEDULE = load_schedule()


def utc(text: str) -> datetime:
    return datetime.fromisoformat(text).astimezone(UTC)


def test_the_shipped_periods_follow_hgb_ao_after_beg_iv_and_regulation_f() -> None:
    periods = {c.id: (c.duty, c.period(), c.starts) for c in SCHEDULE.categories.values()}
    assert periods["books"] == (True, {"years": 10}, "end_of_calendar_year")
    assert periods["booking_voucher"] == (True, {"years": 8}, "end_of_calendar_year")
    assert periods["business_letter"] == (True, {"years": 6}, "end_of_calendar_year")
    assert periods["regf_record"] == (True, {"years": 3}, "after_last_record")
    assert periods["decision_record"][0] is False and periods["rights_request"][0] is False
    for category in SCHEDULE.categories.values():
        assert category.citation and category.legal_basis and category.url.startswith("https://")
    assert "257" in SCHEDULE.categories["booking_voucher"].citation
    assert "1006.100" in SCHEDULE.categories["regf_record"].citation


@pytest.mark.parametrize(("facts", "category"), [
    ({"creditor_role": "first_party", "country": "DE", "debtor_kind": "consumer", "charges": True,
      "communicates": True}, "booking_voucher"),
    ({"creditor_role": "first_party", "country": "DE", "debtor_kind": "consumer", "charges": False,
      "communicates": True}, "business_letter"),
    ({"creditor_role": "first_party", "country": "DE", "debtor_kind": "consumer", "charges": False,
      "communicates": False}, "decision_record"),
    ({"creditor_role": "debt_collector", "country": "US", "debtor_kind": "consumer", "charges": False,
      "communicates": True}, "regf_record"),
    ({"creditor_role": "debt_collector", "country": "US", "debtor_kind": "business", "charges": False,
      "communicates": True}, "business_letter"),
])
def test_a_decision_is_placed_by_what_it_does(facts: dict, category: str) -> None:
    placement = SCHEDULE.place("decision", facts, at=utc("2026-11-22T09:00+00:00"), claim_id="c" * 64)
    assert placement.category == category
    assert placement.scope == ("c" * 64 if category == "regf_record" else "2026")


def test_the_year_of_a_record_is_the_controllers_local_year() -> None:
    new_year_in_berlin = utc("2026-12-31T23:30+00:00")
    assert SCHEDULE.place("rights_request", at=new_year_in_berlin).scope == "2027"
    assert SCHEDULE.place("run_item", at=new_year_in_berlin).scope == ""
    assert SCHEDULE.place("something_else", at=new_year_in_berlin).category == GENERAL


def test_periods_from_the_end_of_the_calendar_year() -> None:
    # HGB § 257(5): a letter of 23 November 2026 is kept through 2032; shreddable from 1 January 2033
    end = SCHEDULE.retention_end("business_letter", "2026", utc("2026-11-23T08:00+00:00"))
    assert end == utc("2033-01-01T00:00+01:00")
    assert SCHEDULE.retention_end("booking_voucher", "2026", utc("2026-01-02T00:00+00:00")) == utc("2035-01-01T00:00+01:00")
    # a key without a year scope counts from the year of its last record
    assert SCHEDULE.retention_end(GENERAL, "", utc("2025-12-31T23:30+00:00")) == utc("2035-01-01T00:00+01:00")


def test_periods_after_the_last_record_across_a_leap_day() -> None:
    assert SCHEDULE.retention_end("regf_record", "c" * 64, utc("2028-02-29T12:00+00:00")) == utc("2031-02-28T12:00+00:00")
    assert SCHEDULE.retention_end("processing_copy", "", utc("2026-12-15T00:00+00:00")) == utc("2027-03-15T00:00+00:00")


def test_a_schedule_without_the_general_category_or_with_a_bad_period_is_refused(tmp_path: Path) -> None:
    data = json.loads((Path(__file__).resolve().parents[3] / "retention" / "schedule.json").read_text())
    broken = dict(data, categories=[c for c in data["categories"] if c["id"] != GENERAL])
    (tmp_path / "a.json").write_text(json.dumps(broken))
    with pytest.raises(ScheduleError, match="general"):
        load_schedule(tmp_path / "a.json")
    negative = dict(data, categories=[{**c, "years": -1} if c["id"] == "books" else c for c in data["categories"]])
    (tmp_path / "b.json").write_text(json.dumps(negative))
    with pytest.raises(ScheduleError, match="books"):
        load_schedule(tmp_path / "b.json")
    with pytest.raises(ScheduleError):
        SCHEDULE.category("no_such_category")
