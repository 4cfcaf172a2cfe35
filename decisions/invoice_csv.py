"""The flat invoice CSV of batch runs (``fairdun run INVOICES.csv``).

One row per open invoice; each row becomes one ``POST /v1/decisions`` request (DESIGN.md,
"Public contract"). RFC 4180 CSV, UTF-8 (a byte-order mark is tolerated), comma-separated,
a header row naming the columns in any order. Every column below is required, except
``as_of``; a header with a missing, unknown or repeated column is rejected as a whole.

=============================  ========  ====================================================
column                         type      request field
=============================  ========  ====================================================
debtor_ref                     text      debtor.ref
debtor_kind                    text      debtor.kind (``consumer`` | ``business``)
jurisdiction                   text      debtor.jurisdiction (ISO 3166-1 alpha-2 or 3166-2)
timezone                       text      debtor.timezone (IANA, e.g. ``Europe/Berlin``)
language                       text      debtor.language (ISO 639-1)
contact_name                   text      debtor.contact.name
contact_email                  text      debtor.contact.email
contact_phone                  text      debtor.contact.phone
contact_address                text      debtor.contact.address
consent_email                  boolean   debtor.consents.email
consent_sms                    boolean   debtor.consents.sms
consent_phone                  boolean   debtor.consents.phone
consent_letter                 boolean   debtor.consents.letter
flag_vulnerable                boolean   debtor.flags.vulnerable
flag_insolvency                boolean   debtor.flags.insolvency
flag_deceased                  boolean   debtor.flags.deceased
flag_breathing_space_until     date      debtor.flags.breathing_space_until
flag_cease_communication       boolean   debtor.flags.cease_communication
flag_no_work_contact           boolean   debtor.flags.no_work_contact
creditor_role                  text      creditor.role (``first_party`` | ``debt_collector``)
invoice_ref                    text      invoice.ref
currency                       text      invoice.currency (ISO 4217)
amount                         decimal   invoice.amount (``120.00``: the currency's minor digits)
open_amount                    decimal   invoice.open_amount
issued_on                      date      invoice.issued_on
due_on                         date      invoice.due_on
disputed                       boolean   invoice.disputed
promise_to_pay_on              date      invoice.promise_to_pay_on
last_payment_on                date      invoice.last_payment_on
invoices_total                 integer   history.invoices_total
invoices_paid_late             integer   history.invoices_paid_late
avg_days_late                  number    history.avg_days_late
paperless                      boolean   history.paperless
dunning_json                   JSON      history.dunning: a JSON array of
                                         ``{"at", "kind", "level", "channel"}``
contacts_json                  JSON      history.contacts: a JSON array of
                                         ``{"at", "channel", "connected"}``
as_of                          instant   as_of (RFC 3339, optional column)
=============================  ========  ====================================================

Cells:

- **empty cell = null**, for every type (so an empty string cannot be told from null).
  Two exceptions: an empty ``dunning_json``/``contacts_json`` cell means ``[]`` (no history),
  and an empty ``as_of`` (or no ``as_of`` column) takes ``read_csv``'s ``default_as_of``.
- boolean: ``true`` or ``false`` (case-insensitive, so spreadsheet ``TRUE`` works).
- integer: optional minus sign and digits. number: a finite decimal number (``4.5``).
- text, date, decimal and instant cells are passed through unchanged; checking them
  (date order, minor digits, time zone names, control characters such as the line break
  a quoted cell may hold…) is the request validator's job, as for a JSON request.

Reading never stops at a bad row: ``read_csv`` yields ``(line, request)`` or
``(line, CsvRowError)``, where ``line`` is the 1-based physical line on which the row
starts (the header is line 1) and the error names the column and the problem.
"""

from __future__ import annotations

import csv
import json
import math
import os
import re
from collections.abc import Iterable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from typing import IO, Any

__all__ = ["COLUMNS", "REQUIRED_COLUMNS", "CsvRowError", "read_csv", "write_csv"]


@dataclass(frozen=True, slots=True)
class _Column:
    name: str
    kind: str                     # text | bool | int | number | json_list
    path: tuple[str, ...]         # where the value lives in the request


def _col(name: str, kind: str, path: str) -> _Column:
    return _Column(name, kind, tuple(path.split(".")))


