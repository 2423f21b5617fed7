"""Concurrent decisions, the kill switch, rate limits and bulk decisions, on both backends."""

from __future__ import annotations

import asyncio
from datetime import timedelta

import pytest
from sqlalchemy import func, select

from policies.principal import Principal, Role
from server.app import App, create_app
from server.persistence import models as m
from tests.conftest import Clock, make_settings
from tests.factories import proposal, seed_store
from tools.actions import get_action, propose
from tools.decisions import BulkItem, bulk_decide, decide
from tools.errors import Conflict, Forbidden
from tools.execution import run_due
from tools.killswitch import set_kill_switch
from tools.registry import invoke

OP = Principal.operator("demo")
INVENTORY = Principal.for_agent("demo", "inventory")


async def count(app: App, model: type[m.Base]) -> int:
    async with app.db.read("demo") as tx:
        return int((await tx.conn.execute(select(func.count()).select_from(model))).scalar_one())  # type: ignore[attr-defined]


async def test_fifty_concurrent_approvals_execute_exactly_once(app: App) -> None:
    await seed_store(app)
    a = (await propose(app.deps, INVENTORY, proposal("inventory.reorder"))).action

    async def approve() -> str:
        try:
            res = await decide(app.deps, OP, action_id=a.id, version=1, verdict="approve")
            return res.execution["status"] if res.execution else "none"
        except Conflict as exc:
            return exc.code

    results = await asyncio.gather(*(approve() for _ in range(50)))
    assert results.count("executed") == 1
    assert results.count("already_decided") == 49
    assert await count(app, m.Execution) == 1
    assert await count(app, m.OutboxEvent) == 1
    assert await count(app, m.PurchaseOrder) == 1
    assert await count(app, m.DecisionRow) == 1


async def test_concurrent_executors_apply_the_effect_once(app: App) -> None:
    from tools.execution import execute

    await seed_store(app)
    a = (await propose(app.deps, INVENTORY, proposal("inventory.reorder"))).action
    async with app.db.write("demo") as tx:
        await tx.kill.set("demo", engaged=True, reason="hold while approving", by="test", now=app.deps.now())
    await decide(app.deps, OP, action_id=a.id, version=1, verdict="approve")
    async with app.db.write("demo") as tx:
        await tx.kill.set("demo", engaged=False, reason="go", by="test", now=app.deps.now())
    outcomes = await asyncio.gather(*(execute(app.deps, "demo", a.id) for _ in range(20)))
    assert [o.status for o in outcomes].count("executed") == 1
    assert {o.status for o in outcomes} == {"executed", "already"}
    assert await count(app, m.PurchaseOrder) == 1


async def test_kill_switch_holds_every_execution_and_loses_nothing(app: App) -> None:
    await seed_store(app)
    res = await set_kill_switch(app.deps, OP, engaged=True, reason="incident drill")
    assert res.effective
    a = (await propose(app.deps, INVENTORY, proposal("inventory.reorder"))).action
    b = (await propose(app.deps, INVENTORY, proposal("pricing.adjust"))).action
    for action in (a, b):
        out = await decide(app.deps, OP, action_id=action.id, version=1, verdict="approve")
        assert out.execution and out.execution["status"] == "held"
        assert out.action.status == "approved"
    report = await run_due(app.deps, "demo")
    assert report.executed == []
    assert await count(app, m.Execution) == 0
    released = await set_kill_switch(app.deps, OP, engaged=False, reason="drill over")
    assert released.released_work and sorted(released.released_work["executed"]) == sorted([a.id, b.id])
    assert await count(app, m.Execution) == 2


async def test_kill_switch_survives_a_restart(db_url: str) -> None:
    first = await create_app(make_settings(db_url))
    await set_kill_switch(first.deps, OP, engaged=True, reason="before restart")
    await first.close()
    second = await create_app(make_settings(db_url))
    try:
        status = await invoke(second.deps, OP, "status.get")
        assert status["kill_switch"]["engaged"] and status["kill_switch"]["reason"] == "before restart"
    finally:
        await second.close()


