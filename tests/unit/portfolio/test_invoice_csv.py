"""The flat invoice CSV: round trip, header rules, cell rules, bad rows that do not stop reading."""

from __future__ import annotations

import copy
import csv
import io
from datetime import UTC, datetime

import pytest

from decisions.invoice_csv import COLUMNS, REQUIRED_COLUMNS, CsvRowError, read_csv, write_csv
from decisions.portfolio import generate_portfolio
from decisions.portfolio import write_csv as portfolio_write_csv

AS_OF = datetime(2026, 11, 22, 9, 0, tzinfo=UTC)


@pytest.fixture(scope="module")
def requests():
    return list(generate_portfolio(3_000, seed=42, as_of=AS_OF))


def _csv_text(requests) -> str:
    buffer = io.StringIO()
    write_csv(requests, buffer)
    return buffer.getvalue()


def _rows(text: str) -> list[list[str]]:
    return list(csv.reader(io.StringIO(text)))


def _text(rows: list[list[str]]) -> str:
    buffer = io.StringIO()
    csv.writer(buffer).writerows(rows)
    return buffer.getvalue()


def _read(text: str, **kwargs):
    return list(read_csv(io.StringIO(text, newline=""), **kwargs))


# --- round trip --------------------------------------------------------------------------

def test_generate_write_read_gives_back_exactly_the_generated_requests(requests):
    text = _csv_text(requests)
    read = _read(text)
    assert [line for line, _ in read] == list(range(2, len(requests) + 2))
    assert [r for _, r in read] == requests
    # nulls, partial payments and histories are all exercised by this portfolio
    assert any(r["invoice"]["promise_to_pay_on"] for r in requests)
    assert any(r["invoice"]["last_payment_on"] for r in requests)
    assert any(r["history"]["contacts"] for r in requests)


def test_round_trip_through_a_path_with_the_portfolio_helper(tmp_path, requests):
    path = tmp_path / "invoices.csv"
    assert portfolio_write_csv(iter(requests[:500]), path) == 500
    assert [r for _, r in read_csv(path)] == requests[:500]


def test_the_header_lists_every_column_once_in_documented_order(requests):
    header = _rows(_csv_text(requests[:1]))[0]
    assert header == list(COLUMNS)
    assert len(set(COLUMNS)) == len(COLUMNS)
    assert set(COLUMNS) - REQUIRED_COLUMNS == {"as_of"}
    for name in ("debtor_ref", "consent_email", "flag_breathing_space_until", "creditor_role",
                 "invoice_ref", "dunning_json", "contacts_json", "avg_days_late", "paperless"):
        assert name in COLUMNS


def test_columns_may_come_in_any_order(requests):
    rows = _rows(_csv_text(requests[:20]))
    order = list(reversed(range(len(COLUMNS))))
    shuffled = [[row[i] for i in order] for row in rows]
    assert [r for _, r in _read(_text(shuffled))] == requests[:20]


def test_write_csv_refuses_a_request_it_cannot_represent(requests):
    broken = copy.deepcopy(requests[0])
    del broken["invoice"]["due_on"]
    with pytest.raises(ValueError, match="invoice.due_on"):
        write_csv([requests[1], broken], io.StringIO())
    wrong = copy.deepcopy(requests[0])
    wrong["debtor"]["consents"]["sms"] = "yes"
    with pytest.raises(ValueError, match="consent_sms"):
        write_csv([wrong], io.StringIO())


# --- cells -------------------------------------------------------------------------------

def _one_row(requests, **cells) -> list[list[str]]:
    rows = _rows(_csv_text(requests[:1]))
    for name, value in cells.items():
        rows[1][COLUMNS.index(name)] = value
    return rows


def test_an_empty_cell_is_null_and_an_empty_history_cell_is_an_empty_list(requests):
    rows = _one_row(requests, contact_phone="", consent_sms="", creditor_role="", avg_days_late="",
                    dunning_json="", contacts_json="")
    (line, request), = _read(_text(rows))
    assert line == 2
    assert request["debtor"]["contact"]["phone"] is None
    assert request["debtor"]["consents"]["sms"] is None
    assert request["creditor"]["role"] is None
    assert request["history"]["avg_days_late"] is None
    assert request["history"]["dunning"] == [] and request["history"]["contacts"] == []


def test_spreadsheet_booleans_and_a_byte_order_mark_are_accepted(requests, tmp_path):
    rows = _one_row(requests, consent_email="TRUE", disputed="False")
    path = tmp_path / "excel.csv"
    path.write_text(_text(rows), encoding="utf-8-sig")
    (_, request), = read_csv(path)
    assert request["debtor"]["consents"]["email"] is True
    assert request["invoice"]["disputed"] is False


