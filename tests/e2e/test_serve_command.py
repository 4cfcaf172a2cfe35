"""``fairdun serve`` as an operator starts it: the command checks the policy gate before gunicorn
forks its workers, and the workers then decide. (The check starts OPA's Go runtime; done in the
process that forks, the workers hung on their first evaluation and /health never answered.)"""

from __future__ import annotations

import json
import os
import socket
import subprocess
import sys
import time
import urllib.error
import urllib.request
from pathlib import Path
from typing import Any

ROOT = Path(__file__).resolve().parents[2]
CLI = [sys.executable, "-m", "service.cli"]


def _free_port() -> int:
    with socket.create_server(("127.0.0.1", 0)) as probe:
        return int(probe.getsockname()[1])


def _get(url: str, headers: dict[str, str] | None = None, body: Any = None) -> tuple[int, Any]:
    data = json.dumps(body).encode() if body is not None else None
    request = urllib.request.Request(url, data=data, headers={**(headers or {}), "Content-Type": "application/json"})
    try:
        with urllib.request.urlopen(request, timeout=30) as response:
            return response.status, json.loads(response.read())
    except urllib.error.HTTPError as exc:
        return exc.code, json.loads(exc.read())


def test_the_served_workers_answer_health_and_decide(tmp_path: Path, example_request: dict[str, Any]) -> None:
    env = {**os.environ, "FAIRDUN_INSTANCE_PATH": str(tmp_path / "instance")}
    env.pop("FAIRDUN_DATABASE_URL", None)   # the embedded default
    created = subprocess.run([*CLI, "api-key", "create", "--name", "serve-test", "--role", "ar_system"],
                             cwd=ROOT, env=env, capture_output=True, text=True, timeout=300, check=True)
    key = next(word for word in created.stdout.split() if word.startswith("fd_"))
    port = _free_port()
    server = subprocess.Popen([*CLI, "serve", "--port", str(port), "--workers", "2", "--threads", "2"], cwd=ROOT,
                              env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL, start_new_session=True)
    try:
        base = f"http://127.0.0.1:{port}"
        deadline = time.monotonic() + 240   # readiness, not timing: the check runs the Rego suite first
        status = None
        while time.monotonic() < deadline and server.poll() is None:
            try:
                status, health = _get(f"{base}/health")
                break
            except (urllib.error.URLError, ConnectionError, TimeoutError):
                time.sleep(0.5)
        assert status == 200, (status, server.poll())
        assert health["policy"]["engine"] == "opa-embedded"
        answers = [_get(f"{base}/v1/decisions", {"Authorization": f"Bearer {key}"},
                        {**example_request, "invoice": {**example_request["invoice"], "ref": f"INV-S{n}"}})
                   for n in range(4)]
        assert [code for code, _ in answers] == [201] * 4, answers
        assert all(document["status"] in ("decided", "needs_review") for _, document in answers)
    finally:
        os.killpg(server.pid, 15)
        server.wait(timeout=60)
