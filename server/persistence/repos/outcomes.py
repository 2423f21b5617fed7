"""Outcomes, calibrations and experiments (``models_outcomes``), and the daily series outcomes are measured on."""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any, cast

from sqlalchemy import Table, func, select, update

from policies.outcomes import measured_pages
from server.persistence import models as m
from server.persistence import models_deliveries as md
from server.persistence import models_outcomes as mo
from server.persistence import models_telemetry as t
from server.persistence.dialect import upsert
from server.persistence.repos.commerce import _day, goods_cost

OUT = cast(Table, mo.OutcomeRow.__table__)
CAL = cast(Table, mo.CalibrationRow.__table__)
EXP = cast(Table, mo.ExperimentRow.__table__)
A, D, X = (cast(Table, m.Action.__table__), cast(Table, m.DecisionRow.__table__),
           cast(Table, m.Execution.__table__))
O, OL = cast(Table, m.Order.__table__), cast(Table, m.OrderLine.__table__)
GD, GP = cast(Table, t.GscDaily.__table__), cast(Table, t.GscPage.__table__)
G4 = cast(Table, t.Ga4Daily.__table__)
SD = cast(Table, md.StoreDelivery.__table__)


def _as_date(value: Any) -> date:
    return value if isinstance(value, date) and not isinstance(value, datetime) else date.fromisoformat(str(value)[:10])


