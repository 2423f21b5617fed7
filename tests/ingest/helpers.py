"""Importing test files and reading back what was stored."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from sqlalchemy import select

from policies.principal import Principal
from server.app import App
from server.persistence import models as m
from server.persistence import models_telemetry as t
from tools.ingest.ingest import IngestOptions
from tools.ingest.upload import Upload
from tools.registry import invoke

OPERATOR = Principal.operator("demo", subject="operator:test")
#: every table an import may write (what "nothing was written" checks)
WRITTEN = (t.GscDaily, t.GscPage, t.GscQuery, t.GscPairStat, t.GscPageStat, t.GscQueryStat, t.GscUiStat, t.Ga4Daily,
           t.Ga4Stat, t.TelemetryImport, m.Product, m.Variant, m.Order, m.OrderLine, m.PiiVaultEntry)


def write(tmp_path: Path, name: str, content: str | bytes) -> Path:
    path = tmp_path / name
    path.write_bytes(content.encode("utf-8") if isinstance(content, str) else content)
    return path


async def ingest(app: App, source: str, path: Path, **options: Any) -> dict[str, Any]:
    return await invoke(app.deps, OPERATOR, "telemetry.ingest", source=source, upload=Upload.from_path(path),
                        options=IngestOptions(**options))


async def rows(app: App, model: Any, *columns: str, order: tuple[str, ...] = ()) -> list[tuple[Any, ...]]:
    table = model.__table__

    async def q(tx: Any) -> list[tuple[Any, ...]]:
        cols = [table.c[c] for c in columns] if columns else list(table.c)
        stmt = select(*cols).where(table.c.tenant_id == "demo")
        if order:
            stmt = stmt.order_by(*[table.c[c] for c in order])
        return [tuple(r) for r in (await tx.conn.execute(stmt)).all()]

    return await app.db.query("demo", q)


async def nothing_written(app: App) -> bool:
    for model in WRITTEN:
        if await rows(app, model):
            return False
    return True
