"""Tables owned by the edges: API keys, their rate-limit counts and the signed-in sessions of portal and console."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, CheckConstraint, DateTime, Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import Base

__all__ = ["ApiKeyRow", "ApiRateCountRow", "WebSessionRow"]


class ApiKeyRow(Base):
    __tablename__ = "api_keys"
    __table_args__ = (
        CheckConstraint("role IN ('ar_system', 'reviewer', 'compliance_officer', 'auditor', 'admin')",
                        name="role_known"),
    )

    key_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    name: Mapped[str] = mapped_column(String(100))
    role: Mapped[str] = mapped_column(String(30))
    prefix: Mapped[str] = mapped_column(String(16), unique=True)
    secret_sha256: Mapped[str] = mapped_column(String(64))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    revoked_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    last_used_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))   # to the minute


class ApiRateCountRow(Base):
    """Requests of an API key in one rate-limit window (``service.ratelimit``): shared by every
    worker on the database. Not an audit trail: a key's older windows are deleted."""

    __tablename__ = "api_rate_counts"

    key_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    window_start: Mapped[int] = mapped_column(BigInteger, primary_key=True, autoincrement=False)   # epoch seconds
    count: Mapped[int] = mapped_column(Integer)


class WebSessionRow(Base):
    """A signed-in session of the portal or console. The cookie carries only the session's
    random token; this row (found by the token's SHA-256) decides whether it is still alive,
    so sign-out, a password change or a disabled account end it server-side."""

    __tablename__ = "web_sessions"
    __table_args__ = (CheckConstraint("surface IN ('portal', 'console')", name="surface_known"),)

    token_sha256: Mapped[str] = mapped_column(String(64), primary_key=True)
    surface: Mapped[str] = mapped_column(String(10))
    principal: Mapped[str] = mapped_column(String(64), index=True)   # subject pseudonym or staff user id
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    seen_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    ended_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    end_reason: Mapped[str | None] = mapped_column(String(20))   # signed_out, password_changed, disabled, ...
