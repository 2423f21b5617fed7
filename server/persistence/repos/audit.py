"""The append-only, hash-chained audit log."""

from __future__ import annotations

from typing import Any

from sqlalchemy import insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from server.persistence import models as m
from server.persistence.dialect import insert_ignore
from tools.audit_chain import GENESIS, link_hash
from tools.records import AuditRecord

E = m.AuditEvent.__table__
H = m.AuditHead.__table__


def audit_record(row: Row[Any]) -> AuditRecord:
    d = row._mapping
    return AuditRecord(id=d["id"], tenant_id=d["tenant_id"], seq=d["seq"], ts=d["ts"], actor=d["actor"],
                       event=d["event"], subject=d["subject"], data=d["data"], prev_hash=d["prev_hash"],
                       hash=d["hash"])


class SqlAuditRepo:
    def __init__(self, conn: AsyncConnection, tenant: str, dialect: str) -> None:
        self.conn = conn
        self.tenant = tenant
        self.dialect = dialect

    async def append(self, *, ts: str, actor: str, event: str, subject: str, data: str) -> AuditRecord:
        # Appends to one tenant's chain are serialised by the head row's lock
        # (SQLite: the whole database is already write-locked by BEGIN IMMEDIATE).
        await self.conn.execute(insert_ignore(H, self.dialect, tenant_id=self.tenant, seq=0, hash=GENESIS))
        head_q = select(H.c.seq, H.c.hash).where(H.c.tenant_id == self.tenant)
        if self.dialect == "postgresql":
            head_q = head_q.with_for_update()
        prev_seq, prev_hash = (await self.conn.execute(head_q)).one()
        seq = prev_seq + 1
        digest = link_hash(tenant=self.tenant, seq=seq, ts=ts, actor=actor, event=event, subject=subject,
                           data=data, prev_hash=prev_hash)
        row = (await self.conn.execute(insert(E).values(
            tenant_id=self.tenant, seq=seq, ts=ts, actor=actor, event=event, subject=subject, data=data,
            prev_hash=prev_hash, hash=digest).returning(E))).one()
        await self.conn.execute(update(H).where(H.c.tenant_id == self.tenant).values(seq=seq, hash=digest))
        return audit_record(row)

    async def chain(self) -> list[AuditRecord]:
        rows = (await self.conn.execute(select(E).where(E.c.tenant_id == self.tenant).order_by(E.c.seq, E.c.id))).all()
        return [audit_record(r) for r in rows]

    async def head(self) -> tuple[int, str] | None:
        row = (await self.conn.execute(select(H.c.seq, H.c.hash).where(H.c.tenant_id == self.tenant))).first()
        return (row[0], row[1]) if row else None

    async def recent(self, *, limit: int, event_prefix: str | None = None,
                     since: str | None = None) -> list[AuditRecord]:
        stmt = select(E).where(E.c.tenant_id == self.tenant)
        if event_prefix:
            stmt = stmt.where(E.c.event.startswith(event_prefix))
        if since:
            stmt = stmt.where(E.c.ts >= since)
        rows = (await self.conn.execute(stmt.order_by(E.c.seq.desc()).limit(limit))).all()
        return [audit_record(r) for r in rows]
