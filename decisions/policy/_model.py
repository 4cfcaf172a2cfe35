"""The policy gate's result types and the one validation every engine's output goes through.

Engines (the real OPA in-process, regopy, an OPA server) return the raw JSON value of
``data.fairdun.decision``;
:func:`parse_decision` turns it into a :class:`PolicyOutcome` or raises :class:`PolicyError`.
Keeping the check in one place is what makes the engines interchangeable: same raw value, same
outcome, same refusal.
"""

from __future__ import annotations

import json
import logging
import re
from collections.abc import Mapping, Sequence
from dataclasses import dataclass, field
from types import MappingProxyType
from typing import Any, Protocol, runtime_checkable

__all__ = [
    "OBLIGATION_KINDS",
    "CandidateVerdict",
    "Denial",
    "Obligation",
    "PolicyEngine",
    "PolicyError",
    "PolicyOutcome",
    "ENGINE_NAMES",
    "UnavailableEngine",
    "candidate_ids_of",
    "evaluate_each",
    "checked_candidates",
    "parse_decision",
]

log = logging.getLogger(__name__)


class PolicyError(Exception):
    """The policy gate could not give a trustworthy answer; the pipeline holds the case.

    ``reason`` is the same text as the message, meant for the ``held`` decision and the log.
    """

    def __init__(self, reason: str) -> None:
        super().__init__(reason)
        self.reason = reason


def _fail(reason: str) -> PolicyError:
    # Loud validation: the log line and the exception carry the same text.
    log.error("policy gate failed closed: %s", reason)
    return PolicyError(reason)


@dataclass(frozen=True, slots=True)
class Denial:
    rule: str
    message: str
    citation: str

    def to_dict(self) -> dict[str, str]:
        return {"rule": self.rule, "message": self.message, "citation": self.citation}


@dataclass(frozen=True, slots=True)
class Obligation:
    kind: str
    rule: str
    citation: str
    params: dict[str, Any] = field(default_factory=dict)

    def to_dict(self) -> dict[str, Any]:
        return {"kind": self.kind, "rule": self.rule, "citation": self.citation, "params": dict(self.params)}


@dataclass(frozen=True, slots=True)
class CandidateVerdict:
    allow: bool
    deny: tuple[Denial, ...] = ()
    obligations: tuple[Obligation, ...] = ()

    def to_dict(self) -> dict[str, Any]:
        return {
            "allow": self.allow,
            "deny": [d.to_dict() for d in self.deny],
            "obligations": [o.to_dict() for o in self.obligations],
        }


@dataclass(frozen=True, slots=True)
class PolicyOutcome:
    """One verdict per candidate id, in the order of the input's candidates, and the version of
    the engine that answered (an OPA server reports its own with every answer)."""

    verdicts: Mapping[str, CandidateVerdict]
    engine_version: str | None = field(default=None, compare=False)

    def to_dict(self) -> dict[str, Any]:
        return {"candidates": {cid: v.to_dict() for cid, v in self.verdicts.items()}}


ENGINE_NAMES = ("opa-embedded", "regopy", "opa-server")


@runtime_checkable
class PolicyEngine(Protocol):
    """What the pipeline needs from a policy engine: one evaluation per case (``evaluate``), and
    many cases at once for batch runs (``evaluate_many``: each case's outcome or PolicyError)."""

    @property
    def name(self) -> str: ...  # one of ENGINE_NAMES

    @property
    def version(self) -> str | None: ...  # the engine's own version (OPA's, rego-cpp's); None while unknown

    @property
    def bundle_sha256(self) -> str | None: ...

    def evaluate(self, policy_input: Mapping[str, Any]) -> PolicyOutcome: ...

    def evaluate_many(self, inputs: Sequence[Mapping[str, Any]]) -> list[PolicyOutcome | PolicyError]: ...


def evaluate_each(engine: Any, inputs: Sequence[Mapping[str, Any]]) -> list[PolicyOutcome | PolicyError]:
    """``evaluate_many`` for an engine that evaluates one case per query."""
    results: list[PolicyOutcome | PolicyError] = []
    for policy_input in inputs:
        try:
            results.append(engine.evaluate(policy_input))
        except PolicyError as exc:
            results.append(exc)
    return results


@dataclass(frozen=True, slots=True)
class UnavailableEngine:
    """Stands in when no engine could be built (the bundle does not load, compile or pass its
    Rego tests, the OPA bindings are not installed): every evaluation raises PolicyError, so every
    case is held."""

    reason: str
    name: str = "opa-embedded"
    version: str | None = None
    bundle_sha256: str | None = None
    available: bool = False

    def evaluate(self, policy_input: Mapping[str, Any]) -> PolicyOutcome:
        raise _fail(f"policy engine unavailable: {self.reason}")

    def evaluate_many(self, inputs: Sequence[Mapping[str, Any]]) -> list[PolicyOutcome | PolicyError]:
        return evaluate_each(self, inputs)


