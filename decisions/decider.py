"""The application service around the pipeline: look up what fairdun remembers,
evaluate, record, all in one unit of work; idempotency; storage failures.
"""

from __future__ import annotations

import logging
from collections.abc import Callable
from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from sqlalchemy.orm import Session

from ledger import Database
from retention import KeyVault, Pseudonymizer

from .activity import ClaimMemory
from .case import Case
from .documents import document_of
from .effective import effective, outcomes_of
from .errors import InvalidInput, NotFound, storage_guard
from .idempotency import IdempotencyKey, Outcome, claim_replay, idempotent, remember_response, request_digest
from .messages import MessageSettings
from .metadata import metadata_of
from .pipeline import DecisionContext, evaluate
from .recording import record_or_hold
from .rights._common import DEFAULT_RIGHTS, RightsConfig, unseal_entry
from .rights.reviews import review_of_decision
from .rights.status import rights_facts
from .tables import DecisionRow

__all__ = ["Services", "Decider", "decide_in_session", "too_far_ahead", "AS_OF_TOO_FAR_AHEAD"]

log = logging.getLogger(__name__)
# A decision may be prepared for tomorrow morning's run, not for next month.
MAX_AHEAD = timedelta(days=1)
AS_OF_TOO_FAR_AHEAD = "as_of lies more than a day after the present"


def too_far_ahead(as_of: datetime, now: datetime) -> bool:
    return as_of > now + MAX_AHEAD


@dataclass(frozen=True)
class Services:
    """What deciding needs besides the case; shared by single decisions and runs."""

    db: Database
    context: Callable[[], DecisionContext]   # read per decision: approvals and activations apply at once
    vault: KeyVault
    pseudonyms: Pseudonymizer
    clock: Callable[[], datetime]
    new_id: Callable[[], str]
    rights: RightsConfig = DEFAULT_RIGHTS   # retention schedule, calendar, portal keys
    messages: MessageSettings = field(default_factory=MessageSettings)   # creditor, portal address, templates


def decide_in_session(session: Session, case: Case, request_json: dict[str, Any], *, decision_id: str,
                      services: Services, memory: ClaimMemory, context: DecisionContext | None = None,
                      run: tuple[str, int] | None = None) -> dict[str, Any]:
    """Evaluate ``case`` against what is remembered about its claim and record the
    decision, inside the caller's transaction; returns the contract document."""
    pseudonyms = services.pseudonyms
    claim_id = pseudonyms.claim(case.debtor.ref, case.invoice.ref)
    subject_id = pseudonyms.subject(case.debtor.ref)
    remembered = memory.before(claim_id, case.as_of)   # locks the claim first
    facts = rights_facts(session, [subject_id], [claim_id])
    decision = evaluate(case, decision_id=decision_id, context=context or services.context(),
                        remembered=remembered, profiling=facts.profiling(subject_id),
                        rights=facts.status(subject_id, claim_id), claim_id=claim_id)
    return record_or_hold(session, decision, request_json=request_json, subject_id=subject_id, claim_id=claim_id,
                          vault=services.vault, memory=memory, now=services.clock(), run=run,
                          rights=services.rights, messages=services.messages)


class Decider:
    def __init__(self, services: Services) -> None:
        self._services = services

    def decide(self, case: Case, request_json: dict[str, Any], *, client_id: str | None = None,
               idempotency_key: str | None = None) -> Outcome:
        """Decide ``case``, or answer with what was recorded for the same request: under the same
        ``Idempotency-Key``, or (without a key) for the same claim, ``as_of`` and body
        (``idempotency.claim_replay``). The answer carries the request's ``metadata`` as sent;
        the recorded document and the stored answer of a key never do."""
        if too_far_ahead(case.as_of, self._services.clock()):
            raise InvalidInput(AS_OF_TOO_FAR_AHEAD, field="as_of")
        key = None
        if idempotency_key is not None and client_id is not None:
            key = IdempotencyKey(client_id, idempotency_key, "decisions", request_digest(request_json))
        outcome = idempotent(self._services.db, key, lambda: self._decide_once(case, request_json, key))
        return Outcome({**outcome.document, "metadata": metadata_of(request_json)}, outcome.replayed)

    def _decide_once(self, case: Case, request_json: dict[str, Any],
                     key: IdempotencyKey | None) -> dict[str, Any] | Outcome:
        services = self._services
        decision_id = services.new_id()
        # Read before the transaction: on SQLite it holds the write lock from its first statement,
        # and the context's read (the approved model) need not happen under it.
        context = services.context()
        with services.db.unit_of_work() as uow:
            if key is None:
                claim_id = services.pseudonyms.claim(case.debtor.ref, case.invoice.ref)
                prior = claim_replay(uow.session, services.vault, claim_id=claim_id, as_of=case.as_of,
                                     request_json=request_json)
                if prior is not None:
                    log.info("decision %s repeated for the same request", prior.decision_id)
                    return Outcome(document_of(uow.session, prior), replayed=True)
            document = decide_in_session(uow.session, case, request_json, decision_id=decision_id,
                                         services=services, memory=ClaimMemory(uow.session), context=context)
            remember_response(uow.session, key, resource_id=decision_id, response=document, now=services.clock())
            uow.commit()
        log.info("decision %s recorded: %s", decision_id, document["status"])
        return document

    def get(self, decision_id: str, *, with_metadata: bool = True) -> dict[str, Any]:
        """The recorded decision, and (read beside it, never written into it) its latest human
        review and ``effective`` status and action; with ``with_metadata``, the request's
        ``metadata`` as sent (null once the request cannot be read: erased)."""
        with storage_guard("the decision"), self._services.db.reading() as session:
            row = session.get(DecisionRow, decision_id)
            if row is None:
                raise NotFound("no decision with this id")
            document = document_of(session, row)
            result = {**document, "review": review_of_decision(session, decision_id, now=self._services.clock()),
                      "effective": effective(document, outcomes_of(session, [decision_id]).get(decision_id))}
            if with_metadata:
                sealed = unseal_entry(session, self._services.vault, row.ledger_seq)
                result["metadata"] = metadata_of(sealed.get("request") if sealed else None)
            return result
