"""Department metrics week by week, on a store seeded with a known history: proposals, people's decisions, the
engine's auto-approvals (which never count towards an approval rate), executions, measured and unmeasured
outcomes, orders and GA4 sessions; on SQLite and PostgreSQL."""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import insert

from policies.principal import Principal, Role
from server.app import App
from server.persistence import models as m
from server.persistence import models_outcomes as mo
from server.persistence import models_telemetry as t
from tests.conftest import Clock
from tools.department import department_metrics, week_starts
from tools.errors import Forbidden, InvalidInput
from tools.registry import invoke

OP = Principal.operator("demo")
#: Wednesday of ISO week 2026-W47; the three weeks shown are W45, W46 and W47 (W44 only feeds the first change)
NOW = datetime(2026, 11, 18, 12, 0, tzinfo=timezone.utc)
W44, W45, W46, W47 = (datetime(2026, 10, 26, tzinfo=timezone.utc) + timedelta(weeks=i) for i in range(4))
KIND = "content.rewrite_title"


def at(week: datetime, days: float = 1.0) -> datetime:
    return week + timedelta(days=days)


async def seed_history(app: App) -> None:
    async with app.db.write("other") as tx:  # another tenant's proposal and order are never counted
        await tx.tenants.ensure(name="other", now=W44)
        conn = tx.conn  # type: ignore[attr-defined]
        await conn.execute(insert(m.Action).values(
            tenant_id="other", kind=KIND, target="page:/x1", agent="content", title="x1", status="pending_approval",
            version=1, digest="d" * 64, params={}, risk_tier="low", tier_rank=0, expected_revenue=1.0,
            confidence=0.8, ease=0.9, score=1.0, evidence=[], evidence_at=W47, rollback_plan={},
            revenue_inputs=[], created_at=at(W47), updated_at=at(W47)))
        await conn.execute(insert(m.Order).values(tenant_id="other", name="#x", customer_ref="cus",
                                                  financial_status="paid", total=5000.0, created_at=at(W47)))
    async with app.db.write("demo") as tx:
        await tx.tenants.ensure(name="demo", now=W44)
        conn = tx.conn  # type: ignore[attr-defined]
        ids: dict[str, int] = {}

        async def action(name: str, created: datetime, status: str, revenue: float = 100.0,
                         agent: str = "content", kind: str = KIND) -> None:
            ids[name] = (await conn.execute(insert(m.Action).values(
                tenant_id="demo", kind=kind, target=f"page:/{name}", agent=agent, title=name, status=status,
                version=1, digest="d" * 64, params={}, risk_tier="low", tier_rank=0, expected_revenue=revenue,
                confidence=0.8, ease=0.9, score=1.0, evidence=[], evidence_at=created, rollback_plan={},
                revenue_inputs=[], created_at=created, updated_at=created).returning(m.Action.id))).scalar_one()

        async def decision(name: str, verdict: str, when: datetime, role: str = "operator") -> None:
            await conn.execute(insert(m.DecisionRow).values(
                tenant_id="demo", action_id=ids[name], version=1, digest="d" * 64, verdict=verdict,
                principal="system:autonomy" if role == "system" else "operator:local", role=role, reason="",
                created_at=when))

        async def execution(name: str, finished: datetime, status: str = "executed") -> None:
            await conn.execute(insert(m.Execution).values(
                tenant_id="demo", action_id=ids[name], version=1, status=status, executor="local", before_state={},
                after_state={}, started_at=finished - timedelta(seconds=1), finished_at=finished))

        async def outcome(name: str, state: str, expected: float, revenue: float | None) -> None:
            await conn.execute(insert(mo.OutcomeRow).values(
                tenant_id="demo", action_id=ids[name], agent="content", kind=KIND, state=state, metric="clicks",
                verdict="positive" if state == "measured" else "", revenue=revenue, expected_revenue=expected,
                details={}, measured_at=NOW))

        # before the window: counted nowhere
        await action("a0", at(W44), "executed")
        await decision("a0", "approve", at(W44, 2))
        await execution("a0", at(W44, 2))
        # W45: two proposals; one approved by a person, executed, measured (300 realised of 1000 expected)
        await action("a1", at(W45), "executed", revenue=1000.0)
        await decision("a1", "approve", at(W45, 2))
        await execution("a1", at(W45, 2))
        await outcome("a1", "measured", 1000.0, 300.0)
        await action("a2", at(W45, 3), "rejected")
        # W46: the person rejects a2; the engine auto-approves a3 (never an approval of a person's), executed,
        # its outcome still waiting; a4 was proposed again later (superseded): not a proposal of its own
        await decision("a2", "reject", at(W46))
        await action("a3", at(W46), "executed", revenue=500.0)
        await decision("a3", "auto_approve", at(W46), role="system")
        await execution("a3", at(W46, 1.5))
        await outcome("a3", "waiting", 500.0, None)
        await action("a4", at(W46, 2), "superseded")
        # W47: a5 edited and approved, executed, then rolled back; measured 50 of 200; a7 only snoozed
        await action("a5", W47, "rolled_back", revenue=200.0)  # the first instant of the week belongs to it
        await decision("a5", "edit_approve", at(W47, 0.5))
        await execution("a5", at(W47, 0.5), status="rolled_back")
        await decision("a5", "rollback", at(W47, 1))
        await outcome("a5", "measured", 200.0, 50.0)
        await action("a7", at(W47), "snoozed")
        await decision("a7", "snooze", at(W47, 1))
        await action("b1", at(W47), "pending_approval", agent="analytics", kind="analytics.investigate")

        def order(name: str, when: datetime, total: float, **extra: Any) -> dict[str, Any]:
            return {"tenant_id": "demo", "name": name, "customer_ref": "cus", "financial_status": "paid",
                    "total": total, "created_at": when, "cancelled_at": None, **extra}

        await conn.execute(insert(m.Order), [
            order("#1", at(W44), 100.0), order("#2", at(W44, 6), 100.0),
            order("#3", at(W45), 60.0), order("#4", at(W45, 3), 60.0),
            order("#5", W46 - timedelta(seconds=1), 60.0),  # Sunday 23:59:59: still W45
            order("#6", at(W45, 4), 999.0, cancelled_at=at(W45, 5)),  # cancelled: not an order
            *[order(f"#{7 + i}", W47 + timedelta(hours=i), 50.0) for i in range(4)]])

        def ga4(day: date, sessions: int, page: str = "/", channel: str = "Organic Search") -> dict[str, Any]:
            return {"tenant_id": "demo", "landing_page": page, "channel": channel, "day": day, "sessions": sessions,
                    "engaged_sessions": 0, "key_events": 0.0, "revenue": 0.0, "purchases": 0}

        await conn.execute(insert(t.Ga4Daily), [
            ga4(W44.date(), 100), ga4(W45.date(), 100), ga4(W45.date() + timedelta(days=6), 30, page="/p"),
            ga4(W45.date() + timedelta(days=6), 20, channel="Paid Search"), ga4(W47.date() + timedelta(days=2), 100),
            ga4(W47.date() + timedelta(days=7), 999)])  # next week: not yet


