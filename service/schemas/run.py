"""Batch dunning runs over the API."""

from __future__ import annotations

from marshmallow import Schema, fields, validate

from decisions.runs import ITEM_STATES, MAX_PAGE

from .error import ErrorSchema
from .fields import Timestamp
from .paging import Cursor, page_limit

__all__ = ["RunRequestSchema", "RunStatusSchema", "RunItemsQuerySchema", "RunItemsPageSchema", "Cursor",
           "ON_INVALID"]

ON_INVALID = ("report", "reject")


class RunRequestSchema(Schema):
    """A run over up to ``RUNS_MAX_ITEMS`` decision requests. ``as_of``, when given,
    replaces every item's own. Every item is validated before anything is stored. With
    ``on_invalid: "report"`` (the default) the valid items are decided and each invalid one
    is listed with its error (``GET /v1/runs/{id}/items``); with ``"reject"`` one invalid item
    refuses the whole run (422, errors keyed ``items.<n>.<field>``) and nothing is stored."""

    as_of = Timestamp(load_default=None, allow_none=True)
    # each item is validated on its own (``service.runner.parse_item``), so one that is not even an
    # object is that item's error, not the run's
    items = fields.List(fields.Raw(metadata={"type": "object"}), required=True, validate=validate.Length(min=1),
                        metadata={"description": "decision requests, as for POST /v1/decisions"})
    on_invalid = fields.String(load_default="report", validate=validate.OneOf(ON_INVALID),
                               metadata={"description": "report: decide the valid items and list the invalid ones "
                                                        "with their errors; reject: refuse the run if any item is "
                                                        "invalid"})


class RunSummarySchema(Schema):
    decisions = fields.Integer()
    by_status = fields.Dict(keys=fields.String(), values=fields.Integer())
    by_action = fields.Dict(keys=fields.String(), values=fields.Integer())
    held_reasons = fields.Dict(keys=fields.String(), values=fields.Integer())
    invalid = fields.Integer(metadata={"description": "items with an error"})
    invalid_items = fields.List(fields.Integer(), metadata={"description": "the first 100 of them"})
    errors = fields.Dict(keys=fields.String(), values=fields.Integer(),
                         metadata={"description": "items with an error, by error code (validation_error, "
                                                  "duplicate_decision, as_of_before_latest)"})
    replayed = fields.Integer(metadata={"description": "items answered by a decision recorded before"})


class RunStatusSchema(Schema):
    run_id = fields.String()
    status = fields.String(validate=validate.OneOf(("pending", "running", "finished", "interrupted")))
    total = fields.Integer()
    done = fields.Integer()
    decided = fields.Integer(metadata={"description": "items decided by this run"})
    invalid = fields.Integer(metadata={"description": "items with an error: invalid, or refused as contradicting "
                                                      "their claim's recorded decisions"})
    replayed = fields.Integer(metadata={"description": "items that repeat a decision recorded before (the same "
                                                       "claim, as_of and request), answered by it"})
    summary = fields.Nested(RunSummarySchema, allow_none=True)


class RunItemsQuerySchema(Schema):
    limit = page_limit(maximum=MAX_PAGE)
    cursor = Cursor(kind="run-items", load_default=None,
                    metadata={"description": "next_cursor of the previous page; the first page without it"})


class RunItemSchema(Schema):
    index = fields.Integer(metadata={"description": "the item's position in the run's items (from 0; a file's "
                                                    "line for runs from a file)"})
    state = fields.String(validate=validate.OneOf(ITEM_STATES),
                          metadata={"description": "decided: a decision of its own; replayed: it repeats a "
                                                   "decision recorded before (same claim, as_of and request), "
                                                   "named by decision_id; error: see error; pending: not reached "
                                                   "yet"})
    debtor_ref = fields.String(allow_none=True, metadata={"description": "as sent; null once unreadable (erased)"})
    invoice_ref = fields.String(allow_none=True, metadata={"description": "as sent; null once unreadable (erased)"})
    metadata_ = fields.Dict(data_key="metadata", keys=fields.String(), values=fields.String(), allow_none=True,
                            metadata={"description": "as sent; null once unreadable"})
    decision_id = fields.String(allow_none=True)
    status = fields.String(allow_none=True, validate=validate.OneOf(("decided", "needs_review", "held")))
    effective = fields.Nested("EffectiveSchema", allow_none=True)   # schemas/decision.py, by name
    error = fields.Nested(ErrorSchema, allow_none=True,
                          metadata={"description": "why the item has no decision, shaped like the API's error "
                                                   "body: 422 validation_error naming its fields; 409 "
                                                   "duplicate_decision or as_of_before_latest"})


class RunItemsPageSchema(Schema):
    items = fields.List(fields.Nested(RunItemSchema))
    next_cursor = fields.String(allow_none=True, metadata={"description": "null on the last page"})
