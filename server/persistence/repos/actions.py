"""Actions, their versions and their decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import func, insert, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from policies.lifecycle import DECIDABLE, EXECUTABLE, Status
from policies.tiers import RiskTier
from server.persistence import models as m
from tools.records import ActionRecord, NewAction

A = m.Action.__table__
_ORDER = (A.c.score.desc(), A.c.evidence_at.desc(), A.c.tier_rank.asc(), A.c.id.asc())


def action_record(row: Row[Any]) -> ActionRecord:
    d = row._mapping
    return ActionRecord(
        id=d["id"], tenant_id=d["tenant_id"], kind=d["kind"], target=d["target"], agent=d["agent"],
        title=d["title"], rationale=d["rationale"], status=Status(d["status"]), version=d["version"],
        digest=d["digest"], params=d["params"], risk_tier=RiskTier(d["risk_tier"]),
        expected_revenue=d["expected_revenue"], confidence=d["confidence"], ease=d["ease"],
        score=d["score"], evidence=d["evidence"], evidence_at=d["evidence_at"],
        rollback_plan=d["rollback_plan"], revenue_inputs=d["revenue_inputs"],
        revenue_formula=d["revenue_formula"], run_id=d["run_id"], created_at=d["created_at"],
        updated_at=d["updated_at"], expires_at=d["expires_at"], snoozed_until=d["snoozed_until"],
        not_before=d["not_before"], superseded_by=d["superseded_by"], decided_by=d["decided_by"],
        decided_at=d["decided_at"],
    )


class SqlActionRepo:
    def __init__(self, conn: AsyncConnection, tenant: str) -> None:
        self.conn = conn
        self.tenant = tenant

    def _scoped(self) -> Any:
        return A.c.tenant_id == self.tenant

    async def get(self, action_id: int) -> ActionRecord | None:
        row = (await self.conn.execute(select(A).where(self._scoped(), A.c.id == action_id))).first()
        return action_record(row) if row else None

    async def get_live(self, kind: str, target: str) -> ActionRecord | None:
        from policies.lifecycle import LIVE

        stmt = select(A).where(self._scoped(), A.c.kind == kind, A.c.target == target,
                               A.c.status.in_([s.value for s in LIVE]))
        row = (await self.conn.execute(stmt)).first()
        return action_record(row) if row else None

    async def insert(self, new: NewAction, *, now: datetime, created_by: str) -> ActionRecord:
        values = dict(
            tenant_id=self.tenant, kind=new.kind, target=new.target, agent=new.agent, title=new.title,
            rationale=new.rationale, status=new.status.value, version=1, digest=new.digest,
            params=new.params, risk_tier=new.risk_tier.value, tier_rank=new.risk_tier.rank,
            expected_revenue=new.expected_revenue, confidence=new.confidence, ease=new.ease,
            score=new.score, evidence=new.evidence, evidence_at=new.evidence_at,
            rollback_plan=new.rollback_plan, revenue_inputs=new.revenue_inputs,
            revenue_formula=new.revenue_formula, run_id=new.run_id, created_at=now, updated_at=now,
            expires_at=new.expires_at,
        )
        row = (await self.conn.execute(insert(A).values(**values).returning(A))).one()
        await self.conn.execute(insert(m.ActionVersion).values(
            tenant_id=self.tenant, action_id=row.id, version=1, digest=new.digest, params=new.params,
            risk_tier=new.risk_tier.value, created_by=created_by, created_at=now))
        return action_record(row)

    async def transition(self, action_id: int, *, from_statuses: frozenset[Status], to: Status,
                         now: datetime, version: int | None = None,
                         fields: dict[str, Any] | None = None) -> ActionRecord | None:
        """Conditional update: only one caller can move an action out of a status."""
        stmt = (update(A)
                .where(self._scoped(), A.c.id == action_id, A.c.status.in_([s.value for s in from_statuses]))
                .values(status=to.value, updated_at=now, **(fields or {}))
                .returning(A))
        if version is not None:
            stmt = stmt.where(A.c.version == version)
        row = (await self.conn.execute(stmt)).first()
        return action_record(row) if row else None

    async def new_version(self, action_id: int, *, expected_version: int, params: dict[str, Any],
                          digest: str, risk_tier: RiskTier, by: str, now: datetime) -> ActionRecord | None:
        stmt = (update(A)
                .where(self._scoped(), A.c.id == action_id, A.c.version == expected_version,
                       A.c.status.in_([s.value for s in DECIDABLE]))
                .values(version=expected_version + 1, digest=digest, params=params,
                        risk_tier=risk_tier.value, tier_rank=risk_tier.rank, updated_at=now)
                .returning(A))
        row = (await self.conn.execute(stmt)).first()
        if row is None:
            return None
        await self.conn.execute(insert(m.ActionVersion).values(
            tenant_id=self.tenant, action_id=action_id, version=expected_version + 1, digest=digest,
            params=params, risk_tier=risk_tier.value, created_by=by, created_at=now))
        return action_record(row)

    async def ranked(self, *, statuses: frozenset[Status] | None, agent: str | None = None,
                     kind: str | None = None, risk_tier: RiskTier | None = None,
                     limit: int = 50) -> list[ActionRecord]:
        stmt = select(A).where(self._scoped())
        if statuses is not None:
            values = [s.value for s in statuses]
            stmt = stmt.where(A.c.status == values[0] if len(values) == 1 else A.c.status.in_(values))
        if agent:
            stmt = stmt.where(A.c.agent == agent)
        if kind:
            stmt = stmt.where(A.c.kind == kind)
        if risk_tier:
            stmt = stmt.where(A.c.risk_tier == risk_tier.value)
        rows = (await self.conn.execute(stmt.order_by(*_ORDER).limit(limit))).all()
        return [action_record(r) for r in rows]

    async def due_for_execution(self, *, now: datetime, limit: int) -> list[int]:
        stmt = (select(A.c.id).where(self._scoped(), A.c.status.in_([s.value for s in EXECUTABLE]),
                                     (A.c.not_before.is_(None)) | (A.c.not_before <= now))
                .order_by(A.c.decided_at, A.c.id).limit(limit))
        return list((await self.conn.execute(stmt)).scalars())

    async def due_to_expire(self, *, now: datetime, limit: int) -> list[int]:
        stmt = (select(A.c.id).where(self._scoped(), A.c.status == Status.PENDING_APPROVAL.value,
                                     A.c.expires_at <= now).order_by(A.c.id).limit(limit))
        return list((await self.conn.execute(stmt)).scalars())

    async def due_to_wake(self, *, now: datetime, limit: int) -> list[int]:
        stmt = (select(A.c.id).where(self._scoped(), A.c.status == Status.SNOOZED.value,
                                     A.c.snoozed_until <= now).order_by(A.c.id).limit(limit))
        return list((await self.conn.execute(stmt)).scalars())

    async def add_decision(self, *, action: ActionRecord, verdict: str, principal: str, role: str,
                           reason: str, until: datetime | None, now: datetime) -> None:
        await self.conn.execute(insert(m.DecisionRow).values(
            tenant_id=self.tenant, action_id=action.id, version=action.version, digest=action.digest,
            verdict=verdict, principal=principal, role=role, reason=reason, until=until, created_at=now))

    async def decisions(self, action_id: int) -> list[dict[str, Any]]:
        D = m.DecisionRow.__table__
        rows = (await self.conn.execute(select(D).where(D.c.tenant_id == self.tenant, D.c.action_id == action_id)
                                        .order_by(D.c.id))).all()
        return [{"verdict": r.verdict, "version": r.version, "principal": r.principal, "role": r.role,
                 "reason": r.reason, "until": r.until, "at": r.created_at} for r in rows]

    async def versions(self, action_id: int) -> list[dict[str, Any]]:
        V = m.ActionVersion.__table__
        rows = (await self.conn.execute(select(V).where(V.c.tenant_id == self.tenant, V.c.action_id == action_id)
                                        .order_by(V.c.version))).all()
        return [{"version": r.version, "digest": r.digest, "params": r.params, "risk_tier": r.risk_tier,
                 "by": r.created_by, "at": r.created_at} for r in rows]

    async def count_by_status(self) -> dict[str, int]:
        rows = (await self.conn.execute(select(A.c.status, func.count()).where(self._scoped())
                                        .group_by(A.c.status))).all()
        return {r[0]: r[1] for r in rows}
