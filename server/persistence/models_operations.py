"""The operations loop's tables: cycle records, agent flags, notifications and per-tenant settings
(see ``tools.cycle``, ``tools.agent_flags``, ``tools.notify``)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import Boolean, ForeignKey, Index, String, Text, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.persistence.models import Base, Id


class Cycle(Base):
    """One Plan → Act → React → Reflect pass; ``phases`` holds each phase's timings and result, so a
    phase that finished is never run twice for the same cycle id."""

    __tablename__ = "cycles"
    __table_args__ = (UniqueConstraint("tenant_id", "cycle_key", name="uq_cycles_key"),
                      Index("ix_cycles_recent", "tenant_id", "started_at"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    #: the caller's id for the cycle (the durable workflow's id, or one made up for a manual run)
    cycle_key: Mapped[str] = mapped_column(String(200))
    trigger: Mapped[str] = mapped_column(String(40))
    #: running | done | failed | halted (kill switch) | over_budget
    status: Mapped[str] = mapped_column(String(20))
    phases: Mapped[dict[str, Any]]
    reflection: Mapped[dict[str, Any] | None]
    error: Mapped[str] = mapped_column(Text, default="")
    started_at: Mapped[datetime]
    finished_at: Mapped[datetime | None]


class AgentFlag(Base):
    """An agent switched off (or back on) for one tenant; ``agent`` ``*`` is every agent of the tenant."""

    __tablename__ = "agent_flags"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    agent: Mapped[str] = mapped_column(String(60), primary_key=True)
    enabled: Mapped[bool] = mapped_column(Boolean)
    reason: Mapped[str] = mapped_column(Text, default="")
    changed_by: Mapped[str] = mapped_column(String(200))
    changed_at: Mapped[datetime]


class Notification(Base):
    """One event told to the operator, once: the dedupe key is unique per tenant."""

    __tablename__ = "notifications"
    __table_args__ = (UniqueConstraint("tenant_id", "dedupe_key", name="uq_notifications_dedupe"),
                      Index("ix_notifications_recent", "tenant_id", "created_at"))
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    dedupe_key: Mapped[str] = mapped_column(String(300))
    kind: Mapped[str] = mapped_column(String(60))
    severity: Mapped[str] = mapped_column(String(10))
    title: Mapped[str] = mapped_column(String(300))
    body: Mapped[str] = mapped_column(Text, default="")
    data: Mapped[dict[str, Any]]
    #: what each channel came to: {"webhook": "queued", "email": "rendered" | "held:quiet_hours" | ...}
    channels: Mapped[dict[str, Any]]
    created_at: Mapped[datetime]


class TenantSetting(Base):
    """A tenant's operating settings (timezone, quiet hours, digest hour, notify address...), one value each."""

    __tablename__ = "tenant_settings"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    key: Mapped[str] = mapped_column(String(60), primary_key=True)
    value: Mapped[dict[str, Any]]
    changed_at: Mapped[datetime]
