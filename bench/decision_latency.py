"""Single-decision latency: in-process (the Decider, as the API calls it) and over
HTTP against ``fairdun serve`` (gunicorn) on loopback."""

from __future__ import annotations

import http.client
import json
import tempfile
import time
from datetime import UTC, datetime
from typing import Any

from decisions.portfolio import generate_portfolio

from ._common import percentiles
from ._server import serving

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


def over_http(n: int = 2000, warmup: int = 200) -> dict[str, float]:
    with serving() as server:
        connection = http.client.HTTPConnection("127.0.0.1", server.port)
        headers = {"Authorization": f"Bearer {server.key}", "Content-Type": "application/json"}
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
    return percentiles(samples)


if __name__ == "__main__":
    print(json.dumps({"in_process": in_process(), "http": over_http()}, indent=2))
