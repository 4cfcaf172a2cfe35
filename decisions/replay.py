"""Policy impact replay: what would a candidate bundle have decided?

``replay(db, vault, engine, since=)`` re-evaluates the policy input recorded with every past
decision (sealed with the request under the subject's key) in ``engine`` (the candidate bundle)
and compares the outcome with the one recorded: status, action kind, channel, level and fees. It
writes nothing. Decisions of shredded subjects cannot be read and are counted as such; decisions
held before the policy gate (no policy input) or for reasons outside the policy (model, send
time, ledger) are counted, not compared.

A changed outcome is attributed to the rules that appear in the policy trace of one outcome and
not the other (the denials of the candidates ranked above the chosen one, and the obligations of
the chosen one), so a compliance officer sees which rule of the new bundle moves which decisions,
by rule and by jurisdiction, with examples. The report carries pseudonymous decision ids only.
"""

from __future__ import annotations

import json
from collections import Counter
from collections.abc import Iterator, Mapping, Sequence
from dataclasses import dataclass, field
from datetime import datetime
from decimal import Decimal
from typing import Any

from sqlalchemy import select

from ledger import Database, Sealed
from ledger.tables import LedgerBlob, LedgerEntry
from retention import KeyVault, VaultError

from .money import to_minor
from .policy import PolicyEngine, PolicyError, PolicyOutcome

__all__ = ["ReplayReport", "replay"]

# Holds that say nothing about the policy: the candidate bundle cannot change them.
_POLICY_HOLDS = frozenset({"policy_error", "no_lawful_action"})
_NO_RULE = "(no rule: the engine failed)"


@dataclass(frozen=True, slots=True)
class Outcome:
    status: str
    kind: str
    channel: str | None
    level: int | None
    fees: tuple[tuple[str, int], ...]
    hold: str | None
    rules: frozenset[str]

    def label(self) -> dict[str, Any]:
        return {"status": self.status, "action": self.kind, "channel": self.channel, "level": self.level,
                "fees_minor": dict(self.fees), "hold": self.hold}

    def same_as(self, other: Outcome) -> bool:
        return (self.status, self.kind, self.channel, self.level, self.fees, self.hold) == \
            (other.status, other.kind, other.channel, other.level, other.fees, other.hold)


@dataclass
class ReplayReport:
    candidate_bundle_sha256: str
    engine: str
    since: str | None
    examples_per_rule: int
    decisions: int = 0
    compared: int = 0
    changed: int = 0
    engine_errors: int = 0
    skipped: Counter[str] = field(default_factory=Counter)
    by_rule: Counter[str] = field(default_factory=Counter)
    by_transition: Counter[str] = field(default_factory=Counter)
    by_jurisdiction: dict[str, Counter[str]] = field(default_factory=dict)
    examples: dict[str, list[dict[str, Any]]] = field(default_factory=dict)
    recorded_bundles: Counter[str] = field(default_factory=Counter)

    def to_dict(self) -> dict[str, Any]:
        return {
            "candidate_bundle_sha256": self.candidate_bundle_sha256,
            "engine": self.engine,
            "since": self.since,
            "decisions": self.decisions,
            "compared": self.compared,
            "changed": self.changed,
            "unchanged": self.compared - self.changed,
            "engine_errors": self.engine_errors,
            "skipped": dict(sorted(self.skipped.items())),
            "recorded_bundles": dict(sorted(self.recorded_bundles.items())),
            "by_rule": dict(self.by_rule.most_common()),
            "by_transition": dict(self.by_transition.most_common()),
            "by_jurisdiction": {j: {"compared": c["compared"], "changed": c["changed"]}
                                for j, c in sorted(self.by_jurisdiction.items())},
            "examples": dict(sorted(self.examples.items())),
        }

    def summary(self) -> str:
        """The report in a few plain lines for a compliance officer."""
        lines = [
            f"Policy impact of bundle {self.candidate_bundle_sha256[:12]} ({self.engine} engine)"
            + (f" on decisions since {self.since}" if self.since else " on every recorded decision") + ":",
            f"  {self.decisions} decisions: {self.compared} compared, {self.changed} would change, "
            f"{self.compared - self.changed} would stay the same.",
        ]
        if self.engine_errors:
            lines.append(f"  The candidate bundle could not decide {self.engine_errors} of them (they would be held).")
        if self.skipped:
            lines.append("  Not compared: " + ", ".join(f"{n} {why}" for why, n in sorted(self.skipped.items())) + ".")
        if self.by_transition:
            lines.append("  Changes: " + "; ".join(f"{t}: {n}" for t, n in self.by_transition.most_common()) + ".")
        if self.by_rule:
            lines.append("  By rule:")
            lines += [f"    {rule}: {n}" for rule, n in self.by_rule.most_common()]
        changed_places = [(j, c) for j, c in sorted(self.by_jurisdiction.items()) if c["changed"]]
        if changed_places:
            lines.append("  By jurisdiction: " + ", ".join(f"{j} {c['changed']} of {c['compared']}"
                                                          for j, c in changed_places) + ".")
        for rule, items in sorted(self.examples.items()):
            for item in items[:1]:
                lines.append(f"  e.g. {rule}: decision {item['decision_id']} ({item['jurisdiction']}): "
                             f"{_describe(item['before'])} -> {_describe(item['after'])}")
        return "\n".join(lines)


