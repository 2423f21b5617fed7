"""The operations loop's rows (see ``models_operations``): cycles, agent flags, notifications, settings."""

from __future__ import annotations

from datetime import datetime
from typing import Any, cast

from sqlalchemy import Table, select, update
from sqlalchemy.engine import Row

from server.persistence import models_operations as mo
from server.persistence.dialect import insert_ignore, upsert
from tools.ops_types import AgentFlagRecord, CycleRecord, NotificationRecord

CY = cast(Table, mo.Cycle.__table__)
FL = cast(Table, mo.AgentFlag.__table__)
NO = cast(Table, mo.Notification.__table__)
ST = cast(Table, mo.TenantSetting.__table__)


def _cycle(r: Row[Any]) -> CycleRecord:
    return CycleRecord(id=r.id, key=r.cycle_key, trigger=r.trigger, status=r.status, phases=dict(r.phases or {}),
                       reflection=r.reflection, error=r.error, started_at=r.started_at, finished_at=r.finished_at)


def _note(r: Row[Any]) -> NotificationRecord:
    return NotificationRecord(id=r.id, dedupe_key=r.dedupe_key, kind=r.kind, severity=r.severity, title=r.title,
                              body=r.body, data=r.data or {}, channels=r.channels or {}, created_at=r.created_at)


class SqlCycleRepo:
    def __init__(self, conn: Any, tenant: str, dialect: str) -> None:
        self.conn, self.tenant, self.dialect = conn, tenant, dialect

    async def open(self, key: str, *, trigger: str, now: datetime) -> CycleRecord:
        await self.conn.execute(insert_ignore(CY, self.dialect, tenant_id=self.tenant, cycle_key=key, trigger=trigger,
                                              status="running", phases={}, reflection=None, error="",
                                              started_at=now, finished_at=None))
        found = await self.get(key)
        assert found is not None
        return found

    async def get(self, key: str) -> CycleRecord | None:
        row = (await self.conn.execute(select(CY).where(CY.c.tenant_id == self.tenant, CY.c.cycle_key == key))).first()
        return _cycle(row) if row else None

    async def set_phase(self, key: str, phase: str, value: dict[str, Any]) -> None:
        found = await self.get(key)
        assert found is not None
        await self.conn.execute(update(CY).where(CY.c.tenant_id == self.tenant, CY.c.cycle_key == key)
                                .values(phases={**found.phases, phase: value}))

    async def finish(self, key: str, *, status: str, now: datetime, reflection: dict[str, Any] | None = None,
                     error: str = "") -> None:
        values: dict[str, Any] = {"status": status, "finished_at": now, "error": error}
        if reflection is not None:
            values["reflection"] = reflection
        await self.conn.execute(update(CY).where(CY.c.tenant_id == self.tenant, CY.c.cycle_key == key).values(**values))

    async def latest(self, *, with_reflection: bool = False) -> CycleRecord | None:
        q = select(CY).where(CY.c.tenant_id == self.tenant)
        if with_reflection:
            q = q.where(CY.c.reflection.is_not(None))
        row = (await self.conn.execute(q.order_by(CY.c.started_at.desc(), CY.c.id.desc()).limit(1))).first()
        return _cycle(row) if row else None

    async def recent(self, *, limit: int) -> list[CycleRecord]:
        rows = (await self.conn.execute(select(CY).where(CY.c.tenant_id == self.tenant)
                                        .order_by(CY.c.started_at.desc(), CY.c.id.desc()).limit(limit))).all()
        return [_cycle(r) for r in rows]


class SqlAgentFlagRepo:
    def __init__(self, conn: Any, tenant: str, dialect: str) -> None:
        self.conn, self.tenant, self.dialect = conn, tenant, dialect

    async def all(self) -> list[AgentFlagRecord]:
        rows = (await self.conn.execute(select(FL).where(FL.c.tenant_id == self.tenant).order_by(FL.c.agent))).all()
        return [AgentFlagRecord(r.agent, r.enabled, r.reason, r.changed_by, r.changed_at) for r in rows]

    async def set(self, agent: str, *, enabled: bool, reason: str, by: str, now: datetime) -> None:
        values = {"enabled": enabled, "reason": reason, "changed_by": by, "changed_at": now}
        await self.conn.execute(upsert(FL, self.dialect, ["tenant_id", "agent"],
                                       {"tenant_id": self.tenant, "agent": agent, **values}, values))


class SqlNotificationRepo:
    def __init__(self, conn: Any, tenant: str, dialect: str) -> None:
        self.conn, self.tenant, self.dialect = conn, tenant, dialect

    async def add(self, *, dedupe_key: str, kind: str, severity: str, title: str, body: str,
                  data: dict[str, Any], now: datetime) -> NotificationRecord | None:
        done = await self.conn.execute(insert_ignore(
            NO, self.dialect, tenant_id=self.tenant, dedupe_key=dedupe_key, kind=kind, severity=severity,
            title=title[:300], body=body, data=data, channels={}, created_at=now))
        if not done.rowcount:
            return None
        row = (await self.conn.execute(select(NO).where(NO.c.tenant_id == self.tenant,
                                                        NO.c.dedupe_key == dedupe_key))).first()
        return _note(row) if row else None

    async def set_channels(self, notification_id: int, channels: dict[str, Any]) -> None:
        await self.conn.execute(update(NO).where(NO.c.tenant_id == self.tenant, NO.c.id == notification_id)
                                .values(channels=channels))

    async def recent(self, *, limit: int, kind: str | None = None,
                     since: datetime | None = None) -> list[NotificationRecord]:
        q = select(NO).where(NO.c.tenant_id == self.tenant)
        if kind is not None:
            q = q.where(NO.c.kind == kind)
        if since is not None:
            q = q.where(NO.c.created_at >= since)
        rows = (await self.conn.execute(q.order_by(NO.c.id.desc()).limit(limit))).all()
        return [_note(r) for r in rows]


class SqlSettingRepo:
    def __init__(self, conn: Any, tenant: str, dialect: str) -> None:
        self.conn, self.tenant, self.dialect = conn, tenant, dialect

    async def all(self) -> dict[str, Any]:
        rows = (await self.conn.execute(select(ST.c.key, ST.c.value).where(ST.c.tenant_id == self.tenant))).all()
        return {r.key: (r.value or {}).get("v") for r in rows}

    async def set(self, key: str, value: Any, *, now: datetime) -> None:
        values = {"value": {"v": value}, "changed_at": now}
        await self.conn.execute(upsert(ST, self.dialect, ["tenant_id", "key"],
                                       {"tenant_id": self.tenant, "key": key, **values}, values))
