"""Deliveries of executed actions to the live store, one row per outbox event the relay delivers
(see ``tools.store_delivery``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.persistence.models import Base, Id


class StoreDelivery(Base):
    """``pending → delivering → delivered | delivery_failed | conflict`` (or ``cancelled``: rolled back in the
    engine before it reached the store). Beside the action's own status, never instead of it."""

    __tablename__ = "store_deliveries"
    __table_args__ = (Index("ix_store_deliveries_due", "tenant_id", "state", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    #: one delivery per outbox event, ever
    outbox_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("outbox_events.id"), unique=True)
    action_id: Mapped[int] = mapped_column(BigInteger, index=True)
    #: the outside system (shopify) and what is done there (execute | rollback)
    channel: Mapped[str] = mapped_column(String(20))
    op: Mapped[str] = mapped_column(String(20))
    #: what is changed there: product:<handle> or variant:<sku>
    resource: Mapped[str] = mapped_column(String(500))
    #: the live values the delivery may overwrite, and the values it writes
    expected: Mapped[dict[str, Any]]
    target: Mapped[dict[str, Any]]
    state: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: why it waits or why it stopped, in words; the failure's stable code
    reason: Mapped[str] = mapped_column(Text, default="")
    error_code: Mapped[str] = mapped_column(String(100), default="")
    #: what the live store held when it was read (a conflict's other side)
    live: Mapped[dict[str, Any] | None]
    remote_ids: Mapped[dict[str, Any]]
    response: Mapped[dict[str, Any]]
    #: when a pending delivery is due; while delivering, when the claim lapses (a crashed worker's)
    next_attempt_at: Mapped[datetime | None]
    created_at: Mapped[datetime]
    updated_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
