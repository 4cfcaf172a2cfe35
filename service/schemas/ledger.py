"""The auditors' ledger endpoints: query parameters in, entries, checkpoints and
RFC 9162 proofs out (hashes as lowercase hex)."""

from __future__ import annotations

from typing import Any

from marshmallow import Schema, ValidationError, fields, validate, validates_schema

from ledger.notary import MAX_ENTRIES_PER_READ

__all__ = ["EntriesQuerySchema", "InclusionQuerySchema", "ConsistencyQuerySchema", "LedgerEntriesSchema",
           "InclusionProofSchema", "ConsistencyProofSchema", "CheckpointSchema", "PublicKeysSchema",
           "DecisionProofSchema"]

_SIZE = validate.Range(min=0)
_HEX = validate.Regexp(r"^[0-9a-f]{64}$")


class EntriesQuerySchema(Schema):
    """``from`` (inclusive) and ``to`` (exclusive; default ``from`` + 1000), at most 1000 entries."""

    start = fields.Integer(data_key="from", load_default=0, validate=_SIZE)
    end = fields.Integer(data_key="to", load_default=None, validate=_SIZE)

    @validates_schema
    def _range(self, data: dict[str, Any], **_: Any) -> None:
        end = data.get("end")
        if end is not None and end < data["start"]:
            raise ValidationError("must not be below from", "to")
        if end is not None and end - data["start"] > MAX_ENTRIES_PER_READ:
            raise ValidationError(f"at most {MAX_ENTRIES_PER_READ} entries per read", "to")


class InclusionQuerySchema(Schema):
    """``seq`` and, optionally, ``tree_size`` (default: the latest checkpoint's)."""

    seq = fields.Integer(required=True, validate=_SIZE)
    tree_size = fields.Integer(load_default=None, validate=validate.Range(min=1))


class ConsistencyQuerySchema(Schema):
    """``from_size`` and, optionally, ``to_size`` (default: the latest checkpoint's)."""

    from_size = fields.Integer(required=True, validate=_SIZE)
    to_size = fields.Integer(load_default=None, validate=_SIZE)


class LedgerEntrySchema(Schema):
    seq = fields.Integer(metadata={"description": "the entry's leaf index in the Merkle tree"})
    entry = fields.String(metadata={"description": "the exact RFC 8785 canonical JSON text that was hashed"})
    leaf_hash = fields.String(validate=_HEX, metadata={"description": "SHA-256(0x00 || entry), RFC 9162"})


class LedgerEntriesSchema(Schema):
    entries = fields.List(fields.Nested(LedgerEntrySchema))
    tree_size = fields.Integer(metadata={"description": "entries in the ledger now"})


class InclusionProofSchema(Schema):
    """RFC 9162 §2.1.3 inclusion proof; ``hashes`` from the leaf level up. ``root_hash``
    is for convenience: trust only a root from a signed checkpoint."""

    tree_size = fields.Integer()
    leaf_index = fields.Integer()
    leaf_hash = fields.String(validate=_HEX)
    hashes = fields.List(fields.String(validate=_HEX))
    root_hash = fields.String(validate=_HEX)


class ConsistencyProofSchema(Schema):
    """RFC 9162 §2.1.4 consistency proof; roots for convenience (trust signed ones)."""

    from_size = fields.Integer()
    to_size = fields.Integer()
    hashes = fields.List(fields.String(validate=_HEX))
    from_root = fields.String(validate=_HEX)
    to_root = fields.String(validate=_HEX)


class CheckpointSchema(Schema):
    """The latest checkpoint (with ``Accept: application/json``; by default the
    endpoint serves the signed note itself as ``text/plain``)."""

    tree_size = fields.Integer()
    root_hash = fields.String(validate=_HEX)
    signer = fields.String(metadata={"description": "signed-note verifier key of the signing key"})
    signed_at = fields.String(metadata={"description": "RFC 3339"})
    note = fields.String(metadata={"description": "the C2SP tlog-checkpoint signed note"})


class PublicKeysSchema(Schema):
    """Signed-note verifier keys (with ``Accept: application/json``; by default one
    per line as ``text/plain``)."""

    keys = fields.List(fields.String())


class DecisionProofSchema(Schema):
    """A decision's ledger entry and its inclusion proof against the signed checkpoint
    that accompanies it: verify the note, then the proof against its root."""

    decision_id = fields.String()
    seq = fields.Integer()
    entry = fields.String()
    leaf_hash = fields.String(validate=_HEX)
    tree_size = fields.Integer()
    leaf_index = fields.Integer()
    hashes = fields.List(fields.String(validate=_HEX))
    root_hash = fields.String(validate=_HEX)
    checkpoint = fields.String(metadata={"description": "the C2SP tlog-checkpoint signed note"})
