"""The remote policy engine: an OPA server queried through ``opa-python-client``.

    engine = OpaServerEngine(load_bundle(), "http://127.0.0.1:8181", timeout=2.0)
    outcome = engine.evaluate(policy_input)      # POST /v1/data/fairdun/decision

The engine answers only for the bundle it was given (its SHA-256 is what decisions record), so it
makes sure the server evaluates exactly that bundle:

- an OPA that runs the bundle written by ``fairdun policy bundle`` (``opa run -s -b
  bundle.tar.gz``, or a bundle service) reports the bundle's revision in every answer's
  provenance; the revision must be this bundle's SHA-256;
- an OPA without bundles gets the bundle's modules (``PUT /v1/policies/fairdun/<path>``) and
  data (``PUT /v1/data/<key>``) from this engine, on first use and again whenever the decision is
  undefined (a restarted server has forgotten them). Policies of that server under ``fairdun/``
  that the bundle does not have are deleted, so no stale rule lingers.

Every failure (connection refused, timeout, HTTP error, unreadable answer, another revision) is a
PolicyError, so the case is held. A request is retried at most twice, and only when the
connection could not be made or broke; a timeout after the request was sent is not retried.
"""

from __future__ import annotations

import json
import logging
import threading
from collections.abc import Callable, Mapping, Sequence
from functools import partial
from typing import Any, TypeVar
from urllib.parse import urlsplit

import requests
from opa_client import OpaClient

from ._bundle import PolicyBundle
from ._model import PolicyError, PolicyOutcome, _fail, checked_candidates, evaluate_each, parse_decision

__all__ = ["OpaServerEngine", "POLICY_ID_PREFIX"]

log = logging.getLogger(__name__)

T = TypeVar("T")

POLICY_ID_PREFIX = "fairdun/"
DECISION_PACKAGE, DECISION_RULE = "fairdun", "decision"
MAX_RETRIES = 2
# Every engine reports built-in errors as errors (OPA's default would make them undefined).
_QUERY_PARAMS = {"provenance": "true", "strict-builtin-errors": "true"}