def test_as_of_is_optional_per_row_and_per_file(requests):
    rows = _rows(_csv_text(requests[:3]))
    rows[2][COLUMNS.index("as_of")] = ""
    read = [r for _, r in _read(_text(rows), default_as_of="2026-12-01T08:00:00Z")]
    assert [r["as_of"] for r in read] == ["2026-11-22T09:00:00Z", "2026-12-01T08:00:00Z", "2026-11-22T09:00:00Z"]

    without = [row[:-1] for row in rows]                       # as_of is the last column
    assert without[0][-1] == "contacts_json"
    assert {r["as_of"] for _, r in _read(_text(without))} == {None}
    assert {r["as_of"] for _, r in _read(_text(without), default_as_of="2026-12-01T08:00:00Z")} == {
        "2026-12-01T08:00:00Z"}


def test_text_cells_are_passed_through_unchanged(requests):
    rows = _one_row(requests, contact_address="1 Example Street,\n\"Flat 2\"\nExampletown",
                    amount="12,50", due_on="31.10.2026")
    (_, request), = _read(_text(rows))
    assert request["debtor"]["contact"]["address"] == "1 Example Street,\n\"Flat 2\"\nExampletown"
    assert request["invoice"]["amount"] == "12,50"                  # the validator rejects it, not the reader
    assert request["invoice"]["due_on"] == "31.10.2026"


# --- bad rows ----------------------------------------------------------------------------

@pytest.mark.parametrize(("column", "value", "problem"), [
    ("consent_sms", "yes", "expected true or false"),
    ("flag_deceased", "1", "expected true or false"),
    ("invoices_total", "12.5", "expected an integer"),
    ("invoices_paid_late", " 3", "expected an integer"),
    ("avg_days_late", "four", "expected a number"),
    ("avg_days_late", "nan", "expected a number"),
    ("avg_days_late", "1e999", "out of range"),
    ("dunning_json", "[{\"at\": ", "not valid JSON"),
    ("contacts_json", "{\"at\": \"2026-11-01T10:00:00Z\"}", "expected a JSON array"),
    ("dunning_json", "[NaN]", "not valid JSON"),
])
def test_a_bad_cell_is_reported_with_line_and_column(requests, column, value, problem):
    (line, error), = _read(_text(_one_row(requests, **{column: value})))
    assert isinstance(error, CsvRowError)
    assert (line, error.line, error.column) == (2, 2, column)
    assert problem in error.problem
    assert str(error).startswith(f"line 2, column {column}: ")


def test_bad_rows_do_not_stop_the_iteration_and_keep_physical_line_numbers(requests):
    rows = _rows(_csv_text(requests[:6]))
    rows[2][COLUMNS.index("consent_phone")] = "maybe"                   # request 1
    rows[3][COLUMNS.index("contact_address")] = "1 Example Street\nExampletown"   # spans two lines
    rows[4] = rows[4][:-3]                                              # request 3: too few cells
    rows[5][COLUMNS.index("invoices_total")] = "many"                   # request 4
    text = _text(rows[:4]) + "\n" + _text(rows[4:])                     # a blank line after request 2

    read = _read(text)
    # header 1, r0 2, r1 3, r2 4-5, blank 6, r3 7, r4 8, r5 9
    assert [line for line, _ in read] == [2, 3, 4, 7, 8, 9]
    kinds = [type(item).__name__ for _, item in read]
    assert kinds == ["dict", "CsvRowError", "dict", "CsvRowError", "CsvRowError", "dict"]
    assert read[1][1].column == "consent_phone"
    assert read[3][1].column is None and "cells" in read[3][1].problem
    assert read[4][1].column == "invoices_total"
    assert read[0][1] == requests[0] and read[5][1] == requests[5]
    assert read[2][1]["debtor"]["contact"]["address"] == "1 Example Street\nExampletown"


def test_an_unreadable_row_is_reported_and_reading_goes_on(requests):
    rows = _rows(_csv_text(requests[:3]))
    rows[2][COLUMNS.index("contact_name")] = "x" * (csv.field_size_limit() + 1)
    read = _read(_text(rows))
    assert [line for line, _ in read] == [2, 3, 4]
    assert isinstance(read[1][1], CsvRowError) and "unreadable" in read[1][1].problem
    assert read[0][1] == requests[0] and read[2][1] == requests[2]


def test_a_bad_header_names_each_offending_column_and_ends_the_iteration(requests):
    rows = _rows(_csv_text(requests[:2]))
    header = rows[0]
    header[header.index("consent_sms")] = "consent_text"
    header[header.index("paperless")] = "debtor_ref"
    read = _read(_text(rows))
    assert all(line == 1 and isinstance(e, CsvRowError) for line, e in read)
    assert {(e.column, e.problem) for _, e in read} == {
        ("consent_text", "unknown column"),
        ("debtor_ref", "column appears more than once"),
        ("consent_sms", "missing column"),
        ("paperless", "missing column"),
    }


def test_an_empty_file_is_reported_not_raised():
    (line, error), = _read("")
    assert line == 1 and isinstance(error, CsvRowError) and "no header" in error.problem


def test_a_header_only_file_yields_nothing(requests):
    assert _read(_text(_rows(_csv_text([])))) == []