def test_weeks_are_iso_weeks_starting_on_monday_oldest_first() -> None:
    assert week_starts(date(2026, 11, 18), 3) == [date(2026, 11, 2), date(2026, 11, 9), date(2026, 11, 16)]
    assert week_starts(date(2026, 11, 16), 1) == [date(2026, 11, 16)]  # a Monday is its own week's start
    assert week_starts(date(2026, 11, 22), 1) == [date(2026, 11, 16)]  # and Sunday its last day


async def test_weekly_numbers_per_agent_and_kind(app: App, clock: Clock) -> None:
    clock.now = NOW
    await seed_history(app)
    data = await invoke(app.deps, OP, "metrics.read", weeks=3)
    assert [w["week"] for w in data["weeks"]] == ["2026-W45", "2026-W46", "2026-W47"]
    assert [w["start"] for w in data["weeks"]] == ["2026-11-02", "2026-11-09", "2026-11-16"]
    assert [(r["agent"], r["kind"]) for r in data["agents"]] == [("analytics", "analytics.investigate"),
                                                                  ("content", KIND)]
    analytics, content = data["agents"]
    keys = ("proposed", "approved", "rejected", "rolled_back", "auto_approved", "human_decisions", "approval_rate",
            "executed", "expected_revenue", "measured", "realised_revenue", "expected_revenue_measured")
    got = [tuple(w[k] for k in keys) for w in content["weeks"]]
    assert got == [
        (2, 1, 0, 0, 0, 1, 1.0, 1, 1000.0, 1, 300.0, 1000.0),
        # the auto-approval is reported apart: the week's only human decision was a rejection
        (1, 0, 1, 0, 1, 1, 0.0, 1, 500.0, 0, 0.0, 0.0),
        (2, 1, 0, 1, 0, 2, 0.5, 1, 200.0, 1, 50.0, 200.0),
    ]
    assert tuple(content["total"][k] for k in keys) == (5, 2, 1, 1, 1, 4, 0.5, 3, 1700.0, 2, 350.0, 1200.0)
    # a kind nobody decided has no approval rate, in any week
    assert [(w["proposed"], w["approval_rate"]) for w in analytics["weeks"]] == [(0, None), (0, None), (1, None)]
    assert analytics["total"]["approval_rate"] is None


