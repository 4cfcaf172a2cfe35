"""The retention schedule (``schedule.json``, data): categories of sealed records, their
periods with legal basis and citation, and the placement of each record in a category.

A record is sealed under the key of its subject, category and *scope*: the calendar year of
the record for periods that start at the end of a calendar year (HGB § 257(5), AO § 147(4)),
the claim for periods that run from the last record about a debt (12 CFR 1006.100(a)), or
nothing. So one key holds exactly the records whose period ends together, and shredding it
erases them and nothing else (see ``vault.py``).

Retention ends (``Schedule.retention_end``), for a key whose last record was sealed at ``last``:

- ``end_of_calendar_year``: the period begins with the end of the calendar year of the record
  (of ``scope`` when it is a year, else of ``last``) and lasts ``years``; the key may be
  shredded from 1 January of the year after, 00:00 in the schedule's time zone.
- ``after_last_record``: ``last`` plus ``years``, ``months`` and ``days`` (a 29 February plus
  whole years ends on 28 February).
"""

from __future__ import annotations

import hashlib
import json
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import UTC, datetime
from importlib import resources
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from dateutil.relativedelta import relativedelta

__all__ = ["Category", "Placement", "Schedule", "ScheduleError", "load_schedule", "GENERAL"]

# Records sealed without a category (and every key from before the schedule existed).
GENERAL = "general"
_STARTS = ("end_of_calendar_year", "after_last_record")
_SCOPES = ("year", "claim", "none")


class ScheduleError(ValueError):
    """The schedule file is not a valid schedule (loud: the same message is logged and raised)."""


@dataclass(frozen=True, slots=True)
class Category:
    id: str
    duty: bool              # a legal duty to keep (erasure restricts instead of shredding)
    starts: str
    scope: str
    years: int = 0
    months: int = 0
    days: int = 0
    description: str = ""
    legal_basis: str = ""
    citation: str = ""
    url: str = ""

    def period(self) -> dict[str, int]:
        return {unit: value for unit, value in (("years", self.years), ("months", self.months),
                                                ("days", self.days)) if value}

    def document(self) -> dict[str, Any]:
        return {"category": self.id, "duty": self.duty, "period": self.period(), "starts": self.starts,
                "description": self.description, "legal_basis": self.legal_basis, "citation": self.citation,
                "url": self.url}


@dataclass(frozen=True, slots=True)
class Placement:
    category: str
    scope: str


@dataclass(frozen=True)
class Schedule:
    version: str
    sha256: str
    timezone: str
    categories: dict[str, Category]
    placement: tuple[dict[str, Any], ...]

    def category(self, category_id: str) -> Category:
        try:
            return self.categories[category_id]
        except KeyError:
            raise ScheduleError(f"the retention schedule has no category {category_id!r}") from None

    def place(self, record: str, facts: Mapping[str, Any] | None = None, *, at: datetime,
              claim_id: str | None = None) -> Placement:
        """The category and scope of a record of kind ``record`` (``decision``, ``rights_request``,
        ``run_item``) with ``facts``, sealed at ``at``."""
        facts = facts or {}
        for rule in self.placement:
            if rule["record"] == record and all(facts.get(k) == v for k, v in rule.get("when", {}).items()):
                return Placement(rule["category"], self._scope(self.categories[rule["category"]], at, claim_id))
        return Placement(GENERAL, "")

    def _scope(self, category: Category, at: datetime, claim_id: str | None) -> str:
        if category.scope == "year":
            return str(at.astimezone(ZoneInfo(self.timezone)).year)
        if category.scope == "claim":
            if not claim_id:
                raise ScheduleError(f"category {category.id} is kept per claim; the record names none")
            return claim_id
        return ""

    def retention_end(self, category_id: str, scope: str, last: datetime) -> datetime:
        """The moment from which a key of ``category_id`` and ``scope`` whose last record was
        sealed at ``last`` may be shredded (UTC)."""
        category = self.category(category_id)
        zone = ZoneInfo(self.timezone)
        if category.starts == "end_of_calendar_year":
            year = int(scope) if category.scope == "year" and scope.isdigit() else last.astimezone(zone).year
            # the period starts with the end of `year` and ends with the end of `year + years`
            return datetime(year + category.years + 1, 1, 1, tzinfo=zone).astimezone(UTC)
        return (last.astimezone(UTC) + relativedelta(years=category.years, months=category.months,
                                                     days=category.days))

    def document(self) -> dict[str, Any]:
        return {"version": self.version, "sha256": self.sha256, "timezone": self.timezone,
                "categories": [c.document() for c in self.categories.values()]}


def load_schedule(path: str | Path | None = None) -> Schedule:
    raw = (Path(path).read_bytes() if path is not None
           else resources.files("retention").joinpath("schedule.json").read_bytes())
    try:
        data = json.loads(raw)
        ZoneInfo(data["timezone"])
        categories: dict[str, Category] = {}
        for item in data["categories"]:
            category = Category(id=item["id"], duty=bool(item["duty"]), starts=item["starts"], scope=item["scope"],
                                years=int(item.get("years", 0)), months=int(item.get("months", 0)),
                                days=int(item.get("days", 0)), description=item.get("description", ""),
                                legal_basis=item.get("legal_basis", ""), citation=item.get("citation", ""),
                                url=item.get("url", ""))
            if category.starts not in _STARTS or category.scope not in _SCOPES:
                raise ScheduleError(f"category {category.id}: starts must be one of {_STARTS}, scope one of {_SCOPES}")
            if min(category.years, category.months, category.days) < 0 or not category.period():
                raise ScheduleError(f"category {category.id}: a period of whole, non-negative years, months, days")
            categories[category.id] = category
        if GENERAL not in categories:
            raise ScheduleError(f"the schedule must define the category {GENERAL!r} (records sealed without one)")
        placement = tuple(data["placement"])
        for rule in placement:
            if rule.get("category") not in categories or not isinstance(rule.get("record"), str):
                raise ScheduleError(f"placement {rule!r} names no category of the schedule")
    except (KeyError, TypeError, ValueError) as exc:
        if isinstance(exc, ScheduleError):
            raise
        raise ScheduleError(f"the retention schedule is not valid: {type(exc).__name__}: {exc}") from exc
    return Schedule(version=str(data["version"]), sha256=hashlib.sha256(raw).hexdigest(), timezone=data["timezone"],
                    categories=categories, placement=placement)
