"""``telemetry.read``: what data the store has, how fresh it is, and the recent imports."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from policies.principal import Principal
from tools.deps import Deps, Tx
from tools.registry import operation


def source_view(s: dict[str, Any], now: datetime) -> dict[str, Any]:
    watermark = s["watermark"]
    return {"source": s["source"], "watermark": watermark, "rows": s["rows"], "last_import_id": s["last_import_id"],
            "last_import_at": s["last_import_at"],
            "age_days": round((now - watermark).total_seconds() / 86400, 1) if watermark else None,
            "details": s["details"]}


def import_view(i: dict[str, Any]) -> dict[str, Any]:
    return {"id": i["id"], "source": i["source"], "format": i["format"], "origin": i["origin"], "name": i["name"],
            "rows_read": i["rows_read"], "rows_written": i["rows_written"], "rows_skipped": i["rows_skipped"],
            "first_day": i["first_day"], "last_day": i["last_day"], "imported_at": i["imported_at"]}


@operation("telemetry.read")
async def telemetry_status(deps: Deps, principal: Principal, *, imports: int = 10) -> dict[str, Any]:
    async def q(tx: Tx) -> tuple[Any, ...]:
        return (await tx.telemetry.sources(), await tx.telemetry.imports(limit=max(1, min(imports, 100))),
                await tx.store.coverage())

    sources, recent, coverage = await deps.db.query(principal.tenant, q)
    now = deps.now()
    return {"tenant": principal.tenant, "sources": [source_view(s, now) for s in sources],
            "imports": [import_view(i) for i in recent], "coverage": coverage}
