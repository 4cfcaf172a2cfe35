"""The subject key vault's table: one wrapped data key per subject."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import DateTime, LargeBinary, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import Base

__all__ = ["SubjectKey"]


class SubjectKey(Base):
    __tablename__ = "subject_keys"

    subject_id: Mapped[str] = mapped_column(String(64), primary_key=True)
    wrapped_key: Mapped[bytes] = mapped_column(LargeBinary)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
