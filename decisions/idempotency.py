"""Idempotency: the same request is answered once.

- **Keys.** The same ``Idempotency-Key`` and body give the same answer; the same key with
  another body is a conflict (``IdempotencyConflict``).
- **Claims, without a key.** A decision request names its claim (``debtor.ref`` +
  ``invoice.ref``, the pseudonymous ``claim_id``) and its ``as_of``. Another request for the same
  claim and ``as_of`` repeats the recorded decision if its body is the same (the digests of their
  canonical JSON agree) and is refused otherwise (``DuplicateDecision``); a request whose
  ``as_of`` lies before the claim's latest decision is refused (``AsOfBeforeLatest``): the
  claim moved on. ``claim_replay`` applies this under the claim's lock, so two identical
  requests at once record one decision. A ``held`` decision took no action (a part fairdun
  depends on failed): it neither repeats nor blocks, and the same request is decided anew.
"""

from __future__ import annotations

import json
import logging
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import select
from sqlalchemy.exc import IntegrityError, SQLAlchemyError
from sqlalchemy.orm import Session

from ledger import Database, LedgerError
from ledger.canonical import canonical_json, sha256_hex
from ledger.timestamps import as_utc, rfc3339
from retention import KeyVault

from .activity import lock_claim
from .errors import Conflict, IdempotencyConflict, StorageUnavailable
from .rights._common import unseal_entry
from .tables import DecisionRow, IdempotencyRow

__all__ = ["IdempotencyKey", "Outcome", "request_digest", "idempotent", "remember_response", "replay",
           "ClaimConflict", "DuplicateDecision", "AsOfBeforeLatest", "claim_decisions", "replay_among", "claim_replay"]

log = logging.getLogger(__name__)
_CHUNK = 500   # claims per IN (...) query


def request_digest(request_json: dict[str, Any]) -> str:
    """SHA-256 of the request's canonical JSON (RFC 8785): the identity of a request body. A body
    RFC 8785 cannot write (an integer beyond I-JSON's ±2^53, in an invalid run item) is digested
    as compact JSON with sorted names: one digest per document all the same."""
    try:
        return sha256_hex(canonical_json(request_json))
    except (TypeError, ValueError):
        return sha256_hex(json.dumps(request_json, sort_keys=True, separators=(",", ":")).encode("ascii"))


@dataclass(frozen=True, slots=True)
class Outcome:
    document: dict[str, Any]
    replayed: bool


@dataclass(frozen=True, slots=True)
class IdempotencyKey:
    client_id: str
    key: str
    scope: str            # decisions | events | runs
    request_sha256: str


def idempotent(db: Database, key: IdempotencyKey | None,
               produce: Callable[[], dict[str, Any] | Outcome]) -> Outcome:
    """Replay the answer stored under ``key``, or ``produce`` a new one (which must
    store it with ``remember_response`` in its own transaction; it may answer with an
    ``Outcome`` of its own, e.g. a claim's recorded decision). Storage failures
    become ``StorageUnavailable``: nothing was written."""
    try:
        with db.reading() as session:
            prior = replay(session, key)
        if prior is not None:
            return Outcome(prior, replayed=True)
        produced = produce()
        return produced if isinstance(produced, Outcome) else Outcome(produced, replayed=False)
    except IntegrityError:
        # Another worker recorded the same key between our check and our commit.
        with db.reading() as session:
            prior = replay(session, key)
        if prior is None:
            raise StorageUnavailable("the request could not be recorded") from None
        return Outcome(prior, replayed=True)
    except (SQLAlchemyError, LedgerError) as exc:
        log.error("request not recorded: %s", type(exc).__name__)
        raise StorageUnavailable("the request could not be recorded; nothing was written") from exc


def replay(session: Session, key: IdempotencyKey | None) -> dict[str, Any] | None:
    """The stored response for ``key``, None if it is new; raises on a different body."""
    if key is None:
        return None
    row = session.get(IdempotencyRow, (key.client_id, key.key, key.scope))
    if row is None:
        return None
    if row.request_sha256 != key.request_sha256:
        raise IdempotencyConflict("this Idempotency-Key was used with a different request body")
    return json.loads(row.response)


def remember_response(session: Session, key: IdempotencyKey | None, *, resource_id: str,
                      response: dict[str, Any], now: datetime) -> None:
    if key is None:
        return
    session.add(IdempotencyRow(client_id=key.client_id, key=key.key, scope=key.scope,
                               request_sha256=key.request_sha256, resource_id=resource_id,
                               response=json.dumps(response, separators=(",", ":")), created_at=now))


