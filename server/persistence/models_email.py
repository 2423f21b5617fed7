"""The e-mail channel's tables (migration 0008). Addresses appear only as PII vault references."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, ForeignKey, Index, Integer, LargeBinary, String, Text
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
    #: rendered | sending | sent | suppressed | refused_by_mode | held (kill switch) | failed
    status: Mapped[str] = mapped_column(String(20))
    reason: Mapped[str] = mapped_column(String(40))
    error: Mapped[str] = mapped_column(Text)
    message_id: Mapped[str] = mapped_column(String(255))
    created_by: Mapped[str] = mapped_column(String(200))
    created_at: Mapped[datetime]
    sent_at: Mapped[datetime | None]
    #: who asked for it, to find it again after a crash (a delivery: ``delivery:<id>:<attempt>``); "" if no one
    dedupe_key: Mapped[str] = mapped_column(String(200), default="")
    __table_args__ = (Index("ix_email_messages_tenant_id_id", "tenant_id", "id"),
                      Index("ix_email_messages_dedupe", "tenant_id", "dedupe_key"))


class EmailAttachment(Base):
    """A file sent with a message (a purchase order's CSV and PDF), kept as it was sent (migration 0013)."""

    __tablename__ = "email_attachments"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    message_id: Mapped[int] = mapped_column(BigInteger, ForeignKey("email_messages.id"), index=True)
    filename: Mapped[str] = mapped_column(String(255))
    content_type: Mapped[str] = mapped_column(String(100))
    content: Mapped[bytes] = mapped_column(LargeBinary)


class EmailContact(Base):
    """Who receives a kind of mail for a name: a vendor's purchase-order address (migration 0013).
    The address is a PII vault reference, like every recipient."""

    __tablename__ = "email_contacts"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    #: vendor
    role: Mapped[str] = mapped_column(String(20), primary_key=True)
    #: the name folded to lower case, so "Acme" and "ACME " are one vendor
    key: Mapped[str] = mapped_column(String(200), primary_key=True)
    name: Mapped[str] = mapped_column(String(200))
    address_ref: Mapped[str] = mapped_column(String(64))
    updated_by: Mapped[str] = mapped_column(String(200))
    updated_at: Mapped[datetime]
