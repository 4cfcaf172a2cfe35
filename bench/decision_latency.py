"""Single-decision latency: in-process (the Decider, as the API calls it) and over
HTTP against ``fairdun serve`` (gunicorn) on loopback."""

from __future__ import annotations

import http.client
import json
import os
import socket
import subprocess
import sys
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

from decisions.portfolio import generate_portfolio

from ._common import percentiles

AS_OF = datetime(2026, 11, 22, 9, tzinfo=UTC)


def requests(n: int, seed: int) -> list[dict[str, Any]]:
    return list(generate_portfolio(n, seed=seed, as_of=AS_OF))


def in_process(n: int = 2000, warmup: int = 200) -> dict[str, float]:
    from service.cli import open_app
    from service.schemas import DecisionRequestSchema

    schema = DecisionRequestSchema()
    with tempfile.TemporaryDirectory(prefix="fairdun-bench-") as folder:
        app = open_app({"INSTANCE_PATH": folder, "LOG_LEVEL": "WARNING"})
        decider = app.extensions["fairdun"].decider
        samples = []
        for index, body in enumerate(requests(n + warmup, seed=101)):
            started = time.perf_counter()
            decider.decide(schema.load(body), body)
            if index >= warmup:
                samples.append(time.perf_counter() - started)
        app.extensions["fairdun"].db.dispose()
    return percentiles(samples)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def over_http(n: int = 2000, warmup: int = 200) -> dict[str, float]:
    fairdun = [sys.executable, "-m", "service.cli"]
    with tempfile.TemporaryDirectory(prefix="fairdun-bench-") as folder:
        # One key sends every request as fast as it can: a limit it never reaches, so the count
        # (one write per request) is still measured but no request is refused.
        env = {**os.environ, "FAIRDUN_INSTANCE_PATH": folder, "FAIRDUN_LOG_LEVEL": "WARNING",
               "FAIRDUN_API_RATE_LIMIT": "1000000/minute"}
        created = subprocess.run([*fairdun, "api-key", "create", "--name", "bench", "--role", "ar_system"],
                                 env=env, capture_output=True, text=True, check=True)
        key = created.stdout.strip().splitlines()[-1]
        port = _free_port()
        server = subprocess.Popen([*fairdun, "serve", "--port", str(port), "--workers", "2", "--threads", "4"],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_healthy(port)
            connection = http.client.HTTPConnection("127.0.0.1", port)
            headers = {"Authorization": f"Bearer {key}", "Content-Type": "application/json"}
            samples = []
            for index, body in enumerate(requests(n + warmup, seed=202)):
                payload = json.dumps(body)
                started = time.perf_counter()
                connection.request("POST", "/v1/decisions", body=payload, headers=headers)
                response = connection.getresponse()
                response.read()
                elapsed = time.perf_counter() - started
                if response.status != 201:
                    raise RuntimeError(f"unexpected status {response.status}")
                if index >= warmup:
                    samples.append(elapsed)
            connection.close()
        finally:
            server.terminate()
            server.wait(timeout=30)
    return percentiles(samples)


def _wait_healthy(port: int, timeout: float = 60.0) -> None:
    deadline = time.monotonic() + timeout
    while time.monotonic() < deadline:
        try:
            connection = http.client.HTTPConnection("127.0.0.1", port, timeout=2)
            connection.request("GET", "/health")
            if connection.getresponse().status == 200:
                return
        except OSError:
            pass
        time.sleep(0.1)
    raise RuntimeError("the server did not become healthy")


if __name__ == "__main__":
    print(json.dumps({"in_process": in_process(), "http": over_http()}, indent=2))
