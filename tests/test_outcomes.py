"""Outcome measurement recovers a planted effect against untouched controls, reports none where there is
none, waits for enough data, and judges a hold by what became of the order.

Every test plants a known truth in the store's telemetry (Search Console clicks per page and day, orders
per SKU and day) around an action executed through the real decision path, then measures it through
``measure_outcomes`` on SQLite and PostgreSQL, and reads it back through ``actions.get``. Experiments with a
held-back control are in ``tests/test_outcome_experiments.py``.
"""

from __future__ import annotations

import random
from datetime import datetime, timedelta, timezone

from mcp import Client
from sqlalchemy import insert, select, update

from policies.principal import Principal
from server.app import App
from server.mcp.identity import Principals
from server.mcp.server import build_mcp
from server.persistence import models as m
from tests.conftest import Clock
from tests.factories import proposal, seed_store
from tests.outcome_store import (CONTENT, INVENTORY, OP, PLANTED, T0, VALUE_PER_SESSION, execute_title, noise_of,
                                 outcome_of, seed_pages, show, write_clicks)
from tools.actions import get_action, propose
from tools.decisions import decide
from tools.outcomes import measure_outcomes


async def test_a_planted_effect_is_recovered_with_an_interval_that_covers_it(app: App, clock: Clock,
                                                                             db_url: str) -> None:
    clock.now = T0
    await seed_pages(app)
    noise = noise_of(seed=7)
    await write_clicks(app, noise, -40, 0, {})
    action_id = await execute_title(app, 0)
    # ten days of data after the action: not enough yet, and it says so
    await write_clicks(app, noise, 1, 10, {0: PLANTED})
    clock.now = T0 + timedelta(days=11)
    first = await measure_outcomes(app.deps, "demo")
    assert first["waiting"] == 1 and first["measured"] == 0
    waiting = outcome_of(await get_action(app.deps, OP, action_id=action_id))
    assert waiting["state"] == "waiting" and "not enough data yet" in waiting["details"]["reason"]
    assert waiting["revenue"] is None
    # and the conversation says so, rather than that outcomes are not measured at all
    chat = await app.agents()
    said = " ".join((await chat.send(OP, "did the title rewrites work?", thread="o1")).reply.split())
    assert "not enough data yet" in said and f"#{action_id}" in said and "measured" in said, said
    # ten more days arrive: measured, the effect's sign and size recovered, its interval covering the truth
    await write_clicks(app, noise, 11, 20, {0: PLANTED})
    clock.now = T0 + timedelta(days=21)
    await measure_outcomes(app.deps, "demo")
    out = outcome_of(await get_action(app.deps, OP, action_id=action_id))
    assert out["state"] == "measured" and out["metric"] == "clicks per day"
    assert out["verdict"] == "positive"
    assert out["low"] <= PLANTED <= out["high"], out
    assert PLANTED / 3 < out["effect"] < PLANTED * 3
    assert out["details"]["controls"] > 0 and "difference in differences" in out["details"]["method"]
    assert out["details"]["ctr_after"] > out["details"]["ctr_before"]
    # realised revenue is an interval around the estimate, covering the planted truth, in the money the
    # forecast is made in: what the store keeps of a sale (no cost per item here: half, as the agents assume)
    truth = PLANTED * 28 * VALUE_PER_SESSION * 0.5
    assert out["details"]["gross_margin"] == 0.5 and "assumed" in out["details"]["revenue_note"]
    assert out["revenue_low"] <= out["revenue"] <= out["revenue_high"]
    assert out["revenue_low"] <= truth <= out["revenue_high"]
    assert out["expected_revenue"] == 500.0
    shown = " ".join((await show(db_url, action_id)).split())
    assert "Outcome" in shown and "clicks per day: +" in shown and "— positive" in shown
    assert "realised profit: about $" in shown and "against $500.00 expected" in shown
    said = " ".join((await chat.send(OP, "did the title rewrites work?", thread="o2")).reply.split())
    assert "can't answer" not in said and "1 measured against its controls" in said and "did better" in said, said
    assert f"#{action_id}" in said and "clicks per day" in said and "$500 expected" in said, said
    # measuring again with the same data changes nothing (one row per action, same numbers)
    again = await measure_outcomes(app.deps, "demo")
    assert again["measured"] == 1
    assert outcome_of(await get_action(app.deps, OP, action_id=action_id))["effect"] == out["effect"]


