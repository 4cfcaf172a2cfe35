"""A small server on loopback that speaks the part of OPA's REST API fairdun uses, evaluating with
the real OPA (the Go engine of ``opa-golib-python-bindings``, in this process):
``PUT/DELETE/GET /v1/policies/{id}``, ``PUT /v1/data/{path}``, ``POST /v1/data/{path}`` (with
``provenance``), ``GET /health``. Started with an OPA bundle (``.tar.gz``), it serves that bundle
as ``opa run -s -b`` does: its revision in every provenance, its roots closed to the policy API.

It lets the remote engine be tested over real HTTP, against OPA's own semantics, without an OPA
binary (none is packaged here), and it can misbehave on request (drop connections, answer slowly,
answer with an error or with garbage).
"""

from __future__ import annotations

import gzip
import io
import json
import tarfile
import threading
from collections.abc import Iterator
from contextlib import contextmanager
from dataclasses import dataclass, field
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from typing import Any
from urllib.parse import parse_qs, unquote, urlsplit

from decisions.policy._opa_embedded import load_opa_bindings, opa_version

__all__ = ["Faults", "OpaRestServer", "opa_rest_server"]


@dataclass
class Faults:
    """Misbehaviour for the next requests (each counter is consumed one request at a time)."""

    drop_connections: int = 0          # close the socket without an answer
    hold: threading.Event | None = None  # answer only once this event is set (a slow server)
    error_status: int = 0              # answer every data query with this status
    garbage: bool = False              # answer data queries with a non-JSON body


@dataclass
class _State:
    policies: dict[str, str] = field(default_factory=dict)
    data: dict[str, Any] = field(default_factory=dict)
    revision: str | None = None
    roots: tuple[str, ...] = ()
    compiled: Any = None   # an OPA engine with the policies and data, built on first query
    requests: list[tuple[str, str]] = field(default_factory=list)


