"""Query parameters of the report endpoints."""

from __future__ import annotations

from marshmallow import Schema

from .fields import Day, Timestamp

__all__ = ["AuditQuerySchema", "AuditOptionsSchema"]


class AuditQuerySchema(Schema):
    """``from`` and ``to``: whole UTC days, both inclusive."""

    first_day = Day(data_key="from", required=True)
    last_day = Day(data_key="to", required=True)


class AuditOptionsSchema(AuditQuerySchema):
    """The command line's options: the period and the report's time (``--now``)."""

    now = Timestamp(load_default=None)
