"""Import records and per-source watermarks."""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import insert, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from server.persistence import models_telemetry as t
from server.persistence.sqlite_sync import SyncConnection

SRC = t.TelemetrySource.__table__
IMP = t.TelemetryImport.__table__


class SqlTelemetryRepo:
    def __init__(self, conn: AsyncConnection | SyncConnection, tenant: str, dialect: str) -> None:
        self.conn = conn
        self.tenant = tenant
        self.dialect = dialect

    async def lock(self, source: str) -> None:
        """Serialize imports of one source of one tenant (SQLite's write lock already does)."""
        ins = (postgresql.insert(SRC) if self.dialect == "postgresql" else sqlite.insert(SRC)).values(
            tenant_id=self.tenant, source=source, rows=0, details={}).on_conflict_do_nothing()
        await self.conn.execute(ins)
        if self.dialect == "postgresql":
            await self.conn.execute(select(SRC.c.source).where(SRC.c.tenant_id == self.tenant,
                                                               SRC.c.source == source).with_for_update())

    async def find_import(self, source: str, sha256: str) -> dict[str, Any] | None:
        row = (await self.conn.execute(select(IMP).where(IMP.c.tenant_id == self.tenant, IMP.c.source == source,
                                                         IMP.c.sha256 == sha256))).first()
        return dict(row._mapping) if row else None

    async def add_import(self, *, source: str, format: str, origin: str, name: str, sha256: str, rows_read: int,
                         rows_written: int, rows_skipped: int, first_day: date | None, last_day: date | None,
                         report: dict[str, Any], now: datetime) -> int:
        res = await self.conn.execute(insert(IMP).values(
            tenant_id=self.tenant, source=source, format=format, origin=origin, name=name[:500], sha256=sha256,
            rows_read=rows_read, rows_written=rows_written, rows_skipped=rows_skipped, first_day=first_day,
            last_day=last_day, report=report, imported_at=now).returning(IMP.c.id))
        return int(res.scalar_one())

    async def set_source(self, source: str, *, watermark: datetime | None, import_id: int, now: datetime,
                         rows: int, details: dict[str, Any]) -> None:
        await self.conn.execute(SRC.update().where(SRC.c.tenant_id == self.tenant, SRC.c.source == source).values(
            watermark=watermark, last_import_id=import_id, last_import_at=now, rows=rows, details=details))

    async def sources(self) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(select(SRC).where(SRC.c.tenant_id == self.tenant)
                                        .order_by(SRC.c.source))).all()
        return [dict(r._mapping) for r in rows if r.last_import_id is not None]

    async def source(self, source: str) -> dict[str, Any] | None:
        row = (await self.conn.execute(select(SRC).where(SRC.c.tenant_id == self.tenant,
                                                         SRC.c.source == source))).first()
        return dict(row._mapping) if row and row.last_import_id is not None else None

    async def imports(self, *, limit: int) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(select(IMP).where(IMP.c.tenant_id == self.tenant)
                                        .order_by(IMP.c.id.desc()).limit(limit))).all()
        return [dict(r._mapping) for r in rows]