def replay(db: Database, vault: KeyVault, engine: PolicyEngine, *, since: datetime | None = None,
           examples_per_rule: int = 3) -> ReplayReport:
    """Re-evaluate every recorded decision at or after ``since`` (all when None) under
    ``engine``; read-only."""
    report = ReplayReport(candidate_bundle_sha256=engine.bundle_sha256 or "", engine=engine.name,
                          since=since.isoformat() if since else None, examples_per_rule=examples_per_rule)
    with db.reading() as session:
        for body, sealed_sha256 in _decision_entries(session, since):
            report.decisions += 1
            report.recorded_bundles[(body.get("policy") or {}).get("bundle_sha256") or "unknown"] += 1
            payload = _unsealed(session, vault, body, sealed_sha256)
            if payload is None:
                report.skipped["of shredded subjects"] += 1
                continue
            hold = (body.get("hold") or {}).get("code")
            policy_input = payload.get("policy_input")
            if policy_input is None or (hold is not None and hold not in _POLICY_HOLDS):
                report.skipped["held outside the policy gate"] += 1
                continue
            _compare(report, body, policy_input, engine)
    return report


def _decision_entries(session: Any, since: datetime | None) -> Iterator[tuple[dict[str, Any], str | None]]:
    query = select(LedgerEntry.entry, LedgerEntry.sealed_sha256).where(LedgerEntry.kind == "decision")
    if since is not None:
        query = query.where(LedgerEntry.ts >= since)
    for entry, sealed_sha256 in session.execute(query.order_by(LedgerEntry.seq)).yield_per(500):
        yield json.loads(entry)["body"], sealed_sha256


def _unsealed(session: Any, vault: KeyVault, body: Mapping[str, Any], sealed_sha256: str | None) -> dict[str, Any] | None:
    """The sealed ``{"request", "policy_input"}`` of a decision; None when it cannot be read
    any more (the subject's key or the blob was shredded)."""
    if sealed_sha256 is None:
        return None
    blob = session.get(LedgerBlob, sealed_sha256)
    if blob is None:
        return None
    try:
        # the blob names the key it was sealed under (the subject's key for its retention category)
        return json.loads(vault.unseal(session, Sealed(subject_id=blob.subject_id, data=blob.data)))
    except VaultError:
        return None


