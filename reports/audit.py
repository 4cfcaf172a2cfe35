"""The audit report's figures: what the system did in a period, and the proof that its record
holds. Data first: ``audit_figures`` returns a JSON-able dict computed from the ledger and the
read models; ``render_audit_report`` (``reports.audit_pdf``) turns it into the PDF.

What the figures rest on:

- The period is whole UTC days ``[from 00:00, to + 1 day 00:00)``, cut at the report's ``now``.
  Only ledger entries recorded before that end count, so a report of a closed period comes out
  the same however much the ledger grows afterwards (apart from the verification of the whole
  ledger and, the first time, the checkpoint signed to cover the period).
- Decisions, events, policy activations, model governance (sign-offs included) and shreddings
  are read from the ledger entries themselves (the system of record); live monitoring of the
  model (drift of its inputs, calibration by month and jurisdiction: ``reports.monitoring``) from
  the period's decisions and the payments reported before its end; policy bundle activations
  also from their projection, the model cards from the registered artifacts (verified against their SHA-256).
- Integrity: the earliest signed checkpoint that covers every entry of the period (signed now
  if none does yet), and the verification the caller ran just before (``verified``: chain,
  Merkle tree, sealed blobs, every stored checkpoint's signature, the columns and read models
  that repeat the entries). There is no report of a ledger that does not verify: the caller
  refuses instead. Only entries the verification covered are read.
"""

from __future__ import annotations

import json
import logging
from collections import Counter, defaultdict
from dataclasses import dataclass
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any, Protocol

from sqlalchemy import func, select
from sqlalchemy.orm import Session

from decisions.errors import InvalidInput
from decisions.policy.activation import activations
from ledger import Database, SignedCheckpoint
from ledger.tables import LedgerCheckpoint, LedgerEntry
from ledger.timestamps import as_utc, rfc3339
from ledger.verify import ChainReport

from .kpis import FORMULAS, MIN_N, DecisionFact, LedgerFacts, PaymentFact, PromiseFact, key_figures
from .monitoring import model_monitoring
from .review import review_events, review_figures

__all__ = ["Period", "audit_figures", "dashboard_figures", "month_period", "REPORT_KIND", "REPORT_VERSION",
           "TOP_FEATURES"]

log = logging.getLogger(__name__)

REPORT_KIND = "fairdun.audit_report"
REPORT_VERSION = 1
TOP_FEATURES = 4           # shape-function charts of the model's most important features
MAX_PERIOD_DAYS = 3660     # ten years: longer periods are a typing error


class Notary(Protocol):
    def covering(self, seq: int) -> SignedCheckpoint: ...


class ModelRegistry(Protocol):
    def versions(self) -> list[Any]: ...
    def artifact(self, model_id: str) -> tuple[dict, str]: ...


@dataclass(frozen=True)
class Period:
    """Whole UTC days, both inclusive."""

    first_day: date
    last_day: date

    def bounds(self, now: datetime) -> tuple[datetime, datetime]:
        """``[start, end)`` with ``end`` cut at ``now``; refuses periods that make no sense."""
        if self.last_day < self.first_day:
            raise InvalidInput("the period ends before it begins", field="to")
        if (self.last_day - self.first_day).days >= MAX_PERIOD_DAYS:
            raise InvalidInput(f"a period spans at most {MAX_PERIOD_DAYS} days", field="to")
        start = datetime.combine(self.first_day, time(), tzinfo=UTC)
        end = datetime.combine(self.last_day + timedelta(days=1), time(), tzinfo=UTC)
        if start >= now:
            raise InvalidInput("the period begins after the report's time", field="from")
        return start, min(end, now)


