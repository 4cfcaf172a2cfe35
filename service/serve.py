"""``fairdun serve``: the app under gunicorn (each worker builds its own app).

What gunicorn refuses before the app sees a request (a request line or header fields
beyond its limits, a request that is not HTTP/1.1) is answered by ``JsonErrorWorker`` in
the API's error body, ``{"error": {status, code, message, request_id}}`` with a ``Request-Id``
and the /v1 security headers,
instead of gunicorn's HTML page, and logged without the client's address.
"""

from __future__ import annotations

import json
import uuid
from typing import Any

from gunicorn.app.base import BaseApplication
from gunicorn.http import errors as http_errors
from gunicorn.util import write_nonblock
from gunicorn.workers.gthread import ThreadWorker

from .edge import API_CSP, API_HEADERS

__all__ = ["serve", "gunicorn_options", "JsonErrorWorker", "LIMIT_REQUEST_LINE", "LIMIT_REQUEST_FIELDS",
           "LIMIT_REQUEST_FIELD_SIZE"]

# gunicorn's own limits, stated rather than inherited. A /v1 URL is short (a debtor reference
# is at most 100 characters) and a request carries a few headers (Authorization, Content-Type,
# Idempotency-Key): these are gunicorn's defaults, and gunicorn's ceiling for the line is 8190.
LIMIT_REQUEST_LINE = 4094          # bytes of "METHOD /path?query HTTP/1.1"; beyond: 414
LIMIT_REQUEST_FIELDS = 100         # header fields; beyond: 431
LIMIT_REQUEST_FIELD_SIZE = 8190    # bytes of one header field; beyond: 431

_HEADERS = "".join(f"{name}: {value}\r\n" for name, value in {**API_HEADERS, "Content-Security-Policy": API_CSP}.items())
_NOT_HTTP = (http_errors.InvalidRequestLine, http_errors.InvalidRequestMethod, http_errors.InvalidHTTPVersion,
             http_errors.InvalidHeader, http_errors.InvalidHeaderName, http_errors.ObsoleteFolding,
             http_errors.InvalidChunkSize, http_errors.ChunkMissingTerminator, http_errors.InvalidChunkExtension)
_APPLICATION_FAULT = (http_errors.InvalidResponseHeader, http_errors.InvalidResponseHeaderName)


class JsonErrorWorker(ThreadWorker):
    """gunicorn's threaded worker, answering its own refusals as the API does."""

    def handle_error(self, req: Any, client: Any, addr: Any, exc: BaseException) -> None:
        refusal = self._refusal(exc)
        if refusal is None:                      # the app's fault or something else: gunicorn's answer
            super().handle_error(req, client, addr, exc)
            return
        status, reason, code, message = refusal
        self.log.warning("refused a request before the app: %s %s", status, code)   # no client address
        request_id = str(uuid.uuid4())   # the request was not read: the client's Request-Id is unknown
        body = json.dumps({"error": {"status": status, "code": code, "message": message,
                                     "request_id": request_id}}).encode("ascii")
        head = (f"HTTP/1.1 {status} {reason}\r\nConnection: close\r\nContent-Type: application/json\r\n"
                f"Content-Length: {len(body)}\r\nRequest-Id: {request_id}\r\n{_HEADERS}\r\n")
        try:
            write_nonblock(client, head.encode("ascii") + body)
        except OSError:
            self.log.debug("the client went before the refusal was sent")

    def _refusal(self, exc: BaseException) -> tuple[int, str, str, str] | None:
        if isinstance(exc, _APPLICATION_FAULT):
            return None
        if isinstance(exc, http_errors.LimitRequestLine):
            return (414, "URI Too Long", "request_uri_too_large",
                    f"the request line is longer than {self.cfg.limit_request_line} bytes")
        if isinstance(exc, http_errors.LimitRequestHeaders):
            return (431, "Request Header Fields Too Large", "request_header_fields_too_large",
                    f"at most {self.cfg.limit_request_fields} header fields of at most "
                    f"{self.cfg.limit_request_field_size} bytes each")
        if isinstance(exc, _NOT_HTTP):
            return 400, "Bad Request", "bad_request", f"the request is not valid HTTP/1.1 ({type(exc).__name__})"
        return None


def gunicorn_options(*, host: str, port: int, workers: int, threads: int) -> dict[str, Any]:
    # No access log: URLs of the data-subject endpoints carry the debtor's reference.
    return {"bind": f"{host}:{port}", "workers": workers, "threads": threads,
            "worker_class": f"{__name__}.JsonErrorWorker", "accesslog": None, "timeout": 120,
            "limit_request_line": LIMIT_REQUEST_LINE, "limit_request_fields": LIMIT_REQUEST_FIELDS,
            "limit_request_field_size": LIMIT_REQUEST_FIELD_SIZE,
            # fairdun does not use gunicorn's control socket; left on, every instance a user runs
            # would share one path (~/.gunicorn/gunicorn.ctl) and the second would take it over
            "control_socket_disable": True}


class _Gunicorn(BaseApplication):
    def __init__(self, options: dict[str, Any]) -> None:
        self._options = options
        super().__init__()

    def load_config(self) -> None:
        for key, value in self._options.items():
            self.cfg.set(key, value)

    def load(self) -> Any:
        from .app import create_app
        from .cli_policy import record_activation_at_start
        from .webhooks import start_dispatcher

        app = create_app()
        record_activation_at_start(app)
        start_dispatcher(app)   # webhooks: a dispatcher thread per worker (unless FAIRDUN_WEBHOOK_DISPATCH=false)
        return app


def serve(*, host: str, port: int, workers: int, threads: int) -> None:
    _Gunicorn(gunicorn_options(host=host, port=port, workers=workers, threads=threads)).run()
