"""The e-mail channel's tables (migration 0008). Addresses appear only as PII vault references."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import ForeignKey, Index, Integer, String, Text
from sqlalchemy.orm import Mapped, mapped_column

from server.persistence.models import Base, Id


class EmailChannel(Base):
    """A tenant's send mode and daily cap; a tenant without a row uses the settings' defaults."""

    __tablename__ = "email_channels"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    mode: Mapped[str] = mapped_column(String(20))
    daily_cap: Mapped[int] = mapped_column(Integer)
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]


class EmailSuppression(Base):
    """An address that must not receive mail (bounce, unsubscribe, manual), by its vault reference."""

    __tablename__ = "email_suppressions"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    address_ref: Mapped[str] = mapped_column(String(64), primary_key=True)
    reason: Mapped[str] = mapped_column(String(20))
    note: Mapped[str] = mapped_column(Text)
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]


class EmailMessage(Base):
    """One message as rendered, its recipients as references, and what became of it."""

    __tablename__ = "email_messages"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    kind: Mapped[str] = mapped_column(String(100))
    #: the send mode in force when the message was decided on
    mode: Mapped[str] = mapped_column(String(20))
    recipients: Mapped[list[Any]]
    #: the rendering; a recipient's address written in it is stored as its reference
    subject: Mapped[str] = mapped_column(Text)
    text_body: Mapped[str] = mapped_column(Text)
    #: rendered | sending | sent | suppressed | refused_by_mode | failed
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(40))
    error: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(255))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    __table_args__ = (Index("ix_email_messages_tenant_id_id", "tenant_id", "id"),)
