"""What the debtor portal shows a signed-in subject (plain functions; the portal calls them with
the subject pseudonym its sign-in returned, never with anything from the request): the matters
(claims) with their decisions, plain-language explanations and review status, and one decision
("why?"). A decision of another subject does not exist for this one (``NotFound``).

Per matter, what is owed and what happened are read from what verification checks: the latest
decision's ledger entry (the claim's facts as it saw them: open amount, currency, due date,
jurisdiction; the fees its action charges) and the ``claim_activity`` read model joined with the
``event`` entries it points at (payments, disputes, promises: their amounts and reasons are the
entry's). A row that does not match its entry fails closed (``ChainBroken``). Only who writes
(the creditor) and how to pay come from the decision's sealed request, which the entry's
``sealed_sha256`` covers, because they are personal data no ledger body holds.

Explanations are shown in the page's language (``lang``): a recorded text is rendered again in
that language from its data (reason catalogue, the product's texts) only where rendering it in
the recorded language reproduces the recorded text exactly; otherwise it is shown as recorded,
marked with its language.
"""

from __future__ import annotations

import contextlib
import json
import re
from collections.abc import Mapping
from datetime import date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

from sqlalchemy import select
from sqlalchemy.orm import Session

from explain import ModelError
from explain.reasons import direction_label, load_catalogue, reason_case
from ledger import ChainBroken
from ledger.tables import LedgerEntry
from ledger.timestamps import parse_rfc3339

from ..documents import READ_MODEL_MISMATCH, document_of, documents_of
from ..errors import NotFound, storage_guard
from ..explanation import debtor_rules, fee_basis, for_debtor, language_of, review_why, text
from ..money import exponent_of
from ..privacy import law_of, law_words, privacy_notice
from ..regf import validation_period_end
from ..situation import VALIDATION_NOTICE
from ..tables import ClaimActivityRow, DecisionRow
from ._common import RightsContext, iso, unseal_entry
from .reviews import review_of_decision

__all__ = ["matters_of", "decision_of", "privacy_of", "HISTORY_EVENTS"]

# The reported events a matter's history shows (claim_activity; contact attempts and delivery
# results are the creditor's bookkeeping, not the debtor's story).
HISTORY_EVENTS = ("payment_received", "partial_payment", "payment_reported", "dispute_opened", "dispute_closed",
                  "promise_to_pay", "payment_plan_requested", "claim_closed", "validation_notice_sent",
                  "channel_opted_out", "complaint_received")
_PAYMENTS = ("payment_received", "partial_payment")
_CHARGED = ("decided", "upheld", "modified")   # states in which the latest decision's fees are owed


# -- one decision, in the page's language ----------------------------------------------------

def _view(document: dict[str, Any], review: dict[str, Any] | None, timezone: str | None, lang: str | None,
          facts: Mapping[str, Any] | None = None) -> dict[str, Any]:
    outcome = review.get("outcome") if review else None
    state = ("under_review" if review and review["status"] == "open"
             else {"uphold": "upheld", "modify": "modified", "overturn": "overturned"}.get(outcome or "", "decided"))
    shown = for_debtor(document)   # summary, reasons with their direction, facts, changed/regardless, hint, fees
    view = {"decision_id": document["decision_id"], "as_of": document.get("as_of"), "status": document.get("status"),
            "action": document.get("action"), **shown,
            "policy": shown["rules"],   # in plain words, each finding once, no code that reveals what is held
            "review": review, "state": state, "timezone": timezone}
    view["law"] = _law((facts or {}).get("jurisdiction")) if facts else None
    return _in_language(view, document, language_of(lang or shown["language"]), timezone, facts or {})


