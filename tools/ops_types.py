"""What the operations loop needs from storage: cycle records, agent flags, notifications and the
tenant's operating settings (implemented in ``server.persistence.repos.operations``)."""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any, Protocol


@dataclass(frozen=True, slots=True)
class CycleRecord:
    id: int
    key: str
    trigger: str
    status: str
    phases: dict[str, Any]
    reflection: dict[str, Any] | None
    error: str
    started_at: datetime
    finished_at: datetime | None


@dataclass(frozen=True, slots=True)
class AgentFlagRecord:
    agent: str
    enabled: bool
    reason: str
    changed_by: str
    changed_at: datetime


@dataclass(frozen=True, slots=True)
class NotificationRecord:
    id: int
    dedupe_key: str
    kind: str
    severity: str
    title: str
    body: str
    data: dict[str, Any]
    channels: dict[str, Any]
    created_at: datetime


class CycleRepo(Protocol):
    async def open(self, key: str, *, trigger: str, now: datetime) -> CycleRecord:
        """The cycle with this key, created (``running``) if it is new."""
        ...
    async def get(self, key: str) -> CycleRecord | None: ...
    async def set_phase(self, key: str, phase: str, value: dict[str, Any]) -> None: ...
    async def finish(self, key: str, *, status: str, now: datetime, reflection: dict[str, Any] | None = None,
                     error: str = "") -> None: ...
    async def latest(self, *, with_reflection: bool = False) -> CycleRecord | None: ...
    async def recent(self, *, limit: int) -> list[CycleRecord]: ...


class AgentFlagRepo(Protocol):
    async def all(self) -> list[AgentFlagRecord]: ...
    async def set(self, agent: str, *, enabled: bool, reason: str, by: str, now: datetime) -> None: ...


class NotificationRepo(Protocol):
    async def add(self, *, dedupe_key: str, kind: str, severity: str, title: str, body: str,
                  data: dict[str, Any], now: datetime) -> NotificationRecord | None:
        """The new notification, or None when one with this dedupe key exists already."""
        ...
    async def set_channels(self, notification_id: int, channels: dict[str, Any]) -> None: ...
    async def recent(self, *, limit: int, kind: str | None = None,
                     since: datetime | None = None) -> list[NotificationRecord]: ...


class SettingRepo(Protocol):
    async def all(self) -> dict[str, Any]: ...
    async def set(self, key: str, value: Any, *, now: datetime) -> None: ...