_COLUMNS = (
    _col("debtor_ref", "text", "debtor.ref"),
    _col("debtor_kind", "text", "debtor.kind"),
    _col("jurisdiction", "text", "debtor.jurisdiction"),
    _col("timezone", "text", "debtor.timezone"),
    _col("language", "text", "debtor.language"),
    _col("contact_name", "text", "debtor.contact.name"),
    _col("contact_email", "text", "debtor.contact.email"),
    _col("contact_phone", "text", "debtor.contact.phone"),
    _col("contact_address", "text", "debtor.contact.address"),
    _col("consent_email", "bool", "debtor.consents.email"),
    _col("consent_sms", "bool", "debtor.consents.sms"),
    _col("consent_phone", "bool", "debtor.consents.phone"),
    _col("consent_letter", "bool", "debtor.consents.letter"),
    _col("flag_vulnerable", "bool", "debtor.flags.vulnerable"),
    _col("flag_insolvency", "bool", "debtor.flags.insolvency"),
    _col("flag_deceased", "bool", "debtor.flags.deceased"),
    _col("flag_breathing_space_until", "text", "debtor.flags.breathing_space_until"),
    _col("flag_cease_communication", "bool", "debtor.flags.cease_communication"),
    _col("flag_no_work_contact", "bool", "debtor.flags.no_work_contact"),
    _col("creditor_role", "text", "creditor.role"),
    _col("invoice_ref", "text", "invoice.ref"),
    _col("currency", "text", "invoice.currency"),
    _col("amount", "text", "invoice.amount"),
    _col("open_amount", "text", "invoice.open_amount"),
    _col("issued_on", "text", "invoice.issued_on"),
    _col("due_on", "text", "invoice.due_on"),
    _col("disputed", "bool", "invoice.disputed"),
    _col("promise_to_pay_on", "text", "invoice.promise_to_pay_on"),
    _col("last_payment_on", "text", "invoice.last_payment_on"),
    _col("invoices_total", "int", "history.invoices_total"),
    _col("invoices_paid_late", "int", "history.invoices_paid_late"),
    _col("avg_days_late", "number", "history.avg_days_late"),
    _col("paperless", "bool", "history.paperless"),
    _col("dunning_json", "json_list", "history.dunning"),
    _col("contacts_json", "json_list", "history.contacts"),
    _col("as_of", "text", "as_of"),
)
_BY_NAME = {c.name: c for c in _COLUMNS}
_OPTIONAL = frozenset({"as_of"})

COLUMNS: tuple[str, ...] = tuple(c.name for c in _COLUMNS)
"""All columns, in the order ``write_csv`` writes them."""
REQUIRED_COLUMNS: frozenset[str] = frozenset(COLUMNS) - _OPTIONAL

_INT = re.compile(r"-?[0-9]+")
_NUMBER = re.compile(r"-?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)(?:[eE][+-]?[0-9]+)?")


@dataclass(frozen=True, slots=True)
class CsvRowError:
    """A row (or the header) that could not be read; ``column`` is None for row-level problems."""

    line: int
    column: str | None
    problem: str

    def __str__(self) -> str:
        where = f"line {self.line}" + (f", column {self.column}" if self.column else "")
        return f"{where}: {self.problem}"


class _CellError(ValueError):
    pass


# --- writing -----------------------------------------------------------------------------

def write_csv(requests: Iterable[dict[str, Any]], file: str | os.PathLike[str] | IO[str]) -> int:
    """Write requests (contract shape) as CSV rows with every column; return the row count.

    Raises ``ValueError`` naming the request index and column when a request lacks a field
    or holds a value the format cannot carry.
    """
    count = 0
    with _text(file, "w") as out:
        writer = csv.writer(out)
        writer.writerow(COLUMNS)
        for index, request in enumerate(requests):
            writer.writerow([_encode(index, column, request) for column in _COLUMNS])
            count += 1
    return count


def _encode(index: int, column: _Column, request: dict[str, Any]) -> str:
    value: Any = request
    try:
        for key in column.path:
            value = value[key]
    except (KeyError, TypeError):
        raise ValueError(f"request {index}: no {'.'.join(column.path)} (column {column.name})") from None
    if value is None:
        return ""
    ok = {
        "text": isinstance(value, str),
        "bool": isinstance(value, bool),
        "int": isinstance(value, int) and not isinstance(value, bool),
        "number": isinstance(value, (int, float)) and not isinstance(value, bool) and math.isfinite(value),
        "json_list": isinstance(value, list),
    }[column.kind]
    if not ok:
        raise ValueError(f"request {index}: column {column.name} cannot hold {value!r}")
    if column.kind == "bool":
        return "true" if value else "false"
    if column.kind in ("int", "number"):
        return repr(value)
    if column.kind == "json_list":
        return json.dumps(value, ensure_ascii=False, separators=(",", ":"), allow_nan=False)
    return value


# --- reading -----------------------------------------------------------------------------

