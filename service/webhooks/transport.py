"""The HTTP client of webhook deliveries: one POST to the address the URL policy checked.

Python's ``http.client``, because it does exactly what a webhook sender must and nothing else:
it follows no redirect (a 3xx is an answer like any other, and a failure), reads no proxy from
the environment, and lets the connection go to the checked address while the ``Host`` header and
TLS (server name and certificate check, against the system's trust store) use the host name.
Timeouts are short: 5 seconds to connect and 5 for each read by default
(``FAIRDUN_WEBHOOK_TIMEOUT``). Of the answer only the status code is kept; at most
``MAX_ANSWER`` bytes of its body are read, and dropped.

``Transport`` is what the dispatcher calls: tests may hand it another, though the suite delivers
to a real receiver on loopback.
"""

from __future__ import annotations

import http.client
import socket
import ssl
from collections.abc import Mapping
from typing import Protocol

from .urls import Target

__all__ = ["Transport", "HttpTransport", "DeliveryFailed", "USER_AGENT", "MAX_ANSWER"]

USER_AGENT = "fairdun-webhooks/1"
MAX_ANSWER = 64 * 1024


class DeliveryFailed(Exception):
    """No answer came: ``code`` is ``timeout``, ``connection_failed``, ``tls_error`` or ``bad_response``."""

    def __init__(self, code: str) -> None:
        super().__init__(code)
        self.code = code


class Transport(Protocol):
    def post(self, target: Target, body: bytes, headers: Mapping[str, str]) -> int:
        """POST ``body`` and return the answer's status code, or raise ``DeliveryFailed``."""


class _PinnedHTTPConnection(http.client.HTTPConnection):
    def __init__(self, target: Target, timeout: float) -> None:
        super().__init__(target.host, target.port, timeout=timeout)
        self._address = target.address

    def connect(self) -> None:
        self.sock = socket.create_connection((self._address, self.port), self.timeout)
        self.sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)


class _PinnedHTTPSConnection(http.client.HTTPSConnection):
    def __init__(self, target: Target, timeout: float, context: ssl.SSLContext) -> None:
        super().__init__(target.host, target.port, timeout=timeout, context=context)
        self._address = target.address
        self._tls = context

    def connect(self) -> None:
        sock = socket.create_connection((self._address, self.port), self.timeout)
        sock.setsockopt(socket.IPPROTO_TCP, socket.TCP_NODELAY, 1)
        self.sock = self._tls.wrap_socket(sock, server_hostname=self.host)


class HttpTransport:
    def __init__(self, *, timeout: float = 5.0, context: ssl.SSLContext | None = None) -> None:
        self._timeout = timeout
        self._context = context or ssl.create_default_context()

    def post(self, target: Target, body: bytes, headers: Mapping[str, str]) -> int:
        connection: http.client.HTTPConnection
        if target.scheme == "https":
            connection = _PinnedHTTPSConnection(target, self._timeout, self._context)
        else:
            connection = _PinnedHTTPConnection(target, self._timeout)
        try:
            connection.request("POST", target.path, body=body, headers={
                **headers, "Content-Type": "application/json", "User-Agent": USER_AGENT})
            answer = connection.getresponse()
            answer.read(MAX_ANSWER)
            return answer.status
        except TimeoutError as exc:
            raise DeliveryFailed("timeout") from exc
        except ssl.SSLError as exc:
            raise DeliveryFailed("tls_error") from exc
        except http.client.HTTPException as exc:
            raise DeliveryFailed("bad_response") from exc
        except OSError as exc:
            raise DeliveryFailed("connection_failed") from exc
        finally:
            connection.close()
