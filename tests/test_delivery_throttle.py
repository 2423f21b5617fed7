"""Deliveries under Shopify's query-cost bucket, and the kill switch stopping them mid-batch.

The test server meters every request with a bucket of 100 points refilling at 50 a second (a
delivery costs about 14: two reads of 2 and a mutation of 10), so a batch quickly drains it and
the connector must pace itself on ``extensions.cost.throttleStatus``. The batch of 500 runs on a
stepped clock shared by the bucket and the connector's sleep, so the arithmetic is Shopify's
and the run takes seconds, not the 2.3 minutes the bucket would take in real time; the kill
switch runs on the real clock, because its bound (no mutation more than 1 s after engaging) is
one of wall time.
"""

from __future__ import annotations

import asyncio
import contextlib
import time
from collections.abc import AsyncIterator
from datetime import datetime, timezone
from typing import Any

import pytest
from sqlalchemy import insert

from policies.principal import Principal
from server.app import App, create_app
from server.connectors.http import Http
from server.connectors.shopify_live import ShopifyLiveStores
from server.demo.shopify_admin import ShopifyAdmin, serve
from server.demo.shopify_admin.cost import Bucket
from server.persistence import models as m
from tests.conftest import make_settings
from tests.factories import proposal
from tools.actions import get_action, propose
from tools.connections import connect
from tools.decisions import decide
from tools.store_delivery import DeliveryReport, deliver_pending

pytestmark = pytest.mark.parametrize("backend", ["sqlite"])

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
BATCH = 500
MAXIMUM, RESTORE_RATE = 100.0, 50.0


class SteppedTime:
    """A clock that moves only when someone sleeps on it: the bucket refills as the client waits."""

    def __init__(self) -> None:
        self.t = 0.0

    def __call__(self) -> float:
        return self.t

    async def sleep(self, seconds: float) -> None:
        self.t += seconds
        await asyncio.sleep(0)


def handle(i: int) -> str:
    return f"tote-{i:04d}"


async def _store(app: App, n: int) -> dict[str, Any]:
    """``n`` products in the engine's copy of the store, and the same ``n`` for the test server."""
    now = datetime.now(timezone.utc)
    async with app.db.write("demo") as tx:
        await tx.tenants.ensure(name="demo", now=now)
        await tx.conn.execute(insert(m.Product), [  # type: ignore[attr-defined]
            {"tenant_id": "demo", "handle": handle(i), "title": f"Tote {i}", "vendor": "Atelier Nord",
             "seo_title": f"Tote {i}", "seo_description": "A tote.", "updated_at": now} for i in range(n)])
    return {"shop": {"name": "Northwind", "myshopifyDomain": "northwind.myshopify.com"},
            "products": [{"handle": handle(i), "title": f"Tote {i}",
                          "seo": {"title": f"Tote {i}", "description": "A tote."}} for i in range(n)]}


async def _executed_title_rewrites(app: App, n: int) -> list[int]:
    ids = []
    for i in range(n):
        p = proposal("content.rewrite_title", target=f"page:https://shop.example/products/{handle(i)}",
                     params={"new_title": f"Tote {i} – Handwoven Linen", "current_title": f"Tote {i}"})
        action = (await propose(app.deps, CONTENT, p)).action
        res = await decide(app.deps, OP, action_id=action.id, version=action.version, verdict="approve")
        assert res.execution and res.execution["status"] == "executed"
        ids.append(action.id)
    return ids


@pytest.fixture
async def app(db_url: str) -> AsyncIterator[App]:
    # the delivery rate limit (120 a minute by default) is the engine's own pacing; here the bucket is
    application = await create_app(make_settings(db_url, rate_limit_executions=100_000))
    yield application
    await application.close()


async def _relay_until_done(app: App, stores: ShopifyLiveStores, *, passes: int) -> list[DeliveryReport]:
    """Relay passes until one delivers nothing or says why it waits (every wait bounded by ``passes``)."""
    reports = []
    for _ in range(passes):
        report = await deliver_pending(app.deps, "demo", stores=stores)
        reports.append(report)
        if report.waiting or not report.outcomes:
            break
    return reports


