"""Webhook endpoints per tenant and the deliveries queued for them (see ``tools.webhooks``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.persistence.models import Base, Id


class WebhookEndpoint(Base):
    """Where a tenant's events go. The signing secret is sealed with the keyring's vault key (re-encrypted
    by ``growth secret rotate``); it is shown once, when the endpoint is added, and never again."""

    __tablename__ = "webhook_endpoints"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    url: Mapped[str] = mapped_column(String(2000))
    #: event topics (``action.executed``), a prefix (``action.*``) or ``*``
    topics: Mapped[list[Any]]
    secret_ciphertext: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    #: removed endpoints are kept so their deliveries still name them
    removed_at: Mapped[datetime | None]


class WebhookDelivery(Base):
    """One event for one endpoint: ``pending`` (due at ``next_attempt_at``), ``delivered``, ``dead`` after the
    last attempt failed, or ``cancelled`` (its endpoint was removed)."""

    __tablename__ = "webhook_deliveries"
    __table_args__ = (Index("ix_webhook_deliveries_due", "status", "next_attempt_at"),)
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), index=True)
    endpoint_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("webhook_endpoints.id"), index=True)
    #: the Standard Webhooks ``webhook-id``: the same on every attempt and replay, so receivers can dedupe
    message_id: Mapped[str] = mapped_column(String(64), unique=True)
    topic: Mapped[str] = mapped_column(String(100))
    payload: Mapped[dict[str, Any]]
    status: Mapped[str] = mapped_column(String(20))
    attempts: Mapped[int] = mapped_column(Integer, default=0)
    #: when the next attempt is due; while an attempt is in flight, when its claim lapses
    next_attempt_at: Mapped[datetime | None]
    last_status: Mapped[int | None] = mapped_column(Integer)
    last_error: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    delivered_at: Mapped[datetime | None]