def audit_figures(db: Database, *, period: Period, now: datetime, notary: Notary, models: ModelRegistry,
                  verified: ChainReport) -> dict[str, Any]:
    """Every figure of the audit report for ``period`` as of ``now`` (JSON-able), from the
    ``verified`` ledger's entries."""
    now = as_utc(now)
    start, end = period.bounds(now)
    with db.reading() as session:
        scan = _scan(session, start, end, verified.entries)
        bundles = _policy_bundles(session, start, end, scan.decisions_by_bundle)
        rights = review_figures(session, start=start, end=end, size=verified.entries)
        facts = scan.facts(review_events(session, end, verified.entries))
        monitoring = model_monitoring(session, size=verified.entries, start=start, end=end,
                                      artifact=lambda model_id: _artifact_or_none(models, model_id))
    checkpoint = _covering_checkpoint(db, notary, scan.size_at_end)
    return {
        "report": {
            "kind": REPORT_KIND, "version": REPORT_VERSION,
            "period": {"from": period.first_day.isoformat(), "to": period.last_day.isoformat(),
                       "start": rfc3339(start), "end": rfc3339(end),
                       "cut_at_now": end < datetime.combine(period.last_day + timedelta(days=1), time(), tzinfo=UTC)},
            "generated_at": rfc3339(now),
        },
        "integrity": {
            "checkpoint": checkpoint,
            "verification": _verification(verified),
            "period_entries": scan.period_entries,
            "entries_by_kind": dict(sorted(scan.kinds.items())),
            "ledger_size_at_end": scan.size_at_end,
            "shredded_subjects": rights.pop("erasure"),
        },
        "decisions": scan.decision_figures(),
        "policy": {"bundles": bundles, "refusals": scan.refusals(), "obligations": scan.obligations()},
        **rights,
        "model": _model_figures(models, scan, start, end),
        "monitoring": monitoring,
        "kpis": {**_kpis(key_figures(facts, start=start, end=end, today=now.date())), "formulas": FORMULAS},
    }


def _kpis(figures: dict[str, Any]) -> dict[str, Any]:
    """The report's KPI section: the key figures but the review section (the report has its own,
    computed by the same function from the same entries), with its review SLA and overturn rate."""
    review = figures.pop("review")
    return {**figures,
            "review_sla": {"value": review["sla_met_rate"], "on_time": review["closed_on_time"],
                           "closed": review["closed_on_time"] + review["closed_late"],
                           "overdue_at_end": review["overdue_at_end"],
                           "computable": review["sla_met_rate"] is not None},
            "overturn_rate": {"value": review["overturn_rate"], "overturned": review["outcomes"]["overturn"],
                              "outcomes": review["closed"], "by_outcome": review["outcomes"],
                              "computable": review["overturn_rate"] is not None}}


# ---------------------------------------------------------------------------------- dashboard