async def test_a_batch_of_500_under_a_100_point_bucket_is_delivered_once_each_with_throttling_transient(
        app: App) -> None:
    clock = SteppedTime()
    admin = ShopifyAdmin.seeded(await _store(app, BATCH),
                                bucket=Bucket(maximum=MAXIMUM, restore_rate=RESTORE_RATE, clock=clock))
    ids = await _executed_title_rewrites(app, BATCH)
    http = Http(sleep=clock.sleep, attempts=3, timeout_s=30.0)
    try:
        async with serve(admin) as url:
            await connect(app.deps, OP, provider="shopify", shop="northwind.myshopify.com", token="shpat_test",
                          api_url=url)
            reports = await _relay_until_done(app, ShopifyLiveStores(api_version="2025-10", http=http),
                                              passes=BATCH // 100 + 2)
    finally:
        await http.aclose()

    statuses = [o.status for r in reports for o in r.outcomes]
    assert statuses == ["delivered"] * BATCH and all(not r.waiting for r in reports)
    keys = admin.counts_by_key()
    assert len(keys) == BATCH and set(keys.values()) == {1}
    assert keys.keys() == {f"demo:action:{i}:execute:0" for i in ids}
    # the bucket did bite, and each THROTTLED answer was followed by one that ran: never twice in a row
    outcomes = [r.outcome for r in admin.requests]
    assert set(outcomes) == {"ok", "throttled"} and 0 < admin.throttled <= BATCH
    assert all(not (a == b == "throttled") for a, b in zip(outcomes, outcomes[1:], strict=False))
    # and it took the time the bucket needs, not less (14 points a delivery, 100 to start with)
    assert clock.t >= (14 * BATCH - MAXIMUM) / RESTORE_RATE * 0.95
    shown = (await get_action(app.deps, OP, action_id=ids[-1]))["delivery"]
    assert shown["state"] == "delivered"


async def test_the_kill_switch_engaged_mid_batch_stops_deliveries_within_a_second(app: App) -> None:
    batch, engage_after = 40, 10
    admin = ShopifyAdmin.seeded(await _store(app, batch))
    admin.throttle(maximum=MAXIMUM, restore_rate=RESTORE_RATE, available=MAXIMUM)
    ids = await _executed_title_rewrites(app, batch)
    tenth = asyncio.Event()

    def count(label: str) -> None:
        if label == "after_mutation" and admin.mutation_count() >= engage_after:
            tenth.set()

    app.deps.on_step = count
    async with serve(admin) as url:
        await connect(app.deps, OP, provider="shopify", shop="northwind.myshopify.com", token="shpat_test",
                      api_url=url)
        stores = ShopifyLiveStores(api_version="2025-10")
        relay = asyncio.create_task(_relay_until_done(app, stores, passes=3))
        try:
            async with asyncio.timeout(30):
                await tenth.wait()
            async with app.db.write("demo") as tx:
                await tx.kill.set("demo", engaged=True, reason="test", by="operator", now=app.deps.now())
            engaged = time.monotonic()
            async with asyncio.timeout(30):
                reports = await relay
        finally:
            if not relay.done():
                relay.cancel()
                with contextlib.suppress(asyncio.CancelledError):
                    await relay

    last = max(mu.at for mu in admin.mutations)
    assert last - engaged <= 1.0, f"a mutation reached the store {last - engaged:.3f} s after the kill switch"
    assert any("kill switch" in r.waiting for r in reports)
    delivered = [o.action_id for r in reports for o in r.outcomes if o.status == "delivered"]
    assert engage_after <= len(delivered) < batch and len(admin.mutations) == len(delivered)
    assert set(admin.counts_by_key().values()) == {1}
    # nothing is lost: the rest waits, pending, for the switch to be released
    waiting = [i for i in ids if i not in delivered]
    states = {(await get_action(app.deps, OP, action_id=i))["delivery"]["state"] for i in waiting}
    assert states == {"pending"}
