"""Per-API-key rate limits on ``/v1`` (``FAIRDUN_API_RATE_LIMIT``, default ``600/minute``;
``off`` disables them).

Counted in the app's own database, so every gunicorn worker and every host on one database
shares a key's count: a fixed window per key (the window a moment falls in is
``floor(epoch seconds / period)``), one row per (key, window), incremented by a single atomic
``INSERT … ON CONFLICT DO UPDATE … RETURNING`` (SQLite ≥ 3.35 and PostgreSQL). Time is the
app's clock. A key over its limit is answered 429 ``rate_limited`` with ``Retry-After``
(seconds until its window ends); the request is not carried out. The first request of a
window removes the key's older windows. If the count cannot be written the request goes on
(logged): the limit guards capacity, it is no reason to refuse work the database can do.

The limit applies once a request has authenticated (``service.auth.requires``): a request
without a valid key is refused before it is counted against anyone.
"""

from __future__ import annotations

import logging
import math
from datetime import datetime
from typing import Any

from flask import Flask, current_app
from limits import RateLimitItem, parse
from sqlalchemy import bindparam, delete
from sqlalchemy.dialects.postgresql import insert as pg_insert
from sqlalchemy.dialects.sqlite import insert as sqlite_insert
from sqlalchemy.exc import SQLAlchemyError

from ledger import Database

from .errors import ApiError, error_response
from .tables import ApiRateCountRow

__all__ = ["RateLimit", "RateLimited", "init_app", "check", "parse_rate_limit", "DISABLED"]

log = logging.getLogger(__name__)
DISABLED = ("off", "none", "")


class RateLimited(ApiError):
    def __init__(self, limit: RateLimitItem, retry_after: int) -> None:
        super().__init__(429, "rate_limited", f"at most {limit.amount} requests per {_per(limit)} per API key; "
                                              f"retry after {retry_after} s")
        self.retry_after = retry_after


def _per(limit: RateLimitItem) -> str:
    return limit.GRANULARITY.name if limit.multiples == 1 else f"{limit.multiples} {limit.GRANULARITY.name}s"


def parse_rate_limit(text: Any) -> RateLimitItem | None:
    """``600/minute``, ``10 per second``, ``5000/hour``…; None when disabled. ValueError names
    the variable."""
    if text is None or str(text).strip().lower() in DISABLED:
        return None
    try:
        return parse(str(text))
    except ValueError as exc:
        raise ValueError(f"FAIRDUN_API_RATE_LIMIT: not a rate limit ({text!r}); write e.g. 600/minute "
                         "or off") from exc


class RateLimit:
    """A key's count in the database. The statements are built once: a request runs them on a
    Core connection (``Database.transaction``), without building or caching them again."""

    def __init__(self, limit: RateLimitItem, db: Database) -> None:
        self.limit = limit
        self.db = db
        insert = pg_insert if db.engine.dialect.name == "postgresql" else sqlite_insert
        self._count = insert(ApiRateCountRow).values(
            key_id=bindparam("key"), window_start=bindparam("window"), count=1,
        ).on_conflict_do_update(index_elements=[ApiRateCountRow.key_id, ApiRateCountRow.window_start],
                                set_={"count": ApiRateCountRow.count + 1}).returning(ApiRateCountRow.count)
        self._prune = delete(ApiRateCountRow).where(ApiRateCountRow.key_id == bindparam("key"),
                                                    ApiRateCountRow.window_start < bindparam("window"))

    def hit(self, key_id: str, now: datetime) -> int | None:
        """Count one request of the key; seconds to wait when it is over the limit, else None."""
        period = self.limit.get_expiry()
        moment = now.timestamp()
        window = int(moment // period) * period
        parameters = {"key": key_id, "window": window}
        try:
            with self.db.transaction() as connection:
                count = connection.execute(self._count, parameters).scalar_one()
                if count == 1:
                    connection.execute(self._prune, parameters)
        except SQLAlchemyError as exc:
            log.warning("the rate limit of API key %s could not be counted (%s)", key_id, type(exc).__name__)
            return None
        if count <= self.limit.amount:
            return None
        return max(1, math.ceil(window + period - moment))


def init_app(app: Flask, db: Database) -> None:
    limit = parse_rate_limit(app.config["API_RATE_LIMIT"])
    app.extensions["fairdun.rate_limit"] = RateLimit(limit, db) if limit is not None else None

    @app.errorhandler(RateLimited)
    def _limited(exc: RateLimited) -> Any:
        response = error_response(exc.status, exc.code, exc.message)
        response.headers["Retry-After"] = str(exc.retry_after)
        return response


def check(key_id: str, now: datetime) -> None:
    """Count the request against the key's limit; ``RateLimited`` (429) beyond it."""
    rate: RateLimit | None = current_app.extensions.get("fairdun.rate_limit")
    if rate is None:
        return
    wait = rate.hit(key_id, now)
    if wait is not None:
        raise RateLimited(rate.limit, wait)