def month_period(first_month: date, last_month: date) -> Period:
    """The whole UTC days from the first day of ``first_month`` to the last of ``last_month``."""
    following = date(last_month.year + last_month.month // 12, last_month.month % 12 + 1, 1)
    return Period(first_month.replace(day=1), following - timedelta(days=1))


def dashboard_figures(db: Database, *, first_month: date, last_month: date, now: datetime,
                      verified: ChainReport) -> dict[str, Any]:
    """The console dashboard's figures: ``key_figures`` (the audit report's computation) for
    the whole period, for each of its months and for each jurisdiction, from the ``verified``
    ledger's entries recorded before the period's end (cut at ``now``). The whole period's
    figures are the audit report's KPI and review figures of the same days."""
    now = as_utc(now)
    period = month_period(first_month, last_month)
    start, end = period.bounds(now)
    with db.reading() as session:
        scan = _scan(session, start, end, verified.entries)
        facts = scan.facts(review_events(session, end, verified.entries))
    today = now.date()
    months = []
    month = period.first_day
    while True:
        m_start = datetime.combine(month, time(), tzinfo=UTC)
        if m_start >= end:
            break
        following = date(month.year + month.month // 12, month.month % 12 + 1, 1)
        m_end = min(datetime.combine(following, time(), tzinfo=UTC), end)
        months.append({"month": month.strftime("%Y-%m"), "start": rfc3339(m_start), "end": rfc3339(m_end),
                       "figures": _kpis(key_figures(facts, start=m_start, end=m_end, today=today))})
        month = following
    jurisdictions = sorted(set(facts.jurisdictions(end).values()))
    return {
        "period": {"from": period.first_day.isoformat(), "to": period.last_day.isoformat(),
                   "start": rfc3339(start), "end": rfc3339(end), "cut_at_now": end < datetime.combine(
                       period.last_day + timedelta(days=1), time(), tzinfo=UTC)},
        "generated_at": rfc3339(now), "verified_entries": verified.entries,
        "total": _kpis(key_figures(facts, start=start, end=end, today=today)),
        "by_month": months,
        "by_jurisdiction": [{"jurisdiction": j, "figures": _kpis(key_figures(facts, start=start, end=end, today=today,
                                                                            jurisdiction=j))}
                            for j in jurisdictions],
        "formulas": FORMULAS, "min_n": MIN_N,
    }


# ---------------------------------------------------------------------------------- the scan


class _Scan:
    """One pass over the ledger entries recorded before the period's end."""

    def __init__(self) -> None:
        self.kinds: Counter[str] = Counter()
        self.period_entries: dict[str, int | None] = {"count": 0, "first_seq": None, "last_seq": None}
        self.size_at_end = 0
        self.total = 0
        self.by: dict[str, Counter[Any]] = {name: Counter() for name in ("status", "action", "level", "channel", "jurisdiction", "band",
                                                 "engine")}
        self.held: Counter[str] = Counter()
        self.held_detail: dict[str, Counter[str]] = defaultdict(Counter)
        self.review_by_action: Counter[str] = Counter()
        self.profiling_off = 0
        self.per_day: dict[str, Counter[str]] = defaultdict(Counter)
        self.refused: Counter[tuple[str, str, str]] = Counter()      # (rule, citation, action)
        self.obliged: Counter[tuple[str, str, str]] = Counter()      # (rule, citation, obligation)
        self.decisions_by_bundle: Counter[str] = Counter()
        self.decisions_by_model: Counter[tuple[str, str]] = Counter()
        self.governance: list[dict[str, Any]] = []
        self.decision_facts: list[DecisionFact] = []
        self.payments: list[PaymentFact] = []
        self.promises: list[PromiseFact] = []

    def decision(self, body: dict[str, Any], ts: datetime, in_period: bool) -> None:
        action = body.get("action") or {}
        facts = body.get("facts") or {}
        self.decision_facts.append(DecisionFact(
            claim=str(body.get("claim")), ts=ts, status=str(body.get("status")),
            action_kind=str(action.get("kind") or "none"), currency=facts.get("currency"),
            open_amount=_decimal(facts.get("open_amount")), due_on=_date(facts.get("due_on")),
            jurisdiction=facts.get("jurisdiction")))
        if not in_period:
            return
        self.total += 1
        status = str(body.get("status"))
        kind = str(action.get("kind") or "none")
        risk = body.get("risk") or {}
        self.by["status"][status] += 1
        self.by["action"][kind] += 1
        self.by["level"]["–" if action.get("level") is None else str(action["level"])] += 1
        self.by["channel"][action.get("channel") or "–"] += 1
        self.by["jurisdiction"][facts.get("jurisdiction") or "not recorded"] += 1
        self.by["band"][risk.get("band") or ("not profiled" if risk.get("profiling") is False else "not scored")] += 1
        self.by["engine"][(body.get("policy") or {}).get("engine") or "–"] += 1
        self.per_day[ts.date().isoformat()][status] += 1
        if risk.get("profiling") is False:
            self.profiling_off += 1
        if status == "held":
            hold = body.get("hold") or {}
            code = str(hold.get("code") or "unknown")
            self.held[code] += 1
            self.held_detail[code][str(hold.get("detail") or "")[:120]] += 1
        if status == "needs_review":
            self.review_by_action[kind] += 1
        self.decisions_by_bundle[str((body.get("policy") or {}).get("bundle_sha256"))] += 1
        model = risk.get("model") or {}
        if model.get("id"):
            self.decisions_by_model[(str(model["id"]), str(model.get("sha256")))] += 1
        for step in (body.get("explanation") or {}).get("policy") or []:
            key = (str(step.get("rule")), str(step.get("citation") or ""))
            if step.get("effect") == "deny":
                self.refused[(*key, str(step.get("action")))] += 1
            elif step.get("effect") == "obligation":
                self.obliged[(*key, str(step.get("obligation")))] += 1

    def event(self, body: dict[str, Any], ts: datetime) -> None:
        details = body.get("details") or {}
        kind = body.get("type")
        at = _moment(body.get("at")) or ts
        on = _date(details.get("on_date"))
        claim = str(body.get("claim"))
        if kind in ("payment_received", "partial_payment"):
            self.payments.append(PaymentFact(claim=claim, ts=ts, full=kind == "payment_received",
                                             paid_on=on or at.date(), amount=_decimal(details.get("amount")),
                                             currency=details.get("currency")))
        elif kind == "promise_to_pay":
            self.promises.append(PromiseFact(claim=claim, made_on=at.date(), due_on=on,
                                             amount=_decimal(details.get("amount")),
                                             currency=details.get("currency"), ts=ts))

    def facts(self, rights_events: list[tuple[str, datetime, dict[str, Any]]]) -> LedgerFacts:
        return LedgerFacts(decisions=self.decision_facts, payments=self.payments, promises=self.promises,
                           rights_events=rights_events)

    def decision_figures(self) -> dict[str, Any]:
        from decisions.explanation import text

        def held_reason(code: str) -> str:
            try:
                return text("en", "held_reason", code)
            except KeyError:
                return code

        return {
            "total": self.total,
            "by_status": _counts(self.by["status"]),
            "by_action": _counts(self.by["action"]),
            "by_level": _counts(self.by["level"]),
            "by_channel": _counts(self.by["channel"]),
            "by_jurisdiction": _counts(self.by["jurisdiction"]),
            "by_risk_band": _counts(self.by["band"]),
            "by_policy_engine": _counts(self.by["engine"]),
            "without_profiling": self.profiling_off,
            "held": {"total": sum(self.held.values()),
                     "by_code": [{"code": code, "count": n, "reason": held_reason(code),
                                  "details": [{"detail": d, "count": c} for d, c in
                                              sorted(self.held_detail[code].items(), key=lambda i: (-i[1], i[0]))[:5]]}
                                 for code, n in sorted(self.held.items(), key=lambda i: (-i[1], i[0]))]},
            "needs_review": {"total": self.by["status"].get("needs_review", 0),
                             "by_action": _counts(self.review_by_action)},
            "per_day": [{"day": day, **{s: n[s] for s in ("decided", "needs_review", "held")}}
                        for day, n in sorted(self.per_day.items())],
        }

    def refusals(self) -> list[dict[str, Any]]:
        """One row per rule id: its refusals, by citation (a rule cites the law of the case's
        jurisdiction) and by the refused action."""
        rows: dict[str, dict[str, Any]] = {}
        for (rule, citation, action), n in self.refused.items():
            row = rows.setdefault(rule, {"rule": rule, "count": 0, "citations": Counter(), "actions": Counter()})
            row["count"] += n
            row["citations"][citation] += n
            row["actions"][action] += n
        return [{"rule": r["rule"], "count": r["count"],
                 "citations": [{"citation": c, "count": n} for c, n in sorted(r["citations"].items(),
                                                                              key=lambda i: (-i[1], i[0]))],
                 "actions": dict(sorted(r["actions"].items()))}
                for r in sorted(rows.values(), key=lambda r: (-r["count"], r["rule"]))]

    def obligations(self) -> list[dict[str, Any]]:
        return [{"rule": rule, "citation": citation, "obligation": obligation, "count": n}
                for (rule, citation, obligation), n in sorted(self.obliged.items(), key=lambda i: (-i[1], i[0]))]


def _scan(session: Session, start: datetime, end: datetime, size: int) -> _Scan:
    """The entries recorded before ``end`` among the first ``size`` (those verified)."""
    scan = _Scan()
    verified = LedgerEntry.seq < size
    # entry counts by kind within the period, and the ledger's size at the period's end
    rows = session.execute(select(LedgerEntry.kind, func.count(), func.min(LedgerEntry.seq), func.max(LedgerEntry.seq))
                           .where(verified, LedgerEntry.ts >= start, LedgerEntry.ts < end)
                           .group_by(LedgerEntry.kind)).all()
    for kind, count, first, last in rows:
        scan.kinds[kind] = count
        p = scan.period_entries
        p["count"] = int(p["count"] or 0) + count
        p["first_seq"] = first if p["first_seq"] is None else min(int(p["first_seq"]), first)
        p["last_seq"] = last if p["last_seq"] is None else max(int(p["last_seq"]), last)
    last_seq = session.scalar(select(func.max(LedgerEntry.seq)).where(verified, LedgerEntry.ts < end))
    scan.size_at_end = 0 if last_seq is None else last_seq + 1
    # decisions, events and model governance recorded before the end, in ledger order
    kinds = ("decision", "event", "model_registered", "model_signed_off", "model_approved", "model_retired")
    query = (select(LedgerEntry.kind, LedgerEntry.ts, LedgerEntry.entry)
             .where(verified, LedgerEntry.kind.in_(kinds), LedgerEntry.ts < end).order_by(LedgerEntry.seq)
             .execution_options(yield_per=2000))
    for kind, ts, entry in session.execute(query):
        ts = as_utc(ts)
        body = json.loads(entry)["body"]
        if kind == "decision":
            scan.decision(body, ts, ts >= start)
        elif kind == "event":
            scan.event(body, ts)
        else:
            scan.governance.append({"kind": kind, "at": rfc3339(ts), "model_id": body.get("model_id"),
                                    "sha256": body.get("sha256"), "in_period": ts >= start,
                                    "signed_off_by": body.get("signed_off_by"), "rationale": body.get("rationale"),
                                    "findings": body.get("findings")})
    return scan


def _counts(counter: Counter[str]) -> list[dict[str, Any]]:
    return [{"value": value, "count": n} for value, n in sorted(counter.items(), key=lambda i: (-i[1], i[0]))]


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except InvalidOperation:
        return None


def _date(value: Any) -> date | None:
    try:
        return date.fromisoformat(value) if isinstance(value, str) else None
    except ValueError:
        return None


def _moment(value: Any) -> datetime | None:
    try:
        return as_utc(datetime.fromisoformat(value.replace("Z", "+00:00"))) if isinstance(value, str) else None
    except ValueError:
        return None


# ---------------------------------------------------------------------------------- integrity


def _covering_checkpoint(db: Database, notary: Notary, size: int) -> dict[str, Any] | None:
    """The earliest stored checkpoint whose tree holds every entry up to the period's end;
    one is signed now when none does yet. None for an empty ledger."""
    if size == 0:
        return None
    with db.reading() as session:
        row = session.scalar(select(LedgerCheckpoint).where(LedgerCheckpoint.tree_size >= size)
                             .order_by(LedgerCheckpoint.tree_size, LedgerCheckpoint.id).limit(1))
    checkpoint = SignedCheckpoint.from_row(row) if row is not None else notary.covering(size - 1)
    name, key_id, _ = (checkpoint.signer.split("+", 2) + ["", ""])[:3]
    return {"tree_size": checkpoint.tree_size, "root_hash": checkpoint.root_hash, "note": checkpoint.note,
            "signer": checkpoint.signer, "key_name": name, "key_id": key_id,
            "signed_at": rfc3339(checkpoint.signed_at), "covers_entries_before": size}


def _verification(report: ChainReport) -> dict[str, Any]:
    return {"ok": True, "entries": report.entries, "head_hash": report.head_hash, "root_hash": report.root_hash,
            "nodes_checked": report.nodes_checked, "blobs_checked": report.blobs_checked,
            "blobs_shredded": report.blobs_shredded, "checkpoints_verified": report.checkpoints,
            "latest_checkpoint": report.latest_checkpoint}


# ---------------------------------------------------------------------------------- policy


def _policy_bundles(session: Session, start: datetime, end: datetime, used: Counter[str]) -> list[dict[str, Any]]:
    """Bundles active at some moment of the period (an activation lasts until the next), with the
    decisions each decided in the period; bundles decisions name without an activation too."""
    history = [a for a in activations(session) if as_utc(a.activated_at) < end]
    rows: list[dict[str, Any]] = []
    for i, activation in enumerate(history):
        until = as_utc(history[i + 1].activated_at) if i + 1 < len(history) else None
        if until is not None and until <= start:
            continue
        rows.append({"sha256": activation.bundle_sha256, "engine": activation.engine, "source": activation.source,
                     "activated_at": rfc3339(as_utc(activation.activated_at)), "ledger_seq": activation.ledger_seq,
                     "active_until": rfc3339(until) if until else None,
                     "decisions": used.get(activation.bundle_sha256, 0)})
    listed = {r["sha256"] for r in rows}
    for sha256, n in sorted(used.items()):
        if sha256 not in listed:
            rows.append({"sha256": sha256, "engine": None, "source": None, "activated_at": None, "ledger_seq": None,
                         "active_until": None, "decisions": n})
    # a bundle active twice in the period shows once per activation, decisions on the first
    seen: set[str] = set()
    for row in rows:
        if row["sha256"] in seen:
            row["decisions"] = None
        seen.add(row["sha256"])
    return rows


# ---------------------------------------------------------------------------------- model


def _model_figures(models: ModelRegistry, scan: _Scan, start: datetime, end: datetime) -> dict[str, Any]:
    """The versions approved at some moment of the period, the models decisions name, and the
    card of each (metrics vs baseline, fairness, shape functions of the top features)."""
    from explain.card import model_card

    approved: list[dict[str, Any]] = []
    for version in models.versions():
        approved_at = as_utc(version.approved_at) if version.approved_at else None
        retired_at = as_utc(version.retired_at) if version.retired_at else None
        deployed = not version.registered
        if not deployed and (approved_at is None or approved_at >= end or (retired_at and retired_at <= start)):
            continue
        approved.append({"model_id": version.model_id, "sha256": version.sha256, "status": version.status,
                         "source": version.source, "approved_at": rfc3339(approved_at) if approved_at else None,
                         "retired_at": rfc3339(retired_at) if retired_at else None})
    used = [{"model_id": m, "sha256": s, "decisions": n}
            for (m, s), n in sorted(scan.decisions_by_model.items(), key=lambda i: (-i[1], i[0]))]
    cards = []
    for model_id in sorted({str(m["model_id"]) for m in approved} | {str(u["model_id"]) for u in used}):
        try:
            artifact, sha256 = models.artifact(model_id)
        except Exception as exc:  # unknown to the registry or its file fails its checks: say so
            cards.append({"model_id": model_id, "available": False, "reason": f"{type(exc).__name__}: {exc}"[:300]})
            continue
        cards.append(_card_summary(model_card(artifact, sha256)))
    return {"approved_in_period": approved, "used_by_decisions": used, "governance_events":
            [g for g in scan.governance if g["in_period"]], "cards": cards}


def _artifact_or_none(models: ModelRegistry, model_id: str) -> dict | None:
    try:
        return models.artifact(model_id)[0]
    except Exception:  # unknown to the registry or its file fails its checks: the cards section says why
        return None


def _card_summary(card: dict[str, Any]) -> dict[str, Any]:
    m = card["metrics"]
    explanation = card["global_explanation"]
    top = [r["term"] for r in explanation["importances"][:TOP_FEATURES]]
    shapes = {s["feature"]: s for s in explanation["shapes"]}
    fairness = card.get("fairness") or {}
    return {
        "model_id": card["model_id"], "sha256": card["sha256"], "available": True,
        "estimator": card["estimator"], "terms": card["terms"], "feature_set": card["feature_set"],
        "purpose": card["intended_use"]["purpose"], "not_for": card["intended_use"]["not_for"],
        "target": card["target"].get("definition"),
        "training_data": {k: card["data"]["data"].get(k) for k in ("file", "sha256", "invoices", "customers", "rows")
                          if k in card["data"]["data"]},
        "metrics": {"holdout": {k: m["holdout"].get(k) for k in ("n", "auc", "brier", "log_loss", "prevalence",
                                                                  "expected_calibration_error")},
                    "baseline": {"model": m["baseline"].get("model"),
                                 **{k: m["baseline"]["holdout"].get(k) for k in ("auc", "brier", "log_loss")}},
                    "auc_gap_to_baseline": m.get("auc_gap_to_baseline")},
        "importances": explanation["importances"],
        "top_features": [shapes[name] for name in top if name in shapes],
        "fairness": {
            "threshold": fairness.get("threshold"), "max_ratio": fairness.get("max_ratio"),
            "evaluated_on": fairness.get("evaluated_on"),
            "attributes": [{"attribute": attribute, "flagged": result.get("flagged", []),
                            "groups": [{k: g.get(k) for k in ("group", "n", "base_rate", "mean_predicted", "flag_rate",
                                                               "false_positive_rate", "false_negative_rate", "auc")}
                                       for g in result.get("groups", [])],
                            "disparities": {rate: d.get("ratio") for rate, d in result.get("disparities", {}).items()}}
                           for attribute, result in sorted((fairness.get("attributes") or {}).items())],
        },
        "limitations": card.get("limitations", []),
    }
