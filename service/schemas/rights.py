"""Schemas of the data-subject and human-review endpoints (requests validated, responses
documented). Free text is bounded and free of control characters."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from decisions.case import CHANNELS
from decisions.rights import (
    EXTENSION_REASONS,
    GROUNDS,
    LOOKUP_PURPOSES,
    OBJECTION_SCOPES,
    RECTIFICATION_CONCERNS,
    RESOLUTIONS,
)
from decisions.rights.reviews import MODIFIABLE_KINDS
from decisions.rights.tables import OUTCOMES, REQUEST_TYPES
from decisions.runs import MAX_PAGE
from ledger.timestamps import rfc3339
from retention.holds import HOLD_REASONS

from .decision import ModifiedActionSchema
from .fields import Day, Ref, StrictBool, StrictInt, Text, Timestamp
from .paging import KeysetCursor, page_limit

__all__ = ["ObjectionSchema", "ReviewRequestSchema", "RectificationSchema", "ErasureSchema", "GroundsSchema",
           "ExtensionSchema", "ResolutionSchema", "OutcomeSchema", "ResumeSchema", "RequestQuerySchema",
           "ReviewQuerySchema", "LegalHoldQuerySchema", "AccessQuerySchema", "LegalHoldSchema", "SubjectRequestSchema",
           "RequestListSchema", "QueuedRequestSchema", "RequestViewSchema", "ReviewCaseSchema", "ReviewListSchema",
           "ReviewCaseViewSchema", "AccessExportSchema", "GroundsResultSchema", "LegalHoldResultSchema",
           "LegalHoldListSchema", "LedgerStatusSchema", "MAX_STATEMENT"]

MAX_STATEMENT = 4000


def Statement(**kwargs: Any) -> Text:
    return Text(max_length=MAX_STATEMENT, **kwargs)


class ObjectionSchema(Schema):
    scope = fields.String(required=True, validate=validate.OneOf(OBJECTION_SCOPES))
    statement = Statement(load_default=None, metadata={"description": "the debtor's words (sealed, never logged)"})


class ReviewRequestSchema(Schema):
    decision_id = fields.UUID(required=True)
    statement = Statement(load_default=None)


class RectificationSchema(Schema):
    concerns = fields.String(required=True, validate=validate.OneOf(RECTIFICATION_CONCERNS))
    statement = Statement(required=True, min_length=1, metadata={"description": "what is wrong and what is right"})


class ErasureSchema(Schema):
    statement = Statement(load_default=None)


class GroundsSchema(Schema):
    basis = fields.String(required=True, validate=validate.OneOf(GROUNDS))
    rationale = Statement(required=True, min_length=20)


class ExtensionSchema(Schema):
    reason = fields.String(required=True, validate=validate.OneOf(EXTENSION_REASONS))
    notice = Statement(required=True, min_length=20, metadata={"description": "the reasoned notice sent to the person"})
    until = Day(load_default=None, metadata={"description": "default: the latest allowed (three months from receipt)"})


class ResolutionSchema(Schema):
    resolution = fields.String(required=True, validate=validate.OneOf(RESOLUTIONS))
    rationale = Statement(required=True, min_length=1)


class ReviewActionSchema(Schema):
    kind = fields.String(required=True, validate=validate.OneOf(MODIFIABLE_KINDS))
    level = StrictInt(load_default=None, allow_none=True, validate=validate.Range(min=0, max=4))
    channel = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(CHANNELS))
    tone = fields.String(load_default=None, allow_none=True, validate=validate.OneOf(("gentle", "neutral", "firm")))
    send_at = Timestamp(load_default=None, allow_none=True)

    @validates_schema
    def _channel(self, data: dict[str, Any], **_: Any) -> None:
        if data["kind"] not in ("none", "collection_handover", "credit_bureau_report") and data.get("channel") is None:
            raise ValidationError({"channel": ["A message needs a channel."]})

    @post_load
    def _wire_time(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        """The action as the ledger records it: ``send_at`` in RFC 3339 (UTC)."""
        if data.get("send_at") is not None:
            data["send_at"] = rfc3339(data["send_at"])
        return data


class OutcomeSchema(Schema):
    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    rationale = Statement(required=True, min_length=1)
    explanation_opened = StrictBool(required=True, metadata={"description": "whether the reviewer opened the explanation"})
    action = fields.Nested(ReviewActionSchema, load_default=None, metadata={"description": "required for modify only"})

    @validates_schema
    def _action(self, data: dict[str, Any], **_: Any) -> None:
        if (data["outcome"] == "modify") != (data.get("action") is not None):
            raise ValidationError({"action": ["Required for modify, and only for modify."]})


class ResumeSchema(Schema):
    rationale = Statement(required=True, min_length=1)


_NEXT = {"description": "null on the last page"}
_CURSOR = {"description": "next_cursor of the previous page; the first page without it"}


class RequestQuerySchema(Schema):
    status = fields.String(load_default="open", validate=validate.OneOf(("open", "overdue", "fulfilled", "all")))
    type = fields.String(load_default=None, validate=validate.OneOf(REQUEST_TYPES))
    limit = page_limit(maximum=MAX_PAGE)
    cursor = KeysetCursor(kind="requests", load_default=None, metadata=_CURSOR)


class ReviewQuerySchema(Schema):
    status = fields.String(load_default="open", validate=validate.OneOf(("open", "closed", "all")))
    limit = page_limit(maximum=MAX_PAGE)
    cursor = KeysetCursor(kind="reviews", load_default=None, metadata=_CURSOR)


class LegalHoldQuerySchema(Schema):
    limit = page_limit(maximum=MAX_PAGE)
    cursor = KeysetCursor(kind="legal-holds", load_default=None, metadata=_CURSOR)


class AccessQuerySchema(Schema):
    format = fields.String(load_default="json", validate=validate.OneOf(("json", "pdf")))
    lang = fields.String(load_default="en", validate=validate.OneOf(("en", "de")))
    purpose = fields.String(load_default=None, validate=validate.OneOf(LOOKUP_PURPOSES), metadata={
        "description": "a staff member's own look-up, with its purpose: ledgered as such, not as the debtor's "
                       "Art. 15 request (without it: the debtor's request, answered now)"})


class LegalHoldSchema(Schema):
    debtor_ref = Ref(required=True)
    invoice_ref = Ref(load_default=None, metadata={"description": "hold one claim; without it the whole subject"})
    reason = fields.String(required=True, validate=validate.OneOf(HOLD_REASONS))
    note = Text(max_length=500, load_default=None, metadata={"description": "kept in the database, not in the ledger"})


# -- responses (documentation) ------------------------------------------------------------------

class SubjectRequestSchema(Schema):
    request_id = fields.String()
    type = fields.String(validate=validate.OneOf(REQUEST_TYPES))
    channel = fields.String()
    status = fields.String(validate=validate.OneOf(("open", "fulfilled")))
    received_at = fields.String(metadata={"format": "date-time"})
    due_on = fields.String(metadata={"format": "date", "description": "last day (GDPR Art. 12(3), Reg. 1182/71)"})
    due_at = fields.String(metadata={"format": "date-time"})
    extended_to = fields.String(allow_none=True, metadata={"format": "date"})
    extension_reason = fields.String(allow_none=True)
    extended_at = fields.String(allow_none=True, metadata={"format": "date-time", "description": "when it was extended"})
    effective_due_at = fields.String(metadata={"format": "date-time"})
    overdue = fields.Boolean()
    sla = fields.String(allow_none=True, metadata={"description": "on_time | due_soon | overdue"})
    outcome = fields.String(allow_none=True)
    fulfilled_at = fields.String(allow_none=True)
    decision_id = fields.String(allow_none=True)
    case_id = fields.String(allow_none=True)
    concerns = fields.String(allow_none=True, validate=validate.OneOf(RECTIFICATION_CONCERNS),
                             metadata={"description": "rectification: what is contested; null otherwise"})
    detail = fields.Dict(allow_none=True)


class QueuedRequestSchema(SubjectRequestSchema):
    """A request as the staff's lists show it: with its subject's pseudonym."""

    subject = fields.String(metadata={"description": "the subject's pseudonym, never a reference"})


class RequestViewSchema(QueuedRequestSchema):
    """One request with the person's own words."""

    statement = fields.String(allow_none=True, metadata={"description": "the person's statement; null when none"})


