"""The access export (GDPR Art. 15): everything fairdun holds on one subject, as JSON; the PDF
(``reports.render_access_report``) is rendered from exactly this document.

Only the subject's own sealed data is unsealed (its keys, found by its pseudonym); what was
shredded is marked ``{"shredded": true}``. Building the export is recorded as an access request
received and fulfilled (``subject_request_received`` / ``subject_request_fulfilled``).

Top-level keys (``version`` 1):

``format``        ``"fairdun-access-export"``
``version``       1
``generated_at``  RFC 3339
``language``      ``en`` or ``de`` (the texts below)
``law``           ``uk`` (UK GDPR, Data Protection Act 2018, ICO) or ``eu`` (GDPR): the subject's
``subject``       ``{"pseudonym", "customer_refs": [...], "status": {"objection", "compelling_grounds",
                  "restricted", "restriction_reasons", "erasure_requested_at"}}``
``purposes``      list of strings (Art. 15(1)(a))
``categories``    list of ``{"category", "examples", "source"}`` (Art. 15(1)(b), (g))
``sources``       list of strings (Art. 15(1)(g))
``recipients``    list of strings (Art. 15(1)(c))
``retention``     ``{"schedule": {"version", "sha256"}, "periods": [category with duty, period, starts,
                  legal_basis, citation, url], "your_records": [{"category", "scope", "kept_until",
                  "duty"}], "legal_holds": n}`` (Art. 15(1)(d))
``decisions``     list, oldest first: the decision as recorded (the contract document: ``decision_id``,
                  ``as_of``, ``status``, ``action``, ``risk``, ``explanation`` with ``summary``,
                  ``reasons``, ``policy``), plus ``recorded_at``, ``review`` (latest review: status,
                  outcome, …, or null) and ``data`` (the request as received: ``debtor`` with contact
                  data, ``invoice``, ``history``; or ``{"shredded": true}``)
``logic``         string: the logic involved (Art. 15(1)(h))
``significance``  string: significance and envisaged consequences (Art. 15(1)(h))
``requests``      list of the subject's requests with deadlines, status and own statements
``reviews``       list of review cases of the subject's decisions (with the reviewer's rationale)
``rights``        list of ``{"right", "article", "text"}`` (Art. 15(1)(e), (f))
``privacy``       the controller's GDPR Art. 13/14 information (``decisions.privacy.privacy_notice``:
                  ``{"law", "language", "title", "items": [{"item", "label", "text"}]}``), or null
                  where the installation configured no controller

The law is the subject's: GB (the debtor's jurisdiction in the latest decision that still has its
data) reads UK GDPR, the Data Protection Act 2018 and the ICO; anywhere else the GDPR. A
decision's ``explanation`` is shown in plain words: its ``summary`` and ``policy`` carry no
internal code (``decisions.explanation.plain_summary``, ``debtor_rules``), since a code such as
``special_category_data`` would tell in other words what is held.
"""

from __future__ import annotations

import json
import re
from functools import cache
from importlib import resources
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from retention.holds import active_holds
from retention.run import retention_ends

from ..documents import documents_of
from ..errors import storage_guard
from ..explanation import debtor_rules, language_of, plain_summary
from ..privacy import law_of, law_words, privacy_notice
from ..tables import DecisionRow
from ._common import RightsContext, iso, unseal_entry
from .requests import fulfil_request, receive_request, request_document
from .reviews import case_document, review_of_decision
from .tables import ReviewCaseRow, SubjectRequestRow, SubjectStatusRow

__all__ = ["FORMAT", "VERSION", "texts", "build_export", "access_export"]

FORMAT = "fairdun-access-export"
VERSION = 1


@cache
def _texts() -> dict[str, Any]:
    return json.loads(resources.files("decisions.rights").joinpath("texts.json").read_text(encoding="utf-8"))


def texts(lang: str) -> dict[str, Any]:
    return _texts()["de" if lang == "de" else "en"]


def access_export(ctx: RightsContext, subject_id: str, *, lang: str, channel: str, actor: str) -> dict[str, Any]:
    """Record the access request and return the export (one transaction)."""
    now = ctx.clock()
    with storage_guard("the access export"), ctx.db.unit_of_work() as uow:
        session = uow.session
        request = receive_request(session, ctx, subject_id=subject_id, type_="access", channel=channel, now=now,
                                  actor=actor)
        fulfil_request(session, request, now=now, outcome="export_provided", actor=actor,
                       detail={"language": lang})
        export = build_export(session, ctx, subject_id, lang=lang)
        uow.commit()
    return export


