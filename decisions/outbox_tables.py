"""The outbox: the events an AR system is told about (webhooks and the feed), each written in
the transaction that records what it reports (``decisions.outbox``)."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import BigInteger, Boolean, CheckConstraint, DateTime, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from ledger.db import Base

__all__ = ["OutboxEventRow", "OutboxOriginRow", "EVENT_TYPES"]

_SEQ = BigInteger().with_variant(Integer, "sqlite")
EVENT_TYPES = ("decision.held", "decision.reviewed", "review.requested", "run.completed", "request.deadline_near")


class OutboxEventRow(Base):
    """One event, as delivered: ``payload`` is the exact body every webhook delivery sends
    (``{type, timestamp, data}``) and the feed serves.

    ``position`` orders the feed. It is taken under the ledger's append lock in the writing
    transaction, so positions are in commit order: a reader that sees one sees every lower one.
    ``ledger_seq`` is the entry the event projects (None for the events derived from entries:
    ``run.completed``, ``request.deadline_near``); ``about`` the decision, request or run id.
    ``fanned_out``: the dispatcher has created its deliveries to the endpoints of that moment.
    """

    __tablename__ = "outbox_events"
    __table_args__ = (
        CheckConstraint("type IN ('decision.held', 'decision.reviewed', 'review.requested', 'run.completed', "
                        "'request.deadline_near')", name="type_known"),
        Index("ix_outbox_events_fanned_out_position", "fanned_out", "position"),
    )

    event_id: Mapped[str] = mapped_column(String(36), primary_key=True)
    position: Mapped[int] = mapped_column(_SEQ, unique=True)
    type: Mapped[str] = mapped_column(String(40))
    about: Mapped[str] = mapped_column(String(36), index=True)
    ledger_seq: Mapped[int | None] = mapped_column(_SEQ, unique=True)
    occurred_at: Mapped[datetime] = mapped_column(DateTime(timezone=True))
    payload: Mapped[str] = mapped_column(Text)
    fanned_out: Mapped[bool] = mapped_column(Boolean, default=False)


class OutboxOriginRow(Base):
    """Where the outbox begins: ledger entries from ``first_seq`` on have their events (an
    installation upgraded to schema 0007 had entries before the outbox existed). One row,
    written by the migration; verification requires it."""

    __tablename__ = "outbox_origin"
    __table_args__ = (CheckConstraint("id = 1", name="single_row"),)

    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    first_seq: Mapped[int] = mapped_column(_SEQ)
