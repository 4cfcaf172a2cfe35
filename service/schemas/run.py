"""Batch dunning runs over the API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from .fields import Timestamp

__all__ = ["RunRequestSchema", "RunStatusSchema"]


class RunRequestSchema(Schema):
    """A run over up to ``RUNS_MAX_ITEMS`` decision requests. ``as_of``, when given,
    replaces every item's own. Every item is validated before anything is stored:
    one invalid item rejects the run (422, errors keyed ``items.<n>.<field>``)."""

    as_of = Timestamp(load_default=None, allow_none=True)
    items = fields.List(fields.Dict(), required=True, validate=validate.Length(min=1),
                        metadata={"description": "decision requests, as for POST /v1/decisions"})


class RunSummarySchema(Schema):
    decisions = fields.Integer()
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_action = fields.Dict(keys=fields.String(), values=fields.Integer())
    held_reasons = fields.Dict(keys=fields.String(), values=fields.Integer())
    invalid = fields.Integer()
    invalid_items = fields.List(fields.Integer())


class RunStatusSchema(Schema):
    run_id = fields.String()
    status = fields.String(validate=validate.OneOf(("pending", "running", "finished", "interrupted")))
    total = fields.Integer()
    done = fields.Integer()
    decided = fields.Integer()
    invalid = fields.Integer()
    summary = fields.Nested(RunSummarySchema, allow_none=True)
