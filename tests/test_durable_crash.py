"""Crash safety of durable delivery: worker processes killed with SIGKILL at labelled points over at least
100 random points — on SQLite (one worker, as ``growth serve`` runs it) and on PostgreSQL (two workers
sharing the database) — and every approved action's mutation reaches the store exactly once (the test
server's per-key counts), none lost."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from datetime import datetime, timezone

import pytest
from sqlalchemy import insert, select

from policies.principal import Principal
from server.app import App, create_app
from server.demo.shopify_admin import ShopifyAdmin, serve
from server.persistence import models as m
from server.persistence import models_deliveries as md
from tests.conftest import make_settings
from tests.factories import proposal
from tools.actions import propose
from tools.audit import verify
from tools.connections import connect
from tools.decisions import decide

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
PRODUCTS = 300
KILLS = 100


async def _store(app: App) -> tuple[ShopifyAdmin, list[int]]:
    now = datetime.now(timezone.utc)
    async with app.db.write("demo") as tx:
        await tx.tenants.ensure(name="demo", now=now)
        for i in range(PRODUCTS):
            await tx.conn.execute(insert(m.Product).values(  # type: ignore[attr-defined]
                tenant_id="demo", handle=f"p-{i:03}", title=f"Product {i}", vendor="Atelier Nord",
                seo_title=f"Product {i}", seo_description="", updated_at=now))
    admin = ShopifyAdmin.seeded({
        "shop": {"name": "Northwind", "myshopifyDomain": "northwind.myshopify.com"},
        "products": [{"handle": f"p-{i:03}", "title": f"Product {i}", "seo": {"title": f"Product {i}"},
                      "variants": [{"sku": f"P-{i:03}", "title": "Default Title", "price": "10.00"}]}
                     for i in range(PRODUCTS)],
        "orders": []})
    ids = []
    for i in range(PRODUCTS):
        action = (await propose(app.deps, CONTENT, proposal(
            "content.rewrite_title", target=f"page:https://shop.example/products/p-{i:03}",
            params={"new_title": f"Product {i} – handwoven linen", "current_title": f"Product {i}"}))).action
        done = await decide(app.deps, OP, action_id=action.id, version=action.version, verdict="approve")
        assert done.execution and done.execution["status"] == "executed"
        ids.append(action.id)
    return admin, ids


@pytest.mark.timeout(1500)
async def test_sigkilled_workers_deliver_every_approved_change_exactly_once(db_url: str) -> None:
    app = await create_app(make_settings(db_url, rate_limit_executions=100_000))
    try:
        await _crash_loop(app, db_url)
    finally:
        await app.close()


async def _crash_loop(app: App, db_url: str) -> None:
    admin, ids = await _store(app)
    admin.slow(0.01)  # a delivery takes a few round trips: crash points land mid-batch, not after it
    workers = 1 if db_url.startswith("sqlite") else 2
    async with serve(admin) as url:
        await connect(app.deps, OP, provider="shopify", shop="northwind.myshopify.com", token="shpat_test",
                      api_url=url)
        result = await asyncio.to_thread(
            subprocess.run, [sys.executable, "-m", "tests.durable_harness", db_url, str(PRODUCTS), str(KILLS),
                             str(workers), "11"], capture_output=True, text=True, timeout=1200)
    assert result.returncode == 0, result.stderr[-4000:]
    summary = json.loads(result.stdout.strip().splitlines()[-1])
    assert summary["killed"] >= KILLS and summary["failed"] == 0, (summary, result.stderr[-4000:])
    assert all(n >= 10 for n in summary["by_label"].values()), summary
    assert summary["final_exits"] == [0] * workers, result.stderr[-4000:]

    counts = [admin.mutation_count(f"demo:action:{i}:execute:0") for i in ids]
    assert counts == [1] * PRODUCTS  # every change reached the store, none twice
    for i in range(PRODUCTS):
        product = admin.store.product_by_handle(f"p-{i:03}")
        assert product is not None and product.seo_title == f"Product {i} – handwoven linen"
    async with app.db.read("demo") as tx:
        states = list((await tx.conn.execute(select(md.StoreDelivery.state))).scalars())  # type: ignore[attr-defined]
    assert len(states) == PRODUCTS and set(states) == {"delivered"}
    assert (await verify(app.deps, "demo")).ok
