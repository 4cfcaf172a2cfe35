"""Webhook endpoints and the deliveries of outbox events to them, with every attempt.

Operational state, not a projection of the ledger: the events themselves live in the outbox
(``decisions.outbox_tables``), which verification compares with the ledger. Signing secrets are
stored encrypted (AES-256-GCM under the instance's webhook key, ``service.webhooks.secrets``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import (
    BigInteger,
    CheckConstraint,
    DateTime,
    ForeignKey,
    Index,
    Integer,
    LargeBinary,
    String,
    Text,
    UniqueConstraint,
)
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import Base

__all__ = ["WebhookEndpointRow", "WebhookDeliveryRow", "WebhookAttemptRow"]

_ID = String(36)
_POSITION = BigInteger().with_variant(Integer, "sqlite")


class WebhookEndpointRow(Base):
    """A receiver of webhooks. It gets the events of its ``events`` types whose outbox position
    is above ``from_position`` (the events recorded after it was registered)."""

    __tablename__ = "webhook_endpoints"
    __table_args__ = (
        CheckConstraint("status IN ('enabled', 'disabled', 'deleted')", name="status_known"),
        CheckConstraint("disabled_reason IS NULL OR disabled_reason IN ('failing')", name="disabled_reason_known"),
    )

    endpoint_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    url: Mapped[str] = mapped_column(String(2048))
    events: Mapped[str] = mapped_column(Text)                          # JSON list of event types, sorted
    status: Mapped[str] = mapped_column(String(10))
    secret: Mapped[bytes | None] = mapped_column(LargeBinary)           # sealed; None once deleted
    previous_secret: Mapped[bytes | None] = mapped_column(LargeBinary)  # sealed; signs too until ...
    previous_secret_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    from_position: Mapped[int] = mapped_column(_POSITION)
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    created_by: Mapped[str] = mapped_column(String(80))
    secret_rotated_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    failing_since: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))   # first failure since a success
    disabled_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    disabled_reason: Mapped[str | None] = mapped_column(String(20))
    deleted_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebhookDeliveryRow(Base):
    """One event for one endpoint: pending until a 2xx answer (``delivered``), or ``failed`` once
    its retries are spent; a redelivery makes it pending again. ``retries`` counts the failed
    attempts of the current series (the backoff schedule's index); ``claimed_until`` is the lease
    of the dispatcher attempting it (another may take it over once the lease ran out)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (
        CheckConstraint("status IN ('pending', 'delivered', 'failed', 'cancelled')", name="status_known"),
        UniqueConstraint("endpoint_id", "event_id", name="uq_webhook_deliveries_endpoint_event"),
        Index("ix_webhook_deliveries_status_next_attempt_at", "status", "next_attempt_at"),
        Index("ix_webhook_deliveries_endpoint_position", "endpoint_id", "position"),
    )

    delivery_id: Mapped[str] = mapped_column(_ID, primary_key=True)
    endpoint_id: Mapped[str] = mapped_column(_ID, ForeignKey("webhook_endpoints.endpoint_id"))
    event_id: Mapped[str] = mapped_column(_ID, ForeignKey("outbox_events.event_id"), index=True)
    position: Mapped[int] = mapped_column(_POSITION)                   # the event's, for the delivery log's order
    status: Mapped[str] = mapped_column(String(10))
    retries: Mapped[int] = mapped_column(Integer, default=0)
    next_attempt_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    claimed_until: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))
    created_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    delivered_at: Mapped[datetime | None] = mapped_column(DateTime(timezone=True))


class WebhookAttemptRow(Base):
    """One HTTP attempt of a delivery: when, the answer's status code or why there was none.
    Nothing of the receiver's answer besides its status is kept."""

    __tablename__ = "webhook_attempts"

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=True)
    delivery_id: Mapped[str] = mapped_column(_ID, ForeignKey("webhook_deliveries.delivery_id"), index=True)
    attempted_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    status_code: Mapped[int | None] = mapped_column(Integer)
    error: Mapped[str | None] = mapped_column(String(40))              # a code: timeout, connection_failed, ...
    duration_ms: Mapped[int] = mapped_column(Integer)
