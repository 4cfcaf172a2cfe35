"""The explanation letter: one decision explained to the debtor, in English or German.

What was decided, the principal reasons in plain language (the decision's own recorded
explanation: the same sentences the AR system received), each with the direction in which it
counted, what the risk score changed and what followed regardless of it, a hint only when
re-deciding confirmed it (``decisions.explanation.for_debtor``), the fees with their legal basis, the
debtor's rights (objection, human review, access) and the portal access code.

The debtor's name and postal address are in the decision's sealed request: they are unsealed
under the subject's key for this letter only, never logged and never stored elsewhere. A subject
whose key was shredded (erasure) gets no letter: ``SubjectErased``.
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from datetime import datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from decisions import l10n
from decisions.errors import DomainError, NotFound
from decisions.explanation import for_debtor
from decisions.explanation import text as decision_text
from decisions.messages import MessageSettings
from decisions.privacy import Controller, law_of, law_words, privacy_notice
from ledger import Database, Sealed
from ledger.tables import LedgerBlob, LedgerEntry
from ledger.timestamps import as_utc
from retention import KeyVault, VaultError

from ._pdf import render_pdf
from ._texts import language, texts

__all__ = ["SubjectErased", "letter_data", "render_letter", "AccessCodes", "letter_creditor", "letter_portal_url"]

# subject pseudonym -> the portal access code printed in the letter (the rights workflow's
# ``PortalAccess.access_code``: derived from the pseudonym, never stored).
AccessCodes = Callable[[str], str]


class SubjectErased(DomainError):
    """The subject's data was erased (crypto-shredded): the letter cannot be addressed."""

    code = "subject_erased"


def letter_data(db: Database, vault: KeyVault, decision_id: str, *,
                access_code: AccessCodes | None = None, controller: Controller | None = None,
                settings: MessageSettings | None = None) -> dict[str, Any]:
    """Everything the letter shows (personal data included: for rendering only, never log it).
    ``privacy`` is the GDPR Art. 13/14 information of ``controller`` under the law of the debtor's
    country (``decisions.privacy``); None without a controller or outside the GDPR's reach.
    ``creditor`` and ``portal_url`` are those of ``letter_creditor`` and ``letter_portal_url``
    (the decision's own message inputs first, then the request, then ``settings``)."""
    from decisions.documents import document_of
    from decisions.tables import DecisionRow

    with db.reading() as session:
        row = session.get(DecisionRow, decision_id)
        if row is None:
            raise NotFound("no decision with this id")
        document = document_of(session, row)
        payload = _unsealed_payload(session, vault, row.ledger_seq, row.subject_id)
        code = access_code(row.subject_id) if access_code is not None else None
    request = payload.get("request") or {}
    message = payload.get("message") or {}
    debtor = request.get("debtor") or {}
    contact = debtor.get("contact") or {}
    invoice = request.get("invoice") or {}
    law = law_of(debtor.get("jurisdiction"))
    lang = language((document.get("explanation") or {}).get("language"))
    privacy = privacy_notice(controller, lang=lang, law=law) if controller is not None and law else None
    return {"decision": document, "privacy": privacy, "law": law, "recorded_at": as_utc(row.recorded_at).isoformat(),
            "name": contact.get("name"), "address": contact.get("address"), "timezone": debtor.get("timezone"),
            "invoice": {k: invoice.get(k) for k in ("ref", "currency", "amount", "open_amount", "due_on")},
            "creditor": letter_creditor(request, message, settings, controller),
            "portal_url": letter_portal_url(message, settings),
            "access_code": code}


def letter_creditor(request: Mapping[str, Any], message: Mapping[str, Any], settings: MessageSettings | None,
                    controller: Controller | None) -> dict[str, Any]:
    """Who the letter is from (name, address, e-mail, phone, website), the first that names one:
    the creditor the decision's message was rendered for (its sealed inputs: request fields and the
    installation's ``FAIRDUN_CREDITOR_*`` resolved when it was decided, so letter and message
    agree), the request's ``creditor``, the installation's ``FAIRDUN_CREDITOR_*``, and last the
    controller of the debtor's data (a first-party creditor is its own controller). The rule of
    ``decisions.messages.message_inputs``: a request that names a creditor or its contact is
    never mixed with the installation's contact."""
    keys = ("name", "address", "email", "phone", "website")
    sealed = message.get("creditor") or {}
    if sealed.get("name"):
        return {key: sealed.get(key) for key in keys}
    requested = request.get("creditor") or {}
    contact = requested.get("contact") or {}
    defaults = settings.creditor if settings is not None else None
    if requested.get("name") or contact:
        name = requested.get("name") or (defaults.name if defaults is not None else None)
        if name:
            return {"name": name, **{key: contact.get(key) for key in keys[1:]}}
    if defaults is not None and defaults.name:
        return {key: getattr(defaults, key) for key in keys}
    if controller is not None:
        return {"name": controller.name, "address": controller.address, "email": controller.email,
                "phone": controller.phone, "website": None}
    return dict.fromkeys(keys)


def letter_portal_url(message: Mapping[str, Any], settings: MessageSettings | None) -> str | None:
    """The debtor portal's address printed next to the access code: ``<base>/portal/`` of the
    installation's ``FAIRDUN_PORTAL_BASE_URL`` as the decision's message recorded it, else as
    configured now; None without one."""
    base = message.get("portal_url") or (settings.portal_url if settings is not None else None)
    return f"{str(base).rstrip('/')}/portal/" if base else None


