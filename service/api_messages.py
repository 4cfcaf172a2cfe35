"""Ready-to-send messages: ``GET /v1/decisions/{id}/message`` (JSON) and ``/message.pdf`` (a
letter as tagged PDF/A-3a), and the text added to every decision document the API serves.

The text is never stored: each answer renders it again from the inputs sealed with the decision
and serves it only if its SHA-256 is the one the ledger recorded (``decisions.messages``). Views
parse, call one function, map the domain's refusals: 404 ``no_message`` (nothing written is to be
sent), 409 ``message_incomplete`` (the request lacked what the message needs, named),
``message_templates_unavailable`` or ``message_not_reproducible`` (fail closed: no other text
than the recorded one is served), 410 ``subject_erased``.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from flask import Blueprint, Flask, Response, current_app, g, jsonify, url_for

from decisions.errors import Conflict, storage_guard
from decisions.messages import Message, MessageErased, MessageSettings, recorded_message
from ledger.timestamps import parse_rfc3339
from reports.message_pdf import render_message_pdf

from .auth import Role, requires
from .config import message_settings
from .errors import ApiError
from .openapi import operation
from .schemas.message import MessageSchema

__all__ = ["bp", "init_app", "served_document", "MESSAGE_READERS"]

bp = Blueprint("messages", __name__, url_prefix="/v1")
# Who reads a message's text (it names the debtor and their address): the AR system that sends
# it, the reviewer who approves it (needs_review), the officer who answers the debtor. Auditors
# see its digest (channel, template, SHA-256), which the ledger holds.
MESSAGE_READERS = (Role.AR_SYSTEM, Role.REVIEWER, Role.COMPLIANCE_OFFICER)
_EXTENSION = "fairdun.messages"


def init_app(app: Flask) -> None:
    app.extensions[_EXTENSION] = message_settings(app.config)
    app.register_blueprint(bp)


def _settings() -> MessageSettings:
    settings: MessageSettings = current_app.extensions[_EXTENSION]
    return settings


def message_of(decision_id: str) -> Message:
    """The decision's message, rendered again and checked against the ledger's digest."""
    runtime = current_app.extensions["fairdun"]
    portal = runtime.rights.portal
    with _erased_as_410(), storage_guard("the message"):
        return recorded_message(runtime.db, runtime.vault, decision_id, sets=_settings().templates,
                                access_code=portal.access_code if portal is not None else None)


def served_document(document: dict[str, Any]) -> dict[str, Any]:
    """``document`` with its message's ``subject`` and ``text`` for the roles that read them
    (``MESSAGE_READERS``); ``unavailable`` says why they are null. Other roles get the digest."""
    digest = document.get("message")
    if not isinstance(digest, dict):
        return document
    if getattr(g.get("api_key"), "role", None) not in MESSAGE_READERS:
        return document   # the digest, as the ledger holds it
    served: dict[str, Any] = {**digest, "subject": None, "text": None, "unavailable": None, "pdf": None}
    if digest.get("channel") == "letter":
        served["pdf"] = url_for("messages.get_message_pdf", decision_id=document["decision_id"])
    try:
        message = message_of(str(document["decision_id"]))
    except (Conflict, ApiError) as exc:   # incomplete, erased (410), other templates, not reproducible
        served["unavailable"] = exc.code
    else:
        served.update(subject=message.subject, text=message.text)
    return {**document, "message": served}


@contextmanager
def _erased_as_410() -> Iterator[None]:
    try:
        yield
    except MessageErased as exc:
        raise ApiError(410, exc.code, str(exc)) from exc


def _message_document(decision_id: str, message: Message) -> dict[str, Any]:
    return {"channel": message.channel, "language": message.language, "template": message.template,
            "templates": {"version": message.templates_version, "sha256": message.templates_sha256},
            "subject": message.subject, "text": message.text, "sha256": message.sha256, "missing": [],
            "unavailable": None,
            "pdf": url_for("messages.get_message_pdf", decision_id=decision_id) if message.channel == "letter"
            else None}


@bp.get("/decisions/<uuid:decision_id>/message")
@requires(*MESSAGE_READERS)
@operation(summary="The ready-to-send message of a decision (e-mail, SMS or letter text)",
           responses={200: MessageSchema})
def get_message(decision_id: Any) -> Response:
    """Rendered again from the decision's sealed inputs and served only if its SHA-256 is the
    recorded one. 404 `no_message` when the decision sends nothing written (no action, a phone
    call, held); 409 `message_incomplete` (`creditor.name`, or a letter's `debtor.contact.address`,
    were given by neither the request nor the installation), `message_templates_unavailable`,
    `message_not_reproducible`; 410 `subject_erased` once the debtor's data was erased."""
    message = message_of(str(decision_id))
    return jsonify(_message_document(str(decision_id), message))


@bp.get("/decisions/<uuid:decision_id>/message.pdf")
@requires(*MESSAGE_READERS)
@operation(summary="A decision's letter as tagged PDF/A-3a, with its text embedded (message.txt)",
           responses={200: None}, media_type="application/pdf")
def get_message_pdf(decision_id: Any) -> Response:
    """The letter, laid out for a windowed envelope, from exactly the verified text of
    `GET …/message`; 404 `no_letter` when the message is an e-mail or SMS; otherwise the refusals
    of `GET …/message`."""
    message = message_of(str(decision_id))
    if message.channel != "letter":
        raise ApiError(404, "no_letter", f"this decision's message is an {message.channel}, not a letter")
    from .api_reports import pdf_response  # not at import: service.api imports this module, api_reports imports it

    pdf = render_message_pdf(message, decision_id=str(decision_id), created=parse_rfc3339(message.sent_at))
    return pdf_response(pdf, f"message-{decision_id}.pdf")