def _compare(report: ReplayReport, body: Mapping[str, Any], policy_input: Mapping[str, Any],
             engine: PolicyEngine) -> None:
    jurisdiction = str(((policy_input.get("case") or {}).get("debtor") or {}).get("jurisdiction"))
    before = _recorded(body)
    try:
        after = _evaluated(engine.evaluate(policy_input), policy_input["candidates"], _arm_option(body))
    except PolicyError:
        # The candidate bundle cannot decide this case: the pipeline would hold it.
        report.engine_errors += 1
        after = Outcome("held", "none", None, None, (), "policy_error", frozenset({_NO_RULE}))
    place = report.by_jurisdiction.setdefault(jurisdiction, Counter())
    report.compared += 1
    place["compared"] += 1
    if before.same_as(after):
        return
    report.changed += 1
    place["changed"] += 1
    report.by_transition[f"{_short(before)} -> {_short(after)}"] += 1
    rules = sorted((before.rules ^ after.rules) or (before.rules | after.rules) or {"(no rule)"})
    example = {"decision_id": body.get("decision_id"), "jurisdiction": jurisdiction, "before": before.label(),
               "after": after.label(), "rules": rules}
    for rule in rules:
        report.by_rule[rule] += 1
        items = report.examples.setdefault(rule, [])
        if len(items) < report.examples_per_rule:
            items.append(example)


def _recorded(body: Mapping[str, Any]) -> Outcome:
    action = body.get("action") or {}
    fees = tuple(sorted((f["kind"], to_minor(Decimal(f["amount"]), f["currency"])) for f in action.get("fees", [])))
    trace = (body.get("explanation") or {}).get("policy") or []
    return Outcome(status=body["status"], kind=action.get("kind", "none"), channel=action.get("channel"),
                   level=action.get("level"), fees=fees, hold=(body.get("hold") or {}).get("code"),
                   rules=frozenset(t["rule"] for t in trace))


def _arm_option(body: Mapping[str, Any]) -> str | None:
    """The candidate an experiment arm had the decision take in place of the first lawful one."""
    if (body.get("experiment") or {}).get("applied"):
        return (body.get("selection") or {}).get("chosen")
    return None


def _evaluated(outcome: PolicyOutcome, candidates: Sequence[Mapping[str, Any]],
               arm_option: str | None = None) -> Outcome:
    """The outcome the pipeline would derive from the verdicts: the first allowed candidate (or the
    experiment arm's option the decision took, while it stays allowed), its status, and its fees
    after the caps (as ``pipeline._apply_obligations`` does). An arm's option the recorded bundle
    refused is not known by id, so a candidate bundle allowing it is not seen to change the choice."""
    rules: set[str] = set()
    arm = next((c for c in candidates if c["id"] == arm_option and outcome.verdicts[c["id"]].allow), None)
    for candidate in candidates:
        verdict = outcome.verdicts[candidate["id"]]
        if not verdict.allow:
            rules |= {d.rule for d in verdict.deny}
            continue
        if arm is not None and candidate.get("channel") is not None:   # as pipeline._arm_choice
            candidate, verdict = arm, outcome.verdicts[arm["id"]]
        rules |= {o.rule for o in verdict.obligations}
        if candidate["kind"] == "none":
            return Outcome("decided", "none", None, None, (), None, frozenset(rules))
        review = any(o.kind == "human_review" for o in verdict.obligations)
        caps = [o.params for o in verdict.obligations if o.kind == "fee_cap"]
        fees = []
        for fee in candidate["fees"]:
            amount = min([fee["amount_minor"]] + [c["amount_minor"] for c in caps
                                                  if c["currency"] == fee["currency"]
                                                  and c.get("fee_kind", fee["kind"]) == fee["kind"]])
            if amount > 0:
                fees.append((fee["kind"], amount))
        return Outcome("needs_review" if review else "decided", candidate["kind"], candidate.get("channel"),
                       candidate.get("level"), tuple(sorted(fees)), None, frozenset(rules))
    return Outcome("held", "none", None, None, (), "no_lawful_action", frozenset(rules))


def _short(outcome: Outcome) -> str:
    if outcome.status == "held":
        return f"held ({outcome.hold})"
    if outcome.kind == "none":
        return f"{outcome.status}: wait"
    return f"{outcome.status}: {outcome.kind}" + (f" by {outcome.channel}" if outcome.channel else "")


def _describe(label: Mapping[str, Any]) -> str:
    if label["status"] == "held":
        return f"held ({label['hold']})"
    text = f"{label['status']} {label['action']}" + (f" by {label['channel']}" if label["channel"] else "")
    return text + (f", fees {label['fees_minor']}" if label["fees_minor"] else "")