def build_export(session: Session, ctx: RightsContext, subject_id: str, *, lang: str) -> dict[str, Any]:
    now = ctx.clock()
    t = texts(lang)
    rows = session.scalars(select(DecisionRow).where(DecisionRow.subject_id == subject_id)
                           .order_by(DecisionRow.recorded_at, DecisionRow.ledger_seq)).all()
    documents = documents_of(session, [row.decision_id for row in rows])
    decisions, refs, jurisdiction = [], set(), None
    for row in rows:
        payload = unseal_entry(session, ctx.vault, row.ledger_seq)
        request = (payload or {}).get("request")
        if isinstance(request, dict):
            ref = (request.get("debtor") or {}).get("ref")
            if isinstance(ref, str):
                refs.add(ref)
            jurisdiction = (request.get("debtor") or {}).get("jurisdiction") or jurisdiction
            data: dict[str, Any] = {key: request[key] for key in ("debtor", "invoice", "history", "creditor")
                                    if key in request}
        else:
            data = {"shredded": True}
        decisions.append({**_plain(documents[row.decision_id], lang), "recorded_at": iso(row.recorded_at),
                          "review": review_of_decision(session, row.decision_id, now=now), "data": data})
    status = session.get(SubjectStatusRow, subject_id)
    reasons = []
    if status is not None and status.open_rectifications:
        reasons.append("accuracy_contested")
    if status is not None and status.retention_restricted_at is not None:
        reasons.append("retention_duty")
    requests = session.scalars(select(SubjectRequestRow).where(SubjectRequestRow.subject_id == subject_id)
                               .order_by(SubjectRequestRow.received_at, SubjectRequestRow.request_id)).all()
    cases = session.scalars(select(ReviewCaseRow).where(ReviewCaseRow.subject_id == subject_id)
                            .order_by(ReviewCaseRow.opened_at, ReviewCaseRow.case_id)).all()
    law = law_of(jurisdiction) or "eu"
    t = _under(law, t, lang)
    return {
        "format": FORMAT, "version": VERSION, "generated_at": iso(now), "language": "de" if lang == "de" else "en",
        "law": law,
        "subject": {
            "pseudonym": subject_id, "customer_refs": sorted(refs),
            "status": {
                "objection": iso(status.objected_at) if status else None,
                "compelling_grounds": ({"basis": status.grounds_basis, "documented_at": iso(status.grounds_documented_at)}
                                       if status and status.grounds_documented_at else None),
                "restricted": bool(reasons), "restriction_reasons": reasons,
                "erasure_requested_at": iso(status.erasure_requested_at) if status else None,
            },
        },
        "purposes": t["purposes"], "categories": t["categories"], "sources": t["sources"],
        "recipients": t["recipients"],
        "retention": {"schedule": {"version": ctx.schedule.version, "sha256": ctx.schedule.sha256},
                      "periods": _under(law, [c.document() for c in ctx.schedule.categories.values()], lang),
                      "your_records": retention_ends(session, subject_id, schedule=ctx.schedule),
                      "legal_holds": len(active_holds(session, subject_id))},
        "decisions": decisions,
        "logic": t["logic"], "significance": t["significance"],
        "requests": [request_document(r, now=now, texts={
            "statement": (unseal_entry(session, ctx.vault, r.ledger_seq) or {}).get("statement")}) for r in requests],
        "reviews": [{**case_document(c, now=now),
                     "rationale": (unseal_entry(session, ctx.vault, c.outcome_seq) or {}).get("rationale")}
                    for c in cases],
        "rights": t["rights"],
        "privacy": privacy_notice(ctx.controller, lang=lang, law=law) if ctx.controller is not None else None,
    }


_GDPR = re.compile(r"(?<!UK )\b(?:GDPR|DSGVO)\b")


def _under(law: str, value: Any, lang: str) -> Any:
    """The export's texts under ``law``: for GB every GDPR article is the UK GDPR's, and the
    complaint goes to the ICO (``decisions.privacy.law_words``)."""
    if law != "uk":
        return value
    words = law_words(law, lang)
    if isinstance(value, str):
        return _GDPR.sub(words["short"], value)
    if isinstance(value, list):
        return [_under(law, item, lang) for item in value]
    if isinstance(value, dict):
        changed = {key: _under(law, item, lang) for key, item in value.items()}
        article = str(value.get("article", ""))
        if article.endswith("77"):
            changed["text"] = words["complaint"]
        elif "Art. 22" in article:   # UK GDPR Art. 22C (Data (Use and Access) Act 2025)
            changed["article"] = f"{words['short']} {words['art22']}"
        return changed
    return value


def _plain(document: dict[str, Any], lang: str) -> dict[str, Any]:
    """A recorded decision with its explanation in plain words (no internal code)."""
    explanation = document.get("explanation")
    if not isinstance(explanation, dict):
        return document
    own = language_of(str(explanation.get("language") or lang))
    rules = [{k: v for k, v in rule.items() if k != "language"} for rule in debtor_rules(explanation.get("policy"), own)]
    return {**document, "explanation": {**explanation, "summary": plain_summary(explanation.get("summary"), own),
                                        "policy": rules}}