# -- the same claim and as_of, without a key -------------------------------------------------


class ClaimConflict(Conflict):
    """A request about a claim that contradicts the claim's recorded decisions: nothing was
    written. ``decision_id`` names the recorded decision it contradicts."""

    def __init__(self, message: str, *, code: str, decision_id: str, as_of: str) -> None:
        super().__init__(message, code=code)
        self.decision_id = decision_id
        self.as_of = as_of

    @property
    def fields(self) -> dict[str, list[str]]:
        """The field to change, as the API's error bodies name fields."""
        return {"as_of": [str(self)]}


class DuplicateDecision(ClaimConflict):
    def __init__(self, decision_id: str, as_of: str, *, readable: bool = True) -> None:
        why = ("with another request body" if readable else
               "and its request can no longer be read (erased), so it cannot be shown to be the same")
        super().__init__(f"decision {decision_id} was recorded for this claim as of {as_of} {why}; a new "
                         "decision needs a later as_of", code="duplicate_decision", decision_id=decision_id,
                         as_of=as_of)


class AsOfBeforeLatest(ClaimConflict):
    def __init__(self, decision_id: str, as_of: str) -> None:
        super().__init__(f"as_of lies before {as_of}, the as_of of decision {decision_id}, the claim's latest",
                         code="as_of_before_latest", decision_id=decision_id, as_of=as_of)


def claim_decisions(session: Session, claim_ids: Iterable[str]) -> dict[str, list[DecisionRow]]:
    """The decisions of each claim that took one (every status but ``held``), latest first; the
    caller holds the claims' locks (``activity.lock_claim``)."""
    ids = sorted(set(claim_ids))
    found: dict[str, list[DecisionRow]] = {claim_id: [] for claim_id in ids}
    for start in range(0, len(ids), _CHUNK):
        rows = session.scalars(select(DecisionRow).where(DecisionRow.claim_id.in_(ids[start:start + _CHUNK]),
                                                         DecisionRow.status != "held")
                               .order_by(DecisionRow.ledger_seq.desc()))
        for row in rows:
            found[row.claim_id].append(row)
    return found


def replay_among(session: Session, vault: KeyVault, recorded: list[DecisionRow], *, as_of: datetime,
                 request_json: dict[str, Any]) -> DecisionRow | None:
    """The decision of ``recorded`` (a claim's, from ``claim_decisions``) that ``request_json``
    repeats, or None when it is new; ``DuplicateDecision`` or ``AsOfBeforeLatest`` when it
    contradicts them.

    (1) A decision of the same ``as_of`` recorded from the same body is repeated: a late retry
        is answered even after the claim moved on.
    (2) An ``as_of`` before the claim's latest decision is refused.
    (3) A decision of the same ``as_of`` from another body (or one no longer readable) is refused.
    """
    moment = as_utc(as_of)
    same = [row for row in recorded if as_utc(row.as_of) == moment]
    digest = request_digest(request_json) if same else ""
    unreadable: set[str] = set()
    for row in same:                                               # (1)
        sealed = unseal_entry(session, vault, row.ledger_seq)
        prior = sealed.get("request") if sealed else None
        if not isinstance(prior, dict):
            unreadable.add(row.decision_id)
        elif request_digest(prior) == digest:
            return row
    later = [row for row in recorded if as_utc(row.as_of) > moment]
    if later:                                                      # (2)
        latest = max(later, key=lambda row: (as_utc(row.as_of), row.ledger_seq))
        raise AsOfBeforeLatest(latest.decision_id, rfc3339(as_utc(latest.as_of)))
    if same:                                                       # (3)
        row = same[0]
        raise DuplicateDecision(row.decision_id, rfc3339(moment), readable=row.decision_id not in unreadable)
    return None


def claim_replay(session: Session, vault: KeyVault, *, claim_id: str, as_of: datetime,
                 request_json: dict[str, Any]) -> DecisionRow | None:
    """``replay_among`` the decisions of ``claim_id``, after taking the claim's lock: the caller's
    transaction holds it until it commits, so no decision about the claim can be recorded
    between this check and the caller's own (two identical requests at once: one decision)."""
    lock_claim(session, claim_id)
    return replay_among(session, vault, claim_decisions(session, [claim_id])[claim_id], as_of=as_of,
                        request_json=request_json)
