"""What the debtor does about a matter, from its decision page (``/portal/decisions/<id>``):
"I already paid", "I dispute this", "I need a payment plan", channel preferences and withdrawing
an objection to profiling. Routes on the portal blueprint (``service.portal.bp``; ``service.app``
imports this module before registering it), each behind the sign-in and CSRF like every portal
form. Each view parses the form, calls one domain function of ``decisions.rights.debtor_actions``
with the signed-in subject, flashes the confirmation in the debtor's language and returns to the
decision page. Bad input renders the page again with the field marked (422) and writes nothing;
another subject's decision id is not found (404).

The decision page includes ``portal/actions/_actions.html``, which asks ``debtor_actions(id)``
(a template global of the portal's pages, here) for the matter's state.
"""

from __future__ import annotations

from typing import Any

from flask import current_app, flash, g, redirect, render_template, request, url_for
from marshmallow import ValidationError

from decisions import rights

from . import web
from .portal import ACTOR, bp, debtor_required
from .schemas.portal_actions import (
    ActionForm,
    ChannelsFormSchema,
    DisputeFormSchema,
    PaymentPlanFormSchema,
    PaymentReportFormSchema,
    WithdrawObjectionFormSchema,
)

__all__ = ["FORMS"]

# the forms of the decision page: name -> its schema (the name marks the form that failed)
FORMS: dict[str, type[ActionForm]] = {"paid": PaymentReportFormSchema, "dispute": DisputeFormSchema,
                                  "plan": PaymentPlanFormSchema, "channels": ChannelsFormSchema,
                                  "withdraw": WithdrawObjectionFormSchema}


def _ctx() -> rights.RightsContext:
    return current_app.extensions["fairdun"].rights


@bp.context_processor
def _actions_global() -> dict[str, Any]:
    def debtor_actions(decision_id: str) -> dict[str, Any]:
        return rights.actions_of(_ctx(), g.subject, str(decision_id))

    def objection_in_force() -> bool:
        """Whether the signed-in debtor's objection to profiling is in force (not withdrawn)."""
        return rights.objection_in_force(_ctx(), g.subject)

    return {"debtor_actions": debtor_actions, "objection_in_force": objection_in_force}


def _form(name: str, decision_id: str) -> dict[str, Any]:
    """The posted form ``name`` through its schema; raises ``_Refused`` with the page to show."""
    ctx = _ctx()
    schema = FORMS[name](today=ctx.calendar.local_date(ctx.clock()))
    try:
        return web.form_data(schema)
    except ValidationError as exc:
        # another subject's decision is not found, whatever was typed (NotFound: 404)
        document = rights.decision_of(ctx, g.subject, decision_id)
        raise _Refused(name, document, web.field_errors(exc)) from exc


class _Refused(Exception):
    def __init__(self, name: str, document: dict[str, Any], errors: dict[str, list[str]]) -> None:
        super().__init__(name)
        self.name, self.document, self.errors = name, document, errors


@bp.errorhandler(_Refused)
def _refused(exc: _Refused) -> Any:
    """The decision page again, the failed form's fields marked, what was typed kept."""
    values = {key: value for key, value in request.form.items() if key != "csrf_token"}
    return render_template("portal/decision.html", decision=exc.document, action_form=exc.name,
                           action_errors=exc.errors, action_values=values), 422


def _done(decision_id: str, result: dict[str, Any]) -> Any:
    flash(result["type"] if result["recorded"] else f"{result['type']}_again", "portal")
    return redirect(url_for("portal.decision", decision_id=decision_id, _anchor="actions"), 303)


@bp.post("/decisions/<uuid:decision_id>/paid")
@debtor_required
def report_payment(decision_id: Any) -> Any:
    """"I already paid": the day and perhaps the amount; the claim waits for the AR system."""
    body = _form("paid", str(decision_id))
    return _done(str(decision_id), rights.report_payment(_ctx(), g.subject, decision_id=str(decision_id),
                                                         paid_on=body["paid_on"], amount=body["amount"], actor=ACTOR))


@bp.post("/decisions/<uuid:decision_id>/dispute")
@debtor_required
def dispute(decision_id: Any) -> Any:
    """"I dispute this": what is wrong and why; the dispute hold applies."""
    body = _form("dispute", str(decision_id))
    return _done(str(decision_id), rights.dispute(_ctx(), g.subject, decision_id=str(decision_id),
                                                  ground=body["ground"], statement=body["reason"], actor=ACTOR))


@bp.post("/decisions/<uuid:decision_id>/payment-plan")
@debtor_required
def payment_plan(decision_id: Any) -> Any:
    """"I need a payment plan": a person takes the request up in a review case."""
    body = _form("plan", str(decision_id))
    return _done(str(decision_id), rights.request_payment_plan(_ctx(), g.subject, decision_id=str(decision_id),
                                                               statement=body["note"], actor=ACTOR))


@bp.post("/decisions/<uuid:decision_id>/channels")
@debtor_required
def channels(decision_id: Any) -> Any:
    """Channel preferences: the channels ticked are not used any more."""
    body = _form("channels", str(decision_id))
    chosen = [channel for channel in ("email", "sms", "phone", "letter") if body.get(channel)]
    return _done(str(decision_id), rights.opt_out(_ctx(), g.subject, decision_id=str(decision_id), channels=chosen,
                                                  actor=ACTOR))


@bp.post("/decisions/<uuid:decision_id>/objection/withdraw")
@debtor_required
def withdraw_objection(decision_id: Any) -> Any:
    """Withdraw the objection to profiling: the next decisions are profiled again."""
    _form("withdraw", str(decision_id))
    return _done(str(decision_id), rights.withdraw_objection(_ctx(), g.subject, decision_id=str(decision_id),
                                                             actor=ACTOR))