def _in_language(view: dict[str, Any], document: Mapping[str, Any], lang: str, timezone: str | None,
                 facts: Mapping[str, Any]) -> dict[str, Any]:
    """The view's texts in ``lang``, each one carrying its own language (``*_language``)."""
    recorded = view["language"]
    explanation: Mapping[str, Any] = document.get("explanation") or {}
    action: Mapping[str, Any] = document.get("action") or {}
    view["fees"] = [{**fee, "basis": fee_basis(fee, lang)} for fee in action.get("fees") or [] if isinstance(fee, Mapping)]
    view["policy"] = _rules(explanation.get("policy"), lang)
    summary = _summary(document, recorded, lang, timezone, facts)
    view["summary"], view["summary_language"] = summary if summary else (view["summary"], recorded)
    if lang == recorded:
        view.update(reasons_language=recorded, facts_language=recorded, role_language=recorded)
        return view
    scored = _scored(explanation)
    reasons = [_reason_in(reason, recorded, lang) for reason in scored]
    if all(r is not None for r in reasons):
        kept = {r["text"] for r in view["reasons"]}     # for_debtor leaves favourable facts out
        view["reasons"] = [new for old, new in zip(scored, reasons, strict=True) if old.get("text") in kept]
        view["reasons_language"] = lang
    else:
        view["reasons_language"] = recorded
    facts_texts = [_fact_in(reason, recorded, lang) for reason in explanation.get("reasons") or []
                   if isinstance(reason, Mapping) and reason.get("contribution") is None and reason.get("text")]
    if all(f is not None for f in facts_texts):
        view["facts"], view["facts_language"] = facts_texts, lang
    else:
        view["facts_language"] = recorded
    role = _role_in(document, recorded, lang)
    if role is not None:
        view["changed"], view["regardless"] = role
        view["role_language"] = lang
    else:
        view["role_language"] = recorded
    return view


def _scored(explanation: Mapping[str, Any]) -> list[Mapping[str, Any]]:
    return [r for r in explanation.get("reasons") or [] if isinstance(r, Mapping) and r.get("contribution") is not None]


def _reason_in(reason: Mapping[str, Any], recorded: str, lang: str) -> dict[str, Any] | None:
    """A model reason in ``lang``, or None where its recorded text cannot be reproduced."""
    direction = reason.get("direction") or ("raises" if (reason.get("contribution") or 0) > 0 else "lowers")
    features = list(reason.get("features") or [reason.get("feature")])
    try:
        if len(features) == 1:
            again = reason_case(str(features[0]), reason.get("value"), direction, recorded)[0]
            words = reason_case(str(features[0]), reason.get("value"), direction, lang)[0]
        else:
            again, words = _interaction(features, direction, recorded), _interaction(features, direction, lang)
    except (ModelError, ValueError, KeyError, TypeError):
        return None
    if again != reason.get("text"):
        return None
    return {"text": words, "direction": direction, "direction_text": direction_label(direction, lang)}


def _interaction(features: list[Any], direction: str, lang: str) -> str:
    catalogue = load_catalogue()
    labels = [catalogue["features"][f]["label"][lang] for f in features]
    joined = labels[-1] if len(labels) == 1 else ", ".join(labels[:-1]) + f" {catalogue['conjunction'][lang]} " + labels[-1]
    return str(catalogue["interaction"][direction][lang].format(labels=joined))


def _fact_in(reason: Mapping[str, Any], recorded: str, lang: str) -> str | None:
    """A fact of the reminder process (a reason without a score) in ``lang``."""
    for key in text(recorded, "rule_reason"):
        template = text(recorded, "rule_reason", key)
        if template.format(value=reason.get("value")) == reason.get("text"):
            return text(lang, "rule_reason", key).format(value=reason.get("value"))
    return None


def _role_values(document: Mapping[str, Any], lang: str) -> dict[str, str]:
    action: Mapping[str, Any] = document.get("action") or {}
    band = (document.get("risk") or {}).get("band")
    values = {"action": "", "tone": "", "band": ""}
    if action.get("kind"):
        values["action"] = text(lang, "action", str(action["kind"])).format(level=action.get("level"))
    if action.get("tone"):
        values["tone"] = text(lang, "tone", str(action["tone"]))
    if band:
        values["band"] = text(lang, "band", str(band))
    return values


def _role_in(document: Mapping[str, Any], recorded: str, lang: str) -> tuple[list[str], list[str]] | None:
    """What the score changed and what followed regardless, in ``lang``."""
    role: Mapping[str, Any] = (document.get("explanation") or {}).get("score_role") or {}
    shown = for_debtor(document)
    try:
        old, new = _role_values(document, recorded), _role_values(document, lang)
        result: list[list[str]] = []
        for part in ("changed", "regardless"):
            texts: list[str] = []
            for item in role.get(part) or []:
                template = text(recorded, "score_role", str(item.get("element")))
                if template.format(**old) != item.get("text"):
                    return None
                texts.append(text(lang, "score_role", str(item.get("element"))).format(**new))
            result.append(texts)
    except (KeyError, TypeError, ValueError):
        return None
    if len(result[1]) < len(shown["regardless"]):    # "no score" added by for_debtor
        result[1].insert(0, text(lang, "score_role", "no_score"))
    return result[0], result[1]


