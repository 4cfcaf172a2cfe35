"""Persistence foundation: database engine and units of work, the append-only hash-chained ledger."""

from .chain import GENESIS_PREV, Appended, Sealed, append
from .db import Base, Database, UnitOfWork
from .errors import BlobMismatch, ChainBroken, LedgerError, LedgerUnavailable
from .verify import ChainReport, verify_chain

__all__ = [
    "GENESIS_PREV", "Appended", "Sealed", "append",
    "Base", "Database", "UnitOfWork",
    "BlobMismatch", "ChainBroken", "LedgerError", "LedgerUnavailable",
    "ChainReport", "verify_chain",
]
