"""The background worker, inside ``growth serve`` or alone as ``growth worker``: executes approved work,
expires stale approvals, wakes snoozed ones, sends webhooks, and hands deliveries to the durable engine.

Every ``worker_interval_seconds`` (sooner when an action changes in this process), for each tenant whose
worker lease this process holds, one pass; beside it, the operations cycles whose period began are
enqueued. Deliveries themselves run as DBOS workflows on whichever
worker dequeues them (``server.durable.delivery``); the pass only enqueues what is due.
"""

from __future__ import annotations

import asyncio
import logging
from datetime import timedelta

from server.app import App
from server.connectors.webhooks import HttpWebhookSender
from server.durable.cycle import fan_out
from server.durable.delivery import enqueue_due
from server.durable.engine import Durable
from tools.execution import run_due
from tools.notify_scan import notify_pass
from tools.webhooks import deliver_due

log = logging.getLogger("growth.worker")
#: the least time between two passes
MIN_GAP = 0.2


async def run_worker(app: App, role: str = "worker", *, stop: asyncio.Event | None = None) -> None:
    """The durable engine and the worker loop, until ``stop`` is set (or the task is cancelled)."""
    async with Durable(app, role=role) as durable:
        await worker_loop(app, durable, stop=stop)


async def worker_loop(app: App, durable: Durable, *, stop: asyncio.Event | None = None) -> None:
    interval = app.settings.worker_interval_seconds
    wake = asyncio.Event()

    async def on_change(_tenant: str, _action_id: int) -> None:
        wake.set()

    app.deps.listeners.append(on_change)
    webhooks = HttpWebhookSender(allow_private=app.settings.webhook_private_networks)
    starter = asyncio.create_task(start_cycles(interval), name="growth-cycle-fan-out")
    try:
        while stop is None or not stop.is_set():
            wake.clear()
            await worker_pass(app, durable.worker_id, interval, webhooks)
            await asyncio.sleep(MIN_GAP)  # a burst of changes wakes one pass, not one per change
            try:
                await asyncio.wait_for(wake.wait(), timeout=interval)
            except TimeoutError:
                pass
    finally:
        starter.cancel()
        await asyncio.gather(starter, return_exceptions=True)
        app.deps.listeners.remove(on_change)
        await webhooks.aclose()


async def start_cycles(interval: float) -> None:
    """Every ``interval``, the operations cycles whose period began (the minute schedule does it too; each
    is enqueued once). Apart from the tenants' passes, so a long pass never makes a period's start late."""
    while True:
        try:
            await fan_out()
        except Exception:  # logged; the next round and the schedule try again
            log.exception("cycle fan-out failed")
        await asyncio.sleep(interval)


async def worker_pass(app: App, me: str, interval: float, webhooks: HttpWebhookSender) -> None:
    for tenant in await app.db.tenant_ids():
        now = app.deps.now()
        held = await app.db.transact(tenant, lambda tx: tx.leases.acquire(
            "worker", holder=me, until=now + timedelta(seconds=max(interval * 3, 15)), now=now))
        if not held:
            continue
        try:
            await run_due(app.deps, tenant)
        except Exception:  # one tenant's failure must not stop the others; it is logged, not swallowed
            log.exception("worker pass failed for tenant %s", tenant)
        try:
            await deliver_due(app.deps, tenant, sender=webhooks)
        except Exception:  # as above: logged; the rows stay due and the next pass retries them
            log.exception("webhook pass failed for tenant %s", tenant)
        try:
            await enqueue_due(tenant)
        except Exception:  # as above: logged; the outbox keeps the events and the next pass enqueues them
            log.exception("store delivery relay failed for tenant %s", tenant)
        try:
            await notify_pass(app.deps, tenant)  # failures, alerts and the digest, told once each
        except Exception:  # as above: logged; what was not told is found again next pass
            log.exception("notification pass failed for tenant %s", tenant)