def _rules(trace: Any, lang: str) -> list[dict[str, Any]]:
    """The policy trace in plain words in ``lang`` (``debtor_rules``). A finding ``debtor_rules``
    leaves in the rule's own words (a refusal's technical English message) is said in the
    product's words instead (``message`` None, with the ``steps`` it ruled out, each ``{kind,
    channel}``: the page says which steps were not allowed); each finding once; each citation in
    the page's language (``_citation``)."""
    rows: dict[tuple[Any, ...], dict[str, Any]] = {}
    for rule in trace or []:
        if not isinstance(rule, Mapping):
            continue
        for row in debtor_rules([rule], lang):
            row["steps"] = []
            if row["message"] == rule.get("message") or row["language"] != lang:
                row["message"], row["language"] = None, lang
                if rule.get("action"):
                    row["steps"] = [{"kind": rule.get("action"), "channel": rule.get("channel")}]
            row["citation"] = _citation(row["citation"], lang)
            key = (row["rule"], row["effect"], row["citation"], row["message"])
            if key not in rows:     # each finding once, with every step it ruled out
                rows[key] = row
            else:
                rows[key]["steps"] += [step for step in row["steps"] if step not in rows[key]["steps"]]
    return list(rows.values())


# What a citation says in words of its own (not the name of a law) in each page language: the
# product's own principles, and the names of EU law that German writes otherwise.
_OWN = {"en": "fairdun's own principle, in the debtor's favour", "de": "eigener Grundsatz von fairdun, zu Ihren Gunsten"}
_NAMES = {"de": ((re.compile(r"(?<!UK )\bGDPR\b"), "DSGVO"), (re.compile(r"\bRegulation \(EU\)"), "Verordnung (EU)"),
                 (re.compile(r"\(AI Act\)"), "(KI-Verordnung)"))}


def _citation(citation: Any, lang: str) -> str | None:
    """A rule's citation as the debtor reads it in ``lang``: the laws it names (an EU law by its
    German name on a German page); a part that cites one of fairdun's own principles or policies
    (English prose) as "fairdun's own principle"."""
    if not citation:
        return None
    parts: list[str] = []
    for part in str(citation).split(";"):
        part = part.strip()
        if part.lower().startswith("fairdun"):
            part = _OWN.get(lang, _OWN["en"])
        else:
            for pattern, name in _NAMES.get(lang, ()):
                part = pattern.sub(name, part)
        if part and part not in parts:
            parts.append(part)
    return "; ".join(parts)


def _zone(name: str | None) -> ZoneInfo | None:
    try:
        return ZoneInfo(name) if name else None
    except (ZoneInfoNotFoundError, ValueError):
        return None


def _summary(document: Mapping[str, Any], recorded: str, lang: str, timezone: str | None,
             facts: Mapping[str, Any]) -> tuple[str, str] | None:
    """``(summary, lang)``: the summary rendered again in ``lang``, its planned time in words with
    the debtor's zone ("23 November 2026, 09:00 (CET)", where the recorded one says
    "2026-11-23 09:00"), or None where the recorded summary cannot be reproduced from the document."""
    explanation: Mapping[str, Any] = document.get("explanation") or {}
    summary = explanation.get("summary")
    action: Mapping[str, Any] = document.get("action") or {}
    status = document.get("status")
    if not summary:
        return None
    values = {"days": "", "days_until": ""}
    zone = _zone(timezone)
    send_at = action.get("send_at")
    try:
        if facts.get("due_on") and zone is not None:
            today = parse_rfc3339(str(document["as_of"])).astimezone(zone).date()
            days = (today - date.fromisoformat(str(facts["due_on"]))).days
            values = {"days": str(days), "days_until": str(-days)}
        local = parse_rfc3339(str(send_at)).astimezone(zone) if send_at and zone is not None else None
    except (KeyError, ValueError):
        return None
    kind = action.get("kind") or "none"

    def words(language: str, when: str) -> str | None:
        if status == "decided" and kind != "none":
            key = "decided" if values["days"] and int(values["days"]) >= 0 else "decided_not_due"
            return text(language, "summary", key).format(
                action=text(language, "action", kind).format(level=action.get("level")),
                channel=text(language, "channel", action["channel"]) if action.get("channel") else "",
                send_date=when, **values).replace("  ", " ")
        if status == "decided" and kind == "none":
            for key in ("closed", "settled", "ladder_exhausted", "all_denied"):
                if text(recorded, "summary", key) == summary:
                    return text(language, "summary", key)
            return None
        if status == "needs_review" and kind != "none":
            codes = [str(r.get("message", ""))[len("human review required: "):] for r in explanation.get("policy") or []
                     if isinstance(r, Mapping) and str(r.get("message", "")).startswith("human review required: ")]
            return text(language, "summary", "needs_review").format(
                action=text(language, "action", kind).format(level=action.get("level")),
                why=review_why(language, codes))
        return None

    try:
        again = words(recorded, local.strftime("%Y-%m-%d %H:%M") if local else "")
        if again is None or again != summary:
            return None
        shown = words(lang, _moment_words(local, lang) if local else "")
    except (KeyError, ValueError, IndexError):
        return None
    return (shown, lang) if shown else None


