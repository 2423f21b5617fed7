"""Executions, outbox, PII vault, rate-limit windows, leases, handoffs and runs."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import bindparam, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from server.persistence import models as m
from server.persistence.dialect import insert_ignore, upsert
from server.persistence.keyring import KeysRotated, current_vault_generation
from server.persistence.vault import Vault
from tools.records import ActionRecord, ExecutionRecord, HandoffRecord, OutboxRecord, RunRecord

X = m.Execution.__table__
OB = m.OutboxEvent.__table__
PV = m.PiiVaultEntry.__table__
RL = m.RateLimitWindow.__table__
LS = m.TenantLease.__table__
HO = m.AgentHandoff.__table__
RU = m.Run.__table__
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)
_INSERT_EXECUTION = insert(X).returning(X)
_INSERT_EXECUTIONS = insert(X).returning(X, sort_by_parameter_order=True)
_INSERT_OUTBOX = insert(OB)
_BUMP = {d: upsert(RL, d, ["tenant_id", "key", "window_start"],
                   {"tenant_id": bindparam("tenant_id"), "key": bindparam("key"),
                    "window_start": bindparam("window_start"), "count": bindparam("by")},
                   {"count": RL.c.count + bindparam("by")}).returning(RL.c.count) for d in ("sqlite", "postgresql")}


def _execution(row: Row[Any]) -> ExecutionRecord:
    d = row._mapping
    return ExecutionRecord(id=d["id"], action_id=d["action_id"], version=d["version"], status=d["status"],
                           executor=d["executor"], before_state=d["before_state"],
                           after_state=d["after_state"], error=d["error"], started_at=d["started_at"],
                           finished_at=d["finished_at"], rolled_back_at=d["rolled_back_at"])


class SqlExecutionRepo:
    def __init__(self, conn: AsyncConnection, tenant: str) -> None:
        self.conn = conn
        self.tenant = tenant

    async def insert_many(self, rows: list[tuple[ActionRecord, str, dict[str, Any], dict[str, Any]]], *,
                          now: datetime) -> list[ExecutionRecord]:
        if not rows:
            return []
        values = [dict(tenant_id=self.tenant, action_id=a.id, version=a.version, status="executed", executor=ex,
                       before_state=before, after_state=after, error="", started_at=now, finished_at=now,
                       rolled_back_at=None) for a, ex, before, after in rows]
        if len(values) == 1:
            return [_execution((await self.conn.execute(_INSERT_EXECUTION, values[0])).one())]
        return [_execution(r) for r in (await self.conn.execute(_INSERT_EXECUTIONS, values)).all()]

    async def for_action(self, action_id: int) -> ExecutionRecord | None:
        row = (await self.conn.execute(select(X).where(X.c.tenant_id == self.tenant,
                                                       X.c.action_id == action_id))).first()
        return _execution(row) if row else None

    async def price_changes(self, target: str, *, since: datetime) -> list[dict[str, Any]]:
        """The engine's price changes and markdowns of one variant since ``since`` that still stand, oldest first."""
        A = m.Action.__table__
        rows = (await self.conn.execute(
            select(X.c.before_state, X.c.after_state, X.c.finished_at)
            .join(A, A.c.id == X.c.action_id)
            .where(X.c.tenant_id == self.tenant, A.c.target == target,
                   A.c.kind.in_(["inventory.markdown", "pricing.adjust"]), X.c.status == "executed",
                   X.c.rolled_back_at.is_(None), X.c.finished_at >= since)
            .order_by(X.c.finished_at, X.c.id))).all()
        return [dict(r._mapping) for r in rows]

    async def mark_rolled_back(self, execution_id: int, *, now: datetime) -> bool:
        res = await self.conn.execute(update(X).where(X.c.tenant_id == self.tenant, X.c.id == execution_id,
                                                      X.c.status == "executed")
                                      .values(status="rolled_back", rolled_back_at=now))
        return res.rowcount == 1


