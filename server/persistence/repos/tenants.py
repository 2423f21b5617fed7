"""Tenants and their autonomy, API tokens, and the kill switches."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from sqlalchemy import bindparam, delete, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from policies.tiers import AutonomyLevel
from server.persistence import models as m
from server.persistence.dialect import insert_ignore, upsert
from tools.records import KillState, TenantRecord, TokenRecord

T = m.Tenant.__table__
O = m.AutonomyOverride.__table__
K = m.ApiToken.__table__
S = m.KillSwitch.__table__
_EPOCH = datetime(1970, 1, 1, tzinfo=timezone.utc)


def token_record(row: Row[Any]) -> TokenRecord:
    d = row._mapping
    return TokenRecord(id=d["id"], tenant_id=d["tenant_id"], prefix=d["prefix"], role=d["role"],
                       scopes=tuple(d["scopes"]), label=d["label"], customer_ref=d["customer_ref"],
                       created_at=d["created_at"], revoked_at=d["revoked_at"])


class SqlTenantRepo:
    def __init__(self, conn: AsyncConnection, tenant: str) -> None:
        self.conn = conn
        self.tenant = tenant

    async def get(self) -> TenantRecord | None:
        row = (await self.conn.execute(select(T).where(T.c.id == self.tenant))).first()
        if row is None:
            return None
        overrides = (await self.conn.execute(select(O.c.kind, O.c.level).where(O.c.tenant_id == self.tenant))).all()
        return TenantRecord(id=row.id, name=row.name, autonomy_level=AutonomyLevel(row.autonomy_level),
                            agents_enabled=row.agents_enabled,
                            overrides={k: AutonomyLevel(v) for k, v in overrides})

    async def ensure(self, *, name: str, now: datetime) -> TenantRecord:
        existing = await self.get()
        if existing is not None:
            return existing
        await self.conn.execute(insert(T).values(id=self.tenant, name=name, autonomy_level="supervised",
                                                 agents_enabled=True, created_at=now))
        created = await self.get()
        assert created is not None
        return created

    async def set_autonomy(self, level: AutonomyLevel) -> None:
        await self.conn.execute(update(T).where(T.c.id == self.tenant).values(autonomy_level=level.value))

    async def set_override(self, kind: str, level: AutonomyLevel | None, *, now: datetime) -> None:
        await self.conn.execute(delete(O).where(O.c.tenant_id == self.tenant, O.c.kind == kind))
        if level is not None:
            await self.conn.execute(insert(O).values(tenant_id=self.tenant, kind=kind, level=level.value,
                                                     changed_at=now))


class SqlTokenRepo:
    def __init__(self, conn: AsyncConnection, tenant: str) -> None:
        self.conn = conn
        self.tenant = tenant

    async def create(self, *, token_hash: str, prefix: str, role: str, scopes: list[str], label: str,
                     customer_ref: str | None, now: datetime) -> TokenRecord:
        row = (await self.conn.execute(insert(K).values(
            tenant_id=self.tenant, token_hash=token_hash, prefix=prefix, role=role, scopes=scopes,
            label=label, customer_ref=customer_ref, created_at=now).returning(K))).one()
        return token_record(row)

    async def list(self) -> list[TokenRecord]:
        rows = (await self.conn.execute(select(K).where(K.c.tenant_id == self.tenant).order_by(K.c.id))).all()
        return [token_record(r) for r in rows]

    async def revoke(self, token_id: int, *, now: datetime) -> bool:
        res = await self.conn.execute(update(K).where(K.c.tenant_id == self.tenant, K.c.id == token_id,
                                                      K.c.revoked_at.is_(None)).values(revoked_at=now))
        return res.rowcount == 1


_EFFECTIVE = select(S).where(S.c.scope.in_(bindparam("w_scopes", expanding=True)))
_EFFECTIVE_LOCKED = _EFFECTIVE.with_for_update(read=True)


def _state(row: Row[Any] | None) -> KillState:
    if row is None or not row.engaged:
        return KillState(False)
    return KillState(True, "global" if row.scope == "*" else "tenant", row.reason, row.changed_by, row.changed_at)


class SqlKillSwitchRepo:
    def __init__(self, conn: AsyncConnection, tenant: str, dialect: str) -> None:
        self.conn = conn
        self.tenant = tenant
        self.dialect = dialect

    def _check(self, scope: str) -> None:
        # a tenant-bound transaction may read the global switch but only touch its own
        if scope not in ("*", self.tenant):
            raise PermissionError(f"kill switch scope {scope!r} is outside tenant {self.tenant!r}")

    async def get(self, scope: str) -> KillState:
        self._check(scope)
        row = (await self.conn.execute(select(S).where(S.c.scope == scope))).first()
        return _state(row)

    async def effective(self, *, lock: bool = False) -> KillState:
        """The installation-wide switch, then this tenant's.

        With ``lock`` (executions) on PostgreSQL, both rows are held with a shared lock, so
        engaging a switch waits for executions in flight and every later one sees it.
        """
        params = {"w_scopes": ["*", self.tenant]}
        if lock and self.dialect == "postgresql":
            rows = (await self.conn.execute(_EFFECTIVE_LOCKED, params)).all()
            if len(rows) < 2:
                for scope in ("*", self.tenant):
                    await self.conn.execute(insert_ignore(S, self.dialect, scope=scope, engaged=False, reason="",
                                                          changed_by="system", changed_at=_EPOCH))
                rows = (await self.conn.execute(_EFFECTIVE_LOCKED, params)).all()
        else:
            rows = (await self.conn.execute(_EFFECTIVE, params)).all()
        states = {r.scope: _state(r) for r in rows}
        for scope in ("*", self.tenant):
            if scope in states and states[scope].engaged:
                return states[scope]
        return KillState(False)

    async def set(self, scope: str, *, engaged: bool, reason: str, by: str, now: datetime) -> None:
        self._check(scope)
        values = dict(engaged=engaged, reason=reason, changed_by=by, changed_at=now)
        await self.conn.execute(upsert(S, self.dialect, ["scope"], {"scope": scope, **values}, values))
