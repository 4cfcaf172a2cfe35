"""Persistence foundation: database engine and units of work, the append-only hash-chained
ledger, its RFC 9162 Merkle tree, signed checkpoints, proofs, export and verification.

The offline verifier (``ledger/offline.py``) stands alone: it imports only the standard
library and ``cryptography``.
"""

from .chain import GENESIS_PREV, Appended, Sealed, append, discard_blobs
from .checkpoints import SignedCheckpoint
from .db import Base, Database, UnitOfWork
from .errors import BlobMismatch, ChainBroken, CheckpointRefused, LedgerError, LedgerUnavailable, OutOfRange
from .notary import ConsistencyProof, InclusionProof, Notary
from .verify import ChainReport, verify_chain, verify_ledger

__all__ = [
    "GENESIS_PREV", "Appended", "Sealed", "append", "discard_blobs",
    "SignedCheckpoint", "Notary", "InclusionProof", "ConsistencyProof",
    "Base", "Database", "UnitOfWork",
    "BlobMismatch", "ChainBroken", "CheckpointRefused", "LedgerError", "LedgerUnavailable", "OutOfRange",
    "ChainReport", "verify_chain", "verify_ledger",
]