def _unsealed_payload(session: Session, vault: KeyVault, seq: int, subject_id: str) -> dict[str, Any]:
    """The decision's sealed ``{"request", "policy_input", "message"?}``."""
    sealed_sha256 = session.scalar(select(LedgerEntry.sealed_sha256).where(LedgerEntry.seq == seq))
    blob = session.get(LedgerBlob, sealed_sha256) if sealed_sha256 else None
    if blob is None:
        raise SubjectErased("the debtor's data was erased; no letter can be addressed")
    try:
        payload = json.loads(vault.unseal(session, Sealed(subject_id=subject_id, data=blob.data)))
    except VaultError as exc:
        raise SubjectErased("the debtor's data was erased; no letter can be addressed") from exc
    return payload if isinstance(payload, dict) else {}


def render_letter(letter: dict[str, Any]) -> bytes:
    """The letter as tagged PDF/A-3a in the decision's language; same data, same bytes.

    Page 1 says who writes (the creditor and how to reach them), what is owed (the open amount
    plus the fees this decision charges, each with its amount), since when it is due, and where
    and how to act: the portal's address with the access code. The explanation follows."""
    document = letter["decision"]
    explanation = document.get("explanation") or {}
    lang = language(explanation.get("language"))
    t = texts(lang)
    action = document.get("action") or {}
    zone = _zone_name(letter.get("timezone"))
    decided_at = document.get("as_of") or letter["recorded_at"]
    decided_on = l10n.format_day(decided_at, lang, zone)
    shown = for_debtor(document)
    fee_kinds = t["letter"]["fee_kinds"]
    fees = [{"label": fee_kinds.get(f.get("kind"), str(f.get("kind", "")).replace("_", " ")),
             "amount": f.get("amount"), "currency": f.get("currency"), "basis": f.get("basis"),
             "money": l10n.format_money(f.get("amount"), f.get("currency"), lang)}
            for f in shown["fees"]]   # the basis in the letter's language
    action_label = None
    if action.get("kind") and action["kind"] != "none":
        action_label = decision_text(lang, "action", action["kind"]).format(level=action.get("level"))
        if action.get("channel"):
            action_label += " " + decision_text(lang, "channel", action["channel"])
    invoice = letter.get("invoice") or {}
    context = {
        "t": t, "lang": lang, "l": t["letter"], "decision_id": document.get("decision_id"),
        "status": document.get("status"),
        "summary": l10n.readable_dates(shown["summary"], lang, zone) if shown["summary"] else shown["summary"],
        "action_label": action_label,
        "reasons": shown["reasons"], "facts": shown["facts"], "profiling": shown["profiling"],
        "changed": shown["changed"], "regardless": shown["regardless"], "hint": shown["hint"], "fees": fees,
        "name": letter.get("name"), "address": letter.get("address"), "invoice": invoice,
        "owed": amount_owed(invoice, shown["fees"], lang),
        "due_on": l10n.format_day(invoice.get("due_on"), lang) if invoice.get("due_on") else None,
        "creditor": letter.get("creditor") or {}, "portal_url": letter.get("portal_url"),
        "access_code": letter.get("access_code"), "decided_on": decided_on, "privacy": letter.get("privacy"),
        "law": law_words(letter.get("law"), lang),
        "under_gdpr": letter.get("law") is not None,   # GDPR / UK GDPR; elsewhere no GDPR article is cited
        "page_label": t["page"], "header_title": t["letter"]["title"],
        "footer_text": t["letter"]["footer"].format(ref=document.get("decision_id")),
    }
    created = datetime.fromisoformat(letter["recorded_at"])
    return render_pdf("letter.html", context, title=t["letter"]["title"], created=created, lang=lang, zone=zone)


def amount_owed(invoice: Mapping[str, Any], fees: list[Mapping[str, Any]], lang: str) -> dict[str, Any] | None:
    """The amount owed as the letter states it: the invoice's open amount, each fee this decision
    charges, and their total, formatted by locale. None without an open amount; no total when a
    fee is in another currency than the invoice (it is listed, never added)."""
    currency = invoice.get("currency")
    try:
        open_amount = Decimal(str(invoice.get("open_amount")))
    except (InvalidOperation, ValueError):
        return None
    if not currency or not open_amount.is_finite():
        return None
    total: Decimal | None = open_amount
    for fee in fees:
        try:
            amount = Decimal(str(fee.get("amount")))
        except (InvalidOperation, ValueError):
            total = None
            continue
        if total is not None and fee.get("currency") == currency and amount.is_finite():
            total += amount
        else:
            total = None
    return {"open": l10n.format_money(open_amount, currency, lang),
            "total": None if total is None else l10n.format_money(total, currency, lang),
            "with_fees": bool(fees)}


def _zone_name(zone: Any) -> str:
    """The debtor's zone (checked when the request came in), else UTC."""
    from zoneinfo import ZoneInfo, ZoneInfoNotFoundError

    try:
        ZoneInfo(str(zone))
    except (ZoneInfoNotFoundError, ValueError):
        return "UTC"
    return str(zone)
