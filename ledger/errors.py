"""Ledger errors. Verification raises; it never returns False."""

__all__ = ["LedgerError", "ChainBroken", "BlobMismatch", "LedgerUnavailable"]


class LedgerError(Exception):
    """Anything that keeps the ledger from recording or proving an entry."""


class LedgerUnavailable(LedgerError):
    """The database could not be reached or refused the write: nothing was recorded."""


class ChainBroken(LedgerError):
    """The stored entries do not form one unbroken hash chain.

    ``seq`` is the first entry at which verification failed, ``reason`` one of
    ``modified``, ``missing``, ``reordered``, ``not_canonical``.
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
