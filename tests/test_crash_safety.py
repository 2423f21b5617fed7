"""Crash safety: workers killed with SIGKILL at labelled points; every effect exists exactly once."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from collections import Counter

import pytest
from sqlalchemy import insert, select

from policies.principal import Principal
from server.app import App
from server.persistence import models as m
from tests.factories import proposal
from tools.actions import propose
from tools.audit import verify
from tools.decisions import decide
from tools.killswitch import set_kill_switch

OP = Principal.operator("demo")
INVENTORY = Principal.for_agent("demo", "inventory")
SKUS = 250


async def approved_backlog(app: App) -> dict[int, tuple[str, str]]:
    """250 SKUs, each with an approved reorder and an approved markdown, held by the kill switch."""
    now = app.deps.now()
    async with app.db.write("demo") as tx:
        await tx.tenants.ensure(name="demo", now=now)
        conn = tx.conn  # type: ignore[attr-defined]
        pid = (await conn.execute(insert(m.Product).values(tenant_id="demo", handle="bulk", title="Bulk",
                                                           updated_at=now).returning(m.Product.id))).scalar_one()
        await conn.execute(insert(m.Variant), [
            {"tenant_id": "demo", "product_id": pid, "sku": f"SKU-{n:03d}", "price": 40.0, "inventory_qty": 3,
             "updated_at": now} for n in range(SKUS)])
    await set_kill_switch(app.deps, OP, engaged=True, reason="build the backlog")
    actions: dict[int, tuple[str, str]] = {}
    for n in range(SKUS):
        for kind, params in (("inventory.reorder", None), ("inventory.markdown", {"percent_off": 20})):
            a = (await propose(app.deps, INVENTORY, proposal(kind, target=f"sku:SKU-{n:03d}", params=params))).action
            await decide(app.deps, OP, action_id=a.id, version=1, verdict="approve")
            actions[a.id] = (kind, f"SKU-{n:03d}")
    async with app.db.write("demo") as tx:
        await tx.kill.set("demo", engaged=False, reason="let the workers run", by="test", now=app.deps.now())
    return actions


@pytest.mark.slow
async def test_sigkill_at_labelled_points_never_loses_or_doubles_an_effect(app: App, db_url: str) -> None:
    actions = await approved_backlog(app)
    result = await asyncio.to_thread(
        subprocess.run, [sys.executable, "-m", "tests.crash_harness", db_url, "220", "7"],
        capture_output=True, text=True, timeout=900)
    assert result.returncode == 0, result.stderr[-3000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["killed"] >= 200, summary
    assert all(summary["by_label"][label] >= 30 for label in summary["by_label"]), summary
    assert summary["final_exit"] == 0

    async with app.db.read("demo") as tx:
        conn = tx.conn  # type: ignore[attr-defined]
        statuses = Counter((await conn.execute(select(m.Action.status))).scalars())
        executions = Counter((await conn.execute(select(m.Execution.action_id))).scalars())
        outbox = Counter((await conn.execute(select(m.OutboxEvent.action_id))).scalars())
        pos = Counter((await conn.execute(select(m.PurchaseOrder.action_id))).scalars())
        prices = dict((await conn.execute(select(m.Variant.sku, m.Variant.price))).all())
    assert statuses == {"executed": len(actions)}
    assert set(executions) == set(actions) and set(executions.values()) == {1}
    assert set(outbox) == set(actions) and set(outbox.values()) == {1}
    reorders = {aid for aid, (kind, _) in actions.items() if kind == "inventory.reorder"}
    assert set(pos) == reorders and set(pos.values()) == {1}
    assert set(prices.values()) == {32.0}  # 40 marked down by 20 % exactly once
    assert (await verify(app.deps, "demo")).ok