class RequestListSchema(Schema):
    requests = fields.List(fields.Nested(QueuedRequestSchema), metadata={"description": "soonest deadline first"})
    next_cursor = fields.String(allow_none=True, metadata=_NEXT)


class ReviewCaseSchema(Schema):
    case_id = fields.String()
    decision_id = fields.String()
    decision_seq = fields.Integer(metadata={"description": "the ledger seq of the decision"})
    origin = fields.String(validate=validate.OneOf(("automatic", "debtor")))
    status = fields.String(validate=validate.OneOf(("open", "closed")))
    opened_at = fields.String(metadata={"format": "date-time"})
    due_at = fields.String(metadata={"format": "date-time"})
    sla = fields.String(allow_none=True)
    overdue = fields.Boolean()
    outcome = fields.String(allow_none=True, validate=validate.OneOf(OUTCOMES))
    explanation_opened = fields.Boolean(allow_none=True)
    reviewer = fields.String(allow_none=True)
    closed_at = fields.String(allow_none=True, metadata={"format": "date-time"})
    action = fields.Nested(ModifiedActionSchema, allow_none=True, metadata={"description": "modify: the action"})
    outcome_seq = fields.Integer(allow_none=True, metadata={"description": "the ledger seq of the outcome"})
    request_id = fields.String(allow_none=True, metadata={"description": "the debtor's review request, if any"})
    escalation = fields.String(validate=validate.OneOf(("paused", "resumed", "free")))


