"""The durable engine's worker processes (migration 0013): one row per process, its heartbeat."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import Integer, String
from sqlalchemy.orm import Mapped, mapped_column

from server.persistence.models import Base


class Worker(Base):
    """Not tenant-scoped: a worker serves every tenant. ``seen_at`` older than the heartbeat's
    grace means the process died; the first live worker to notice recovers its workflows."""

    __tablename__ = "workers"
    id: Mapped[str] = mapped_column(String(200), primary_key=True)
    host: Mapped[str] = mapped_column(String(255))
    pid: Mapped[int] = mapped_column(Integer)
    #: serve | worker
    role: Mapped[str] = mapped_column(String(20))
    started_at: Mapped[datetime]
    seen_at: Mapped[datetime]
    stopped_at: Mapped[datetime | None]
    recovered_by: Mapped[str | None] = mapped_column(String(200))