# --- obligation parameters ----------------------------------------------------------------------

_HHMM = re.compile(r"^(?:[01][0-9]|2[0-3]):[0-5][0-9]$")
_CURRENCY = re.compile(r"^[A-Z]{3}$")


def _nonempty_str(value: Any) -> bool:
    return isinstance(value, str) and value.strip() != ""


def _check_send_window(params: Mapping[str, Any]) -> str | None:
    for key in ("not_before", "not_after"):
        if not (isinstance(params.get(key), str) and _HHMM.match(params[key])):
            return f"send_window.{key} must be a local time HH:MM"
    if params["not_before"] >= params["not_after"]:
        return "send_window.not_before must be earlier than not_after"
    weekdays = params.get("weekdays")
    if weekdays is not None and not (
        isinstance(weekdays, list) and weekdays
        and all(isinstance(d, int) and not isinstance(d, bool) and 1 <= d <= 7 for d in weekdays)
    ):
        return "send_window.weekdays must list ISO weekdays 1 (Monday) to 7"
    return None


def _check_fee_cap(params: Mapping[str, Any]) -> str | None:
    amount = params.get("amount_minor")
    if isinstance(amount, bool) or not isinstance(amount, int) or amount < 0:
        return "fee_cap.amount_minor must be a non-negative integer"
    if not (isinstance(params.get("currency"), str) and _CURRENCY.match(params["currency"])):
        return "fee_cap.currency must be an ISO 4217 code"
    if "fee_kind" in params and not _nonempty_str(params["fee_kind"]):
        return "fee_cap.fee_kind must be a non-empty string when given"
    return None


def _check_notice(params: Mapping[str, Any]) -> str | None:
    return None if _nonempty_str(params.get("notice")) else "notice.notice must be a non-empty string"


def _check_human_review(params: Mapping[str, Any]) -> str | None:
    return None if _nonempty_str(params.get("reason")) else "human_review.reason must be a non-empty string"


# The obligation kinds the pipeline knows how to apply. An unknown kind means a rule asks for
# something nobody would do: fail closed.
_PARAM_CHECKS = {
    "send_window": _check_send_window,
    "fee_cap": _check_fee_cap,
    "notice": _check_notice,
    "human_review": _check_human_review,
}
OBLIGATION_KINDS = frozenset(_PARAM_CHECKS)


# --- input and output validation ----------------------------------------------------------------


def candidate_ids_of(policy_input: Any) -> tuple[str, ...]:
    """The candidate ids of a policy input, in order; raises PolicyError unless they are
    non-empty, unique strings (every candidate must be answerable by id)."""
    if not isinstance(policy_input, Mapping):
        raise _fail("policy input must be an object")
    candidates = policy_input.get("candidates")
    if not isinstance(candidates, Sequence) or isinstance(candidates, (str, bytes)):
        raise _fail("policy input.candidates must be an array")
    ids: list[str] = []
    for index, candidate in enumerate(candidates):
        cid = candidate.get("id") if isinstance(candidate, Mapping) else None
        if not isinstance(cid, str) or not _nonempty_str(cid):
            raise _fail(f"policy input.candidates[{index}] has no string id")
        if cid in ids:
            raise _fail(f"policy input has two candidates with id {cid!r}")
        ids.append(cid)
    return tuple(ids)


def checked_candidates(policy_input: Any, contract: Mapping[str, Any]) -> tuple[str, ...]:
    """The candidate ids of a policy input after checking every candidate against the contract
    vocabulary of the bundle (``data.parameters.contract``); raises PolicyError otherwise.

    Every engine calls this before evaluating, so a malformed candidate holds the case whatever
    the engine (and the rules need not spend time on the checks).
    """
    ids = candidate_ids_of(policy_input)
    case = policy_input.get("case")
    invoice = case.get("invoice") if isinstance(case, Mapping) else None
    currency = invoice.get("currency") if isinstance(invoice, Mapping) else None
    kinds, channels = contract["candidate_kinds"], contract["channels"]
    for cid, candidate in zip(ids, policy_input["candidates"], strict=True):
        problem = _candidate_problem(candidate, kinds, channels, currency)
        if problem is not None:
            raise _fail(f"policy input candidate {cid!r}: {problem}")
    return ids