# Babel's locale of each language the portal speaks (as ``service.web`` formats its pages).
_LOCALES = {"en": "en_GB", "de": "de_DE"}


def _moment_words(local: datetime, lang: str) -> str:
    """A local moment as the portal writes it: long date, 24-hour time, the zone's abbreviation."""
    from babel.dates import format_date, format_time

    locale = _LOCALES.get(lang, "en_GB")
    return (f"{format_date(local.date(), format='long', locale=locale)}, "
            f"{format_time(local, 'HH:mm', locale=locale)} ({local.tzname()})")


# -- matters ---------------------------------------------------------------------------------

def _debtor_zone(payload: dict[str, Any]) -> str | None:
    """The debtor's time zone from the decision's sealed request (gone once erased): times of
    what is sent to them are shown in it."""
    return ((payload.get("request") or {}).get("debtor") or {}).get("timezone")


def _body(entry: str, seq: int, kind: str) -> dict[str, Any]:
    parsed = json.loads(entry)
    body = parsed.get("body") if isinstance(parsed, dict) else None
    if not isinstance(body, dict) or parsed.get("kind") != kind:
        raise ChainBroken(seq, READ_MODEL_MISMATCH, f"the entry at {seq} is not a {kind} entry")
    return body


def _facts(session: Session, seqs: list[int]) -> dict[int, dict[str, Any]]:
    """The claim's facts as each decision entry at ``seqs`` saw them (its ledger body's ``facts``)."""
    found: dict[int, dict[str, Any]] = {}
    wanted = sorted(set(seqs))
    for start in range(0, len(wanted), 500):
        query = select(LedgerEntry.seq, LedgerEntry.entry).where(LedgerEntry.seq.in_(wanted[start:start + 500]))
        for seq, entry in session.execute(query):
            found[seq] = dict(_body(entry, seq, "decision").get("facts") or {})
    for seq in wanted:
        if seq not in found:
            raise ChainBroken(seq, READ_MODEL_MISMATCH, f"no decision entry at {seq}")
    return found


def _activity(session: Session, claim_id: str, subject_id: str) -> list[dict[str, Any]]:
    """The claim's reported events (``claim_activity`` rows, each with the ``event`` entry it
    points at: a row that says otherwise than its entry fails closed) and its dunning steps."""
    query = (select(ClaimActivityRow, LedgerEntry.kind, LedgerEntry.entry)
             .outerjoin(LedgerEntry, LedgerEntry.seq == ClaimActivityRow.ledger_seq)
             .where(ClaimActivityRow.claim_id == claim_id, ClaimActivityRow.subject_id == subject_id)
             .order_by(ClaimActivityRow.at, ClaimActivityRow.id))
    items: list[dict[str, Any]] = []
    for row, kind, entry in session.execute(query):
        if row.activity == "dunning":
            items.append({"type": "dunning", "at": iso(row.at), "notices": json.loads(row.notices or "[]")})
            continue
        if entry is None or kind != "event":
            raise ChainBroken(row.ledger_seq, READ_MODEL_MISMATCH,
                              f"claim_activity row {row.id}: ledger_seq {row.ledger_seq} is no event entry")
        body = _body(entry, row.ledger_seq, "event")
        if (body.get("event_id"), body.get("type"), body.get("claim")) != (row.source_id, row.activity, row.claim_id):
            raise ChainBroken(row.ledger_seq, READ_MODEL_MISMATCH,
                              f"claim_activity row {row.id} does not match the event entry it points at")
        details = body.get("details") or {}
        items.append({"type": body["type"], "at": body.get("at"), "on_date": details.get("on_date"),
                      "amount": details.get("amount"), "currency": details.get("currency"),
                      "reason": details.get("reason"), "channel": details.get("channel")})
    return items


