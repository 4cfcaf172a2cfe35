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
from collections.abc import Callable
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from decisions.errors import DomainError, NotFound
from decisions.explanation import for_debtor
from decisions.explanation import text as decision_text
from decisions.privacy import Controller, law_of, law_words, privacy_notice
from ledger import Database, Sealed
from ledger.tables import LedgerBlob, LedgerEntry
from ledger.timestamps import as_utc
from retention import KeyVault, VaultError

from ._pdf import render_pdf
from ._texts import language, texts

__all__ = ["SubjectErased", "letter_data", "render_letter", "AccessCodes"]

# subject pseudonym -> the portal access code printed in the letter (the rights workflow's
# ``PortalAccess.access_code``: derived from the pseudonym, never stored).
AccessCodes = Callable[[str], str]


class SubjectErased(DomainError):
    """The subject's data was erased (crypto-shredded): the letter cannot be addressed."""

    code = "subject_erased"


def letter_data(db: Database, vault: KeyVault, decision_id: str, *,
                access_code: AccessCodes | None = None, controller: Controller | None = None) -> dict[str, Any]:
    """Everything the letter shows (personal data included: for rendering only, never log it).
    ``privacy`` is the GDPR Art. 13/14 information of ``controller`` under the law of the debtor's
    country (``decisions.privacy``); None without a controller or outside the GDPR's reach."""
    from decisions.documents import document_of
    from decisions.tables import DecisionRow

    with db.reading() as session:
        row = session.get(DecisionRow, decision_id)
        if row is None:
            raise NotFound("no decision with this id")
        document = document_of(session, row)
        request = _unsealed_request(session, vault, row.ledger_seq, row.subject_id)
        code = access_code(row.subject_id) if access_code is not None else None
    debtor = request.get("debtor") or {}
    contact = debtor.get("contact") or {}
    invoice = request.get("invoice") or {}
    law = law_of(debtor.get("jurisdiction"))
    lang = language((document.get("explanation") or {}).get("language"))
    privacy = privacy_notice(controller, lang=lang, law=law) if controller is not None and law else None
    return {"decision": document, "privacy": privacy, "law": law, "recorded_at": as_utc(row.recorded_at).isoformat(),
            "name": contact.get("name"), "address": contact.get("address"),
            "invoice": {k: invoice.get(k) for k in ("ref", "currency", "amount", "open_amount", "due_on")},
            "access_code": code}


def _unsealed_request(session: Session, vault: KeyVault, seq: int, subject_id: str) -> dict[str, Any]:
    sealed_sha256 = session.scalar(select(LedgerEntry.sealed_sha256).where(LedgerEntry.seq == seq))
    blob = session.get(LedgerBlob, sealed_sha256) if sealed_sha256 else None
    if blob is None:
        raise SubjectErased("the debtor's data was erased; no letter can be addressed")
    try:
        payload = json.loads(vault.unseal(session, Sealed(subject_id=subject_id, data=blob.data)))
    except VaultError as exc:
        raise SubjectErased("the debtor's data was erased; no letter can be addressed") from exc
    return payload.get("request") or {}


def render_letter(letter: dict[str, Any]) -> bytes:
    """The letter as PDF/A-3b in the decision's language; same data, same bytes."""
    document = letter["decision"]
    explanation = document.get("explanation") or {}
    lang = language(explanation.get("language"))
    t = texts(lang)
    action = document.get("action") or {}
    decided_on = (document.get("as_of") or letter["recorded_at"])[:10]
    shown = for_debtor(document)
    fee_kinds = t["letter"]["fee_kinds"]
    fees = [{"label": fee_kinds.get(f.get("kind"), str(f.get("kind", "")).replace("_", " ")),
             "amount": f.get("amount"), "currency": f.get("currency"), "basis": f.get("basis")}
            for f in shown["fees"]]   # the basis in the letter's language
    action_label = None
    if action.get("kind") and action["kind"] != "none":
        action_label = decision_text(lang, "action", action["kind"]).format(level=action.get("level"))
        if action.get("channel"):
            action_label += " " + decision_text(lang, "channel", action["channel"])
    context = {
        "t": t, "lang": lang, "l": t["letter"], "decision_id": document.get("decision_id"),
        "status": document.get("status"), "summary": shown["summary"], "action_label": action_label,
        "reasons": shown["reasons"], "facts": shown["facts"], "profiling": shown["profiling"],
        "changed": shown["changed"], "regardless": shown["regardless"], "hint": shown["hint"], "fees": fees,
        "name": letter.get("name"), "address": letter.get("address"), "invoice": letter.get("invoice") or {},
        "access_code": letter.get("access_code"), "decided_on": decided_on, "privacy": letter.get("privacy"),
        "law": law_words(letter.get("law"), lang),
        "page_label": t["page"], "header_title": t["letter"]["title"],
        "footer_text": t["letter"]["footer"].format(ref=document.get("decision_id")),
    }
    created = datetime.fromisoformat(letter["recorded_at"])
    return render_pdf("letter.html", context, title=t["letter"]["title"], created=created, lang=lang)
