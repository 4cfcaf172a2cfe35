"""A real ``fairdun serve`` (gunicorn) on loopback for the HTTP benchmarks, with one API key."""

from __future__ import annotations

import http.client
import os
import socket
import subprocess
import sys
import tempfile
import time
from collections.abc import Iterator
from contextlib import contextmanager, suppress
from dataclasses import dataclass

import psutil

FAIRDUN = [sys.executable, "-m", "service.cli"]


@dataclass(frozen=True)
class Server:
    port: int
    key: str
    pid: int                # gunicorn's master; its workers are its children
    env: dict[str, str]     # the installation's environment, for other commands on the same database
    folder: str             # the instance folder, also a place for the bench's files

    @property
    def decisions_url(self) -> str:
        return f"http://127.0.0.1:{self.port}/v1/decisions"


@contextmanager
def serving(database_url: str | None = None, *, workers: int = 2, threads: int = 4) -> Iterator[Server]:
    """``fairdun serve`` with ``workers`` x ``threads`` on a fresh instance (its own SQLite
    file unless ``database_url``), healthy when yielded, stopped after."""
    with tempfile.TemporaryDirectory(prefix="fairdun-bench-") as folder:
        # One key sends every request: a limit it never reaches, so the count (one write per
        # request) is still measured but no request is refused.
        env = {**os.environ, "FAIRDUN_INSTANCE_PATH": folder, "FAIRDUN_LOG_LEVEL": "WARNING",
               "FAIRDUN_API_RATE_LIMIT": "1000000/minute"}
        if database_url:
            env["FAIRDUN_DATABASE_URL"] = database_url
        created = subprocess.run([*FAIRDUN, "api-key", "create", "--name", "bench", "--role", "ar_system"],
                                 env=env, capture_output=True, text=True, check=True)
        key = created.stdout.strip().splitlines()[-1]
        port = _free_port()
        server = subprocess.Popen([*FAIRDUN, "serve", "--port", str(port), "--workers", str(workers),
                                   "--threads", str(threads)],
                                  env=env, stdout=subprocess.DEVNULL, stderr=subprocess.DEVNULL)
        try:
            _wait_healthy(port)
            yield Server(port=port, key=key, pid=server.pid, env=env, folder=folder)
        finally:
            _stop(server)


def _stop(server: subprocess.Popen[bytes]) -> None:
    """Graceful stop; gunicorn waits for requests in flight, which after a saturated step may
    outlast its grace period: then the master and its workers are killed."""
    workers = psutil.Process(server.pid).children(recursive=True)
    server.terminate()
    try:
        server.wait(timeout=40)
    except subprocess.TimeoutExpired:
        for process in [*workers, psutil.Process(server.pid)]:
            with suppress(psutil.NoSuchProcess):
                process.kill()
        server.wait(timeout=10)


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


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
