"""A decision's message at recording (its digest for the ledger, its inputs for the seal) and
on demand afterwards (rendered again from the sealed inputs and checked against the digest).

The ledger body and the ``decisions`` row keep the digest only:

    "message": {"channel": "email", "language": "de", "template": "reminder.l2.gentle.de",
                "templates": {"version": "2026.11-1", "sha256": "…"},
                "sha256": "…", "missing": []}

never the text. The text is rendered when asked for, from the inputs sealed under the subject's
key, with the template set the digest names, and served only if its SHA-256 is the recorded
one: what is served is what was recorded. Once the subject's key is shredded, there is nothing
to render from (``MessageErased``).
"""

from __future__ import annotations

import json
from collections.abc import Callable, Mapping
from typing import Any

from sqlalchemy import select
from sqlalchemy.orm import Session

from ledger import Database, Sealed
from ledger.tables import LedgerBlob, LedgerEntry
from retention import KeyVault, VaultError

from ..case import Case
from ..errors import Conflict, DomainError, NotFound
from ._render import (
    Message,
    MessageSettings,
    check_renderable,
    communicates,
    message_inputs,
    missing_fields,
    render,
)
from ._templates import TemplateSets

__all__ = ["prepare_message", "recorded_message", "render_recorded", "NoMessage", "MessageIncomplete",
           "MessageErased", "TemplatesUnavailable", "MessageNotReproducible", "AccessCodes"]

# subject pseudonym -> portal access code (``PortalAccess.access_code``), printed on letters
AccessCodes = Callable[[str], str]


class NoMessage(NotFound):
    """The decision sends no written message (none, a phone call, held, or recorded before messages)."""

    code = "no_message"


class MessageIncomplete(Conflict):
    """The decision's message lacks what it needs to be sent (``missing`` names the fields)."""

    def __init__(self, missing: list[str]) -> None:
        super().__init__(f"the message cannot be sent as recorded: the request gave no {', '.join(missing)} "
                         f"(nor the installation a default)", code="message_incomplete")
        self.missing = missing


class TemplatesUnavailable(Conflict):
    def __init__(self, version: str, sha256: str) -> None:
        super().__init__(f"the message was rendered with template set {version} (SHA-256 {sha256}), which this "
                         f"installation no longer has; it is not rendered with other templates",
                         code="message_templates_unavailable")


class MessageNotReproducible(Conflict):
    def __init__(self, recorded: str, rendered: str) -> None:
        super().__init__(f"the message rendered again has SHA-256 {rendered}, not the recorded {recorded} (the "
                         f"renderer or its formatting data changed); it is not served",
                         code="message_not_reproducible")


class MessageErased(DomainError):
    """The subject's data was erased (crypto-shredded): the message cannot be rendered again."""

    code = "subject_erased"


def prepare_message(document: Mapping[str, Any], case: Case, settings: MessageSettings, *,
                    access_code: str | None) -> tuple[dict[str, Any] | None, dict[str, Any] | None]:
    """``(digest, inputs)`` of a decision about to be recorded: the digest goes into the document
    and the ledger body, the inputs into the sealed payload. ``(None, None)`` when the decision
    sends no written message. Raises ``MessageError`` when the current template set cannot render
    what the decision requires (the caller holds the decision: fail closed)."""
    if not communicates(document):
        return None, None
    templates = settings.templates.current
    action = document["action"]
    check_renderable(action, templates)
    inputs = message_inputs(case, settings)
    missing = missing_fields(inputs, action["channel"], action.get("notices") or ())
    digest: dict[str, Any] = {
        "channel": action["channel"], "language": action["template"].rsplit(".", 1)[-1],
        "template": action["template"], "templates": {"version": templates.version, "sha256": templates.sha256},
        "sha256": None, "missing": missing,
    }
    if not missing:
        digest["sha256"] = render(inputs, document, templates=templates, access_code=access_code).sha256
    return digest, inputs


def render_recorded(document: Mapping[str, Any], inputs: Mapping[str, Any] | None, *, sets: TemplateSets,
                    access_code: str | None) -> Message:
    """The message of a recorded ``document`` rendered again from its sealed ``inputs``, served
    only if it is the recorded one."""
    digest = document.get("message")
    if not isinstance(digest, dict):
        raise NoMessage("this decision sends no written message")
    if digest.get("missing"):
        raise MessageIncomplete(list(digest["missing"]))
    if inputs is None:
        raise MessageErased("the debtor's data was erased; the message cannot be rendered again")
    recorded = digest["templates"]
    templates = sets.by_sha256(recorded["sha256"])
    if templates is None:
        raise TemplatesUnavailable(recorded["version"], recorded["sha256"])
    message = render(inputs, document, templates=templates, access_code=access_code)
    if message.sha256 != digest["sha256"]:
        raise MessageNotReproducible(digest["sha256"], message.sha256)
    return message


def recorded_message(db: Database, vault: KeyVault, decision_id: str, *, sets: TemplateSets,
                     access_code: AccessCodes | None = None) -> Message:
    """The message of the recorded decision ``decision_id`` (personal data: for serving only,
    never log it). Raises ``NotFound``, ``NoMessage``, ``MessageIncomplete``, ``MessageErased``,
    ``TemplatesUnavailable`` or ``MessageNotReproducible``."""
    from ..documents import document_of
    from ..tables import DecisionRow

    with db.reading() as session:
        row = session.get(DecisionRow, decision_id)
        if row is None:
            raise NotFound("no decision with this id")
        document = document_of(session, row)
        inputs = None
        if isinstance(document.get("message"), dict) and not document["message"].get("missing"):
            inputs = sealed_inputs(session, vault, row.ledger_seq, row.subject_id)
        code = access_code(row.subject_id) if access_code is not None else None
    return render_recorded(document, inputs, sets=sets, access_code=code)


def sealed_inputs(session: Session, vault: KeyVault, seq: int, subject_id: str) -> dict[str, Any] | None:
    """The message inputs sealed with ledger entry ``seq``; None when the subject's key or the
    blob is gone (erasure, retention)."""
    sealed_sha256 = session.scalar(select(LedgerEntry.sealed_sha256).where(LedgerEntry.seq == seq))
    blob = session.get(LedgerBlob, sealed_sha256) if sealed_sha256 else None
    if blob is None:
        return None
    try:
        payload = json.loads(vault.unseal(session, Sealed(subject_id=subject_id, data=blob.data)))
    except VaultError:
        return None
    inputs = payload.get("message") if isinstance(payload, dict) else None
    return inputs if isinstance(inputs, dict) else None
