"""RFC 3339 timestamps, always in UTC with a ``Z``: the one textual form of time in fairdun."""

from __future__ import annotations

from datetime import UTC, datetime

__all__ = ["rfc3339", "parse_rfc3339", "as_utc"]


def rfc3339(moment: datetime) -> str:
    """``2026-11-22T09:00:00Z``, with microseconds only when there are any."""
    if moment.tzinfo is None:
        raise ValueError("naive datetime: fairdun only handles aware times")
    moment = moment.astimezone(UTC)
    if moment.microsecond:
        return moment.strftime("%Y-%m-%dT%H:%M:%S.%fZ")
    return moment.strftime("%Y-%m-%dT%H:%M:%SZ")


def parse_rfc3339(text: str) -> datetime:
    moment = datetime.fromisoformat(text.replace("Z", "+00:00"))
    if moment.tzinfo is None:
        raise ValueError(f"timestamp without offset: {text!r}")
    return moment.astimezone(UTC)


def as_utc(moment: datetime) -> datetime:
    """A stored time as an aware UTC datetime (SQLite hands back naive ones;
    everything fairdun stores is UTC)."""
    return moment.replace(tzinfo=UTC) if moment.tzinfo is None else moment.astimezone(UTC)