class SqlOutboxRepo:
    def __init__(self, conn: AsyncConnection, tenant: str) -> None:
        self.conn = conn
        self.tenant = tenant

    async def add_many(self, rows: list[tuple[int | None, str, dict[str, Any], str]], *, now: datetime) -> None:
        if rows:
            await self.conn.execute(_INSERT_OUTBOX, [
                dict(tenant_id=self.tenant, action_id=action_id, topic=topic, payload=payload, dedupe_key=key,
                     created_at=now, delivered_at=None, attempts=0) for action_id, topic, payload, key in rows])

    async def for_action(self, action_id: int) -> list[OutboxRecord]:
        rows = (await self.conn.execute(select(OB).where(OB.c.tenant_id == self.tenant,
                                                         OB.c.action_id == action_id).order_by(OB.c.id))).all()
        return [OutboxRecord(id=r.id, action_id=r.action_id, topic=r.topic, payload=r.payload,
                             dedupe_key=r.dedupe_key, created_at=r.created_at, delivered_at=r.delivered_at)
                for r in rows]


class SqlPiiRepo:
    def __init__(self, conn: AsyncConnection, tenant: str, vault: Vault) -> None:
        self.conn = conn
        self.tenant = tenant
        self.vault = vault
        self.dialect = conn.dialect.name
        self._key_current = False

    async def _check_key(self) -> None:
        """Refuse to seal with a vault key that ``growth secret rotate`` has replaced since this process
        started: the row would be unreadable with the new key. Once per transaction; on PostgreSQL
        the share lock holds a rotation back until this transaction ends."""
        if self._key_current:
            return
        if await current_vault_generation(self.conn, self.dialect) != self.vault.generation:
            raise KeysRotated("the PII vault key was replaced (growth secret rotate) after this process "
                              "started: restart it with the new secret")
        self._key_current = True

    async def store(self, *, ref: str, entity: str, value: str, now: datetime) -> None:
        await self._check_key()
        await self.conn.execute(insert_ignore(PV, self.dialect, tenant_id=self.tenant, ref=ref, entity=entity,
                                              ciphertext=self.vault.seal(value), created_at=now))

    async def store_many(self, entries: dict[str, tuple[str, str]], *, now: datetime) -> int:
        """Vault ``{ref: (entity, raw value)}``; refs already held are left alone. Returns how many were new."""
        refs = list(entries)
        held: set[str] = set()
        for i in range(0, len(refs), 500):
            held.update((await self.conn.execute(select(PV.c.ref).where(
                PV.c.tenant_id == self.tenant, PV.c.ref.in_(refs[i:i + 500])))).scalars())
        rows = [{"tenant_id": self.tenant, "ref": ref, "entity": entity, "ciphertext": self.vault.seal(raw),
                 "created_at": now} for ref, (entity, raw) in entries.items() if ref not in held]
        if rows:
            await self._check_key()
            await self.conn.execute(insert(PV), rows)
        return len(rows)

    async def reveal(self, ref: str) -> tuple[str, str] | None:
        row = (await self.conn.execute(select(PV.c.entity, PV.c.ciphertext)
                                       .where(PV.c.tenant_id == self.tenant, PV.c.ref == ref))).first()
        return (row.entity, self.vault.open(row.ciphertext)) if row else None

    async def log_access(self, *, ref: str, principal: str, reason: str, now: datetime) -> None:
        await self.conn.execute(insert(m.PiiAccess).values(tenant_id=self.tenant, ref=ref, principal=principal,
                                                           reason=reason, created_at=now))


class SqlRateLimitRepo:
    def __init__(self, conn: AsyncConnection, tenant: str, dialect: str) -> None:
        self.conn = conn
        self.tenant = tenant
        self.dialect = dialect

    async def used(self, key: str, window_start: datetime) -> int:
        row = (await self.conn.execute(select(RL.c.count).where(
            RL.c.tenant_id == self.tenant, RL.c.key == key, RL.c.window_start == window_start))).first()
        return int(row[0]) if row else 0

    async def bump(self, key: str, window_start: datetime, *, by: int = 1) -> int:
        params = {"tenant_id": self.tenant, "key": key, "window_start": window_start, "by": by}
        return int((await self.conn.execute(_BUMP[self.dialect], params)).scalar_one())

    async def unbump(self, key: str, window_start: datetime, *, by: int = 1) -> None:
        if by:
            await self.conn.execute(update(RL).where(RL.c.tenant_id == self.tenant, RL.c.key == key,
                                                     RL.c.window_start == window_start)
                                    .values(count=RL.c.count - by))


