"""Events an AR system reports about an invoice."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from decisions.case import CHANNELS
from decisions.events import CLOSE_REASONS, DELIVERY_STATUSES, EVENT_TYPES, ReportedEvent
from decisions.money import currency_exponent

from .decision import LedgerRefSchema
from .fields import CurrencyCode, Day, DecimalString, Ref, StrictBool, Timestamp

__all__ = ["EventRequestSchema", "EventResponseSchema", "EVENT_FIELDS"]

# Which fields each type takes: (required, optional). Anything else is refused.
EVENT_FIELDS: dict[str, tuple[frozenset[str], frozenset[str]]] = {
    "payment_received": (frozenset({"amount", "currency"}), frozenset({"on_date", "decision_id"})),
    "partial_payment": (frozenset({"amount", "currency"}), frozenset({"on_date", "decision_id"})),
    "dispute_opened": (frozenset(), frozenset({"reason"})),
    "dispute_closed": (frozenset(), frozenset({"reason"})),
    "promise_to_pay": (frozenset({"on_date"}), frozenset({"amount", "currency"})),
    "contact_attempt": (frozenset({"channel", "connected"}), frozenset()),
    "delivery_result": (frozenset({"channel", "status"}), frozenset({"decision_id"})),
    "claim_closed": (frozenset({"reason"}), frozenset()),
    "channel_opted_out": (frozenset({"channel"}), frozenset()),
    "complaint_received": (frozenset(), frozenset({"channel"})),
    # 12 CFR 1006.34: a debt collector sent the validation notice at `at` (by letter or e-mail)
    "validation_notice_sent": (frozenset(), frozenset({"channel"})),
}
_COMMON = frozenset({"type", "at", "debtor_ref", "invoice_ref"})
DISPUTE_REASONS = ("amount", "goods_or_service", "identity", "already_paid", "other",
                   "resolved_for_debtor", "resolved_for_creditor", "withdrawn")


class EventRequestSchema(Schema):
    """One event. Which fields apply depends on ``type``:

    payment_received / partial_payment: amount, currency, on_date?, decision_id? (the decision the
    payment answers); dispute_opened / dispute_closed: reason?; promise_to_pay: on_date, amount?,
    currency?; contact_attempt: channel, connected; delivery_result: channel, status, decision_id?;
    claim_closed: reason (paid, written_off, sold, cancelled; no further dunning of the claim);
    channel_opted_out: channel (later decisions treat it as opted out); complaint_received: channel?;
    validation_notice_sent (a debt collector sent the 12 CFR 1006.34 validation notice at ``at``): channel?.
    """

    type = fields.String(required=True, validate=validate.OneOf(EVENT_TYPES))
    at = Timestamp(required=True, metadata={"description": "when it happened"})
    debtor_ref = Ref(required=True)
    invoice_ref = Ref(required=True)
    amount = DecimalString()
    currency = CurrencyCode()
    on_date = Day(metadata={"description": "paid on, or promised for"})
    reason = fields.String(validate=validate.OneOf(DISPUTE_REASONS + CLOSE_REASONS),
                           metadata={"description": "disputes: " + ", ".join(DISPUTE_REASONS)
                                     + "; claim_closed: " + ", ".join(CLOSE_REASONS)})
    channel = fields.String(validate=validate.OneOf(CHANNELS))
    connected = StrictBool()
    status = fields.String(validate=validate.OneOf(DELIVERY_STATUSES))
    decision_id = fields.UUID()

    @validates_schema(skip_on_field_errors=True)
    def _check(self, data: dict[str, Any], **_: Any) -> None:
        required, optional = EVENT_FIELDS[data["type"]]
        present = set(data) - _COMMON
        errors: dict[str, list[str]] = {}
        for name in sorted(required - present):
            errors[name] = [f"Required for {data['type']} events."]
        for name in sorted(present - required - optional):
            errors[name] = [f"Not a field of {data['type']} events."]
        allowed = CLOSE_REASONS if data["type"] == "claim_closed" else DISPUTE_REASONS
        if "reason" in data and "reason" not in errors and data["reason"] not in allowed:
            errors["reason"] = [f"Must be one of: {', '.join(allowed)}."]
        if "amount" in data and "currency" not in data:
            errors["currency"] = ["Required with amount."]
        if "amount" in data and "currency" in data:
            exponent = currency_exponent(data["currency"])
            if len(data["amount"].partition(".")[2]) != exponent:
                errors["amount"] = [f"{data['currency']} amounts have exactly {exponent} digits after the point."]
        if errors:
            raise ValidationError(errors)

    @post_load
    def make(self, data: dict[str, Any], **_: Any) -> ReportedEvent:
        if "amount" in data:
            data["amount"] = Decimal(data["amount"])
        if "decision_id" in data:
            data["decision_id"] = str(data["decision_id"])
        return ReportedEvent(**data)


class EventResponseSchema(Schema):
    event_id = fields.String()
    type = fields.String()
    at = fields.String(metadata={"format": "date-time"})
    ledger = fields.Nested(LedgerRefSchema)
