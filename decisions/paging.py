"""One page of a list ordered by ``(moment, id)``, after a position (keyset paging)."""

from __future__ import annotations

from collections.abc import Callable, Iterable
from datetime import datetime
from typing import TypeVar

__all__ = ["keyset_page", "Position"]

D = TypeVar("D")
Position = tuple[datetime, str]


def keyset_page(entries: Iterable[D], *, key: Callable[[D], Position], after: Position | None,
                limit: int) -> tuple[list[D], Position | None]:
    """The first ``limit`` entries after ``after`` in ``key`` order, and the position to ask
    the next page from (None on the last page)."""
    ordered = sorted((e for e in entries if after is None or key(e) > after), key=key)
    page = ordered[:limit]
    return page, key(page[-1]) if len(ordered) > limit else None
