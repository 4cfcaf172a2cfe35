"""What the debtor portal shows a signed-in subject (plain functions; the portal calls them with
the subject pseudonym its sign-in returned, never with anything from the request): the matters
(claims) with their decisions, plain-language explanations and review status, and one decision
("why?"). A decision of another subject does not exist for this one (``NotFound``).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ..documents import document_of, documents_of
from ..errors import NotFound, storage_guard
from ..explanation import for_debtor
from ..privacy import law_of, law_words, privacy_notice
from ..tables import DecisionRow
from ._common import RightsContext, iso, unseal_entry
from .reviews import review_of_decision

__all__ = ["matters_of", "decision_of", "privacy_of"]


def _view(document: dict[str, Any], review: dict[str, Any] | None, timezone: str | None) -> dict[str, Any]:
    outcome = review.get("outcome") if review else None
    state = ("under_review" if review and review["status"] == "open"
             else {"uphold": "upheld", "modify": "modified", "overturn": "overturned"}.get(outcome or "", "decided"))
    shown = for_debtor(document)   # summary, reasons with their direction, facts, changed/regardless, hint, fees
    return {"decision_id": document["decision_id"], "as_of": document.get("as_of"), "status": document.get("status"),
            "action": document.get("action"), **shown,
            "policy": shown["rules"],   # in plain words, each finding once, no code that reveals what is held
            "review": review, "state": state, "timezone": timezone}


def _debtor_zone(payload: dict[str, Any]) -> str | None:
    """The debtor's time zone from the decision's sealed request (gone once erased): times of
    what is sent to them are shown in it."""
    return ((payload.get("request") or {}).get("debtor") or {}).get("timezone")


def matters_of(ctx: RightsContext, subject_id: str) -> list[dict[str, Any]]:
    """The subject's claims, most recent first, each with its decisions (newest first)."""
    now = ctx.clock()
    with storage_guard("the matters"), ctx.db.reading() as session:
        rows = session.scalars(select(DecisionRow).where(DecisionRow.subject_id == subject_id)
                               .order_by(DecisionRow.recorded_at.desc(), DecisionRow.ledger_seq.desc())).all()
        documents = documents_of(session, [row.decision_id for row in rows])
        matters: dict[str, dict[str, Any]] = {}
        for row in rows:
            matter = matters.get(row.claim_id)
            if matter is None:
                payload = unseal_entry(session, ctx.vault, row.ledger_seq) or {}
                invoice = (payload.get("request") or {}).get("invoice") or {}
                matter = matters[row.claim_id] = {
                    "claim": row.claim_id, "invoice_ref": invoice.get("ref"), "currency": invoice.get("currency"),
                    "timezone": _debtor_zone(payload),
                    "open_amount": invoice.get("open_amount"), "due_on": invoice.get("due_on"),
                    "last_decided_at": iso(row.recorded_at), "decisions": []}
            view = _view(documents[row.decision_id], review_of_decision(session, row.decision_id, now=now),
                         matter["timezone"])
            matter["decisions"].append(view)
        for matter in matters.values():
            matter["state"] = matter["decisions"][0]["state"]
        return list(matters.values())


def decision_of(ctx: RightsContext, subject_id: str, decision_id: str) -> dict[str, Any]:
    """One of the subject's decisions with its explanation ("why?")."""
    with storage_guard("the decision"), ctx.db.reading() as session:
        row = session.get(DecisionRow, decision_id)
        if row is None or row.subject_id != subject_id:
            raise NotFound("no decision with this id for this person")
        payload = unseal_entry(session, ctx.vault, row.ledger_seq) or {}
        return _view(document_of(session, row), review_of_decision(session, decision_id, now=ctx.clock()),
                     _debtor_zone(payload))


def privacy_of(ctx: RightsContext, subject_id: str, *, lang: str) -> dict[str, Any]:
    """The subject's data-protection law and the controller's Art. 13/14 information in ``lang``:
    ``{"law": "uk" | "eu", "words": {short, law, authority, complaint}, "notice": {...} | None}``.
    The law is that of the debtor's country in the subject's latest decision whose data are still
    held (GB: UK GDPR and the ICO); anywhere else, and once erased, the GDPR's."""
    with storage_guard("the privacy information"), ctx.db.reading() as session:
        rows = session.scalars(select(DecisionRow).where(DecisionRow.subject_id == subject_id)
                               .order_by(DecisionRow.recorded_at.desc(), DecisionRow.ledger_seq.desc())).all()
        jurisdiction = None
        for row in rows:
            payload = unseal_entry(session, ctx.vault, row.ledger_seq) or {}
            jurisdiction = ((payload.get("request") or {}).get("debtor") or {}).get("jurisdiction")
            if jurisdiction:
                break
    law = law_of(jurisdiction) or "eu"
    return {"law": law, "words": law_words(law, lang),
            "notice": privacy_notice(ctx.controller, lang=lang, law=law) if ctx.controller is not None else None}