class OpaServerEngine:
    """``PolicyEngine`` over an OPA server's REST data API. ``version`` is the server's OPA
    version as its last answer reported it (None before the first answer)."""

    name = "opa-server"
    version: str | None = None

    def __init__(self, bundle: PolicyBundle, url: str, *, timeout: float = 2.0) -> None:
        parts = urlsplit(url)
        if parts.scheme not in ("http", "https") or not parts.hostname or parts.path not in ("", "/"):
            raise _fail(f"OPA URL must be http(s)://host[:port] without a path, not {url!r}")
        if not 0 < timeout <= 60:
            raise _fail(f"OPA timeout must be between 0 and 60 seconds, not {timeout}")
        self.bundle = bundle
        self.bundle_sha256 = bundle.sha256
        self.url = f"{parts.scheme}://{parts.netloc}"
        self._contract = bundle.data["parameters"]["contract"]
        # retries=0: the client's own urllib3 retries would also repeat on 5xx answers; the
        # engine retries connection failures only (``_call``).
        self._client = OpaClient(host=parts.hostname, port=parts.port or (443 if parts.scheme == "https" else 80),
                                 ssl=parts.scheme == "https", retries=0, timeout=timeout)
        self._published = False
        self._publishing = threading.Lock()

    # --- the PolicyEngine protocol --------------------------------------------------------------

    def evaluate(self, policy_input: Mapping[str, Any]) -> PolicyOutcome:
        ids = checked_candidates(policy_input, self._contract)
        try:
            # OPA would read what json.dumps writes; refuse what is not JSON before sending it.
            json.dumps(policy_input, allow_nan=False)
        except (TypeError, ValueError) as exc:
            raise _fail(f"policy input is not JSON: {exc}") from exc
        answer = self._query(policy_input)
        if self._must_publish(answer):
            self._publish()
            answer = self._query(policy_input)
        self._check_revision(answer)
        provenance = answer.get("provenance")
        if isinstance(provenance, Mapping) and isinstance(provenance.get("version"), str):
            self.version = provenance["version"]
        if "result" not in answer:
            raise _fail("OPA: data.fairdun.decision is undefined (a rule module is missing or undefined)")
        return parse_decision(answer["result"], ids, engine_version=self.version)

    def evaluate_many(self, inputs: Sequence[Mapping[str, Any]]) -> list[PolicyOutcome | PolicyError]:
        return evaluate_each(self, inputs)

    @property
    def available(self) -> bool:
        """Whether the server answers its health check (for /health; never raises)."""
        try:
            return bool(self._client.check_health())
        except Exception:  # check_health already maps transport errors; anything else: unavailable
            return False

    def close(self) -> None:
        self._client.close_connection()

    def __repr__(self) -> str:
        return f"OpaServerEngine(url={self.url!r}, bundle_sha256={self.bundle_sha256[:12]}…)"

    # --- steps ----------------------------------------------------------------------------------

    def _query(self, policy_input: Mapping[str, Any]) -> dict[str, Any]:
        answer = self._call("query data.fairdun.decision", lambda: self._client.query_rule(
            input_data=policy_input, package_path=DECISION_PACKAGE, rule_name=DECISION_RULE,
            query_params=_QUERY_PARAMS))
        if not isinstance(answer, dict):
            raise _fail("OPA answered something other than a JSON object")
        return answer

    def _must_publish(self, answer: Mapping[str, Any]) -> bool:
        if _revisions(answer):
            return False           # the server runs bundles: never overwrite them
        return not self._published or "result" not in answer

    def _check_revision(self, answer: Mapping[str, Any]) -> None:
        revisions = _revisions(answer)
        if revisions and self.bundle_sha256 not in revisions:
            raise _fail(f"OPA evaluates bundle revision(s) {', '.join(sorted(revisions))}, "
                        f"not {self.bundle_sha256}")
        if not revisions and not self._published:
            raise _fail("OPA evaluates policies of unknown origin")

    def _publish(self) -> None:
        """Upload the bundle's modules and data, and delete other fairdun policies."""
        with self._publishing:
            wanted = {POLICY_ID_PREFIX + path: source for path, source in self.bundle.modules}
            present = self._call("list policies", self._client.get_policies_list)
            client = self._client
            for policy_id in sorted(set(present) - set(wanted)):
                if policy_id.startswith(POLICY_ID_PREFIX):
                    self._call(f"delete policy {policy_id}", partial(client.delete_policy, policy_id))
            for key, value in self.bundle.data.items():
                if not isinstance(value, Mapping):
                    raise _fail(f"policy bundle data key {key!r} is not an object; OPA's data API cannot take it")
                self._call(f"put data {key}", partial(client.update_or_create_data, json.loads(json.dumps(value)), key))
            for policy_id, source in sorted(wanted.items()):
                self._call(f"put policy {policy_id}",
                           partial(client.update_policy_from_string, source, policy_id, rego_compat=False))
            self._published = True
            log.info("published policy bundle %s to OPA at %s", self.bundle_sha256[:12], self.url)

    def _call(self, what: str, request: Callable[[], T]) -> T:
        """Run one client request; retry connection failures at most twice; map every failure
        to PolicyError."""
        for attempt in range(MAX_RETRIES + 1):
            try:
                return request()
            except requests.exceptions.ConnectionError as exc:
                # ConnectTimeout is a ConnectionError (nothing was sent); ReadTimeout is not one.
                if attempt < MAX_RETRIES:
                    log.warning("OPA %s: connection failed (attempt %d), retrying", what, attempt + 1)
                    continue
                raise _fail(f"OPA {what}: connection failed: {type(exc).__name__}") from exc
            except requests.exceptions.HTTPError as exc:
                status = exc.response.status_code if exc.response is not None else "?"
                raise _fail(f"OPA {what}: HTTP {status}: {_body(exc.response)}") from exc
            except requests.exceptions.Timeout as exc:
                raise _fail(f"OPA {what}: timed out") from exc
            except (requests.exceptions.RequestException, ValueError) as exc:   # ValueError: bad JSON
                raise _fail(f"OPA {what}: {type(exc).__name__}: {str(exc)[:200]}") from exc
            except PolicyError:
                raise
            except Exception as exc:  # opa-python-client's own errors (RegoParseError, PolicyNotFoundError, ...)
                raise _fail(f"OPA {what}: {type(exc).__name__}: {str(exc)[:200]}") from exc
        raise AssertionError("unreachable")  # the loop returns or raises


def _revisions(answer: Mapping[str, Any]) -> set[str]:
    """The bundle revisions OPA reports in the answer's provenance."""
    provenance = answer.get("provenance")
    bundles = provenance.get("bundles") if isinstance(provenance, Mapping) else None
    if not isinstance(bundles, Mapping):
        return set()
    return {b["revision"] for b in bundles.values() if isinstance(b, Mapping) and isinstance(b.get("revision"), str)}


def _body(response: Any) -> str:
    try:
        payload = response.json()
        return str(payload.get("message") or payload)[:200]
    except ValueError:
        return (response.text or "")[:200]