async def test_internal_links_are_measured_on_the_page_they_point_to(app: App, clock: Clock) -> None:
    # links added on p2 pointing at p5: p5's clicks rise, p2's do not; the outcome is p5's
    clock.now = T0
    await seed_pages(app)
    noise = noise_of(seed=5)
    await write_clicks(app, noise, -40, 0, {})
    made = await propose(app.deps, CONTENT, proposal(
        "content.add_internal_links", target="page:/products/p2",
        params={"links": [{"anchor": "linen product 5", "to_url": "https://shop.example/products/p5"}]},
        revenue=300.0, observed_at=T0 - timedelta(days=1)))
    done = await decide(app.deps, OP, action_id=made.action.id, version=1, verdict="approve")
    assert done.action.status == "executed", done.execution
    title = await execute_title(app, 7)  # measured beside it, against controls
    await write_clicks(app, noise, 1, 20, {5: PLANTED})
    clock.now = T0 + timedelta(days=21)
    await measure_outcomes(app.deps, "demo")
    out = outcome_of(await get_action(app.deps, OP, action_id=made.action.id))
    assert out["details"]["measured_pages"] == ["/products/p5"]
    assert out["verdict"] == "positive" and out["low"] <= PLANTED <= out["high"], out
    # the page the links point to is nobody's control while its inbound links are new
    other = outcome_of(await get_action(app.deps, OP, action_id=title))
    assert other["state"] == "measured" and other["details"]["control_targets"]
    assert "/products/p5" not in other["details"]["control_targets"]
    assert "/products/p2" not in other["details"]["control_targets"]


async def test_no_effect_reports_no_significant_change(app: App, clock: Clock) -> None:
    clock.now = T0
    await seed_pages(app)
    noise = noise_of(seed=11)
    await write_clicks(app, noise, -40, 0, {})
    action_id = await execute_title(app, 3)
    await write_clicks(app, noise, 1, 20, {})
    clock.now = T0 + timedelta(days=21)
    await measure_outcomes(app.deps, "demo")
    out = outcome_of(await get_action(app.deps, OP, action_id=action_id))
    assert out["state"] == "measured"
    assert out["verdict"] == "no_change", out
    assert out["low"] <= 0 <= out["high"]
    assert out["revenue_low"] <= 0 <= out["revenue_high"]


async def _seed_skus(app: App, n: int, rng: random.Random, lift: dict[int, float], first: int, last: int) -> None:
    """Orders per day: each SKU sells about 6 units a day at $20 (plus ``lift`` units after T0)."""
    async with app.db.write("demo") as tx:
        conn = tx.conn  # type: ignore[attr-defined]
        seq = 0
        for d in range(first, last + 1):
            shared = rng.gauss(0, 1)
            for s in range(n):
                units = max(0, round(6 + shared + rng.gauss(0, 1.5) + (lift.get(s, 0.0) if d > 0 else 0.0)))
                if not units:
                    continue
                seq += 1
                at = datetime.combine(T0.date() + timedelta(days=d), datetime.min.time(),
                                      tzinfo=timezone.utc) + timedelta(hours=12)
                oid = (await conn.execute(insert(m.Order).values(
                    tenant_id="demo", name=f"#{first}-{d}-{s}-{seq}", customer_ref="cus", financial_status="paid",
                    total=units * 20.0, created_at=at).returning(m.Order.id))).scalar_one()
                await conn.execute(insert(m.OrderLine).values(tenant_id="demo", order_id=oid, line_no=1,
                                                              sku=f"SKU-{s}", name=f"Thing {s}", quantity=units,
                                                              price=20.0))


