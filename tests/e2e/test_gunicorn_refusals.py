"""What gunicorn refuses before the app sees a request (issue 13: a 414 and a 431 came back as
HTML) is answered in the API's JSON error body by the worker ``fairdun serve`` runs. A real
gunicorn, with ``service.serve.gunicorn_options``, serves a socket this test opened and
listens on already, so a request waits in the backlog until a worker takes it: nothing
polls for the server to come up."""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest

from service.edge import API_CSP, API_HEADERS
from service.serve import LIMIT_REQUEST_FIELD_SIZE, LIMIT_REQUEST_FIELDS, LIMIT_REQUEST_LINE

ROOT = Path(__file__).resolve().parents[2]
SERVER = textwrap.dedent("""
    import sys
    from gunicorn.app.base import BaseApplication
    from service.serve import gunicorn_options

    def app(environ, start_response):
        start_response("204 No Content", [])
        return [b""]

    class Server(BaseApplication):
        def load_config(self):
            options = gunicorn_options(host="127.0.0.1", port=0, workers=1, threads=2)
            options.update(bind="fd://" + sys.argv[1], control_socket_disable=True)
            for key, value in options.items():
                self.cfg.set(key, value)

        def load(self):
            return app

    Server().run()
""")


@pytest.fixture(scope="module")
def server(tmp_path_factory: pytest.TempPathFactory) -> Iterator[tuple[tuple[str, int], Path]]:
    log = tmp_path_factory.mktemp("gunicorn") / "stderr.log"
    listener = socket.create_server(("127.0.0.1", 0))
    with log.open("wb") as stderr:
        process = subprocess.Popen([sys.executable, "-c", SERVER, str(listener.fileno())],
                                   pass_fds=[listener.fileno()], cwd=ROOT, stdout=subprocess.DEVNULL, stderr=stderr,
                                   env={**os.environ, "PYTHONPATH": str(ROOT)})
        try:
            yield listener.getsockname()[:2], log
        finally:
            process.terminate()
            process.wait(timeout=60)
            listener.close()


def _exchange(address: tuple[str, int], request: bytes) -> tuple[int, dict[str, str], bytes]:
    with socket.create_connection(address, timeout=60) as connection:
        connection.sendall(request)
        received = b""
        while chunk := connection.recv(65536):
            received += chunk
    head, _, body = received.partition(b"\r\n\r\n")
    status_line, *lines = head.decode("latin-1").split("\r\n")
    headers = {name.strip().lower(): value.strip() for name, _, value in (line.partition(":") for line in lines)}
    return int(status_line.split()[1]), headers, body


def _assert_json_refusal(answer: tuple[int, dict[str, str], bytes], status: int, code: str) -> dict[str, Any]:
    got, headers, body = answer
    assert got == status, (got, body[:300])
    assert headers["content-type"] == "application/json", body[:300]
    for name, value in {**API_HEADERS, "Content-Security-Policy": API_CSP}.items():
        assert headers[name.lower()] == value
    error = json.loads(body)["error"]
    assert (error["status"], error["code"]) == (status, code) and error["message"]
    return error


def test_a_request_within_the_limits_reaches_the_app(server: Any) -> None:
    address, _ = server
    status, _, _ = _exchange(address, b"GET /v1/health HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")
    assert status == 204


def test_an_over_long_request_line_is_a_json_414(server: Any) -> None:
    address, _ = server
    target = b"/v1/subjects/" + b"a" * LIMIT_REQUEST_LINE
    error = _assert_json_refusal(_exchange(address, b"GET " + target + b" HTTP/1.1\r\nHost: x\r\n\r\n"), 414,
                                 "request_uri_too_large")
    assert str(LIMIT_REQUEST_LINE) in error["message"]


def test_too_many_or_too_long_header_fields_are_a_json_431(server: Any) -> None:
    address, _ = server
    many = b"".join(b"X-Field-%d: 1\r\n" % n for n in range(LIMIT_REQUEST_FIELDS + 1))
    _assert_json_refusal(_exchange(address, b"GET /v1/reviews HTTP/1.1\r\nHost: x\r\n" + many + b"\r\n"), 431,
                         "request_header_fields_too_large")
    secret = b"Bearer fd_" + b"s" * LIMIT_REQUEST_FIELD_SIZE
    _assert_json_refusal(_exchange(address, b"GET /v1/reviews HTTP/1.1\r\nHost: x\r\nAuthorization: " + secret +
                                   b"\r\n\r\n"), 431, "request_header_fields_too_large")


def test_a_request_that_is_not_http_is_a_json_400(server: Any) -> None:
    address, _ = server
    _assert_json_refusal(_exchange(address, b"NOT HTTP AT ALL\r\n\r\n"), 400, "bad_request")
    _assert_json_refusal(_exchange(address, b"GET /v1/reviews HTTP/1.1\r\nHost: x\r\nBad Name: 1\r\n\r\n"), 400,
                         "bad_request")


def test_the_refusals_are_logged_without_the_client_or_what_it_sent(server: Any) -> None:
    address, log = server
    _exchange(address, b"GET /v1/subjects/" + b"C-10023" * 1000 + b" HTTP/1.1\r\n\r\n")
    _exchange(address, b"GET / HTTP/1.1\r\nHost: x\r\nConnection: close\r\n\r\n")   # served after the refusal
    written = log.read_text("utf-8", "replace")
    assert "refused a request before the app: 414" in written
    assert "Invalid request from ip" not in written and "C-10023" not in written and "fd_sss" not in written