def read_csv(
    file: str | os.PathLike[str] | IO[str], *, default_as_of: str | None = None
) -> Iterator[tuple[int, dict[str, Any] | CsvRowError]]:
    """Yield ``(line, request | CsvRowError)`` for every non-blank data row.

    ``default_as_of`` (an RFC 3339 instant) fills rows whose ``as_of`` is empty or absent.
    A bad header yields one error per offending column at line 1 and ends the iteration.
    """
    with _text(file, "r") as source:
        reader = csv.reader(source)
        try:
            header = next(reader)
        except StopIteration:
            yield 1, CsvRowError(1, None, "empty file: no header row")
            return
        except csv.Error as error:
            yield 1, CsvRowError(1, None, f"unreadable header: {error}")
            return
        if header:
            header[0] = header[0].removeprefix("\ufeff")
        header_errors = _check_header(header)
        if header_errors:
            yield from ((1, e) for e in header_errors)
            return
        columns = [_BY_NAME[name] for name in header]

        end = reader.line_num
        while True:
            start = end + 1
            try:
                cells = next(reader)
            except StopIteration:
                return
            except csv.Error as error:
                end = reader.line_num
                yield start, CsvRowError(start, None, f"unreadable row: {error}")
                continue
            end = reader.line_num
            if not cells:                       # a blank line
                continue
            yield start, _row(start, columns, cells, default_as_of)


def _check_header(header: list[str]) -> list[CsvRowError]:
    errors = []
    seen: set[str] = set()
    for name in header:
        if name in seen:
            errors.append(CsvRowError(1, name, "column appears more than once"))
        elif name not in _BY_NAME:
            errors.append(CsvRowError(1, name, "unknown column"))
        seen.add(name)
    for name in COLUMNS:
        if name in REQUIRED_COLUMNS and name not in seen:
            errors.append(CsvRowError(1, name, "missing column"))
    return errors


def _row(line: int, columns: list[_Column], cells: list[str],
         default_as_of: str | None) -> dict[str, Any] | CsvRowError:
    if len(cells) != len(columns):
        return CsvRowError(line, None, f"{len(cells)} cells, but the header has {len(columns)} columns")
    request = _skeleton()
    request["as_of"] = default_as_of
    for column, cell in zip(columns, cells, strict=False):
        try:
            value = _decode(column, cell)
        except _CellError as error:
            return CsvRowError(line, column.name, str(error))
        if column.name == "as_of" and value is None:
            continue
        target = request
        for key in column.path[:-1]:
            target = target[key]
        target[column.path[-1]] = value
    return request


def _decode(column: _Column, cell: str) -> Any:
    if column.kind == "json_list":
        if cell == "":
            return []
        try:
            value = json.loads(cell, parse_constant=_reject_constant)
        except (ValueError, _CellError) as error:
            raise _CellError(f"not valid JSON: {error}") from None
        if not isinstance(value, list):
            raise _CellError(f"expected a JSON array, got {type(value).__name__}")
        return value
    if cell == "":
        return None
    if column.kind == "bool":
        lowered = cell.lower()
        if lowered not in ("true", "false"):
            raise _CellError(f"expected true or false, got {cell!r}")
        return lowered == "true"
    if column.kind == "int":
        if not _INT.fullmatch(cell):
            raise _CellError(f"expected an integer, got {cell!r}")
        return int(cell)
    if column.kind == "number":
        if not _NUMBER.fullmatch(cell):
            raise _CellError(f"expected a number, got {cell!r}")
        value = float(cell)
        if not math.isfinite(value):
            raise _CellError(f"number out of range: {cell!r}")
        return value
    return cell


def _reject_constant(name: str) -> Any:
    raise _CellError(f"{name} is not allowed")


def _skeleton() -> dict[str, Any]:
    """The request shape in contract order, every field present."""
    return {
        "as_of": None,
        "creditor": {"role": None},
        "debtor": {
            "ref": None, "kind": None, "jurisdiction": None, "timezone": None, "language": None,
            "contact": {"name": None, "email": None, "phone": None, "address": None},
            "consents": {"email": None, "sms": None, "phone": None, "letter": None},
            "flags": {"vulnerable": None, "insolvency": None, "deceased": None,
                      "breathing_space_until": None, "cease_communication": None,
                      "no_work_contact": None},
        },
        "invoice": {
            "ref": None, "currency": None, "amount": None, "open_amount": None,
            "issued_on": None, "due_on": None, "disputed": None,
            "promise_to_pay_on": None, "last_payment_on": None,
        },
        "history": {
            "invoices_total": None, "invoices_paid_late": None, "avg_days_late": None,
            "paperless": None, "dunning": [], "contacts": [],
        },
    }


@contextmanager
def _text(file: str | os.PathLike[str] | IO[str], mode: str) -> Iterator[IO[str]]:
    """A path is opened as RFC 4180 wants (UTF-8, newline=""); a file object is used as is."""
    if hasattr(file, "read") or hasattr(file, "write"):
        yield file  # type: ignore[misc]
        return
    encoding = "utf-8-sig" if mode == "r" else "utf-8"
    with open(file, mode, encoding=encoding, newline="") as f:
        yield f