def _decimal(value: Any) -> Decimal | None:
    try:
        return Decimal(str(value)) if value is not None else None
    except (InvalidOperation, ValueError):
        return None


def _owed(latest: Mapping[str, Any], facts: Mapping[str, Any], activity: list[dict[str, Any]]) -> dict[str, Any]:
    """What is owed: the open amount the latest decision saw, less the payments reported after
    it, plus the fees (and interest) that decision charges, each with its basis."""
    currency = facts.get("currency")
    open_amount = _decimal(facts.get("open_amount"))
    if not currency or open_amount is None:
        return {"currency": currency, "open_amount": None, "fees": [], "total": None, "paid_since": None}
    exponent = Decimal(1).scaleb(-exponent_of(str(currency)))
    since = parse_rfc3339(str(latest["as_of"]))
    paid = Decimal(0)
    settled = False
    for item in activity:
        if item["type"] not in _PAYMENTS or parse_rfc3339(str(item["at"])) <= since:
            continue
        amount = _decimal(item.get("amount"))
        if amount is None or item.get("currency") != currency:
            settled = settled or item["type"] == "payment_received"
            continue
        paid += amount
    still_open = Decimal(0) if settled else max(open_amount - paid, Decimal(0))
    fees = [fee for fee in latest["fees"] if fee.get("currency") == currency] if latest["state"] in _CHARGED else []
    if latest["state"] == "modified":
        fees = [{**fee, "basis": fee_basis(fee, latest["language"])}
                for fee in ((latest.get("review") or {}).get("action") or {}).get("fees") or []
                if isinstance(fee, Mapping) and fee.get("currency") == currency]
    total = still_open + sum((_decimal(fee.get("amount")) or Decimal(0) for fee in fees), Decimal(0))
    return {"currency": currency, "open_amount": str(still_open.quantize(exponent)),
            "recorded_open_amount": str(open_amount.quantize(exponent)),
            "paid_since": str(paid.quantize(exponent)) if paid else None, "fees": fees,
            "total": str(total.quantize(exponent))}


def _validation_end(activity: list[dict[str, Any]], invoice: Mapping[str, Any], zone: ZoneInfo | None) -> str | None:
    """The last day of the 12 CFR 1006.34(b)(5) validation period of the latest validation
    notice (the request's date, a reported event, a message that carried it), if any."""
    days: list[date] = []
    if invoice.get("validation_notice_sent_on"):
        with contextlib.suppress(ValueError):
            days.append(date.fromisoformat(str(invoice["validation_notice_sent_on"])))
    for item in activity:
        notice = item["type"] == "dunning" and VALIDATION_NOTICE in item["notices"]
        if item["type"] == "validation_notice_sent" or notice:
            moment = parse_rfc3339(str(item["at"]))
            days.append(moment.astimezone(zone).date() if zone else moment.date())
    return validation_period_end(max(days)).isoformat() if days else None


def _creditor(payload: Mapping[str, Any]) -> dict[str, Any] | None:
    """Who writes, as the decision's message named them (request or installation), else as the
    request named them; None: the installation's (the portal adds it)."""
    named = (payload.get("message") or {}).get("creditor")
    if isinstance(named, Mapping) and named.get("name"):
        return dict(named)
    requested = (payload.get("request") or {}).get("creditor") or {}
    contact = requested.get("contact") or {}
    if requested.get("name") or contact:
        return {"name": requested.get("name"), **{k: contact.get(k) for k in ("address", "email", "phone", "website")}}
    return None


