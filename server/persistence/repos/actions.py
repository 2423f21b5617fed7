"""Actions, their versions and their decisions."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func, insert, literal_column, select, update
from sqlalchemy.engine import Row
from sqlalchemy.ext.asyncio import AsyncConnection

from policies.lifecycle import DECIDABLE, EXECUTABLE, LIVE, Status
from policies.tiers import RiskTier
from server.persistence import models as m
from server.persistence import models_outcomes as mo
from server.persistence.repos.weeks import week_index, within
from server.persistence.statements import shaped
from tools.records import ActionRecord, ActionSummary, NewAction

A = m.Action.__table__
V = m.ActionVersion.__table__
D = m.DecisionRow.__table__
X = m.Execution.__table__
OUT = mo.OutcomeRow.__table__
_ORDER = (A.c.score.desc(), A.c.evidence_at.desc(), A.c.tier_rank.asc(), A.c.id.asc())
_T, _ID = bindparam("w_tenant"), bindparam("w_id")


def _status_in(statuses: frozenset[Status] | set[Status]) -> Any:
    """A constant ``status IN (...)`` clause: our own enum values, so no bound list to expand
    on every execution (which costs more than the query on SQLite)."""
    values = sorted(s.value for s in statuses)
    if len(values) == 1:
        return A.c.status == literal_column(f"'{values[0]}'")
    return A.c.status.in_([literal_column(f"'{v}'") for v in values])

_GET = select(A).where(A.c.tenant_id == _T, A.c.id == _ID)
_GET_LIVE = select(A).where(A.c.tenant_id == _T, A.c.kind == bindparam("w_kind"),
                            A.c.target == bindparam("w_target"), _status_in(LIVE))
_INSERT = insert(A).returning(A)
_SUMMARY = [A.c[name] for name in ActionSummary.__dataclass_fields__]
_INSERT_VERSION = insert(V)
_INSERT_DECISION = insert(D)


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


def _transition_stmt(from_statuses: frozenset[Status], with_version: bool, fields: tuple[str, ...]) -> Any:
    def build() -> Any:
        stmt = update(A).where(A.c.tenant_id == _T, A.c.id == _ID, _status_in(from_statuses))
        if with_version:
            stmt = stmt.where(A.c.version == bindparam("w_version"))
        return stmt.values(status=bindparam("v_status"), updated_at=bindparam("v_updated_at"),
                           **{f: bindparam(f"v_{f}") for f in fields}).returning(A)

    return shaped(("actions.transition", from_statuses, with_version, fields), build)


def _claim_stmt(*, by_id: bool, dialect: str) -> Any:
    due = select(A.c.id).where(A.c.tenant_id == _T, _status_in(EXECUTABLE))
    if by_id:
        due = due.where(A.c.id.in_(bindparam("w_ids", expanding=True)))
    else:
        due = due.where((A.c.not_before.is_(None)) | (A.c.not_before <= bindparam("w_now")))
    due = due.order_by(A.c.decided_at, A.c.id).limit(bindparam("w_limit"))
    if dialect == "postgresql":
        # Workers sweeping the queue skip rows another worker holds; a caller asking for a
        # specific action waits for it, then sees what the other transaction did.
        due = due.with_for_update(skip_locked=not by_id)
    return (update(A).where(A.c.id.in_(due.scalar_subquery()), _status_in(EXECUTABLE))
            .values(status=bindparam("v_status"), updated_at=bindparam("v_updated_at"), not_before=None)
            .returning(A))


class SqlActionRepo:
    def __init__(self, conn: AsyncConnection, tenant: str) -> None:
        self.conn = conn
        self.tenant = tenant

    async def get(self, action_id: int) -> ActionRecord | None:
        row = (await self.conn.execute(_GET, {"w_tenant": self.tenant, "w_id": action_id})).first()
        return action_record(row) if row else None

    async def get_live(self, kind: str, target: str) -> ActionRecord | None:
        row = (await self.conn.execute(_GET_LIVE, {"w_tenant": self.tenant, "w_kind": kind,
                                                   "w_target": target})).first()
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
            expires_at=new.expires_at, snoozed_until=None, not_before=None, superseded_by=None,
            decided_by=None, decided_at=None,
        )
        row = (await self.conn.execute(_INSERT, values)).one()
        await self.conn.execute(_INSERT_VERSION, dict(
            tenant_id=self.tenant, action_id=row.id, version=1, digest=new.digest, params=new.params,
            risk_tier=new.risk_tier.value, created_by=created_by, created_at=now))
        return action_record(row)

    async def transition(self, action_id: int, *, from_statuses: frozenset[Status], to: Status,
                         now: datetime, version: int | None = None,
                         fields: dict[str, Any] | None = None) -> ActionRecord | None:
        """Conditional update: only one caller can move an action out of a status."""
        fields = fields or {}
        stmt = _transition_stmt(from_statuses, version is not None, tuple(sorted(fields)))
        params = {"w_tenant": self.tenant, "w_id": action_id, "v_status": to.value, "v_updated_at": now,
                  **{f"v_{k}": v for k, v in fields.items()}}
        if version is not None:
            params["w_version"] = version
        row = (await self.conn.execute(stmt, params)).first()
        return action_record(row) if row else None

    async def new_version(self, action_id: int, *, expected_version: int, params: dict[str, Any],
                          digest: str, risk_tier: RiskTier, by: str, now: datetime,
                          derived: dict[str, Any] | None = None) -> ActionRecord | None:
        stmt = (update(A)
                .where(A.c.tenant_id == self.tenant, A.c.id == action_id, A.c.version == expected_version,
                       A.c.status.in_([s.value for s in DECIDABLE]))
                .values(version=expected_version + 1, digest=digest, params=params,
                        risk_tier=risk_tier.value, tier_rank=risk_tier.rank, updated_at=now, **(derived or {}))
                .returning(A))
        row = (await self.conn.execute(stmt)).first()
        if row is None:
            return None
        await self.conn.execute(_INSERT_VERSION, dict(
            tenant_id=self.tenant, action_id=action_id, version=expected_version + 1, digest=digest,
            params=params, risk_tier=risk_tier.value, created_by=by, created_at=now))
        return action_record(row)

    async def ranked(self, *, statuses: frozenset[Status] | None, agent: str | None = None,
                     kind: str | None = None, risk_tier: RiskTier | None = None,
                     limit: int = 50, offset: int = 0) -> list[ActionSummary]:
        def build() -> Any:
            stmt = select(*_SUMMARY).where(A.c.tenant_id == _T)
            if statuses is not None:
                stmt = stmt.where(_status_in(statuses))
            if agent:
                stmt = stmt.where(A.c.agent == bindparam("w_agent"))
            if kind:
                stmt = stmt.where(A.c.kind == bindparam("w_kind"))
            if risk_tier:
                stmt = stmt.where(A.c.risk_tier == bindparam("w_tier"))
            return stmt.order_by(*_ORDER).limit(bindparam("w_limit")).offset(bindparam("w_offset"))

        stmt = shaped(("actions.ranked", statuses, bool(agent), bool(kind), bool(risk_tier)), build)
        rows = (await self.conn.execute(stmt, {"w_tenant": self.tenant, "w_agent": agent, "w_kind": kind,
                                               "w_tier": risk_tier.value if risk_tier else None,
                                               "w_limit": limit, "w_offset": offset})).all()
        return [ActionSummary(
            id=r.id, kind=r.kind, target=r.target, agent=r.agent, title=r.title, status=Status(r.status),
            version=r.version, digest=r.digest, params=r.params, risk_tier=RiskTier(r.risk_tier),
            expected_revenue=r.expected_revenue, confidence=r.confidence, ease=r.ease, score=r.score,
            evidence_at=r.evidence_at, created_at=r.created_at, expires_at=r.expires_at,
            snoozed_until=r.snoozed_until, decided_by=r.decided_by) for r in rows]

    async def due_for_execution(self, *, now: datetime, limit: int) -> list[int]:
        stmt = (select(A.c.id).where(A.c.tenant_id == self.tenant, A.c.status.in_([s.value for s in EXECUTABLE]),
                                     (A.c.not_before.is_(None)) | (A.c.not_before <= now))
                .order_by(A.c.decided_at, A.c.id).limit(limit))
        return list((await self.conn.execute(stmt)).scalars())

    async def claim(self, *, ids: list[int] | None, now: datetime, limit: int) -> list[ActionRecord]:
        if limit <= 0 or ids == []:
            return []
        stmt = shaped(("actions.claim", ids is not None, self.conn.dialect.name),
                      lambda: _claim_stmt(by_id=ids is not None, dialect=self.conn.dialect.name))
        params: dict[str, Any] = {"w_tenant": self.tenant, "w_limit": limit, "w_now": now,
                                  "v_status": Status.EXECUTING.value, "v_updated_at": now}
        if ids is not None:
            params["w_ids"] = ids
        rows = (await self.conn.execute(stmt, params)).all()
        return sorted((action_record(r) for r in rows), key=lambda a: (a.decided_at or now, a.id))

    async def mark(self, ids: list[int], *, from_status: Status, to: Status,
                   now: datetime) -> dict[int, ActionRecord]:
        if not ids:
            return {}
        stmt = shaped(("actions.mark", from_status), lambda: (
            update(A).where(A.c.tenant_id == _T, A.c.id.in_(bindparam("w_ids", expanding=True)),
                            _status_in({from_status}))
            .values(status=bindparam("v_status"), updated_at=bindparam("v_updated_at")).returning(A)))
        rows = (await self.conn.execute(stmt, {"w_tenant": self.tenant, "w_ids": ids, "v_status": to.value,
                                               "v_updated_at": now})).all()
        return {r.id: action_record(r) for r in rows}

    async def defer(self, ids: list[int], *, until: datetime, now: datetime) -> None:
        if ids:
            await self.conn.execute(
                update(A).where(A.c.tenant_id == self.tenant, A.c.id.in_(ids), _status_in(EXECUTABLE))
                .values(not_before=until, updated_at=now))

    async def due_to_expire(self, *, now: datetime, limit: int) -> list[int]:
        stmt = (select(A.c.id).where(A.c.tenant_id == self.tenant, A.c.status == Status.PENDING_APPROVAL.value,
                                     A.c.expires_at <= now).order_by(A.c.id).limit(limit))
        return list((await self.conn.execute(stmt)).scalars())

    async def due_to_wake(self, *, now: datetime, limit: int) -> list[int]:
        stmt = (select(A.c.id).where(A.c.tenant_id == self.tenant, A.c.status == Status.SNOOZED.value,
                                     A.c.snoozed_until <= now).order_by(A.c.id).limit(limit))
        return list((await self.conn.execute(stmt)).scalars())

    async def add_decision(self, *, action: ActionRecord, verdict: str, principal: str, role: str,
                           reason: str, until: datetime | None, now: datetime) -> None:
        await self.conn.execute(_INSERT_DECISION, dict(
            tenant_id=self.tenant, action_id=action.id, version=action.version, digest=action.digest,
            verdict=verdict, principal=principal, role=role, reason=reason, until=until, created_at=now))

    async def decisions(self, action_id: int) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(select(D).where(D.c.tenant_id == self.tenant, D.c.action_id == action_id)
                                        .order_by(D.c.id))).all()
        return [{"verdict": r.verdict, "version": r.version, "principal": r.principal, "role": r.role,
                 "reason": r.reason, "until": r.until, "at": r.created_at} for r in rows]

    async def versions(self, action_id: int) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(select(V).where(V.c.tenant_id == self.tenant, V.c.action_id == action_id)
                                        .order_by(V.c.version))).all()
        return [{"version": r.version, "digest": r.digest, "params": r.params, "risk_tier": r.risk_tier,
                 "by": r.created_by, "at": r.created_at} for r in rows]

    async def last_refusal(self, kind: str, target: str) -> dict[str, Any] | None:
        """The newest rejected or rolled-back action for (kind, target), with the reason given (one query)."""
        reason = (select(D.c.reason).where(D.c.tenant_id == self.tenant, D.c.action_id == A.c.id,
                                           D.c.verdict.in_(["reject", "rollback"]))
                  .order_by(D.c.id.desc()).limit(1).scalar_subquery())
        decided = (select(D.c.created_at).where(D.c.tenant_id == self.tenant, D.c.action_id == A.c.id,
                                                D.c.verdict.in_(["reject", "rollback"]))
                   .order_by(D.c.id.desc()).limit(1).scalar_subquery())
        stmt = shaped(("actions.last_refusal",), lambda: (
            select(A.c.id, A.c.status, A.c.risk_tier, A.c.evidence, A.c.expected_revenue, A.c.updated_at,
                   reason.label("reason"), decided.label("decided_at"))
            .where(A.c.tenant_id == bindparam("w_tenant"), A.c.kind == bindparam("w_kind"),
                   A.c.target == bindparam("w_target"), _status_in({Status.REJECTED, Status.ROLLED_BACK}))
            .order_by(A.c.updated_at.desc(), A.c.id.desc()).limit(1)))
        row = (await self.conn.execute(stmt, {"w_tenant": self.tenant, "w_kind": kind, "w_target": target})).first()
        if row is None:
            return None
        return {"id": row.id, "status": row.status, "risk_tier": row.risk_tier, "evidence": row.evidence,
                "expected_revenue": row.expected_revenue, "at": row.decided_at or row.updated_at,
                "reason": row.reason or ""}

    async def human_decisions(self) -> list[dict[str, Any]]:
        """Every decision taken by a person (not the engine's own auto-approvals), with its action."""
        rows = (await self.conn.execute(
            select(D.c.action_id, D.c.verdict, D.c.role, D.c.created_at, A.c.agent, A.c.kind, A.c.target,
                   A.c.status, A.c.expected_revenue)
            .join(A, A.c.id == D.c.action_id)
            .where(D.c.tenant_id == self.tenant, D.c.role != "system", D.c.verdict != "auto_approve")
            .order_by(D.c.id))).all()
        return [dict(r._mapping) for r in rows]

    async def auto_approvals(self) -> list[dict[str, Any]]:
        """How many actions the engine approved on its own, per agent and kind."""
        rows = (await self.conn.execute(
            select(A.c.agent, A.c.kind, func.count(func.distinct(D.c.action_id)).label("count"))
            .join(A, A.c.id == D.c.action_id)
            .where(D.c.tenant_id == self.tenant, D.c.verdict == "auto_approve")
            .group_by(A.c.agent, A.c.kind))).all()
        return [dict(r._mapping) for r in rows]

    async def stats(self) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(
            select(A.c.agent, A.c.kind, A.c.status, func.count().label("count"),
                   func.sum(A.c.expected_revenue).label("revenue"))
            .where(A.c.tenant_id == self.tenant).group_by(A.c.agent, A.c.kind, A.c.status))).all()
        return [dict(r._mapping) for r in rows]

    async def count_by_status(self) -> dict[str, int]:
        rows = (await self.conn.execute(select(A.c.status, func.count()).where(A.c.tenant_id == self.tenant)
                                        .group_by(A.c.status))).all()
        return {r[0]: r[1] for r in rows}

    # --- week by week (department metrics); ``edges`` are week starts plus the end of the last week -----------

    async def proposed_by_week(self, edges: list[datetime]) -> list[dict[str, Any]]:
        """Proposals created per (week, agent, kind); a superseded or withdrawn one was proposed again (or
        taken back) and is not counted twice."""
        inner = (select(week_index(A.c.created_at, edges).label("week"), A.c.agent, A.c.kind)
                 .where(A.c.tenant_id == self.tenant, within(A.c.created_at, edges),
                        A.c.status.notin_([Status.SUPERSEDED.value, Status.WITHDRAWN.value])).subquery())
        rows = (await self.conn.execute(select(inner.c.week, inner.c.agent, inner.c.kind, func.count().label("count"))
                                        .group_by(inner.c.week, inner.c.agent, inner.c.kind))).all()
        return [dict(r._mapping) for r in rows]

    async def decided_by_week(self, edges: list[datetime]) -> list[dict[str, Any]]:
        """Decisions taken per (week, agent, kind, verdict): ``human`` False for the engine's own (auto-approvals
        and any other decision by the system role). Each action counts once per verdict and week."""
        human = (D.c.role != "system") & (D.c.verdict != "auto_approve")
        inner = (select(week_index(D.c.created_at, edges).label("week"), A.c.agent, A.c.kind, D.c.verdict,
                        case((human, 1), else_=0).label("human"), D.c.action_id)
                 .join(A, A.c.id == D.c.action_id)
                 .where(D.c.tenant_id == self.tenant, within(D.c.created_at, edges)).subquery())
        rows = (await self.conn.execute(
            select(inner.c.week, inner.c.agent, inner.c.kind, inner.c.verdict, inner.c.human,
                   func.count(func.distinct(inner.c.action_id)).label("count"))
            .group_by(inner.c.week, inner.c.agent, inner.c.kind, inner.c.verdict, inner.c.human))).all()
        return [{**r._mapping, "human": bool(r.human)} for r in rows]

    async def executed_by_week(self, edges: list[datetime]) -> list[dict[str, Any]]:
        """Per (week the execution finished, agent, kind): executions (rolled back later or not), the expected
        revenue of what was executed, and of those whose outcome is measured with a revenue estimate: how many,
        realised revenue, and the revenue they were expected to bring."""
        measured = (OUT.c.state == "measured") & OUT.c.revenue.is_not(None)
        inner = (select(week_index(X.c.finished_at, edges).label("week"), A.c.agent, A.c.kind,
                        A.c.expected_revenue.label("expected"),
                        case((measured, 1), else_=0).label("measured"),
                        case((measured, OUT.c.revenue), else_=0.0).label("realised"),
                        case((measured, OUT.c.expected_revenue), else_=0.0).label("expected_measured"))
                 .select_from(X.join(A, A.c.id == X.c.action_id)
                              .outerjoin(OUT, (OUT.c.tenant_id == X.c.tenant_id) & (OUT.c.action_id == X.c.action_id)))
                 .where(X.c.tenant_id == self.tenant, X.c.status.in_(["executed", "rolled_back"]),
                        X.c.finished_at.is_not(None), within(X.c.finished_at, edges)).subquery())
        rows = (await self.conn.execute(
            select(inner.c.week, inner.c.agent, inner.c.kind, func.count().label("executed"),
                   func.sum(inner.c.expected).label("expected_revenue"), func.sum(inner.c.measured).label("measured"),
                   func.sum(inner.c.realised).label("realised_revenue"),
                   func.sum(inner.c.expected_measured).label("expected_revenue_measured"))
            .group_by(inner.c.week, inner.c.agent, inner.c.kind))).all()
        return [dict(r._mapping) for r in rows]
