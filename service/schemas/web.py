"""The forms of the debtor portal and the officer console (posted as HTML form fields, so
numbers arrive as text; ``service.web.form_data`` drops the CSRF token and blank fields, and
unknown fields are rejected as everywhere). Free text may hold line breaks, no other control
characters."""

from __future__ import annotations

import re
from typing import Any

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from decisions.case import CHANNELS
from decisions.rights.reviews import MODIFIABLE_KINDS
from decisions.rights.tables import OUTCOMES

from .fields import Ref, Text
from .report import AuditQuerySchema
from .rights import MAX_STATEMENT, ReviewActionSchema

__all__ = ["PortalSignInSchema", "StaffSignInSchema", "StatementFormSchema", "AccessFormSchema",
           "OutcomeFormSchema", "ResumeFormSchema", "ReportFormSchema"]

_CONTROL_BUT_NEWLINE = re.compile(r"[\x00-\x09\x0b-\x1f\x7f]")


class FormText(Text):
    """Text typed into a textarea: bounded, line breaks allowed, no other control characters."""

    forbidden = _CONTROL_BUT_NEWLINE

    def __init__(self, *, max_length: int = MAX_STATEMENT, **kwargs: Any) -> None:
        super().__init__(max_length=max_length, **kwargs)


class PortalSignInSchema(Schema):
    code = Text(required=True, min_length=1, max_length=40, metadata={"description": "the access code on the letter"})
    invoice_ref = Ref(required=True)


class StaffSignInSchema(Schema):
    name = Text(required=True, min_length=1, max_length=100)
    password = fields.String(required=True, validate=validate.Length(min=1, max=1024))


class StatementFormSchema(Schema):
    """An objection or a review request: the debtor's own words, optional."""

    statement = FormText(load_default=None)


class AccessFormSchema(Schema):
    format = fields.String(required=True, validate=validate.OneOf(("json", "pdf")))


class OutcomeFormSchema(Schema):
    """The reviewer's outcome; the action fields belong to ``modify`` only and are checked as the
    API checks them (``ReviewActionSchema``). Whether the explanation was opened is not a field:
    the server knows it."""

    outcome = fields.String(required=True, validate=validate.OneOf(OUTCOMES))
    rationale = FormText(required=True, min_length=1)
    kind = fields.String(load_default=None, validate=validate.OneOf(MODIFIABLE_KINDS))
    level = fields.Integer(load_default=None, validate=validate.Range(min=0, max=4))
    channel = fields.String(load_default=None, validate=validate.OneOf(CHANNELS))
    tone = fields.String(load_default=None, validate=validate.OneOf(("gentle", "neutral", "firm")))
    send_at = fields.String(load_default=None, validate=validate.Length(max=40))

    @validates_schema
    def _action_for_modify_only(self, data: dict[str, Any], **_: Any) -> None:
        given = [k for k in ("kind", "level", "channel", "tone", "send_at") if data.get(k) is not None]
        if data.get("outcome") == "modify" and data.get("kind") is None:
            raise ValidationError({"kind": ["Choose the action to take instead."]})
        if data.get("outcome") != "modify" and given:
            raise ValidationError({given[0]: ["Only a modified decision takes an action: clear it or choose modify."]})

    @post_load
    def _action(self, data: dict[str, Any], **_: Any) -> dict[str, Any]:
        action = None
        if data["outcome"] == "modify":
            action = ReviewActionSchema().load({k: data[k] for k in ("kind", "level", "channel", "tone", "send_at")
                                                if data[k] is not None})
        return {"outcome": data["outcome"], "rationale": data["rationale"], "action": action}


class ResumeFormSchema(Schema):
    rationale = FormText(required=True, min_length=1)


class ReportFormSchema(AuditQuerySchema):
    """The period of an audit report: ``from`` and ``to`` (YYYY-MM-DD, UTC days, inclusive)."""