def _candidate_problem(candidate: Mapping[str, Any], kinds: Sequence[str], channels: Sequence[str],
                       currency: Any) -> str | None:
    kind, channel, communication = candidate.get("kind"), candidate.get("channel"), candidate.get("communication")
    if kind not in kinds:
        return f"kind {kind!r} is not a known kind"
    if not isinstance(communication, bool):
        return "communication is not a boolean"
    if channel is not None and channel not in channels:
        return f"channel {channel!r} is not a known channel"
    if channel is None and communication:
        return "a communication without a channel"
    fees = candidate.get("fees")
    if not isinstance(fees, list):
        return "fees are not an array"
    for fee in fees:
        amount = fee.get("amount_minor") if isinstance(fee, Mapping) else None
        if not (isinstance(fee, Mapping) and _nonempty_str(fee.get("kind")) and type(amount) is int and amount >= 0
                and fee.get("currency") == currency):
            return "a fee is not a non-negative integer amount in the invoice currency"
    if len({fee["kind"] for fee in fees}) != len(fees):
        return "two fees of the same kind"
    if kind == "none" and (channel is not None or communication or fees):
        return "a \"none\" candidate communicates or charges fees"
    return None


def _parse_denial(cid: str, index: int, raw: Any) -> Denial:
    where = f"candidate {cid!r} deny[{index}]"
    if not isinstance(raw, Mapping):
        raise _fail(f"{where} is not an object")
    for key in ("rule", "message", "citation"):
        if not _nonempty_str(raw.get(key)):
            raise _fail(f"{where}.{key} must be a non-empty string")
    return Denial(rule=raw["rule"], message=raw["message"], citation=raw["citation"])


def _parse_obligation(cid: str, index: int, raw: Any) -> Obligation:
    where = f"candidate {cid!r} obligations[{index}]"
    if not isinstance(raw, Mapping):
        raise _fail(f"{where} is not an object")
    kind = raw.get("kind")
    if kind not in _PARAM_CHECKS:
        raise _fail(f"{where} has unknown obligation kind {kind!r}")
    for key in ("rule", "citation"):
        if not _nonempty_str(raw.get(key)):
            raise _fail(f"{where}.{key} must be a non-empty string")
    params = raw.get("params")
    if not isinstance(params, Mapping):
        raise _fail(f"{where}.params must be an object")
    problem = _PARAM_CHECKS[kind](params)
    if problem is not None:
        raise _fail(f"{where}: {problem}")
    return Obligation(kind=kind, rule=raw["rule"], citation=raw["citation"], params=dict(params))


def _canonical(value: Any) -> str:
    return json.dumps(value, sort_keys=True, separators=(",", ":"), ensure_ascii=False)


def _parse_verdict(cid: str, raw: Any) -> CandidateVerdict:
    if not isinstance(raw, Mapping):
        raise _fail(f"verdict for candidate {cid!r} is not an object")
    allow, deny, obligations = raw.get("allow"), raw.get("deny"), raw.get("obligations")
    if not isinstance(allow, bool):
        raise _fail(f"verdict for candidate {cid!r}: allow must be a boolean")
    if not isinstance(deny, list) or not isinstance(obligations, list):
        raise _fail(f"verdict for candidate {cid!r}: deny and obligations must be arrays")
    if allow and deny:
        raise _fail(f"verdict for candidate {cid!r} allows and denies at once")
    if not allow and not deny:
        raise _fail(f"verdict for candidate {cid!r} denies without a deny entry")
    # Engines serialise Rego sets in their own order: sort (and drop repeats) so that equal
    # decisions compare equal. Denials by rule, obligations by kind then rule.
    denials = {
        (d.rule, d.citation, d.message): d for d in (_parse_denial(cid, i, d) for i, d in enumerate(deny))
    }
    obls = {
        (o.kind, o.rule, o.citation, _canonical(o.params)): o
        for o in (_parse_obligation(cid, i, o) for i, o in enumerate(obligations))
    }
    return CandidateVerdict(
        allow=allow,
        deny=tuple(denials[k] for k in sorted(denials)),
        obligations=tuple(obls[k] for k in sorted(obls)),
    )


def parse_decision(raw: Any, candidate_ids: Sequence[str], *, engine_version: str | None = None) -> PolicyOutcome:
    """Validate the raw value of ``data.fairdun.decision`` against the candidates asked about.

    Raises PolicyError on anything but a complete, well-typed, self-consistent answer: a missing
    or extra candidate, a wrong type, ``allow`` contradicting ``deny``, an unknown obligation
    kind or malformed obligation parameters.
    """
    if not isinstance(raw, Mapping):
        raise _fail("policy decision is undefined or not an object")
    verdicts = raw.get("candidates")
    if not isinstance(verdicts, Mapping):
        raise _fail("policy decision.candidates must be an object")
    missing = [cid for cid in candidate_ids if cid not in verdicts]
    if missing:
        raise _fail(f"policy decision has no verdict for candidate(s) {', '.join(map(repr, missing))}")
    extra = sorted(set(verdicts) - set(candidate_ids))
    if extra:
        raise _fail(f"policy decision has verdicts for unknown candidate(s) {', '.join(map(repr, extra))}")
    return PolicyOutcome(
        verdicts=MappingProxyType({cid: _parse_verdict(cid, verdicts[cid]) for cid in candidate_ids}),
        engine_version=engine_version,
    )