class OpaRestServer:
    def __init__(self, bundle_tar: Path | None = None) -> None:
        self.state = _State()
        self.faults = Faults()
        self._lock = threading.Lock()
        if bundle_tar is not None:
            self._load_bundle(bundle_tar)
        self._httpd = ThreadingHTTPServer(("127.0.0.1", 0), self._handler())
        self._httpd.daemon_threads = True
        self.url = f"http://127.0.0.1:{self._httpd.server_address[1]}"
        self._thread = threading.Thread(target=self._httpd.serve_forever, daemon=True)

    def start(self) -> None:
        self._thread.start()

    def stop(self) -> None:
        if self.faults.hold is not None:
            self.faults.hold.set()
        self._httpd.shutdown()
        self._httpd.server_close()

    def forget(self) -> None:
        """Lose every uploaded policy and data, as a restarted OPA does."""
        with self._lock:
            self.state.policies.clear()
            self.state.data.clear()
            self.state.compiled = None

    def requests(self, method: str | None = None, prefix: str = "") -> list[tuple[str, str]]:
        return [r for r in self.state.requests if (method is None or r[0] == method) and r[1].startswith(prefix)]

    # --- bundle mode ------------------------------------------------------------------------------

    def _load_bundle(self, path: Path) -> None:
        with tarfile.open(fileobj=io.BytesIO(gzip.decompress(path.read_bytes()))) as tar:
            files = {m.name: tar.extractfile(m).read().decode("utf-8") for m in tar.getmembers() if m.isfile()}
        manifest = json.loads(files.pop(".manifest"))
        self.state.revision = manifest["revision"]
        self.state.roots = tuple(manifest["roots"])
        self.state.data = json.loads(files.pop("data.json"))
        self.state.policies = {f"bundle/{name}": source for name, source in files.items() if name.endswith(".rego")}

    # --- evaluation ---------------------------------------------------------------------------------

    def _engine(self) -> Any:
        with self._lock:
            if self.state.compiled is None:
                engine = load_opa_bindings().OpaEngine()
                for policy_id, source in sorted(self.state.policies.items()):
                    engine.add_policy(policy_id, source)
                engine.add_data(self.state.data)
                self.state.compiled = engine
            return self.state.compiled

    def _evaluate(self, path: str, document: Any) -> tuple[int, dict[str, Any]]:
        opa = load_opa_bindings()
        try:
            value = self._engine().eval_document(path.replace("/", "."), document)
        except opa.OpaUndefinedError:
            return 200, {}
        except opa.OpaError as exc:
            return 500, {"code": "internal_error", "message": f"{exc.code}: {str(exc.message)[:300]}"}
        return 200, {"result": value}

    def _provenance(self) -> dict[str, Any]:
        provenance: dict[str, Any] = {"version": opa_version()}
        if self.state.revision is not None:
            provenance["bundles"] = {"bundle": {"revision": self.state.revision}}
        return provenance

    # --- HTTP ---------------------------------------------------------------------------------------

    def _handler(self) -> type[BaseHTTPRequestHandler]:
        server = self

        class Handler(BaseHTTPRequestHandler):
            protocol_version = "HTTP/1.1"
            # headers and body go out as separate writes: without TCP_NODELAY, Nagle's algorithm
            # and the client's delayed ACK hold every answer for about 40 ms
            disable_nagle_algorithm = True

            def log_message(self, *_: Any) -> None:    # quiet: tests read server.requests
                pass

            def _answer(self, status: int, body: Any = None, raw: bytes | None = None) -> None:
                payload = raw if raw is not None else (b"" if body is None else json.dumps(body).encode())
                self.send_response(status)
                self.send_header("Content-Type", "application/json")
                self.send_header("Content-Length", str(len(payload)))
                self.end_headers()
                self.wfile.write(payload)

            def _body(self) -> bytes:
                return self.rfile.read(int(self.headers.get("Content-Length") or 0))

            def _begin(self) -> tuple[str, dict[str, list[str]]] | None:
                parts = urlsplit(self.path)
                server.state.requests.append((self.command, parts.path))
                if server.faults.drop_connections > 0:
                    server.faults.drop_connections -= 1
                    self.close_connection = True
                    self.connection.close()
                    return None
                if server.faults.hold is not None:
                    server.faults.hold.wait(timeout=30)
                return unquote(parts.path), parse_qs(parts.query, keep_blank_values=True)

            def do_GET(self) -> None:
                begun = self._begin()
                if begun is None:
                    return
                path, _ = begun
                if path == "/health":
                    self._answer(200, {})
                elif path.rstrip("/") == "/v1/policies":
                    self._answer(200, {"result": [{"id": i, "raw": s} for i, s in sorted(server.state.policies.items())]})
                else:
                    self._answer(404, {"code": "resource_not_found", "message": path})

            def do_PUT(self) -> None:
                begun = self._begin()
                if begun is None:
                    return
                path, _ = begun
                body = self._body()
                if path.startswith("/v1/policies/"):
                    policy_id = path.removeprefix("/v1/policies/")
                    source = body.decode("utf-8")
                    if server.state.revision is not None:
                        self._answer(400, {"code": "invalid_parameter",
                                           "message": f"path is owned by bundle (roots {list(server.state.roots)})"})
                        return
                    opa = load_opa_bindings()
                    try:
                        opa.OpaEngine().add_policy(policy_id, source)
                    except opa.OpaError as exc:
                        self._answer(400, {"code": "invalid_parameter", "message": str(exc.message)[:300],
                                           "errors": [{"message": "rego_parse_error"}]})
                        return
                    with server._lock:
                        server.state.policies[policy_id] = source
                        server.state.compiled = None
                    self._answer(200, {})
                elif path.startswith("/v1/data/"):
                    key = path.removeprefix("/v1/data/")
                    with server._lock:
                        server.state.data[key] = json.loads(body)
                        server.state.compiled = None
                    self._answer(204)
                else:
                    self._answer(404, {"code": "resource_not_found", "message": path})

            def do_DELETE(self) -> None:
                begun = self._begin()
                if begun is None:
                    return
                path, _ = begun
                policy_id = path.removeprefix("/v1/policies/")
                with server._lock:
                    found = server.state.policies.pop(policy_id, None)
                    server.state.compiled = None
                self._answer(200 if found is not None else 404, {})

            def do_POST(self) -> None:
                begun = self._begin()
                if begun is None:
                    return
                path, query = begun
                body = self._body()
                if not path.startswith("/v1/data/"):
                    self._answer(404, {"code": "resource_not_found", "message": path})
                    return
                if server.faults.error_status:
                    self._answer(server.faults.error_status, {"code": "internal_error", "message": "injected"})
                    return
                if server.faults.garbage:
                    self._answer(200, raw=b"<html>not json</html>")
                    return
                status, answer = server._evaluate(path.removeprefix("/v1/data/"), json.loads(body).get("input"))
                if status == 200 and query.get("provenance", ["false"])[0].lower() in ("", "true"):
                    answer["provenance"] = server._provenance()
                self._answer(status, answer)

        return Handler


@contextmanager
def opa_rest_server(bundle_tar: Path | None = None) -> Iterator[OpaRestServer]:
    server = OpaRestServer(bundle_tar)
    server.start()
    try:
        yield server
    finally:
        server.stop()