class ReviewListSchema(Schema):
    reviews = fields.List(fields.Nested(ReviewCaseSchema), metadata={"description": "soonest due first"})
    next_cursor = fields.String(allow_none=True, metadata=_NEXT)


class ReviewCaseViewSchema(ReviewCaseSchema):
    decision = fields.Dict()
    contributions = fields.List(fields.Dict())
    uncertainty = fields.Dict()
    policy_trace = fields.List(fields.Dict())
    statement = fields.String(allow_none=True)
    rationale = fields.String(allow_none=True)
    claim_history = fields.List(fields.Nested(ReviewCaseSchema), metadata={"description": "the claim's other cases"})


class AccessCategorySchema(Schema):
    category = fields.String()
    examples = fields.String()
    source = fields.String()


class AccessRightSchema(Schema):
    right = fields.String()
    article = fields.String()
    text = fields.String()


class PrivacyItemSchema(Schema):
    item = fields.String(metadata={"description": "law, controller, dpo, purposes, legitimate_interest, recipients, "
                                                  "retention, source, rights, complaint"})
    label = fields.String()
    text = fields.String()


class PrivacyNoticeSchema(Schema):
    law = fields.String(validate=validate.OneOf(("eu", "uk")))
    language = fields.String(validate=validate.OneOf(("en", "de")))
    title = fields.String()
    items = fields.List(fields.Nested(PrivacyItemSchema))


class AccessRequestSchema(SubjectRequestSchema):
    statement = fields.String(allow_none=True, metadata={"description": "the person's own words"})


class AccessReviewSchema(ReviewCaseSchema):
    rationale = fields.String(allow_none=True, metadata={"description": "the reviewer's rationale"})


class AccessExportSchema(Schema):
    """GDPR Art. 15 export; the shape is documented in ``decisions/rights/access.py``."""

    format = fields.String(validate=validate.OneOf(("fairdun-access-export",)))
    version = fields.Integer()
    generated_at = fields.String(metadata={"format": "date-time"})
    language = fields.String(validate=validate.OneOf(("en", "de")))
    subject = fields.Dict()
    purposes = fields.List(fields.String(), metadata={"description": "Art. 15(1)(a)"})
    categories = fields.List(fields.Nested(AccessCategorySchema), metadata={"description": "Art. 15(1)(b), (g)"})
    sources = fields.List(fields.String(), metadata={"description": "Art. 15(1)(g)"})
    recipients = fields.List(fields.String(), metadata={"description": "Art. 15(1)(c)"})
    retention = fields.Dict(metadata={"description": "Art. 15(1)(d)"})
    decisions = fields.List(fields.Dict(), metadata={"description": "oldest first, each as recorded with "
                                                                    "recorded_at, review and data"})
    logic = fields.String(metadata={"description": "the logic involved (Art. 15(1)(h))"})
    significance = fields.String(metadata={"description": "significance and envisaged consequences (Art. 15(1)(h))"})
    requests = fields.List(fields.Nested(AccessRequestSchema))
    reviews = fields.List(fields.Nested(AccessReviewSchema))
    rights = fields.List(fields.Nested(AccessRightSchema), metadata={"description": "Art. 15(1)(e), (f)"})
    law = fields.String(validate=validate.OneOf(("eu", "uk")),
                        metadata={"description": "the subject's data-protection law: uk (UK GDPR, Data Protection Act "
                                                 "2018, ICO) for a GB debtor, else eu (GDPR)"})
    privacy = fields.Nested(PrivacyNoticeSchema, allow_none=True,
                            metadata={"description": "the controller's GDPR Art. 13/14 information "
                                                     "(FAIRDUN_CONTROLLER_*)"})


class GroundsResultSchema(Schema):
    basis = fields.String()
    documented_at = fields.String()
    ledger = fields.Dict()


class LegalHoldResultSchema(Schema):
    hold_id = fields.String()
    target = fields.String()
    reason = fields.String()
    target_id = fields.String(metadata={"description": "the subject's pseudonym or the claim's id, never a reference"})
    subject = fields.String(allow_none=True, metadata={"description": "the subject's pseudonym"})
    note = fields.String(allow_none=True)
    placed_at = fields.String()
    placed_by = fields.String()
    released_at = fields.String(allow_none=True)
    released_by = fields.String(allow_none=True)


class LegalHoldListSchema(Schema):
    holds = fields.List(fields.Nested(LegalHoldResultSchema), metadata={"description": "oldest first"})
    next_cursor = fields.String(allow_none=True, metadata=_NEXT)


class LedgerStatusSchema(Schema):
    checkpoint = fields.Dict(allow_none=True)
    last_verification = fields.Dict(allow_none=True)
