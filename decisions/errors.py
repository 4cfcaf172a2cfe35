"""Domain errors the edges map to HTTP statuses (see ``service/errors.py``)."""

from collections.abc import Iterator
from contextlib import contextmanager

from sqlalchemy.exc import SQLAlchemyError

from ledger import LedgerError

__all__ = ["DomainError", "NotFound", "Conflict", "IdempotencyConflict", "StorageUnavailable", "InvalidInput", "storage_guard"]


class DomainError(Exception):
    code = "domain_error"


class NotFound(DomainError):
    code = "not_found"


class Conflict(DomainError):
    """The request contradicts the state of what it concerns (e.g. an outcome for a review
    already closed, an extension after the first month): nothing was written."""

    code = "conflict"

    def __init__(self, message: str, code: str = "conflict") -> None:
        super().__init__(message)
        self.code = code


class IdempotencyConflict(DomainError):
    """The Idempotency-Key was used before with a different request body."""

    code = "idempotency_conflict"


class StorageUnavailable(DomainError):
    """The database refused or could not be reached: nothing was recorded."""

    code = "storage_unavailable"


class InvalidInput(DomainError):
    """Input that passed the schema but contradicts what fairdun knows
    (e.g. a delivery result for a decision about another claim)."""

    code = "invalid_input"

    def __init__(self, message: str, field: str | None = None) -> None:
        super().__init__(message)
        self.field = field


@contextmanager
def storage_guard(what: str) -> Iterator[None]:
    """Turn database and ledger failures into ``StorageUnavailable`` (HTTP 503)."""
    try:
        yield
    except (SQLAlchemyError, LedgerError) as exc:
        raise StorageUnavailable(f"{what} could not be recorded; nothing was written") from exc
