"""The forms of the debtor portal and the officer console (posted as HTML form fields, so
numbers arrive as text; ``service.web.form_data`` drops the CSRF token and blank fields, and
unknown fields are rejected as everywhere). Free text may hold line breaks, no other control
characters."""

from __future__ import annotations

import re
from datetime import UTC, datetime
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from marshmallow import Schema, ValidationError, fields, post_load, validate, validates_schema

from decisions.case import CHANNELS
from decisions.rights.review_desk import QUEUE_SORTS, REVIEW_REASONS
from decisions.rights.reviews import MODIFIABLE_KINDS
from decisions.rights.tables import OUTCOMES
from ledger.timestamps import rfc3339

from .fields import Ref, Text
from .report import AuditQuerySchema
from .rights import MAX_STATEMENT, ReviewActionSchema

__all__ = ["PortalSignInSchema", "StaffSignInSchema", "StatementFormSchema", "AccessFormSchema",
           "OutcomeFormSchema", "ResumeFormSchema", "ReportFormSchema", "ReviewQueueQuerySchema", "AssignFormSchema",
           "picked_instant"]

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
    # a date-time picker (``<input type="datetime-local">``: local wall time, no zone) and the zone
    # that wall time is read in (the debtor's, the officer's, UTC, or any IANA zone name)
    send_at = fields.String(load_default=None, validate=validate.Length(max=40))
    send_zone = fields.String(load_default=None, validate=validate.Length(max=64))

    def __init__(self, *, now: datetime | None = None, **kwargs: Any) -> None:
        super().__init__(**kwargs)
        self.now = now      # a send time before it is refused

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
            wire = {k: data[k] for k in ("kind", "level", "channel", "tone") if data[k] is not None}
            if data["send_at"] is not None:
                wire["send_at"] = rfc3339(picked_instant(data["send_at"], data["send_zone"], now=self.now))
            action = ReviewActionSchema().load(wire)
        return {"outcome": data["outcome"], "rationale": data["rationale"], "action": action}


_PICKED = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2})?")


def picked_instant(local: str, zone_name: str | None, *, now: datetime | None = None) -> datetime:
    """The instant (UTC) a date-time picker's wall time ``local`` (``YYYY-MM-DDTHH:MM[:SS]``) names
    in ``zone_name``. Refused, naming the field: another format, an unknown zone, a wall time the
    zone skips (clocks go forward) or passes twice (clocks go back), a moment before ``now``."""
    if not zone_name:
        raise ValidationError({"send_zone": ["Choose the time zone of the send time."]})
    try:
        zone = ZoneInfo(zone_name) if _ZONE_NAME.fullmatch(zone_name) else None
    except (ZoneInfoNotFoundError, ValueError):
        zone = None
    if zone is None:
        raise ValidationError({"send_zone": ["Not a time zone: choose one from the list."]})
    if not _PICKED.fullmatch(local):
        raise ValidationError({"send_at": ["Enter a date and time such as 2026-11-23T09:00."]})
    try:
        wall = datetime.fromisoformat(local)
    except ValueError:
        raise ValidationError({"send_at": ["This date or time does not exist."]}) from None
    early, late = wall.replace(tzinfo=zone, fold=0), wall.replace(tzinfo=zone, fold=1)
    if early.astimezone(UTC).astimezone(zone).replace(tzinfo=None) != wall:
        raise ValidationError({"send_at": [f"{local.replace('T', ' ')} does not exist in {zone_name} (the clocks "
                                           "go forward then): choose another time."]})
    if early.utcoffset() != late.utcoffset():
        raise ValidationError({"send_at": [f"{local.replace('T', ' ')} happens twice in {zone_name} (the clocks go "
                                           "back then): choose another time, or give it in UTC."]})
    instant = early.astimezone(UTC)
    if now is not None and instant < now:
        raise ValidationError({"send_at": ["This time has passed: choose a later one, or leave it empty to send "
                                           "at once."]})
    return instant


_ZONE_NAME = re.compile(r"[A-Za-z][A-Za-z0-9_+-]*(/[A-Za-z0-9_+-]+){0,2}")


class ReviewQueueQuerySchema(Schema):
    """The console's review queue: status, filters and sort (query string; no personal data)."""

    status = fields.String(load_default="open", validate=validate.OneOf(("open", "closed", "all")))
    reason = fields.String(load_default=None, validate=validate.OneOf(tuple(REVIEW_REASONS)))
    jurisdiction = fields.String(load_default=None, validate=validate.Regexp(r"^[A-Z]{2}(-[A-Z0-9]{1,3})?$",
                                                                             error="A country code such as DE or US-NY."))
    assignee = fields.String(load_default=None, validate=validate.Regexp(
        r"^(me|none|staff:[0-9a-f-]{36})$", error="me, none or a staff member from the list."))
    sort = fields.String(load_default="due", validate=validate.OneOf(QUEUE_SORTS))


class AssignFormSchema(Schema):
    """Take the case (``me``), give it to a staff member (``staff:<id>``) or unassign it (``none``)."""

    assignee = fields.String(required=True, validate=validate.Regexp(
        r"^(me|none|staff:[0-9a-f-]{36})$", error="Choose a staff member from the list."))


class ResumeFormSchema(Schema):
    rationale = FormText(required=True, min_length=1)


class ReportFormSchema(AuditQuerySchema):
    """The period of an audit report: ``from`` and ``to`` (YYYY-MM-DD, UTC days, inclusive)."""