class SqlLeaseRepo:
    def __init__(self, conn: AsyncConnection, tenant: str, dialect: str) -> None:
        self.conn = conn
        self.tenant = tenant
        self.dialect = dialect

    async def acquire(self, name: str, *, holder: str, until: datetime, now: datetime) -> bool:
        """Take or renew a lease; succeeds for its holder or once the old lease has lapsed."""
        await self.conn.execute(insert_ignore(LS, self.dialect, tenant_id=self.tenant, name=name,
                                              holder=holder, expires_at=until))
        res = await self.conn.execute(
            update(LS).where(LS.c.tenant_id == self.tenant, LS.c.name == name,
                             (LS.c.holder == holder) | (LS.c.expires_at <= now))
            .values(holder=holder, expires_at=until))
        return res.rowcount == 1

    async def release(self, name: str, *, holder: str) -> None:
        await self.conn.execute(update(LS).where(LS.c.tenant_id == self.tenant, LS.c.name == name,
                                                 LS.c.holder == holder).values(expires_at=_EPOCH))


class SqlHandoffRepo:
    def __init__(self, conn: AsyncConnection, tenant: str) -> None:
        self.conn = conn
        self.tenant = tenant

    async def add(self, *, thread_id: str, from_agent: str, to_agent: str, kind: str, allowed: bool,
                  reason: str, payload: dict[str, Any], now: datetime) -> HandoffRecord:
        row = (await self.conn.execute(insert(HO).values(
            tenant_id=self.tenant, thread_id=thread_id, from_agent=from_agent, to_agent=to_agent, kind=kind,
            allowed=allowed, reason=reason, payload=payload, created_at=now).returning(HO))).one()
        return _handoff(row)

    async def list(self, *, thread_id: str | None = None, limit: int = 50) -> list[HandoffRecord]:
        stmt = select(HO).where(HO.c.tenant_id == self.tenant)
        if thread_id:
            stmt = stmt.where(HO.c.thread_id == thread_id)
        rows = (await self.conn.execute(stmt.order_by(HO.c.id.desc()).limit(limit))).all()
        return [_handoff(r) for r in rows]


def _handoff(row: Row[Any]) -> HandoffRecord:
    return HandoffRecord(id=row.id, thread_id=row.thread_id, from_agent=row.from_agent, to_agent=row.to_agent,
                         kind=row.kind, allowed=row.allowed, reason=row.reason, payload=row.payload,
                         created_at=row.created_at)


class SqlRunRepo:
    def __init__(self, conn: AsyncConnection, tenant: str) -> None:
        self.conn = conn
        self.tenant = tenant

    async def create(self, *, agent: str, trigger: str, principal: str, task: str, now: datetime) -> RunRecord:
        row = (await self.conn.execute(insert(RU).values(
            tenant_id=self.tenant, agent=agent, trigger=trigger, principal=principal, task=task,
            status="running", progress=0.0, counts={}, result={}, error="", started_at=now).returning(RU))).one()
        return _run(row)

    async def update(self, run_id: int, **fields: Any) -> None:
        await self.conn.execute(update(RU).where(RU.c.tenant_id == self.tenant, RU.c.id == run_id).values(**fields))

    async def get(self, run_id: int) -> RunRecord | None:
        row = (await self.conn.execute(select(RU).where(RU.c.tenant_id == self.tenant, RU.c.id == run_id))).first()
        return _run(row) if row else None

    async def list(self, *, limit: int = 20, agent: str | None = None) -> list[RunRecord]:
        stmt = select(RU).where(RU.c.tenant_id == self.tenant)
        if agent:
            stmt = stmt.where(RU.c.agent == agent)
        rows = (await self.conn.execute(stmt.order_by(RU.c.id.desc()).limit(limit))).all()
        return [_run(r) for r in rows]


def _run(row: Row[Any]) -> RunRecord:
    return RunRecord(id=row.id, agent=row.agent, trigger=row.trigger, principal=row.principal, task=row.task,
                     status=row.status, progress=row.progress, counts=row.counts, result=row.result,
                     error=row.error, started_at=row.started_at, finished_at=row.finished_at)
