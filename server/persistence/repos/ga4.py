"""GA4 facts: the bulk write, the window rollups, and the reads of the analytics and
content specialists."""

from __future__ import annotations

from datetime import date
from typing import Any

from sqlalchemy import Date, String, bindparam, delete, func, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from server.persistence import models_telemetry as t
from server.persistence.repos.bulk import upsert_rows
from server.persistence.repos.weeks import week_index, within
from server.persistence.sqlite_sync import SyncConnection
from tools.ingest.batches import Ga4Batch
from tools.ingest.windows import Window

STATS = t.Ga4Stat.__table__
DAILY = t.Ga4Daily.__table__
_ROLLUP = """
INSERT INTO ga4_stats (tenant_id, landing_page, channel, period, sessions, engaged_sessions, key_events,
                       revenue, purchases)
SELECT :tenant, landing_page, channel, :name, SUM(sessions), SUM(engaged_sessions), SUM(key_events),
       SUM(revenue), SUM(purchases)
FROM ga4_daily WHERE tenant_id = :tenant AND day >= :start AND day <= :end
GROUP BY landing_page, channel
"""
COLUMNS = ("tenant_id", "landing_page", "channel", "day", "sessions", "engaged_sessions", "key_events",
           "revenue", "purchases")


class SqlGa4Repo:
    def __init__(self, conn: AsyncConnection | SyncConnection, tenant: str, dialect: str) -> None:
        self.conn = conn
        self.tenant = tenant
        self.dialect = dialect

    async def write(self, batch: Ga4Batch) -> int:
        """Upsert per (page, channel, day); a later import of a day replaces it."""
        as_text = self.dialect == "sqlite"
        rows = [(self.tenant, page, channel, d if as_text else date.fromisoformat(d), int(v[0]), int(v[1]),
                 float(v[2]), float(v[3]), int(v[4]))
                for (d, page, channel), v in sorted(batch.cells.items(), key=lambda kv: (kv[0][1], kv[0][2],
                                                                                         kv[0][0]))]
        await upsert_rows(self.conn, "ga4_daily", COLUMNS, rows,
                          conflict=("tenant_id", "landing_page", "channel", "day"), update=COLUMNS[4:])
        return len(rows)

    async def newest_day(self) -> date | None:
        return (await self.conn.execute(select(func.max(DAILY.c.day)).where(
            DAILY.c.tenant_id == self.tenant))).scalar_one()

    async def daily_rows(self) -> int:
        return int((await self.conn.execute(select(func.count()).select_from(DAILY).where(
            DAILY.c.tenant_id == self.tenant))).scalar_one())

    async def refresh(self, windows: tuple[Window, ...]) -> int:
        await self.conn.execute(delete(STATS).where(STATS.c.tenant_id == self.tenant))
        stmt = text(_ROLLUP).bindparams(bindparam("tenant", type_=String), bindparam("name", type_=String),
                                        bindparam("start", type_=Date), bindparam("end", type_=Date))
        for w in windows:
            await self.conn.execute(stmt, {"tenant": self.tenant, "name": w.name, "start": w.start, "end": w.end})
        return int((await self.conn.execute(select(func.count()).select_from(STATS).where(
            STATS.c.tenant_id == self.tenant))).scalar_one())

    async def sessions_by_channel(self, start: date, end: date) -> dict[str, dict[str, float]]:
        """Sessions, purchases and revenue per channel for the days [start, end]."""
        rows = (await self.conn.execute(
            select(DAILY.c.channel, func.sum(DAILY.c.sessions), func.sum(DAILY.c.purchases), func.sum(DAILY.c.revenue))
            .where(DAILY.c.tenant_id == self.tenant, DAILY.c.day >= start, DAILY.c.day <= end)
            .group_by(DAILY.c.channel))).all()
        return {r[0]: {"sessions": float(r[1] or 0), "purchases": float(r[2] or 0), "revenue": float(r[3] or 0)}
                for r in rows}

    async def daily_totals(self, by: str, start: date, end: date) -> list[dict[str, Any]]:
        """Per landing page (``by="page"``, channels pooled) or per channel (pages pooled) and day, [start, end]."""
        key = {"page": DAILY.c.landing_page, "channel": DAILY.c.channel}[by]
        rows = (await self.conn.execute(
            select(key.label("key"), DAILY.c.day, func.sum(DAILY.c.sessions), func.sum(DAILY.c.engaged_sessions),
                   func.sum(DAILY.c.key_events), func.sum(DAILY.c.purchases))
            .where(DAILY.c.tenant_id == self.tenant, DAILY.c.day >= start, DAILY.c.day <= end)
            .group_by(key, DAILY.c.day))).all()
        return [{"key": r[0], "day": r[1] if isinstance(r[1], date) else date.fromisoformat(str(r[1])),
                 "sessions": float(r[2] or 0), "engaged_sessions": float(r[3] or 0), "key_events": float(r[4] or 0),
                 "purchases": float(r[5] or 0)} for r in rows]

    async def sessions_by_week(self, edges: list[date]) -> list[dict[str, Any]]:
        """Sessions per week, every page and channel pooled; ``edges`` are week starts and the last week's end."""
        inner = (select(week_index(DAILY.c.day, edges).label("week"), DAILY.c.sessions)
                 .where(DAILY.c.tenant_id == self.tenant, within(DAILY.c.day, edges)).subquery())
        rows = (await self.conn.execute(select(inner.c.week, func.sum(inner.c.sessions).label("sessions"))
                                        .group_by(inner.c.week))).all()
        return [dict(r._mapping) for r in rows]

    async def stats(self) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(select(STATS).where(STATS.c.tenant_id == self.tenant))).all()
        return [dict(r._mapping) for r in rows]
