"""The append-only, hash-chained audit log."""

from __future__ import annotations

import hmac
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from server.persistence import audit_guard
from server.persistence import models as m
from server.persistence.dialect import insert_ignore
from tools.audit_chain import GENESIS, Head, head_mac, link_hash
from tools.records import AuditRecord

E = m.AuditEvent.__table__
H = m.AuditHead.__table__
_HEAD = select(H.c.seq, H.c.hash, H.c.mac).where(H.c.tenant_id == bindparam("w_tenant"))
_HEAD_FOR_UPDATE = _HEAD.with_for_update()
_INSERT = insert(E).returning(E)
_INSERT_MANY = insert(E).returning(E, sort_by_parameter_order=True)
_MOVE_HEAD = (update(H).where(H.c.tenant_id == bindparam("w_tenant"))
              .values(seq=bindparam("v_seq"), hash=bindparam("v_hash"), mac=bindparam("v_mac")))


def audit_record(row: Row[Any]) -> AuditRecord:
    d = row._mapping
    return AuditRecord(id=d["id"], tenant_id=d["tenant_id"], seq=d["seq"], ts=d["ts"], actor=d["actor"],
                       event=d["event"], subject=d["subject"], data=d["data"], prev_hash=d["prev_hash"],
                       hash=d["hash"])


class SqlAuditRepo:
    def __init__(self, conn: AsyncConnection, tenant: str, dialect: str, key: bytes) -> None:
        self.conn = conn
        self.tenant = tenant
        self.dialect = dialect
        self.key = key

    async def append_many(self, rows: list[tuple[str, str, str, str, str]]) -> list[AuditRecord]:
        # Appends to one tenant's chain are serialised by the head row's lock
        # (SQLite: the whole database is already write-locked by BEGIN IMMEDIATE).
        head_q = _HEAD_FOR_UPDATE if self.dialect == "postgresql" else _HEAD
        head = (await self.conn.execute(head_q, {"w_tenant": self.tenant})).first()
        if head is None:
            genesis = self._mac(0, GENESIS)
            await self.conn.execute(insert_ignore(H, self.dialect, tenant_id=self.tenant, seq=0, hash=GENESIS,
                                                  mac=genesis))
            head = (await self.conn.execute(head_q, {"w_tenant": self.tenant})).one()
        seq, prev_hash, mac = head
        # A head whose signature does not hold (moved without the key, or never signed)
        # is not blessed by moving it: it keeps its bad signature, so verify keeps failing.
        signed = hmac.compare_digest(mac, self._mac(seq, prev_hash))
        values = []
        for ts, actor, event, subject, data in rows:
            seq += 1
            digest = link_hash(self.key, tenant=self.tenant, seq=seq, ts=ts, actor=actor, event=event,
                               subject=subject, data=data, prev_hash=prev_hash)
            values.append(dict(tenant_id=self.tenant, seq=seq, ts=ts, actor=actor, event=event, subject=subject,
                               data=data, prev_hash=prev_hash, hash=digest))
            prev_hash = digest
        if len(values) == 1:
            inserted = [(await self.conn.execute(_INSERT, values[0])).one()]
        else:
            inserted = list((await self.conn.execute(_INSERT_MANY, values)).all())
        await self.conn.execute(_MOVE_HEAD, {"w_tenant": self.tenant, "v_seq": seq, "v_hash": prev_hash,
                                             "v_mac": self._mac(seq, prev_hash) if signed else mac})
        return [audit_record(r) for r in inserted]

    def _mac(self, seq: int, digest: str) -> str:
        return head_mac(self.key, tenant=self.tenant, seq=seq, hash=digest)

    async def chain(self) -> list[AuditRecord]:
        rows = (await self.conn.execute(select(E).where(E.c.tenant_id == self.tenant).order_by(E.c.seq, E.c.id))).all()
        return [audit_record(r) for r in rows]

    async def head(self) -> Head | None:
        row = (await self.conn.execute(_HEAD, {"w_tenant": self.tenant})).first()
        return Head(row[0], row[1], row[2]) if row else None

    async def guard_faults(self) -> list[tuple[str, str]]:
        """(trigger or function, missing | disabled | altered) for every audit guard not as created."""
        rows = (await self.conn.execute(audit_guard.catalogue(self.dialect))).all()
        return [(f.name, f.state) for f in audit_guard.faults(self.dialect, rows)]

    async def after(self, seq: int, *, limit: int) -> list[AuditRecord]:
        """The events after ``seq``, oldest first: a reader that keeps a cursor misses none."""
        rows = (await self.conn.execute(select(E).where(E.c.tenant_id == self.tenant, E.c.seq > seq)
                                        .order_by(E.c.seq).limit(limit))).all()
        return [audit_record(r) for r in rows]

    async def recent(self, *, limit: int, event_prefix: str | None = None,
                     since: str | None = None) -> list[AuditRecord]:
        stmt = select(E).where(E.c.tenant_id == self.tenant)
        if event_prefix:
            stmt = stmt.where(E.c.event.startswith(event_prefix))
        if since:
            stmt = stmt.where(E.c.ts >= since)
        rows = (await self.conn.execute(stmt.order_by(E.c.seq.desc()).limit(limit))).all()
        return [audit_record(r) for r in rows]