async def test_global_and_environment_switches_hold_too(db_url: str) -> None:
    env = await create_app(make_settings(db_url, kill_switch=True))
    try:
        await seed_store(env)
        a = (await propose(env.deps, INVENTORY, proposal("inventory.reorder"))).action
        out = await decide(env.deps, OP, action_id=a.id, version=1, verdict="approve")
        assert out.execution and out.execution["status"] == "held"
        assert "environment" in out.execution["message"]
    finally:
        await env.close()
    app = await create_app(make_settings(db_url))
    try:
        await set_kill_switch(app.deps, Principal.operator("other"), engaged=True, reason="all stores", scope="global")
        report = await run_due(app.deps, "demo")
        assert report.held and report.executed == []
        await set_kill_switch(app.deps, Principal.operator("other"), engaged=False, reason="resolved", scope="global")
        assert (await run_due(app.deps, "demo")).executed
    finally:
        await app.close()


async def test_rate_limit_defers_and_never_drops(db_url: str) -> None:
    app = await create_app(make_settings(db_url, rate_limit_executions=2, rate_limit_window_seconds=60))
    clock = Clock()
    app.deps.clock = clock
    try:
        await seed_store(app)
        kinds = ["inventory.reorder", "pricing.adjust", "inventory.markdown"]
        targets = ["sku:LIN-TOT-01", "sku:LIN-TOT-01", "sku:LIN-TOT-01"]
        ids = []
        for kind, target in zip(kinds, targets):
            params = {"percent_off": 5} if kind == "inventory.markdown" else None
            ids.append((await propose(app.deps, INVENTORY, proposal(kind, target=target, params=params))).action.id)
        statuses = []
        for action_id in ids:
            out = await decide(app.deps, OP, action_id=action_id, version=1, verdict="approve")
            assert out.execution
            statuses.append(out.execution["status"])
        assert statuses == ["executed", "executed", "deferred"]
        deferred = (await get_action(app.deps, OP, action_id=ids[2]))["action"]
        assert deferred["status"] == "approved" and deferred["not_before"] is not None
        assert (await run_due(app.deps, "demo")).executed == []
        clock.advance(seconds=61)
        assert (await run_due(app.deps, "demo")).executed == [ids[2]]
    finally:
        await app.close()


async def test_bulk_decisions_are_bound_and_reported_per_item(app: App) -> None:
    await seed_store(app)
    content = Principal.for_agent("demo", "content")
    a = (await propose(app.deps, content, proposal("content.rewrite_title"))).action
    b = (await propose(app.deps, content, proposal("content.rewrite_meta_description"))).action
    c = (await propose(app.deps, INVENTORY, proposal("inventory.reorder"))).action
    results = await bulk_decide(app.deps, OP, items=[
        BulkItem(a.id, 1, "approve"),
        BulkItem(b.id, 2, "approve"),                # a version that never existed: fails closed, alone
        BulkItem(c.id, 1, "reject", reason="not this month"),
        BulkItem("12x", 1, "approve"),               # malformed id
        BulkItem(999999, 1, "approve"),              # unknown id
    ])
    assert [r["ok"] for r in results] == [True, False, True, False, False]
    assert [r.get("code") for r in results] == [None, "unknown_version", None, "malformed_id", "not_found"]
    assert results[0]["execution"]["status"] == "executed"
    assert (await get_action(app.deps, OP, action_id=b.id))["action"]["status"] == "pending_approval"


async def test_an_assistant_can_never_approve_a_critical_action(app: App) -> None:
    a = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal("email.send"))).action
    assistant = Principal(Role.ASSISTANT, "demo", "token:ge_test", scopes=frozenset({"read", "decide"}))
    with pytest.raises(Forbidden) as e:
        await invoke(app.deps, assistant, "actions.approve", action_id=a.id, version=1)
    assert e.value.code == "critical_requires_operator"
    # nor through an edit that turns a high action critical
    await seed_store(app)
    p = (await propose(app.deps, INVENTORY, proposal("pricing.adjust"))).action
    with pytest.raises(Forbidden):
        await invoke(app.deps, assistant, "actions.edit_approve", action_id=p.id, version=1,
                     params={"new_price": 60.0})
    results = await invoke(app.deps, assistant, "actions.bulk_decide", items=[BulkItem(a.id, 1, "approve")])
    assert results[0]["code"] == "critical_requires_operator"
    assert await count(app, m.Execution) == 0
    from tools.audit import recent

    denials = await recent(app.deps, "demo", event_prefix="policy.denied")
    assert len(denials) == 3


async def test_snooze_rejects_bad_times(app: App, clock: Clock) -> None:
    from tools.errors import InvalidInput

    a = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    for until in (clock.now - timedelta(minutes=1), clock.now + timedelta(days=365), None):
        with pytest.raises(InvalidInput) as e:
            await decide(app.deps, OP, action_id=a.id, version=1, verdict="snooze", until=until)
        assert e.value.code == "invalid_until"
