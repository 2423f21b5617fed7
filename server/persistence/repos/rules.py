"""The operator's standing rules, per tenant: added, listed (active ones), forgotten (kept for the record)."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from server.persistence import models as m

R = m.StandingRule.__table__


class SqlRuleRepo:
    def __init__(self, conn: AsyncConnection, tenant: str) -> None:
        self.conn = conn
        self.tenant = tenant

    async def add(self, *, key: str, text: str, rule: dict[str, Any], by: str, now: datetime) -> None:
        await self.conn.execute(insert(R).values(tenant_id=self.tenant, key=key, text=text, rule=rule,
                                                 created_by=by, created_at=now))

    async def active(self) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(
            select(R.c.key, R.c.text, R.c.rule, R.c.created_by, R.c.created_at)
            .where(R.c.tenant_id == self.tenant, R.c.forgotten_at.is_(None)).order_by(R.c.id))).all()
        return [dict(r._mapping) for r in rows]

    async def forget(self, key: str, *, now: datetime) -> bool:
        result = await self.conn.execute(update(R).where(
            R.c.tenant_id == self.tenant, R.c.key == key, R.c.forgotten_at.is_(None)).values(forgotten_at=now))
        return bool(result.rowcount)
