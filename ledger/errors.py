"""Ledger errors. Verification raises; it never returns False."""

__all__ = ["LedgerError", "ChainBroken", "BlobMismatch", "LedgerUnavailable", "CheckpointRefused", "OutOfRange"]


class LedgerError(Exception):
    """Anything that keeps the ledger from recording or proving an entry."""


class LedgerUnavailable(LedgerError):
    """The database could not be reached or refused the write: nothing was recorded."""


class ChainBroken(LedgerError):
    """The stored ledger does not verify.

    ``seq`` is the first entry whose integrity is in doubt, ``reason`` one of the
    reasons of ``ledger.offline`` (``modified``, ``missing``, ``reordered``,
    ``truncated``, ``bad_signature``, ``inconsistent_checkpoint``) or
    ``node_mismatch`` (a stored Merkle subtree hash differs from the entries').
    """

    def __init__(self, seq: int, reason: str, detail: str = "") -> None:
        self.seq = seq
        self.reason = reason
        self.detail = detail
        super().__init__(f"ledger chain broken at seq {seq}: {reason}" + (f" ({detail})" if detail else ""))


class BlobMismatch(LedgerError):
    """A sealed blob is missing or does not hash to the digest its entry commits to."""

    def __init__(self, seq: int, reason: str) -> None:
        self.seq = seq
        self.reason = reason
        super().__init__(f"sealed blob of seq {seq}: {reason}")


class CheckpointRefused(LedgerError):
    """The signer would not sign: the ledger is not a consistent extension of the
    last signed checkpoint (or does not verify since it)."""


class OutOfRange(LedgerError):
    """A proof or range asked for entries or tree sizes the ledger does not have."""

    def __init__(self, field: str, message: str) -> None:
        self.field = field
        super().__init__(message)
