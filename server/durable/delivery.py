"""Store deliveries as DBOS workflows: one per delivery attempt, on a queue partitioned by shop.

The relay (``enqueue_due``) reads the committed outbox (``tools.store_delivery.enqueue`` makes the
delivery rows) and enqueues one workflow per due row. The workflow's id names the row, its attempt and
its due time, so enqueuing again while it waits or runs changes nothing, and a retry (a new attempt or
a new due time) is a new workflow. Its steps:

1. **claim** exactly that attempt (``tools.store_delivery.claim_delivery``): held by the kill switch, it
   waits and asks again (durable sleeps), so a release resumes it; deferred by the rate limit, it ends
   and the relay enqueues the deferred row when it is due;
2. **attempt and settle** (``run_delivery``): read the live store, write once, read back, record.

A crash anywhere resumes at the step where it stopped: a claim already made is the workflow's own, and
the attempt reads the store first, so a mutation that landed before the crash is recorded without a
second one. Why a relay over the outbox and not an enqueue in the execution's transaction: the
execution commits in the app's database and DBOS keeps its queue in its own system database (a separate
file on SQLite), so the two cannot commit atomically; reading the committed outbox can neither lose an
event nor deliver one that rolled back.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from dbos import DBOS, SetEnqueueOptions, SetWorkflowID

from server.connectors.shopify_live import ShopifyLiveStores
from server.durable.engine import DELIVERY_QUEUE, current_app, running
from server.store_delivery import settings_credentials
from tools.connections import credentials
from tools.delivery_plan import CHANNEL
from tools.delivery_types import DeliveryRecord, LiveStore
from tools.execution import kill_state
from tools.records import StoreCredentials
from tools.store_delivery import (MESSAGE_CHANNELS, NO_CONNECTION, DeliveryOutcome, claim_delivery, enqueue,
                                  run_delivery)

#: how many enqueued workflow ids a process remembers (to skip asking DBOS again); the oldest are forgotten
REMEMBERED = 20_000
#: the longest a kill-switch hold sleeps between asking again (the switch's release resumes within this)
HOLD_MAX_SLEEP = 5.0


def workflow_id(tenant: str, delivery_id: int, attempts: int, due: datetime | None) -> str:
    stamp = int(due.timestamp() * 1000) if due is not None else 0
    return f"delivery:{tenant}:{delivery_id}:{attempts}:{stamp}"


# --- the live stores this process has open ---------------------------------------------------

@dataclass
class _Stores:
    """One open client per store credential, reused by every delivery of that store in this process."""

    opener: ShopifyLiveStores | None = None
    open: dict[tuple[str, str, str], LiveStore] = field(default_factory=dict)
    stack: AsyncExitStack = field(default_factory=AsyncExitStack)

    async def get(self, found: StoreCredentials) -> LiveStore:
        key = (found.shop, found.api_url or "", found.token)
        if key not in self.open:
            if self.opener is None:
                self.opener = ShopifyLiveStores(api_version=current_app().settings.shopify_api_version)
            self.open[key] = await self.stack.enter_async_context(self.opener.open(found))
        return self.open[key]

    async def close(self) -> None:
        self.open.clear()
        await self.stack.aclose()
        self.stack = AsyncExitStack()


STORES = _Stores()


async def tenant_credentials(tenant: str) -> StoreCredentials | None:
    app = current_app()
    return await credentials(app.deps, tenant, CHANNEL, fallback=settings_credentials(app.settings, tenant))


# --- the workflow ----------------------------------------------------------------------------

@DBOS.step(name="growth.delivery.claim")
async def claim_step(tenant: str, delivery_id: int, attempt: int) -> DeliveryRecord | DeliveryOutcome:
    return await claim_delivery(current_app().deps, tenant, delivery_id, attempt)


@DBOS.step(name="growth.delivery.attempt")
async def attempt_step(tenant: str, d: DeliveryRecord) -> DeliveryOutcome:
    deps = current_app().deps
    if d.channel in MESSAGE_CHANNELS:  # e-mail and tasks: no store involved
        return await run_delivery(deps, tenant, d, None)
    found = await tenant_credentials(tenant)
    if found is None:
        # disconnected since it was enqueued: the claim lapses and the relay finds it waiting for a connection
        return DeliveryOutcome(d.id, d.action_id, "held", NO_CONNECTION)
    return await run_delivery(deps, tenant, d, await STORES.get(found))


@DBOS.workflow(name="growth.delivery")
async def delivery_workflow(tenant: str, delivery_id: int, attempt: int) -> dict[str, Any]:
    pause = 0.25
    while True:
        claimed = await claim_step(tenant, delivery_id, attempt)
        if isinstance(claimed, DeliveryRecord):
            break
        if claimed.status != "held":
            return asdict(claimed)
        await DBOS.sleep_async(pause)  # the kill switch: ask again, ever less often, until it is released
        pause = min(pause * 2, HOLD_MAX_SLEEP)
    return asdict(await attempt_step(tenant, claimed))


# --- the relay -------------------------------------------------------------------------------

@dataclass(slots=True)
class RelayPass:
    enqueued_rows: int = 0
    workflows: list[str] = field(default_factory=list)
    waiting: str = ""


async def enqueue_due(tenant: str, *, limit: int = 500) -> RelayPass:
    """Make delivery rows for new outbox events, then one workflow per due row (idempotent)."""
    app = current_app()
    deps = app.deps
    report = RelayPass(enqueued_rows=await enqueue(deps, tenant))
    kill = await deps.db.query(tenant, lambda tx: kill_state(tx, deps))
    if kill.engaged:
        report.waiting = f"kill switch engaged ({kill.source}): {kill.reason}; deliveries wait, nothing is lost"
        return report
    found = await tenant_credentials(tenant)
    if found is None:
        # the store's deliveries wait for a connection; e-mail and tasks still go
        await deps.db.transact(tenant, lambda tx: tx.deliveries.set_pending_reason(NO_CONNECTION, now=deps.now(),
                                                                                   channel=CHANNEL))
        report.waiting = NO_CONNECTION
    due = await deps.db.query(tenant, lambda tx: tx.deliveries.due(now=deps.now(), limit=limit))
    durable = running()
    queue, seen = durable.queues[DELIVERY_QUEUE], durable.enqueued
    for delivery_id, channel, attempts, next_at in due:
        if channel in MESSAGE_CHANNELS:
            partition = f"{channel}:{tenant}"  # one tenant's mail never waits behind another's store
        elif found is not None:
            partition = f"shopify:{found.shop}"
        else:
            continue
        wid = workflow_id(tenant, delivery_id, attempts, next_at)
        if wid in seen:
            continue  # enqueued by this process already (another process's enqueue attaches to the same id)
        with SetWorkflowID(wid), SetEnqueueOptions(queue_partition_key=partition):
            await queue.enqueue_async(delivery_workflow, tenant, delivery_id, attempts)
        seen[wid] = None
        if len(seen) > REMEMBERED:
            del seen[next(iter(seen))]
        report.workflows.append(wid)
    return report