def _start(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


class SqlOutcomeRepo:
    def __init__(self, conn: Any, tenant: str, dialect: str) -> None:
        self.conn = conn
        self.tenant = tenant
        self.dialect = dialect

    # what was executed, and what was held back
    async def executed(self) -> list[dict[str, Any]]:
        """Executed actions (not rolled back) that took effect, with the time they did: an action whose change
        is delivered to a live store counts from its delivery, and is left out until every delivery of it
        arrived (a conflict, a failure or one still on its way changed nothing out there to measure)."""
        mine = (SD.c.tenant_id == self.tenant, SD.c.action_id == A.c.id, SD.c.op == "execute")
        undelivered = select(SD.c.id).where(*mine, SD.c.state.notin_(("delivered", "skipped"))).exists()
        delivered_at = select(func.max(SD.c.delivered_at)).where(*mine).scalar_subquery()
        rows = (await self.conn.execute(
            select(A.c.id, A.c.agent, A.c.kind, A.c.target, A.c.params, A.c.expected_revenue, A.c.revenue_inputs,
                   func.coalesce(delivered_at, X.c.finished_at).label("executed_at"))
            .join(X, X.c.action_id == A.c.id)
            .where(A.c.tenant_id == self.tenant, A.c.status == "executed", X.c.status == "executed",
                   X.c.finished_at.is_not(None), ~undelivered)
            .order_by(A.c.id))).all()
        return [dict(r._mapping) for r in rows]

    async def actions(self, ids: list[int]) -> list[dict[str, Any]]:
        if not ids:
            return []
        rows = (await self.conn.execute(select(A.c.id, A.c.agent, A.c.kind, A.c.target, A.c.params, A.c.status,
                                               A.c.expected_revenue)
                                        .where(A.c.tenant_id == self.tenant, A.c.id.in_(ids)))).all()
        return [dict(r._mapping) for r in rows]

    async def executed_since(self, since: datetime) -> list[dict[str, Any]]:
        """Actions executed (and not rolled back) since ``since``, newest first, with when they took effect."""
        rows = (await self.conn.execute(
            select(A.c.id, A.c.kind, A.c.target, A.c.params, func.coalesce(X.c.finished_at, X.c.started_at).label("at"))
            .join(X, X.c.action_id == A.c.id)
            .where(A.c.tenant_id == self.tenant, A.c.status == "executed", X.c.started_at >= since)
            .order_by(X.c.started_at.desc()))).all()
        return [dict(r._mapping) for r in rows]

    async def touched_targets(self, *, since: datetime) -> set[str]:
        """Targets of every action executed since ``since``, and the pages internal links were pointed at (they
        cannot be anyone's control)."""
        rows = (await self.conn.execute(
            select(A.c.kind, A.c.target, A.c.params).join(X, X.c.action_id == A.c.id)
            .where(A.c.tenant_id == self.tenant, X.c.started_at >= since))).all()
        out = {r.target for r in rows}
        out |= {f"page:{path}" for r in rows if r.target.startswith("page:")
                for path in measured_pages(r.kind, r.target, r.params or {})}
        return out

    async def released_orders(self) -> set[str]:
        rows = (await self.conn.execute(select(A.c.target).where(
            A.c.tenant_id == self.tenant, A.c.kind == "risk.release_order", A.c.status == "executed"))).all()
        return {r[0].split(":", 1)[1] for r in rows}

    # the series measured
    async def newest_search_day(self) -> date | None:
        value = (await self.conn.execute(select(func.max(GD.c.day)).where(GD.c.tenant_id == self.tenant))).scalar()
        return None if value is None else _as_date(value)

    async def newest_order_day(self) -> date | None:
        value = (await self.conn.execute(select(func.max(O.c.created_at)).where(O.c.tenant_id == self.tenant))).scalar()
        return None if value is None else _as_date(value if isinstance(value, datetime) else str(value))

    async def page_daily(self, paths: list[str], start: date, end: date) -> dict[str, dict[date, tuple[int, int]]]:
        """Clicks and impressions per page path and day (every query summed)."""
        if not paths:
            return {}
        rows = (await self.conn.execute(
            select(GP.c.path, GD.c.day, func.sum(GD.c.clicks), func.sum(GD.c.impressions))
            .join(GP, (GP.c.tenant_id == GD.c.tenant_id) & (GP.c.id == GD.c.page_id))
            .where(GD.c.tenant_id == self.tenant, GP.c.path.in_(paths), GD.c.day >= start, GD.c.day <= end)
            .group_by(GP.c.path, GD.c.day))).all()
        out: dict[str, dict[date, tuple[int, int]]] = {}
        for path, day, clicks, impressions in rows:
            out.setdefault(path, {})[_as_date(day)] = (int(clicks or 0), int(impressions or 0))
        return out

    async def page_levels(self, start: date, end: date) -> dict[str, float]:
        """Every page's clicks over the window (to pick comparable controls)."""
        rows = (await self.conn.execute(
            select(GP.c.path, func.sum(GD.c.clicks))
            .join(GP, (GP.c.tenant_id == GD.c.tenant_id) & (GP.c.id == GD.c.page_id))
            .where(GD.c.tenant_id == self.tenant, GD.c.day >= start, GD.c.day <= end)
            .group_by(GP.c.path))).all()
        return {r[0]: float(r[1] or 0) for r in rows}

    async def value_per_session(self, paths: list[str], start: date, end: date) -> dict[str, float]:
        """GA4 revenue and sessions over the window for these landing pages, and for the store ("")."""
        rows = (await self.conn.execute(
            select(G4.c.landing_page, func.sum(G4.c.revenue), func.sum(G4.c.sessions))
            .where(G4.c.tenant_id == self.tenant, G4.c.day >= start, G4.c.day <= end)
            .group_by(G4.c.landing_page))).all()
        out: dict[str, float] = {}
        revenue = sessions = 0.0
        for page, rev, ses in rows:
            revenue, sessions = revenue + float(rev or 0), sessions + float(ses or 0)
            if page in paths and ses:
                out[page] = float(rev or 0) / float(ses)
        if sessions:
            out[""] = revenue / sessions
        return out

    async def sku_daily(self, skus: list[str] | None, start: date,
                        end: date) -> dict[str, dict[date, tuple[float, float]]]:
        """Units and revenue per SKU and day (cancelled orders excluded); every SKU when ``skus`` is None."""
        day = _day(O.c.created_at, self.dialect).label("day")
        stmt = (select(OL.c.sku, day, func.sum(OL.c.quantity), func.sum(OL.c.quantity * OL.c.price))
                .join(O, O.c.id == OL.c.order_id)
                .where(OL.c.tenant_id == self.tenant, O.c.created_at >= _start(start),
                       O.c.created_at < _start(end + timedelta(days=1)), O.c.cancelled_at.is_(None), OL.c.sku != "")
                .group_by(OL.c.sku, day))
        if skus is not None:
            if not skus:
                return {}
            stmt = stmt.where(OL.c.sku.in_(skus))
        out: dict[str, dict[date, tuple[float, float]]] = {}
        for sku, d, units, revenue in (await self.conn.execute(stmt)).all():
            out.setdefault(sku, {})[_as_date(d)] = (float(units or 0), float(revenue or 0))
        return out

    async def order(self, name: str) -> dict[str, Any] | None:
        row = (await self.conn.execute(select(O.c.name, O.c.total, O.c.financial_status, O.c.cancelled_at,
                                              O.c.refunded_amount, O.c.on_hold,
                                              goods_cost(O.c.id).label("goods_cost"))
                                       .where(O.c.tenant_id == self.tenant, O.c.name == name))).first()
        return None if row is None else dict(row._mapping)

    # outcomes
    async def save(self, action_id: int, values: dict[str, Any]) -> None:
        row = {"tenant_id": self.tenant, "action_id": action_id, **values}
        await self.conn.execute(upsert(OUT, self.dialect, ["tenant_id", "action_id"], row,
                                       {k: v for k, v in values.items()}))

    async def for_action(self, action_id: int) -> dict[str, Any] | None:
        row = (await self.conn.execute(select(OUT).where(OUT.c.tenant_id == self.tenant,
                                                         OUT.c.action_id == action_id))).first()
        return None if row is None else {k: v for k, v in row._mapping.items() if k not in ("id", "tenant_id")}

    async def list(self, *, limit: int = 1000) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(select(OUT).where(OUT.c.tenant_id == self.tenant)
                                        .order_by(OUT.c.action_id.desc()).limit(limit))).all()
        return [{k: v for k, v in r._mapping.items() if k not in ("id", "tenant_id")} for r in rows]

    # calibrations
    async def calibration(self, agent: str, kind: str) -> dict[str, Any] | None:
        row = (await self.conn.execute(select(CAL).where(CAL.c.tenant_id == self.tenant, CAL.c.agent == agent,
                                                         CAL.c.kind == kind))).first()
        return None if row is None else dict(row._mapping)

    async def calibrations(self) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(select(CAL).where(CAL.c.tenant_id == self.tenant)
                                        .order_by(CAL.c.agent, CAL.c.kind))).all()
        return [dict(r._mapping) for r in rows]

    async def set_calibration(self, agent: str, kind: str, values: dict[str, Any]) -> None:
        row = {"tenant_id": self.tenant, "agent": agent, "kind": kind, **values}
        await self.conn.execute(upsert(CAL, self.dialect, ["tenant_id", "agent", "kind"], row, dict(values)))

    # experiments
    async def add_experiment(self, *, kind: str, treated: list[int], control: list[int], share: float, by: str,
                             note: str, now: datetime) -> int:
        done = await self.conn.execute(EXP.insert().values(
            tenant_id=self.tenant, kind=kind, treated=treated, control=control, share=share, created_by=by,
            created_at=now, state="running", significant=False, result={}, note=note).returning(EXP.c.id))
        return int(done.scalar_one())

    async def experiments(self, *, state: str | None = None) -> list[dict[str, Any]]:
        stmt = select(EXP).where(EXP.c.tenant_id == self.tenant).order_by(EXP.c.id)
        if state is not None:
            stmt = stmt.where(EXP.c.state == state)
        return [dict(r._mapping) for r in (await self.conn.execute(stmt)).all()]

    async def held_back(self) -> list[dict[str, Any]]:
        """Every action held back as an experiment's control (withdrawn with a ``hold_back`` decision), newest
        first, with what it aimed at."""
        rows = (await self.conn.execute(
            select(A.c.id, A.c.kind, A.c.target, A.c.params)
            .join(D, (D.c.action_id == A.c.id) & (D.c.tenant_id == A.c.tenant_id))
            .where(A.c.tenant_id == self.tenant, A.c.status == "withdrawn", D.c.verdict == "hold_back")
            .order_by(A.c.id.desc()))).all()
        return [dict(r._mapping) for r in rows]

    async def experiment(self, experiment_id: int) -> dict[str, Any] | None:
        row = (await self.conn.execute(select(EXP).where(EXP.c.tenant_id == self.tenant,
                                                         EXP.c.id == experiment_id))).first()
        return dict(row._mapping) if row else None

    async def finish_experiment(self, experiment_id: int, *, state: str, significant: bool,
                                result: dict[str, Any]) -> None:
        await self.conn.execute(update(EXP).where(EXP.c.tenant_id == self.tenant, EXP.c.id == experiment_id)
                                .values(state=state, significant=significant, result=result))