async def test_a_markdown_that_sells_more_units_is_measured_against_untouched_products(app: App,
                                                                                        clock: Clock) -> None:
    clock.now = T0
    async with app.db.write("demo") as tx:
        await tx.tenants.ensure(name="demo", now=T0)
        conn = tx.conn  # type: ignore[attr-defined]
        for s in range(10):
            pid = (await conn.execute(insert(m.Product).values(tenant_id="demo", handle=f"thing-{s}",
                                                               title=f"Thing {s}", updated_at=T0)
                                      .returning(m.Product.id))).scalar_one()
            await conn.execute(insert(m.Variant).values(tenant_id="demo", product_id=pid, sku=f"SKU-{s}", price=25.0,
                                                        compare_at_price=None, cost=8.0, inventory_qty=500,
                                                        updated_at=T0))
    rng = random.Random(5)
    await _seed_skus(app, 10, rng, {}, -30, 0)
    made = await propose(app.deps, INVENTORY, proposal("inventory.markdown", target="sku:SKU-0",
                                                       params={"percent_off": 20}, revenue=300.0,
                                                       observed_at=T0 - timedelta(days=1)))
    done = await decide(app.deps, OP, action_id=made.action.id, version=1, verdict="approve")
    assert done.action.status == "executed", done.execution
    await _seed_skus(app, 10, rng, {0: 4.0}, 1, 18)
    clock.now = T0 + timedelta(days=19)
    await measure_outcomes(app.deps, "demo")
    out = outcome_of(await get_action(app.deps, OP, action_id=made.action.id))
    assert out["metric"] == "units per day" and out["verdict"] == "positive"
    assert out["low"] <= 4.0 <= out["high"] and 4.0 / 3 < out["effect"] < 12.0
    # about four more units a day at $20, each leaving $12 over its $8 cost, over four weeks: the realised
    # gross profit's interval covers it (the sales alone, $2,240, are not what the owner keeps)
    assert out["revenue_low"] <= 4.0 * 12 * 28 <= out["revenue_high"]
    assert "cost of the goods" in out["details"]["revenue_note"]


async def test_a_hold_is_judged_by_what_became_of_the_order(app: App, clock: Clock) -> None:
    clock.now = T0
    await seed_store(app)
    made = await propose(app.deps, Principal.for_agent("demo", "risk"), proposal("risk.hold_order",
                                                                                observed_at=T0 - timedelta(hours=1)))
    done = await decide(app.deps, OP, action_id=made.action.id, version=1, verdict="approve")
    assert done.action.status == "executed", done.execution
    await measure_outcomes(app.deps, "demo")
    waiting = outcome_of(await get_action(app.deps, OP, action_id=made.action.id))
    assert waiting["state"] == "waiting" and "still on hold" in waiting["details"]["reason"]
    async with app.db.write("demo") as tx:
        conn = tx.conn  # type: ignore[attr-defined]
        order_id = (await conn.execute(select(m.Order.id).where(m.Order.name == "#1042"))).scalar_one()
        # ten totes at $40 that cost $12 each, and one line whose product has no cost (half its $20 assumed)
        await conn.execute(insert(m.OrderLine).values(tenant_id="demo", order_id=order_id, line_no=1,
                                                      sku="LIN-TOT-01", name="Linen Tote", quantity=10, price=40.0))
        await conn.execute(insert(m.OrderLine).values(tenant_id="demo", order_id=order_id, line_no=2, sku="GONE-1",
                                                      name="Gift wrap", quantity=1, price=20.0))
        await conn.execute(update(m.Order).where(m.Order.name == "#1042").values(cancelled_at=T0 + timedelta(days=1)))
    await measure_outcomes(app.deps, "demo")
    out = outcome_of(await get_action(app.deps, OP, action_id=made.action.id))
    # what a shipped fraud would have cost: $120 + $10 of goods and the $15 chargeback fee, not the $420 paid
    assert out["verdict"] == "positive" and (out["revenue_low"], out["revenue"], out["revenue_high"]) == (0.0, 145.0,
                                                                                                         145.0)
    # an MCP client's get_action shows the same outcome
    mcp = build_mcp(app, principals=Principals(app.deps, local_tenant=app.settings.tenant))
    async with Client(mcp, mode="legacy") as client:
        result = await client.call_tool("get_action", {"action_id": made.action.id})
    assert not result.is_error
    shown = result.structured_content["outcome"]
    assert shown["verdict"] == "positive" and shown["revenue_high"] == 145.0 and "cancelled" in shown["reason"]
