"""A webhook receiver on loopback, the app served on loopback, and signature checks with the
Standard Webhooks library: what the webhook and feed tests share."""

from __future__ import annotations

import json
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from typing import Any

from standardwebhooks import Webhook
from werkzeug.serving import make_server

__all__ = ["Received", "Receiver", "serve", "signed_by", "PERSONAL"]

# Everything personal the tests send (the example request, statements, rationales): no payload
# may carry any of it.
PERSONAL = ("C-10023", "INV-42", "Erika", "Mustermann", "erika@example.invalid", "+49 30 23125 000", "Musterstraße",
            "10115 Berlin", "please look again", "the fee was never owed", "wrong amount")


@dataclass(frozen=True)
class Received:
    path: str
    headers: dict[str, str]      # names in lower case
    body: bytes

    @property
    def payload(self) -> dict[str, Any]:
        return json.loads(self.body)


class Receiver:
    """Records every POST; answers with the statuses queued in ``answers`` (then 200). A status
    of 3xx comes with a ``Location`` on this receiver (which must never be requested); ``hold``
    makes it not answer until ``release`` (for timeouts)."""

    def __init__(self) -> None:
        self.received: list[Received] = []
        self.answers: list[int] = []
        self.got = threading.Event()
        self._held = threading.Event()
        self._hold = False
        self._lock = threading.Lock()
        receiver = self

        class Handler(BaseHTTPRequestHandler):
            def do_POST(self) -> None:
                body = self.rfile.read(int(self.headers.get("Content-Length") or 0))
                with receiver._lock:
                    receiver.received.append(Received(self.path, {k.lower(): v for k, v in self.headers.items()},
                                                      body))
                    status = receiver.answers.pop(0) if receiver.answers else 200
                    hold = receiver._hold
                receiver.got.set()
                if hold:
                    receiver._held.wait(60)
                self.send_response(status)
                if 300 <= status < 400:
                    self.send_header("Location", "/elsewhere")
                self.send_header("Content-Length", "2")
                self.end_headers()
                self.wfile.write(b"ok")

            def log_message(self, *args: Any) -> None:
                pass

        self._server = ThreadingHTTPServer(("127.0.0.1", 0), Handler)
        self._server.daemon_threads = True
        self._thread = threading.Thread(target=self._server.serve_forever, daemon=True)

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self._server.server_port}/hooks/fairdun"

    def hold(self) -> None:
        self._hold = True

    def release(self) -> None:
        self._held.set()

    def payloads(self) -> list[dict[str, Any]]:
        return [r.payload for r in self.received]

    def __enter__(self) -> Receiver:
        self._thread.start()
        return self

    def __exit__(self, *exc: object) -> None:
        self.release()
        self._server.shutdown()
        self._server.server_close()
        self._thread.join()


@contextmanager
def serve(app: Any) -> Iterator[str]:
    """The app served by a real HTTP server on a free loopback port; its base URL."""
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    try:
        yield f"http://127.0.0.1:{server.server_port}"
    finally:
        server.shutdown()
        thread.join()


def signed_by(secret: str, received: Received) -> bool:
    """Whether one of the delivery's signatures is the library's for ``secret``, whatever the time
    (``Webhook.verify`` also refuses a timestamp 5 minutes from the wall clock: the tests that move
    the app's clock by days check the signature this way)."""
    headers = received.headers
    at = datetime.fromtimestamp(int(headers["webhook-timestamp"]), UTC)
    expected = Webhook(secret).sign(headers["webhook-id"], at, received.body)
    return expected in headers["webhook-signature"].split(" ")