async def test_store_week_over_week(app: App, clock: Clock) -> None:
    clock.now = NOW
    await seed_history(app)
    data = await invoke(app.deps, OP, "metrics.read", weeks=3)
    keys = ("week", "orders", "revenue", "sessions", "conversion", "orders_change", "revenue_change",
            "conversion_change")
    assert [tuple(w[k] for k in keys) for w in data["store"]] == [
        # against W44: 2 orders, $200, 100 sessions
        ("2026-W45", 3, 180.0, 150, 0.02, 0.5, -0.1, 0.0),
        ("2026-W46", 0, 0.0, 0, None, -1.0, -1.0, None),
        ("2026-W47", 4, 200.0, 100, 0.04, None, None, None),
    ]


async def test_weeks_with_nothing_are_zeros_and_the_window_is_bounded(app: App, clock: Clock) -> None:
    clock.now = NOW
    await seed_history(app)
    data = await department_metrics(app.deps, OP, weeks=12)
    assert len(data["weeks"]) == 12 and data["weeks"][-1]["week"] == "2026-W47"
    [content] = [r for r in data["agents"] if r["kind"] == KIND]
    # W44's proposal is now inside the window
    assert [w["proposed"] for w in content["weeks"]][-4:] == [1, 2, 1, 2]
    assert [w["proposed"] for w in content["weeks"]][:8] == [0] * 8
    assert all(w["approval_rate"] is None for w in content["weeks"][:8])
    assert [w["orders"] for w in data["store"]][-4:] == [2, 3, 0, 4]
    for weeks in (0, 105):
        with pytest.raises(InvalidInput):
            await department_metrics(app.deps, OP, weeks=weeks)


async def test_a_customer_may_not_read_the_metrics(app: App, clock: Clock) -> None:
    clock.now = NOW
    await seed_history(app)
    customer = Principal(Role.CUSTOMER, "demo", "customer:test", customer_ref="cus")
    with pytest.raises(Forbidden):
        await invoke(app.deps, customer, "metrics.read", weeks=3)
    viewer = Principal(Role.VIEWER, "demo", "viewer:test")
    assert (await invoke(app.deps, viewer, "metrics.read", weeks=3))["tenant"] == "demo"
