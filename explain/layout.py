"""Where an AR history export keeps each field: the IBM layout natively, others by a mapping file.

Training needs, per paid invoice, the fields below; a *layout* says which CSV column holds each,
how dates are written and which cell values mean yes/no. The IBM "Accounts Receivable" sample is
built in (:data:`IBM_LAYOUT`); any other export is described by a JSON mapping file::

    {
      "name": "erp-export",
      "columns": {"customer": "Kunde", "invoice": "Beleg", "issued_on": "Belegdatum",
                  "due_on": "Faelligkeit", "settled_on": "Ausgleich", "amount": "Betrag",
                  "disputed": "Strittig", "paperless": "Versand", "days_late": "Verzug",
                  "group": "Land"},
      "date_format": "%d.%m.%Y",
      "decimal_separator": ",",
      "flags": {"disputed": {"true": ["ja"], "false": ["nein", ""]},
                "paperless": {"true": ["E-Mail"], "false": ["Post"]}}
    }

``days_late`` (checked against the dates when present) and ``group`` (the default attribute
for fairness measurement, never a feature) are optional; the rest are required.
"""

from __future__ import annotations

import json
import logging
import os
import re
from dataclasses import dataclass, field
from datetime import datetime
from pathlib import Path
from typing import Any

from explain._errors import TrainingError

__all__ = ["ArLayout", "IBM_LAYOUT", "REQUIRED_FIELDS", "OPTIONAL_FIELDS", "FEATURE_FIELDS",
           "load_layout"]

_log = logging.getLogger(__name__)

REQUIRED_FIELDS = ("customer", "invoice", "issued_on", "due_on", "settled_on", "amount", "disputed",
                   "paperless")
OPTIONAL_FIELDS = ("days_late", "group")
# the fields model features are computed from (a protected column can never be one of them)
FEATURE_FIELDS = ("issued_on", "due_on", "settled_on", "amount", "disputed", "paperless")
FLAG_FIELDS = ("disputed", "paperless")


def _fail(message: str) -> TrainingError:
    _log.error(message)
    return TrainingError(message)


@dataclass(frozen=True)
class ArLayout:
    """Which column holds each field of an AR history export, and how values are written."""

    name: str
    columns: dict[str, str]
    date_format: str = "%m/%d/%Y"
    decimal_separator: str = "."
    flags: dict[str, dict[str, tuple[str, ...]]] = field(default_factory=dict)

    def __post_init__(self) -> None:
        if not re.fullmatch(r"[a-z0-9][a-z0-9-]{0,30}", self.name):
            raise _fail(f"layout name {self.name!r}: use 1 to 31 lower-case letters, digits or '-'")
        missing = [f for f in REQUIRED_FIELDS if not self.columns.get(f)]
        if missing:
            raise _fail(f"layout {self.name}: no column for {missing}")
        unknown = sorted(set(self.columns) - set(REQUIRED_FIELDS) - set(OPTIONAL_FIELDS))
        if unknown:
            raise _fail(f"layout {self.name}: unknown fields {unknown} (known: "
                        f"{list(REQUIRED_FIELDS + OPTIONAL_FIELDS)})")
        used = list(self.columns.values())
        if len(set(used)) != len(used):
            raise _fail(f"layout {self.name}: one column is mapped to two fields")
        if self.decimal_separator not in (".", ","):
            raise _fail(f"layout {self.name}: decimal_separator must be '.' or ','")
        for name in FLAG_FIELDS:
            values = self.flags.get(name)
            if not values or not values.get("true") or "false" not in values:
                raise _fail(f"layout {self.name}: flags.{name} needs 'true' and 'false' value lists")
            if set(values["true"]) & set(values["false"]):
                raise _fail(f"layout {self.name}: flags.{name} has a value that is both true and false")
        try:
            datetime(2013, 12, 31).strftime(self.date_format)
        except ValueError as exc:
            raise _fail(f"layout {self.name}: bad date_format {self.date_format!r}") from exc

    def column(self, name: str) -> str | None:
        return self.columns.get(name)

    def feature_columns(self) -> tuple[str, ...]:
        return tuple(self.columns[f] for f in FEATURE_FIELDS)

    def as_dict(self) -> dict[str, Any]:
        return {
            "name": self.name,
            "columns": dict(sorted(self.columns.items())),
            "date_format": self.date_format,
            "decimal_separator": self.decimal_separator,
            "flags": {k: {t: list(v) for t, v in sorted(vals.items())}
                      for k, vals in sorted(self.flags.items())},
        }


IBM_LAYOUT = ArLayout(
    name="ibm",
    columns={
        "customer": "customerID",
        "invoice": "invoiceNumber",
        "issued_on": "InvoiceDate",
        "due_on": "DueDate",
        "settled_on": "SettledDate",
        "amount": "InvoiceAmount",
        "disputed": "Disputed",
        "paperless": "PaperlessBill",
        "days_late": "DaysLate",
        "group": "countryCode",
    },
    flags={"disputed": {"true": ("Yes",), "false": ("No",)},
           "paperless": {"true": ("Electronic",), "false": ("Paper",)}},
)


def load_layout(path: str | os.PathLike[str]) -> ArLayout:
    """Read a column mapping file (see the module docstring); errors name what is wrong."""
    path = Path(path)
    try:
        raw = json.loads(path.read_text(encoding="utf-8"))
    except (OSError, ValueError) as exc:
        raise _fail(f"column mapping {path.name}: cannot read it as JSON: {exc}") from exc
    if not isinstance(raw, dict) or not isinstance(raw.get("columns"), dict):
        raise _fail(f"column mapping {path.name}: expected an object with 'columns'")
    unknown = sorted(set(raw) - {"name", "columns", "date_format", "decimal_separator", "flags"})
    if unknown:
        raise _fail(f"column mapping {path.name}: unknown keys {unknown}")
    columns = raw["columns"]
    if any(not isinstance(k, str) or not isinstance(v, str) for k, v in columns.items()):
        raise _fail(f"column mapping {path.name}: 'columns' maps field names to column names")
    flags_raw = raw.get("flags", {})
    if not isinstance(flags_raw, dict):
        raise _fail(f"column mapping {path.name}: 'flags' must be an object")
    flags: dict[str, dict[str, tuple[str, ...]]] = {}
    for name, values in flags_raw.items():
        if (name not in FLAG_FIELDS or not isinstance(values, dict) or set(values) != {"true", "false"}
                or not all(isinstance(v, list) and all(isinstance(x, str) for x in v)
                           for v in values.values())):
            raise _fail(f"column mapping {path.name}: flags.{name} must be "
                        '{"true": [values], "false": [values]} for disputed or paperless')
        flags[name] = {k: tuple(v) for k, v in values.items()}
    for key in ("name", "date_format", "decimal_separator"):
        if key in raw and not isinstance(raw[key], str):
            raise _fail(f"column mapping {path.name}: '{key}' must be a string")
    return ArLayout(
        name=raw.get("name", "custom"),
        columns=dict(columns),
        date_format=raw.get("date_format", "%Y-%m-%d"),
        decimal_separator=raw.get("decimal_separator", "."),
        flags=flags,
    )
