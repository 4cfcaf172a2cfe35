"""The forms of the debtor's actions on a matter (``service.portal_actions``), posted as HTML
form fields: the day a payment was made, an amount, a dispute's reason and words, a payment-plan
note, the channels refused. Unknown fields are refused as everywhere; the messages here are
technical, the page shows its own (English or German) per field."""

from __future__ import annotations

import re
from datetime import date, datetime
from decimal import Decimal
from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from decisions.case import CHANNELS
from decisions.rights.debtor_actions import DISPUTE_GROUNDS

from .web import FormText

__all__ = ["ActionForm", "PaymentReportFormSchema", "DisputeFormSchema", "PaymentPlanFormSchema", "ChannelsFormSchema",
           "WithdrawObjectionFormSchema", "MAX_AMOUNT"]

MAX_AMOUNT = Decimal("999999999.99")
_AMOUNT = re.compile(r"^[0-9]{1,9}(?:[.,][0-9]{1,2})?$")
_DAY_FORMATS = ("%Y-%m-%d", "%d.%m.%Y", "%d/%m/%Y")   # as typed: 2026-11-20, 20.11.2026, 20/11/2026


class ActionForm(Schema):
    """A form of the decision page; ``today`` is the controller's local date by the injected clock
    (what "not in the future" means)."""

    def __init__(self, *, today: date | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.today = today


class PaidOn(fields.Field):
    """A past or present day, typed as YYYY-MM-DD or DD.MM.YYYY (or DD/MM/YYYY), not after the
    form's ``today`` (none known: refused, fail closed)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> date:
        text = str(value).strip()
        for pattern in _DAY_FORMATS:
            try:
                day = datetime.strptime(text, pattern).date()
            except ValueError:
                continue
            if len(text) == 10:
                break
        else:
            raise ValidationError("Not a date (YYYY-MM-DD or DD.MM.YYYY).")
        today = getattr(self.parent, "today", None)
        if today is None or day > today:
            raise ValidationError("The day lies in the future.")
        return day


class Amount(fields.Field):
    """A positive amount with at most two decimals, decimal point or comma (50, 50.00, 50,00)."""

    def _deserialize(self, value: Any, attr: Any, data: Any, **kwargs: Any) -> Decimal:
        text = str(value).strip().replace(" ", "")
        if not _AMOUNT.match(text):
            raise ValidationError("Not an amount (e.g. 50.00).")
        amount = Decimal(text.replace(",", "."))
        if not Decimal(0) < amount <= MAX_AMOUNT:
            raise ValidationError("The amount is more than zero.")
        return amount


class PaymentReportFormSchema(ActionForm):
    """"I already paid": the day, the amount if the debtor gives it."""

    paid_on = PaidOn(required=True)
    amount = Amount(load_default=None)


class DisputeFormSchema(ActionForm):
    """"I dispute this": what is wrong (a code) and the debtor's own words."""

    ground = fields.String(required=True, validate=validate.OneOf(DISPUTE_GROUNDS))
    reason = FormText(required=True, min_length=1)


class PaymentPlanFormSchema(ActionForm):
    """"I need a payment plan": what the debtor can pay and when, optional."""

    note = FormText(load_default=None)


class ChannelsFormSchema(ActionForm):
    """The channels the debtor refuses: one checkbox per channel (``email=yes``); at least one."""

    email = fields.String(load_default=None, validate=validate.Equal("yes"))
    sms = fields.String(load_default=None, validate=validate.Equal("yes"))
    phone = fields.String(load_default=None, validate=validate.Equal("yes"))
    letter = fields.String(load_default=None, validate=validate.Equal("yes"))

    @validates_schema
    def _one_at_least(self, data: dict[str, Any], **_: Any) -> None:
        if not any(data.get(channel) for channel in CHANNELS):
            raise ValidationError({"channels": ["Choose at least one channel."]})


class WithdrawObjectionFormSchema(ActionForm):
    """Withdrawing the objection to profiling: the button is the whole form."""
