"""The auditors' ledger endpoints (read-only) and a decision's inclusion proof.

``init_app`` wires the ledger's notary into the app: the signing keys from the
instance folder, the checkpointer that writers notify after each commit (it signs a due
checkpoint on a thread of its own, never on the request whose commit made it due), and
this blueprint.
"""

from __future__ import annotations

from collections.abc import Iterator
from contextlib import contextmanager
from pathlib import Path
from typing import Any

from flask import Blueprint, Flask, Response, current_app, jsonify, request
from sqlalchemy.exc import SQLAlchemyError

from ledger import CheckpointRefused, LedgerError, Notary, OutOfRange, SignedCheckpoint
from ledger.checkpoints import BackgroundSigner
from ledger.timestamps import rfc3339

from .auth import Role, requires
from .errors import ApiError
from .openapi import operation
from .schemas.ledger import (
    CheckpointSchema,
    ConsistencyProofSchema,
    ConsistencyQuerySchema,
    DecisionProofSchema,
    EntriesQuerySchema,
    InclusionProofSchema,
    InclusionQuerySchema,
    LedgerEntriesSchema,
    PublicKeysSchema,
)

__all__ = ["bp", "init_app", "notary", "checkpoint_signer"]

bp = Blueprint("ledger", __name__, url_prefix="/v1")
AUDIT_ROLES = (Role.AUDITOR, Role.COMPLIANCE_OFFICER, Role.ADMIN)
_EXTENSION = "fairdun.ledger"
_SIGNER = "fairdun.ledger.signer"
_entries_query = EntriesQuerySchema()
_inclusion_query = InclusionQuerySchema()
_consistency_query = ConsistencyQuerySchema()


def init_app(app: Flask) -> None:
    runtime = app.extensions["fairdun"]
    config = app.config
    ledger_notary = Notary(db=runtime.db, instance_path=Path(config["INSTANCE_PATH"]), origin=config["LEDGER_ORIGIN"],
                           clock=runtime.clock, every_entries=int(config["LEDGER_CHECKPOINT_ENTRIES"]),
                           every_seconds=float(config["LEDGER_CHECKPOINT_SECONDS"]))
    signer = BackgroundSigner(ledger_notary.checkpointer)
    runtime.db.on_append_committed(signer.appended)
    app.extensions[_EXTENSION] = ledger_notary
    app.extensions[_SIGNER] = signer
    app.register_blueprint(bp)


def notary(app: Flask | None = None) -> Notary:
    return (app or current_app).extensions[_EXTENSION]


def checkpoint_signer(app: Flask | None = None) -> BackgroundSigner:
    return (app or current_app).extensions[_SIGNER]


@contextmanager
def _ledger_errors() -> Iterator[None]:
    try:
        yield
    except OutOfRange as exc:
        raise ApiError(422, "out_of_range", str(exc), {exc.field: [str(exc)]}) from exc
    except CheckpointRefused as exc:
        current_app.logger.critical("checkpoint refused: %s", exc)
        raise ApiError(503, "checkpoint_refused", "the ledger could not be checkpointed; "
                                                  "run `fairdun ledger verify`") from exc
    except (LedgerError, SQLAlchemyError) as exc:
        raise ApiError(503, "ledger_unavailable", "the ledger could not be read") from exc


def _wants_json() -> bool:
    return request.accept_mimetypes.best_match(["text/plain", "application/json"]) == "application/json"


def _checkpoint_document(checkpoint: SignedCheckpoint) -> dict[str, Any]:
    return {"tree_size": checkpoint.tree_size, "root_hash": checkpoint.root_hash, "signer": checkpoint.signer,
            "signed_at": rfc3339(checkpoint.signed_at), "note": checkpoint.note}


@bp.get("/ledger/checkpoint")
@requires(*AUDIT_ROLES)
@operation(summary="The latest signed checkpoint (text/plain signed note by default)",
           responses={200: CheckpointSchema}, text_plain=True)
def get_checkpoint() -> Response:
    """Signed now if entries were appended since the latest one."""
    with _ledger_errors():
        checkpoint = notary().latest()
    if _wants_json():
        return jsonify(_checkpoint_document(checkpoint))
    return Response(checkpoint.note, mimetype="text/plain")


@bp.get("/ledger/public-key")
@requires(*AUDIT_ROLES)
@operation(summary="The checkpoint signing keys as signed-note verifier keys (text/plain, one per line)",
           responses={200: PublicKeysSchema}, text_plain=True)
def get_public_keys() -> Response:
    with _ledger_errors():
        keys = notary().public_keys()
    if _wants_json():
        return jsonify({"keys": keys})
    return Response("".join(f"{key}\n" for key in keys), mimetype="text/plain")


@bp.get("/ledger/entries")
@requires(*AUDIT_ROLES)
@operation(summary="Ledger entries in wire format, from (inclusive) to (exclusive), at most 1000",
           responses={200: LedgerEntriesSchema})
def get_entries() -> Response:
    query = _entries_query.load(request.args)
    with _ledger_errors():
        entries, size = notary().entries(query["start"], query["end"])
    return jsonify({"entries": entries, "tree_size": size})


@bp.get("/ledger/proofs/inclusion")
@requires(*AUDIT_ROLES)
@operation(summary="RFC 9162 inclusion proof of entry seq in the tree of tree_size", responses={200: InclusionProofSchema})
def get_inclusion_proof() -> Response:
    query = _inclusion_query.load(request.args)
    with _ledger_errors():
        proof = notary().inclusion(query["seq"], query["tree_size"])
    return jsonify(proof.document())


@bp.get("/ledger/proofs/consistency")
@requires(*AUDIT_ROLES)
@operation(summary="RFC 9162 consistency proof between the trees of from_size and to_size",
           responses={200: ConsistencyProofSchema})
def get_consistency_proof() -> Response:
    query = _consistency_query.load(request.args)
    with _ledger_errors():
        proof = notary().consistency(query["from_size"], query["to_size"])
    return jsonify(proof.document())


@bp.get("/decisions/<uuid:decision_id>/proof")
@requires(*AUDIT_ROLES)
@operation(summary="A decision's ledger entry and its inclusion proof against the latest checkpoint",
           responses={200: DecisionProofSchema})
def get_decision_proof(decision_id: Any) -> Response:
    decision = current_app.extensions["fairdun"].decider.get(str(decision_id))   # 404 for an unknown id
    with _ledger_errors():
        proven = notary().prove_entry(decision["ledger"]["seq"])
    return jsonify({"decision_id": str(decision_id), "seq": proven.entry["seq"], "entry": proven.entry["entry"],
                    **proven.proof.document(), "checkpoint": proven.checkpoint.note})
