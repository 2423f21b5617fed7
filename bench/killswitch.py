"""How fast the kill switch halts the durable engine: the time from engaging it to the last mutation the
live store receives.

Each trial: a batch of executed title rewrites waiting for delivery, the durable engine delivering them
to the Shopify test server (20 ms a request), the kill switch engaged at a random moment while
deliveries are in flight. The store's mutation count is sampled every 2 ms; the halt time is from the
engagement to the last mutation that began after it (0 when none did). A delivery already past its
claim may finish its write (the claim was taken before the switch); nothing is claimed after it.
Issue 13's target: p99 under 1 s.

    .venv/bin/python bench/killswitch.py [--trials 30] [--batch 60]
"""

from __future__ import annotations

import argparse
import asyncio
import random
import sys
import time
from datetime import datetime, timezone
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

from bench.common import machine, percentile  # noqa: E402
from bench.delivery import OP, TENANT, TOKEN, executed_batch, open_bucket, seed  # noqa: E402
from server.demo.shopify_admin import ShopifyAdmin, serve  # noqa: E402
from server.durable.delivery import enqueue_due  # noqa: E402
from server.durable.engine import Durable  # noqa: E402
from tools.connections import connect  # noqa: E402


async def trial(batch: int, rng: random.Random) -> tuple[float, int, int]:
    """(seconds from engaging to the last mutation after it, mutations before, mutations after)."""
    app = await executed_batch(batch)
    admin = open_bucket(ShopifyAdmin.seeded(seed(batch)))
    admin.slow(0.020)
    try:
        async with serve(admin) as url:
            await connect(app.deps, OP, provider="shopify", shop="northwind.myshopify.com", token=TOKEN, api_url=url)
            async with Durable(app):
                await enqueue_due(TENANT)
                started = time.perf_counter()
                while not admin.mutations and time.perf_counter() - started < 30:
                    await asyncio.sleep(0.002)  # deliveries are flowing: the switch meets them in flight
                await asyncio.sleep(rng.uniform(0.0, 0.5))
                async with app.db.write(TENANT) as tx:
                    await tx.kill.set(TENANT, engaged=True, reason="bench", by="operator", now=app.deps.now())
                engaged = time.perf_counter()
                before = seen = len(admin.mutations)
                last = engaged
                while time.perf_counter() - engaged < 3.0:  # well past any attempt in flight
                    now = len(admin.mutations)
                    if now != seen:
                        seen, last = now, time.perf_counter()
                    await asyncio.sleep(0.002)
                return (last - engaged if seen > before else 0.0), before, seen - before
    finally:
        await app.close()


async def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("--trials", type=int, default=30)
    parser.add_argument("--batch", type=int, default=60)
    args = parser.parse_args()
    rng = random.Random(13)
    print(f"# bench/killswitch.py — {datetime.now(timezone.utc):%Y-%m-%d %H:%M} UTC — {machine()}")
    halts, after, before = [], [], []
    for _ in range(args.trials):
        halt, early, late = await trial(args.batch, rng)
        halts.append(halt)
        after.append(late)
        before.append(early)
    print(f"kill switch → last mutation, {args.trials} trials of {args.batch} deliveries (20 ms a request): "
          f"p50 {percentile(halts, 50) * 1000:.0f} ms, p99 {percentile(halts, 99) * 1000:.0f} ms, "
          f"max {max(halts) * 1000:.0f} ms (target p99 < 1000 ms); mutations after engaging: "
          f"at most {max(after)} (attempts already past their claim); delivered before engaging: "
          f"{min(before)}-{max(before)} of {args.batch} (the switch met deliveries in flight)")


if __name__ == "__main__":
    asyncio.run(main())
