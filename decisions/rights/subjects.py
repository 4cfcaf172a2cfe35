"""The data subject's requests, each recorded with its Art. 12(3) deadline (``requests.py``):

- objection to profiling (Art. 21(1)): effective at once; the subject's next decisions run
  without profiling and disclose nothing to an agency or bureau until a reviewer or compliance
  officer documents compelling grounds or a legal claim (``document_grounds``);
- human review (Art. 22(3)) of one of the subject's decisions: opens (or joins) a review case;
- rectification (Art. 16): processing is restricted while the accuracy is contested
  (Art. 18(1)(a)) until a ledgered resolution; the AR system holds the master data, so
  ``rectified`` means it was corrected there and the next decision requests carry it;
- erasure (Art. 17): weighed against the retention schedule at once: keys that a retention
  duty keeps (Art. 17(3)(b)) stay, restricted, until their period ends; everything else is
  crypto-shredded now; a legal hold keeps everything of its subject.

A staff member looking up a subject's data for their own work (``staff_lookup``) is not one of
these requests: it is ledgered as ``staff_lookup_recorded`` with its purpose, has no deadline,
and does not count in the request statistics (the audit report counts
``subject_request_received`` only).
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import select

from ledger import append
from ledger.timestamps import as_utc
from retention.holds import active_holds
from retention.run import retention_ends

from .. import outbox
from ..errors import Conflict, InvalidInput, NotFound, storage_guard
from ..tables import DecisionRow
from ._common import RightsContext, iso, seal_text, subject_status
from .access import build_export
from .portal_access import forget_portal_access
from .requests import fulfil_request, receive_request, request_document
from .reviews import open_case
from .tables import ReviewCaseRow, SubjectRequestRow

__all__ = ["OBJECTION_SCOPES", "GROUNDS", "RECTIFICATION_CONCERNS", "RESOLUTIONS", "LOOKUP_PURPOSES",
           "object_to_profiling", "document_grounds", "request_review", "request_rectification",
           "resolve_rectification", "request_erasure", "staff_lookup"]

OBJECTION_SCOPES = ("profiling",)
GROUNDS = ("compelling_legitimate_grounds", "legal_claims")          # Art. 21(1)
RECTIFICATION_CONCERNS = ("name", "address", "email", "phone", "invoice", "other")
RESOLUTIONS = ("rectified", "rejected")
# Why a staff member looks up a subject's data (GDPR Art. 5(1)(b), 5(2): a purpose, accountably).
LOOKUP_PURPOSES = ("debtor_enquiry", "dispute_handling", "complaint_handling", "review_preparation", "legal_claim",
                   "internal_audit")


def object_to_profiling(ctx: RightsContext, subject_id: str, *, scope: str, statement: str | None, channel: str,
                        actor: str) -> dict[str, Any]:
    if scope not in OBJECTION_SCOPES:
        raise InvalidInput(f"the scope is one of: {', '.join(OBJECTION_SCOPES)}", field="scope")
    now = ctx.clock()
    with storage_guard("the objection"), ctx.db.unit_of_work() as uow:
        session = uow.session
        request = receive_request(session, ctx, subject_id=subject_id, type_="objection", channel=channel, now=now,
                                  statement=statement, actor=actor)
        status = subject_status(session, subject_id, now=now)
        already = status.objected_at is not None
        append(session, kind="objection_recorded", ts=now, body={
            "request_id": request.request_id, "subject": subject_id, "scope": scope, "effective_at": iso(now),
            "already_in_force": already})
        if not already:
            status.objected_at = now
            status.grounds_documented_at = status.grounds_basis = None
        fulfil_request(session, request, now=now, outcome="in_force", actor=actor,
                       detail={"profiling": False, "disclosure": "blocked_until_grounds_documented"})
        uow.commit()
        return request_document(request, now=now)


def document_grounds(ctx: RightsContext, subject_id: str, *, basis: str, rationale: str, actor: str) -> dict[str, Any]:
    """A person documents compelling legitimate grounds or a legal claim (Art. 21(1)): the
    disclosure block of the objection lifts; profiling stays off."""
    if basis not in GROUNDS:
        raise InvalidInput(f"the basis is one of: {', '.join(GROUNDS)}", field="basis")
    now = ctx.clock()
    with storage_guard("the grounds"), ctx.db.unit_of_work() as uow:
        session = uow.session
        status = subject_status(session, subject_id, now=now)
        if status.objected_at is None:
            raise Conflict("the subject has not objected: there is nothing to weigh", code="no_objection")
        sealed = seal_text(session, ctx, subject_id, {"rationale": rationale}, now=now)
        appended = append(session, kind="compelling_grounds_documented", ts=now, sealed=sealed, body={
            "subject": subject_id, "basis": basis, "actor": actor})
        status.grounds_documented_at, status.grounds_basis = now, basis
        uow.commit()
        return {"subject": subject_id, "objected_at": iso(status.objected_at), "basis": basis,
                "documented_at": iso(now), "ledger": {"seq": appended.seq, "entry_hash": appended.entry_hash}}


def request_review(ctx: RightsContext, subject_id: str, *, decision_id: str, statement: str | None, channel: str,
                   actor: str) -> dict[str, Any]:
    """The subject contests one of its decisions: a request and a review case due with it (an
    open case of that decision is joined instead, and becomes due no later than the request)."""
    now = ctx.clock()
    with storage_guard("the review request"), ctx.db.unit_of_work() as uow:
        session = uow.session
        decision = session.get(DecisionRow, decision_id)
        if decision is None or decision.subject_id != subject_id:   # another subject's decision does not exist here
            raise NotFound("no decision with this id for this person")
        request = receive_request(session, ctx, subject_id=subject_id, type_="review", channel=channel, now=now,
                                  statement=statement, decision_id=decision_id, actor=actor)
        case = session.scalars(select(ReviewCaseRow).where(ReviewCaseRow.decision_id == decision_id,
                                                          ReviewCaseRow.status == "open")).first()
        if case is None:
            case = open_case(session, case_id=ctx.new_id(), decision=decision, origin="debtor",
                             due_at=request.due_at, now=now, request_id=request.request_id)
        else:
            append(session, kind="review_case_joined", ts=now, body={
                "case_id": case.case_id, "request_id": request.request_id, "subject": subject_id,
                "due_at": iso(min(case.due_at, request.due_at, key=as_utc))})
            case.request_id, case.due_at = request.request_id, min(case.due_at, request.due_at, key=as_utc)
        request.case_id = case.case_id
        outbox.review_requested(session, request, at=now)   # review.requested (webhooks, feed)
        # a debtor's review request may stop an experiment arm (imported here: the results read
        # the rights tables, whose package imports this module)
        from ..experiment_results import enforce_guardrails
        enforce_guardrails(session, now=now)
        uow.commit()
        return request_document(request, now=now)


def request_rectification(ctx: RightsContext, subject_id: str, *, concerns: str, statement: str, channel: str,
                          actor: str) -> dict[str, Any]:
    if concerns not in RECTIFICATION_CONCERNS:
        raise InvalidInput(f"concerns is one of: {', '.join(RECTIFICATION_CONCERNS)}", field="concerns")
    now = ctx.clock()
    with storage_guard("the rectification request"), ctx.db.unit_of_work() as uow:
        session = uow.session
        request = receive_request(session, ctx, subject_id=subject_id, type_="rectification", channel=channel,
                                  now=now, statement=statement, concerns=concerns, actor=actor)
        status = subject_status(session, subject_id, now=now)
        status.open_rectifications += 1
        append(session, kind="restriction_started", ts=now, body={
            "subject": subject_id, "request_id": request.request_id, "reason": "accuracy_contested",
            "basis": "GDPR Art. 18(1)(a)"})
        uow.commit()
        return request_document(request, now=now)


def resolve_rectification(ctx: RightsContext, request_id: str, *, resolution: str, rationale: str,
                          actor: str) -> dict[str, Any]:
    if resolution not in RESOLUTIONS:
        raise InvalidInput(f"the resolution is one of: {', '.join(RESOLUTIONS)}", field="resolution")
    now = ctx.clock()
    with storage_guard("the resolution"), ctx.db.unit_of_work() as uow:
        session = uow.session
        request = session.get(SubjectRequestRow, request_id)
        if request is None:
            raise NotFound("no request with this id")
        if request.type != "rectification":
            raise Conflict("only a rectification request is resolved this way", code="not_a_rectification")
        if request.status != "open":
            raise Conflict("this request is closed already", code="request_closed")
        sealed = seal_text(session, ctx, request.subject_id, {"rationale": rationale}, now=now)
        append(session, kind="rectification_resolved", ts=now, sealed=sealed, body={
            "request_id": request_id, "subject": request.subject_id, "resolution": resolution, "actor": actor})
        status = subject_status(session, request.subject_id, now=now)
        status.open_rectifications = max(0, status.open_rectifications - 1)
        append(session, kind="restriction_lifted", ts=now, body={
            "subject": request.subject_id, "request_id": request_id, "reason": "accuracy_contested",
            "still_restricted": status.open_rectifications > 0 or status.retention_restricted_at is not None})
        fulfil_request(session, request, now=now, outcome=resolution, actor=actor)
        uow.commit()
        return request_document(request, now=now)


def request_erasure(ctx: RightsContext, subject_id: str, *, statement: str | None, channel: str,
                    actor: str) -> dict[str, Any]:
    """Receive and carry out an erasure request; the portal lookup rows go once no key of the
    subject is left."""
    now = ctx.clock()
    with storage_guard("the erasure"), ctx.db.unit_of_work() as uow:
        session = uow.session
        # the statement is sealed under the subject's rights key, which this erasure shreds too
        request = receive_request(session, ctx, subject_id=subject_id, type_="erasure", channel=channel, now=now,
                                  statement=statement, actor=actor)
        status = subject_status(session, subject_id, now=now)
        status.erasure_requested_at = now
        holds = active_holds(session, subject_id)
        keys = ctx.vault.keys_of(session, subject_id)
        shred: list[Any] = []
        kept: list[Any] = []
        for key in keys:
            category = ctx.schedule.categories.get(key.category)
            end = ctx.schedule.retention_end(key.category, key.scope, as_utc(key.last_sealed_at)) if category else None
            # a duty keeps it until its end (Art. 17(3)(b)); an unknown category is kept (fail closed)
            duty = category is None or (category.duty and end is not None and end > now)
            (kept if duty or holds else shred).append(key)
        shredded = ctx.vault.shred(session, subject_id, now=now, keys=shred) if shred else None
        remaining = retention_ends(session, subject_id, schedule=ctx.schedule)
        if remaining:
            status.retention_restricted_at = status.retention_restricted_at or now
            append(session, kind="restriction_started", ts=now, body={
                "subject": subject_id, "request_id": request.request_id, "reason": "retention_duty",
                "basis": "GDPR Art. 17(3)(b), 18"})
        else:
            forget_portal_access(session, subject_id)
        detail = {
            "shredded_categories": sorted({k.category for k in shred}),
            "kept": [{"category": r["category"], "until": r["kept_until"]} for r in remaining],
            "legal_holds": len(holds),
            "shredding_seq": shredded.seq if shredded else None,
        }
        fulfil_request(session, request, now=now, outcome="erased" if not remaining else "partly_erased",
                       detail=detail, actor=actor)
        uow.commit()
        return request_document(request, now=now)


def staff_lookup(ctx: RightsContext, subject_id: str, *, purpose: str, lang: str, actor: str) -> dict[str, Any]:
    """Everything held on the subject (the access export's document), for a staff member's own
    work: ``staff_lookup_recorded`` (id, subject pseudonym, purpose code, actor) in the same
    transaction; no data-subject request, no deadline."""
    if purpose not in LOOKUP_PURPOSES:
        raise InvalidInput(f"the purpose is one of: {', '.join(LOOKUP_PURPOSES)}", field="purpose")
    now = ctx.clock()
    with storage_guard("the look-up"), ctx.db.unit_of_work() as uow:
        session = uow.session
        export = build_export(session, ctx, subject_id, lang=lang)
        append(session, kind="staff_lookup_recorded", ts=now, body={
            "lookup_id": ctx.new_id(), "subject": subject_id, "purpose": purpose, "looked_up_at": iso(now),
            "actor": actor})
        uow.commit()
    return export
