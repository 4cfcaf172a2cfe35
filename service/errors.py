"""One error path: every failure leaves as a JSON body
``{"error": {"status", "code", "message", "fields"?, "request_id"}}``. Handlers are registered
by exception class; views raise, they never build error responses."""

from __future__ import annotations

import logging
from typing import Any

from flask import Flask, current_app, jsonify, make_response
from marshmallow import ValidationError
from werkzeug.exceptions import HTTPException

from decisions.errors import Conflict, IdempotencyConflict, InvalidInput, NotFound, StorageUnavailable
from reports.letter import SubjectErased

from .schemas.document import DocumentError, MalformedDocument

__all__ = ["ApiError", "init_app", "flatten_messages", "error_response"]

log = logging.getLogger(__name__)


class ApiError(Exception):
    def __init__(self, status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> None:
        super().__init__(message)
        self.status = status
        self.code = code
        self.message = message
        self.fields = fields


def flatten_messages(messages: Any, prefix: str = "") -> dict[str, list[str]]:
    """marshmallow's nested messages as ``{"debtor.timezone": ["…"], "history.dunning.0.at": […]}``."""
    if isinstance(messages, dict):
        flat: dict[str, list[str]] = {}
        for key, value in messages.items():
            name = f"{prefix}.{key}" if prefix else str(key)
            if key == "_schema":
                name = prefix or "_body"
            for field, texts in flatten_messages(value, name).items():
                flat.setdefault(field, []).extend(texts)
        return flat
    if isinstance(messages, list) and all(isinstance(m, str) for m in messages):
        return {prefix or "_body": list(messages)}
    if isinstance(messages, list):
        flat = {}
        for value in messages:
            for field, texts in flatten_messages(value, prefix).items():
                flat.setdefault(field, []).extend(texts)
        return flat
    return {prefix or "_body": [str(messages)]}


def error_response(status: int, code: str, message: str, fields: dict[str, list[str]] | None = None) -> Any:
    """The error as ``{"error": {…}}``; the server-rendered surfaces (``service.web``) may answer
    it as an HTML page with the same status and code instead."""
    page = current_app.extensions.get("fairdun.error_page")
    if page is not None:
        rendered = page(status, code, message, fields)
        if rendered is not None:
            return rendered
    from .edge import request_id  # edge imports this module

    error: dict[str, Any] = {"status": status, "code": code, "message": message}
    if fields:
        error["fields"] = fields
    error["request_id"] = request_id()
    response = jsonify({"error": error})
    response.status_code = status
    return response


def init_app(app: Flask) -> None:
    @app.errorhandler(ApiError)
    def _api_error(exc: ApiError) -> Any:
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    @app.errorhandler(ValidationError)
    def _validation(exc: ValidationError) -> Any:
        return error_response(422, "validation_error", "the request is not valid", flatten_messages(exc.messages))

    @app.errorhandler(InvalidInput)
    def _invalid(exc: InvalidInput) -> Any:
        fields = {exc.field: [str(exc)]} if exc.field else None
        return error_response(422, exc.code, str(exc), fields)

    @app.errorhandler(NotFound)
    def _not_found(exc: NotFound) -> Any:
        return error_response(404, exc.code, str(exc))

    @app.errorhandler(Conflict)
    def _state_conflict(exc: Conflict) -> Any:
        return error_response(409, exc.code, str(exc))

    @app.errorhandler(IdempotencyConflict)
    def _conflict(exc: IdempotencyConflict) -> Any:
        return error_response(409, exc.code, str(exc))

    @app.errorhandler(SubjectErased)
    def _erased(exc: SubjectErased) -> Any:
        return error_response(410, exc.code, str(exc))

    @app.errorhandler(StorageUnavailable)
    def _unavailable(exc: StorageUnavailable) -> Any:
        response = error_response(503, exc.code, str(exc))
        response.headers["Retry-After"] = "5"
        return response

    @app.errorhandler(DocumentError)
    def _document(exc: DocumentError) -> Any:
        return error_response(exc.status, exc.code, exc.message, exc.fields)

    @app.errorhandler(MalformedDocument)
    def _malformed(exc: MalformedDocument) -> Any:
        return error_response(400, "malformed_json", str(exc))

    @app.errorhandler(HTTPException)
    def _http(exc: HTTPException) -> Any:
        code = (exc.name or "error").lower().replace(" ", "_")
        response = make_response(error_response(exc.code or 500, code, exc.description or exc.name))
        # The exception's own headers belong to the answer: Allow (405, RFC 9110 §15.5.6),
        # WWW-Authenticate (401), Retry-After (429, 503), Content-Range (416). Not its HTML type.
        for name, value in exc.get_headers():
            if name.lower() not in ("content-type", "content-length"):
                response.headers.add(name, value)
        return response

    @app.errorhandler(Exception)
    def _unexpected(exc: Exception) -> Any:
        log.exception("unhandled %s", type(exc).__name__)
        return error_response(500, "internal_error", "an unexpected error occurred; nothing is guaranteed to be recorded")
