"""The rows of a run's file (``fairdun run FILE``) and their validation.

Reading stays with the run's process and is cheap (a JSON Lines row stays text); decoding
and validating a row is the costly part and may run in the evaluation workers
(``service.parallel.ProcessEvaluator.parsed``): ``parse_rows`` is what they call.
"""

from __future__ import annotations

import json
from collections.abc import Iterator
from datetime import datetime
from pathlib import Path
from typing import Any

from decisions.invoice_csv import CsvRowError, read_csv
from decisions.runs import RunItem

from .runner import parse_item

__all__ = ["Row", "file_rows", "parse_row", "parse_rows"]

# (line number, a JSON Lines row as text | a CSV row as a request | the CSV row's error)
Row = tuple[int, Any]


def file_rows(path: Path) -> Iterator[Row]:
    """The non-blank rows of a .csv or .jsonl file, not decoded yet."""
    if path.suffix.lower() == ".csv":
        yield from read_csv(path)
        return
    with path.open("r", encoding="utf-8") as handle:
        for number, line in enumerate(handle, start=1):
            if line.strip():
                yield number, line


def parse_row(row: Row, *, as_of: datetime | None) -> RunItem:
    number, value = row
    if isinstance(value, str):
        try:
            value = json.loads(value)
        except json.JSONDecodeError as exc:
            value = CsvRowError(line=number, column=None, problem=f"not JSON: {exc.msg}")
    if isinstance(value, CsvRowError):
        return RunItem(index=number, error={value.column or "_row": [value.problem]})
    return parse_item(number, value, as_of=as_of)


def parse_rows(rows: list[Row], as_of: datetime | None) -> list[RunItem]:
    return [parse_row(row, as_of=as_of) for row in rows]
