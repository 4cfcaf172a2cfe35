"""What every request and every ``/v1`` response passes through, whatever the route.

- **One JSON loader.** The app's request class reads every body with
  ``schemas.document.load_json`` (``request.get_json()``, ``request.json`` and the views'
  ``json_body()`` all land there): duplicate names are a 400, lone surrogates a 422 naming
  the field, anything that is not JSON a 400 ``malformed_json``, another content type a 415.
  A new route cannot read a body any other way but by the raw bytes.
- **UTF-8 URLs on /v1.** A path or query parameter whose percent-decoded bytes are not
  UTF-8 (``%ED%A0%80`` is a surrogate's encoding) is refused (422 naming the parameter)
  before any view sees the replacement characters Werkzeug decodes it to.
- **Headers of every /v1 response**, errors included: nothing is cached (the access export
  carries a debtor's name and address), nothing is sniffed, framed or sent a referrer, and a
  Content-Security-Policy that lets a JSON or PDF answer load nothing; the human-readable
  API page (``/v1/docs``) may load its own stylesheet and nothing else.

- **A Request-Id on every response**, whatever the surface and whatever went wrong (404, 405,
  a refused URL, an error page), and ``request_id`` in every error body (``service.errors``):
  the client's own ``Request-Id`` when it is well formed (1 to 128 characters of
  ``A-Z a-z 0-9 . _ : -``), otherwise a new one from the app's id source. It is the one thing
  that ties a client's report to the access log line, which names the route's pattern
  (``/v1/subjects/<path:ref>/access``, never the debtor's reference), the status, the time
  taken, the API key's id and the request id; nothing personal.

What gunicorn itself refuses before the app sees a request (request line or headers too
long) is answered in the same JSON by ``service.serve``'s worker.
"""

from __future__ import annotations

import logging
import re
import time
from typing import Any, NoReturn
from urllib.parse import unquote_to_bytes, urlsplit

from flask import Flask, Request, Response, current_app, g, json, request

from .errors import ApiError
from .schemas.document import MalformedDocument, load_json

__all__ = ["init_app", "ApiRequest", "API_HEADERS", "API_CSP", "PAGE_CSP", "on_api", "request_id",
           "REQUEST_ID_HEADER", "REQUEST_ID_PATTERN"]

access_log = logging.getLogger("fairdun.access")

REQUEST_ID_HEADER = "Request-Id"
REQUEST_ID_PATTERN = r"[A-Za-z0-9._:-]{1,128}"
_REQUEST_ID = re.compile(REQUEST_ID_PATTERN)

API_HEADERS = {
    "Cache-Control": "no-store",            # RFC 9111 §5.2.2.5: personal data is never stored by a cache
    "X-Content-Type-Options": "nosniff",
    "X-Frame-Options": "DENY",
    "Referrer-Policy": "no-referrer",
}
API_CSP = "default-src 'none'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
PAGE_CSP = "default-src 'none'; style-src 'self'; frame-ancestors 'none'; base-uri 'none'; form-action 'none'"
NOT_UTF8 = "Must be UTF-8 once percent-decoded (a lone surrogate or a broken byte sequence is not)."


class _StrictJson:
    """The ``json_module`` of the request class: Werkzeug's ``get_json`` calls ``loads``."""

    loads = staticmethod(load_json)
    dumps = staticmethod(json.dumps)


class ApiRequest(Request):
    @property
    def json_module(self) -> Any:
        return _StrictJson

    @json_module.setter
    def json_module(self, provider: Any) -> None:
        """Flask hands every request the app's JSON provider (``flask.ctx``); a body is read by
        the strict loader all the same. Responses and sessions keep the provider."""

    def on_json_loading_failed(self, e: ValueError | None) -> NoReturn:
        if e is None:
            raise ApiError(415, "unsupported_media_type", "send the body as application/json")
        raise ApiError(400, "malformed_json", str(e) if isinstance(e, MalformedDocument) else "the body is not JSON")


def init_app(app: Flask) -> None:
    app.request_class = ApiRequest
    app.before_request(_start)
    app.before_request(_check_url)
    app.after_request(_api_headers)
    app.after_request(_request_id_and_log)


def request_id() -> str:
    """This request's id: the client's well-formed ``Request-Id``, or a new one (made once)."""
    current = g.get("request_id")
    if current is None:
        sent = request.headers.get(REQUEST_ID_HEADER)
        current = sent if sent is not None and _REQUEST_ID.fullmatch(sent) else _new_id()
        g.request_id = current
    return str(current)


def _new_id() -> str:
    runtime = current_app.extensions.get("fairdun")
    return str(runtime.new_id()) if runtime is not None else ""


def _start() -> None:
    g.started = time.monotonic()
    request_id()


def _request_id_and_log(response: Response) -> Response:
    rid = request_id()
    if rid:
        response.headers[REQUEST_ID_HEADER] = rid
    rule = request.url_rule.rule if request.url_rule is not None else "-"   # the pattern, never the path
    key = g.get("api_key")
    took = (time.monotonic() - g.started) * 1000 if "started" in g else 0.0
    access_log.info("%s %s %s %.1fms key=%s request_id=%s", request.method, rule, response.status_code, took,
                    key.key_id if key is not None else "-", rid)
    return response


def on_api() -> bool:
    return request.path == "/v1" or request.path.startswith("/v1/")


def _utf8(raw: bytes) -> bool:
    try:
        raw.decode("utf-8")
    except UnicodeDecodeError:
        return False
    return True


def _raw_path() -> bytes | None:
    """The path as the client sent it, percent-decoded to bytes (None if unreadable)."""
    environ = request.environ
    uri = environ.get("RAW_URI") or environ.get("REQUEST_URI")
    if uri:
        return unquote_to_bytes(urlsplit(uri).path)
    try:
        return str(environ.get("PATH_INFO", "")).encode("latin-1")   # PEP 3333: bytes as latin-1
    except UnicodeEncodeError:
        return None


def _check_url() -> None:
    if not on_api():
        return
    fields: dict[str, list[str]] = {}
    path = _raw_path()
    if path is None or not _utf8(path):
        names = [name for name, value in (request.view_args or {}).items() if "\ufffd" in str(value)]
        fields.update({name: [NOT_UTF8] for name in names or ["_path"]})
    for part in str(request.environ.get("QUERY_STRING", "")).split("&"):
        name, _, value = part.partition("=")
        raw_name, raw_value = (unquote_to_bytes(p.replace("+", " ")) for p in (name, value))
        if not (_utf8(raw_name) and _utf8(raw_value)):
            fields[raw_name.decode("utf-8", "replace") or "_query"] = [NOT_UTF8]
    if fields:
        raise ApiError(422, "validation_error", "the request is not valid", fields)


def _api_headers(response: Response) -> Response:
    if on_api():
        response.headers.update(API_HEADERS)
        response.headers["Content-Security-Policy"] = PAGE_CSP if response.mimetype == "text/html" else API_CSP
    return response