def matters_of(ctx: RightsContext, subject_id: str, *, lang: str | None = None) -> list[dict[str, Any]]:
    """The subject's claims, most recent first, each with its decisions (newest first), what is
    owed, the payment details the request gave, the history of reported events and the law."""
    now = ctx.clock()
    with storage_guard("the matters"), ctx.db.reading() as session:
        rows = session.scalars(select(DecisionRow).where(DecisionRow.subject_id == subject_id)
                               .order_by(DecisionRow.recorded_at.desc(), DecisionRow.ledger_seq.desc())).all()
        documents = documents_of(session, [row.decision_id for row in rows])
        facts_of = _facts(session, [row.ledger_seq for row in rows])
        matters: dict[str, dict[str, Any]] = {}
        for row in rows:
            matter = matters.get(row.claim_id)
            if matter is None:
                payload = unseal_entry(session, ctx.vault, row.ledger_seq) or {}
                invoice = (payload.get("request") or {}).get("invoice") or {}
                request = payload.get("request") or {}
                recorded = {"currency": invoice.get("currency"), "open_amount": invoice.get("open_amount"),
                            "due_on": invoice.get("due_on"),
                            "jurisdiction": (request.get("debtor") or {}).get("jurisdiction")}
                # the entry's facts; a decision recorded before they were kept: its sealed request's
                facts = {**{k: v for k, v in recorded.items() if v is not None}, **facts_of[row.ledger_seq]}
                matter = matters[row.claim_id] = {
                    "claim": row.claim_id, "invoice_ref": invoice.get("ref"), "currency": facts.get("currency"),
                    "timezone": _debtor_zone(payload), "facts": facts,
                    "jurisdiction": facts.get("jurisdiction"), "law": _law(facts.get("jurisdiction")),
                    "open_amount": facts.get("open_amount"), "due_on": facts.get("due_on"),
                    "creditor": _creditor(payload), "payment": invoice.get("payment"),
                    "creditor_role": ((payload.get("request") or {}).get("creditor") or {}).get("role"),
                    "invoice": invoice,
                    "last_decided_at": iso(row.recorded_at), "decisions": []}
            view = _view(documents[row.decision_id], review_of_decision(session, row.decision_id, now=now),
                         matter["timezone"], lang, facts_of[row.ledger_seq])
            matter["decisions"].append(view)
        for matter in matters.values():
            latest = matter["decisions"][0]
            matter["state"] = latest["state"]
            activity = _activity(session, matter["claim"], subject_id)
            matter["owed"] = _owed(latest, matter.pop("facts"), activity)
            matter["history"] = [item for item in activity if item["type"] in HISTORY_EVENTS]
            matter["disputed"] = _disputed(activity)
            invoice = matter.pop("invoice")
            matter["validation_period_end"] = (_validation_end(activity, invoice, _zone(matter["timezone"]))
                                               if matter["law"] == "us" else None)
        return list(matters.values())


def _disputed(activity: list[dict[str, Any]]) -> bool:
    """Whether the latest reported dispute is still open."""
    state = False
    for item in activity:
        if item["type"] == "dispute_opened":
            state = True
        elif item["type"] == "dispute_closed":
            state = False
    return state


def decision_of(ctx: RightsContext, subject_id: str, decision_id: str, *, lang: str | None = None) -> dict[str, Any]:
    """One of the subject's decisions with its explanation ("why?") in ``lang`` where it can be."""
    with storage_guard("the decision"), ctx.db.reading() as session:
        row = session.get(DecisionRow, decision_id)
        if row is None or row.subject_id != subject_id:
            raise NotFound("no decision with this id for this person")
        payload = unseal_entry(session, ctx.vault, row.ledger_seq) or {}
        return _view(document_of(session, row), review_of_decision(session, decision_id, now=ctx.clock()),
                     _debtor_zone(payload), lang, _facts(session, [row.ledger_seq])[row.ledger_seq])


def _law(jurisdiction: Any) -> str:
    """Whose rights the portal names: ``uk`` (UK GDPR), ``us`` (the FDCPA and Regulation F:
    dispute and validation), else ``eu`` (the GDPR)."""
    if str(jurisdiction or "").upper().startswith("US"):
        return "us"
    return law_of(str(jurisdiction) if jurisdiction else None) or "eu"


def privacy_of(ctx: RightsContext, subject_id: str, *, lang: str) -> dict[str, Any]:
    """The subject's data-protection law and the controller's Art. 13/14 information in ``lang``:
    ``{"law": "uk" | "eu", "rights": "uk" | "eu" | "us", "words": {short, law, authority,
    complaint}, "notice": {...} | None}``. The law is that of the debtor's country in the
    subject's latest decision (its ledger facts; GB: UK GDPR and the ICO); anywhere else the
    GDPR's. ``rights`` names which rights the portal offers: a debtor in the US is offered the
    US rights (dispute, validation), not the GDPR's."""
    with storage_guard("the privacy information"), ctx.db.reading() as session:
        seq = session.scalar(select(DecisionRow.ledger_seq).where(DecisionRow.subject_id == subject_id)
                             .order_by(DecisionRow.recorded_at.desc(), DecisionRow.ledger_seq.desc()).limit(1))
        jurisdiction = _facts(session, [seq])[seq].get("jurisdiction") if seq is not None else None
    law = law_of(jurisdiction) or "eu"
    return {"law": law, "rights": _law(jurisdiction), "words": law_words(law, lang),
            "notice": privacy_notice(ctx.controller, lang=lang, law=law) if ctx.controller is not None else None}
