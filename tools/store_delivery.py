"""Delivering executed actions to the live store: a relay over the outbox.

An execution commits its local effect, its before-state and its outbox events in one
transaction (``tools.execution``). This relay picks the events up afterwards, one delivery
row per event (``enqueue``), and ``deliver`` takes one delivery through: claim it (a
conditional update in its own transaction, so two workers never both hold it), read the
live value, compare it with the before-value the execution recorded (a change made in the
store since is a ``conflict``: nothing is written, both values are kept), write it with the
event's identity as idempotency key, read it back and check it, record the outcome.

``deliver`` is idempotent: run again at any point — after a crash between the mutation and
the record, or on a claim that lapsed — it reads first, finds the new value already there
and records ``delivered`` without a second mutation. That is what makes it exactly once,
and what lets a durable workflow wrap it as is (its steps: claim, attempt, settle).

Purchase orders and tasks (channels ``email`` and ``task``) share the rows, claim, settle and audit; only
their attempt differs (``tools.delivery_messages``: a stored message instead of a live read), and they
need no store: ``run_delivery`` ignores ``store`` for them.
"""

from __future__ import annotations

from contextlib import AsyncExitStack
from dataclasses import asdict, dataclass, field
from datetime import datetime, timedelta
from typing import Any

from policies import ratelimit
from policies.lifecycle import Status
from tools import delivery_content, delivery_messages, delivery_orders
from tools.audit import record
from tools.connections import credentials
from tools.deps import Deps, Tx
from tools.delivery_message_plan import CHANNELS as MESSAGE_CHANNELS
from tools.delivery_plan import CHANNEL, conflict_reason, plan, same
from tools.delivery_types import TOPICS, DeliveryError, DeliveryRecord, LiveStore, LiveStores, Settlement
from tools.execution import kill_state
from tools.records import StoreCredentials

RATE_KEY = "deliveries"
#: how long a claim holds; a worker that dies mid-attempt gives the delivery back after this
LEASE = timedelta(minutes=5)
MAX_ATTEMPTS = 8
#: a rollback waits this long for the delivery of the change it undoes
SIBLING_WAIT = timedelta(seconds=30)
NO_CONNECTION = ("waiting for a Shopify connection for this store (growth connect shopify --shop "
                 "your-store.myshopify.com); nothing is lost: it is delivered once connected")
ACTOR = "system:delivery"


@dataclass(frozen=True, slots=True)
class DeliveryOutcome:
    delivery_id: int
    action_id: int
    #: delivered | conflict | delivery_failed | retrying | cancelled | held | deferred | not_claimable
    status: str
    message: str = ""
    mutated: bool = False


@dataclass(slots=True)
class DeliveryReport:
    enqueued: int = 0
    outcomes: list[DeliveryOutcome] = field(default_factory=list)
    #: why nothing was delivered this pass (kill switch, no connection, rate limit), if so
    waiting: str = ""

    def ids(self, status: str) -> list[int]:
        return [o.delivery_id for o in self.outcomes if o.status == status]

    def as_dict(self) -> dict[str, Any]:
        return {"enqueued": self.enqueued, "waiting": self.waiting, "outcomes": [asdict(o) for o in self.outcomes]}


# --- enqueue -------------------------------------------------------------------------------

async def enqueue(deps: Deps, tenant: str, *, limit: int = 500) -> int:
    """One delivery row for each deliverable outbox event that has none yet."""

    async def txn(tx: Tx) -> int:
        events = await tx.deliveries.undelivered_events(TOPICS, limit=limit)
        rows = []
        for outbox_id, action_id, topic, payload, key in events:
            action = await tx.actions.get(action_id) if action_id is not None else None
            execution = await tx.executions.for_action(action_id) if action_id is not None else None
            if action is None or execution is None:
                continue
            rows.append(plan(outbox_id, action, execution, topic, payload, key))
        return await tx.deliveries.add_many(rows, now=deps.now())

    return await deps.db.transact(tenant, txn)


# --- claim ---------------------------------------------------------------------------------

@dataclass(frozen=True, slots=True)
class _Claim:
    delivery: DeliveryRecord | None = None
    #: the pass stops here (kill switch, rate limit) and says why
    stop: str = ""
    #: settled without an attempt (cancelled, waiting for its sibling): the pass goes on
    outcome: DeliveryOutcome | None = None
    #: the stop is the rate limit: the delivery was deferred (its due time moved), not merely held
    deferred: bool = False


async def _claim(tx: Tx, deps: Deps, delivery_id: int | None, attempt: int | None = None, *,
                 channels: tuple[str, ...] | None = None) -> _Claim:
    """Claim a delivery (or the next due one). With ``attempt`` (a durable workflow's), only that attempt
    is claimed, and a row already claimed for it (the workflow died between claiming and recording that
    it had) is handed back as the workflow's own."""
    now = deps.now()
    kill = await kill_state(tx, deps)
    if kill.engaged:
        return _Claim(stop=f"kill switch engaged ({kill.source}): {kill.reason}; deliveries wait, nothing is lost")
    d = (await tx.deliveries.get(delivery_id) if delivery_id is not None
         else await tx.deliveries.next_due(now=now, channels=channels))
    if d is None:
        if delivery_id is not None:  # asked for one that is not there: nothing to wait for
            return _Claim(outcome=DeliveryOutcome(delivery_id, 0, "not_claimable", "no such delivery"))
        return _Claim()
    if attempt is not None and d.state == "delivering" and d.attempts == attempt + 1 and (
            d.next_attempt_at is not None and d.next_attempt_at > now):
        return _Claim(d)
    if attempt is not None and d.attempts != attempt:
        return _Claim(outcome=DeliveryOutcome(d.id, d.action_id, "not_claimable",
                                              f"attempt {attempt} is past (the delivery is at {d.attempts})"))
    claimable = d.state in ("pending", "delivering") and (d.next_attempt_at is None or d.next_attempt_at <= now)
    if not claimable:
        return _Claim(outcome=DeliveryOutcome(d.id, d.action_id, "not_claimable", f"delivery is {d.state}"))
    settled = await _order(tx, deps, d, now)
    if settled is not None:
        return _Claim(outcome=settled)
    window = ratelimit.window_start(now, deps.config.rate_window)
    used = await tx.ratelimits.bump(RATE_KEY, window, by=1) - 1
    granted, retry_at = ratelimit.grant(used, 1, limit=deps.config.rate_limit_executions, now=now,
                                        window=deps.config.rate_window)
    if not granted:
        await tx.ratelimits.unbump(RATE_KEY, window, by=1)
        assert retry_at is not None
        why = f"delivery rate limit reached; deferred until {retry_at.isoformat()}, not dropped"
        await tx.deliveries.defer(d.id, until=retry_at, reason=why, now=now)
        return _Claim(stop=why, deferred=True)
    claimed = await tx.deliveries.claim(d.id, attempt=d.attempts, now=now, until=now + LEASE)
    if claimed is None:
        await tx.ratelimits.unbump(RATE_KEY, window, by=1)
        return _Claim(outcome=DeliveryOutcome(d.id, d.action_id, "not_claimable", "another worker holds it"))
    return _Claim(claimed)


async def _order(tx: Tx, deps: Deps, d: DeliveryRecord, now: datetime) -> DeliveryOutcome | None:
    """A change and its rollback reach the store in order, and a change rolled back first never does."""
    action = await tx.actions.get(d.action_id)
    if d.op == "execute" and d.state == "pending" and action is not None and action.status == Status.ROLLED_BACK:
        why = "rolled back in the engine before it reached the live store: nothing to deliver"
        if await tx.deliveries.cancel(d.id, reason=why, now=now):
            await _audit(tx, deps, d, "action.delivery_cancelled", {"reason": why})
            return DeliveryOutcome(d.id, d.action_id, "cancelled", why)
    if d.op != "rollback":
        return None
    change = next((s for s in reversed(await tx.deliveries.for_action(d.action_id))
                   if s.op == "execute" and s.id < d.id and s.resource == d.resource), None)
    if change is None or change.state in ("delivered", "delivery_failed"):
        return None  # a failed change may still have landed: the rollback reads the store and decides
    if change.state == "pending":
        await tx.deliveries.cancel(change.id, reason="rolled back in the engine before it reached the live "
                                                     "store: nothing to deliver", now=now)
    elif change.state == "delivering":
        await tx.deliveries.defer(d.id, until=now + SIBLING_WAIT, now=now,
                                  reason="waits for the change it undoes to finish reaching the store")
        return DeliveryOutcome(d.id, d.action_id, "deferred", "waits for the change it undoes")
    why = "nothing to undo in the live store: the change never reached it"
    await tx.deliveries.cancel(d.id, reason=why, now=now)
    await _audit(tx, deps, d, "action.delivery_cancelled", {"reason": why})
    return DeliveryOutcome(d.id, d.action_id, "cancelled", why)


# --- one attempt ---------------------------------------------------------------------------

async def _read(store: LiveStore, d: DeliveryRecord,
                ids: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    kind, ref = d.resource.split(":", 1)
    if kind == "order":
        return await delivery_orders.read(store, d, ids)
    if kind in delivery_content.KINDS:
        return await delivery_content.read(store, d, ids)
    if kind == "product":
        product = await store.product(product_id=ids["product_id"]) if ids else await store.product(handle=ref)
        if product is None:
            raise DeliveryError(f"the live store has no product {ref!r}", code="target_not_found")
        return ({"seo_title": product.seo_title, "seo_description": product.seo_description},
                {"product_id": product.id})
    variant = await store.variant(variant_id=ids["variant_id"]) if ids else await store.variant(sku=ref)
    if variant is None:
        raise DeliveryError(f"the live store has no variant with SKU {ref!r}", code="target_not_found")
    return ({"price": variant.price, "compare_at_price": variant.compare_at_price},
            {"product_id": variant.product_id, "variant_id": variant.id})


async def _write(store: LiveStore, d: DeliveryRecord, ids: dict[str, Any]) -> dict[str, Any]:
    if d.resource.startswith("order:"):
        return await delivery_orders.write(store, d, ids)
    if d.resource.split(":", 1)[0] in delivery_content.KINDS:
        return await delivery_content.write(store, d, ids)
    if d.resource.startswith("product:"):
        seo = {name: str(d.target[f] or "") for f, name in (("seo_title", "title"), ("seo_description", "description"))
               if f in d.target}
        return await store.set_product_seo(ids["product_id"], seo, key=d.dedupe_key)
    return await store.set_variant_prices(ids["product_id"], ids["variant_id"], price=float(d.target["price"]),
                                          compare_at_price=d.target.get("compare_at_price"), key=d.dedupe_key)


async def attempt(deps: Deps, d: DeliveryRecord, store: LiveStore) -> tuple[Settlement, bool]:
    """Read, compare, write, read back: how this attempt ends, and whether it wrote."""
    live, ids = await _read(store, d)
    if same(live, d.target):
        # the store already holds it: an earlier attempt wrote it and died before recording, or someone
        # made the same change; either way a second write would change nothing but the count
        return Settlement("delivered", reason="the live store already held the new value; nothing written",
                          live=live, remote_ids=ids, response={"mutation": None}), False
    if not same(live, d.expected):
        return Settlement("conflict", reason=conflict_reason(live, d.expected), error_code="store_changed",
                          live=live, remote_ids=ids), False
    deps.step("before_mutation")
    response = await _write(store, d, ids)
    deps.step("after_mutation")
    back, found = await _read(store, d, ids)
    ids = {**ids, **found}  # a hold's id exists only once it is placed
    if not same(back, d.target):
        return Settlement("delivery_failed", reason=f"read back after the write: {conflict_reason(back, d.target)}",
                          error_code="readback_mismatch", live=back, remote_ids=ids, response=response), True
    return Settlement("delivered", live=back, remote_ids=ids, response=response), True


def _after_error(d: DeliveryRecord, exc: DeliveryError, now: datetime) -> Settlement:
    if exc.transient and d.attempts < MAX_ATTEMPTS:
        retry = now + timedelta(seconds=min(15 * 2 ** (d.attempts - 1), 3600))
        return Settlement("pending", reason=f"attempt {d.attempts} failed ({exc}); tries again at "
                                            f"{retry.isoformat()}", error_code=exc.code, response=exc.response,
                          next_attempt_at=retry)
    return Settlement("delivery_failed", reason=str(exc), error_code=exc.code, response=exc.response)


EVENTS = {"delivered": "action.delivered", "conflict": "action.delivery_conflict",
          "delivery_failed": "action.delivery_failed", "pending": "action.delivery_retrying"}


async def _audit(tx: Tx, deps: Deps, d: DeliveryRecord, event: str, data: dict[str, Any]) -> None:
    await record(tx, deps, actor=ACTOR, event=event, subject=f"action:{d.action_id}",
                 data={"delivery": d.id, "op": d.op, "channel": d.channel, "resource": d.resource, **data})


#: a claimed store delivery that finds the kill switch engaged before it writes is due again after this
KILL_RECHECK = timedelta(seconds=30)


async def _run(deps: Deps, tenant: str, d: DeliveryRecord, store: LiveStore | None) -> DeliveryOutcome:
    kill = await deps.db.query(tenant, lambda tx: kill_state(tx, deps))
    if kill.engaged and d.channel not in MESSAGE_CHANNELS:
        # claimed before the switch (or resumed after a crash, past its claim): nothing is written; it is
        # given back and waits like the rest (e-mail checks the switch itself, just before it sends)
        why = f"kill switch engaged ({kill.source}): {kill.reason}; waits, nothing was written"
        result = Settlement("pending", reason=why, error_code="kill_switch", next_attempt_at=deps.now() + KILL_RECHECK)
        mutated = False
    else:
        try:
            if d.channel in MESSAGE_CHANNELS:  # e-mail and tasks: no store involved (tools.delivery_messages)
                result, mutated = await delivery_messages.attempt(deps, tenant, d)
            else:
                assert store is not None, "a store delivery needs the live store"
                result, mutated = await attempt(deps, d, store)
        except DeliveryError as exc:
            result, mutated = _after_error(d, exc, deps.now()), False

    async def txn(tx: Tx) -> bool:
        if not await tx.deliveries.settle(d.id, attempt=d.attempts, result=result, now=deps.now()):
            return False
        await _audit(tx, deps, d, EVENTS[result.state], {
            "attempt": d.attempts, "code": result.error_code, "reason": result.reason, "mutated": mutated,
            "expected": d.expected, "target": d.target, "live": result.live, "remote_ids": result.remote_ids})
        return True

    kept = await deps.db.transact(tenant, txn)
    deps.step("after_record")
    await deps.changed(tenant, d.action_id)
    status = "retrying" if result.state == "pending" else result.state
    return DeliveryOutcome(d.id, d.action_id, status if kept else "not_claimable",
                           result.reason if kept else "the claim lapsed and another worker took it over", mutated)


# --- the unit a workflow wraps, and the worker pass ----------------------------------------

async def claim_delivery(deps: Deps, tenant: str, delivery_id: int,
                         attempt: int | None = None) -> DeliveryRecord | DeliveryOutcome:
    """The first step: the claimed delivery, or why it cannot be taken now: ``held`` (kill switch),
    ``deferred`` (rate limit: due again later), ``not_claimable`` (settled, or someone else's)."""
    claim = await deps.db.transact(tenant, lambda tx: _claim(tx, deps, delivery_id, attempt))
    if claim.delivery is None:
        return claim.outcome or DeliveryOutcome(delivery_id, 0, "deferred" if claim.deferred else "held", claim.stop)
    deps.step("after_claim")
    return claim.delivery


async def run_delivery(deps: Deps, tenant: str, d: DeliveryRecord, store: LiveStore | None) -> DeliveryOutcome:
    """The second step: attempt a claimed delivery and settle it. Run again with the same claim (a durable
    workflow resuming after a crash) it reads first and settles at most once (the claim's attempt number)."""
    return await _run(deps, tenant, d, store)


async def deliver(deps: Deps, tenant: str, delivery_id: int, store: LiveStore) -> DeliveryOutcome:
    """Take one delivery through, once; safe to call again at any point, concurrently too."""
    claimed = await claim_delivery(deps, tenant, delivery_id)
    if isinstance(claimed, DeliveryOutcome):
        return claimed
    return await run_delivery(deps, tenant, claimed, store)


async def deliver_pending(deps: Deps, tenant: str, *, stores: LiveStores, fallback: StoreCredentials | None = None,
                          limit: int = 100) -> DeliveryReport:
    """One relay pass for a tenant: enqueue new events, then deliver what is due, one claim at a time."""
    report = DeliveryReport(enqueued=await enqueue(deps, tenant))
    kill = await deps.db.query(tenant, lambda tx: kill_state(tx, deps))
    if kill.engaged:
        report.waiting = f"kill switch engaged ({kill.source}): {kill.reason}; deliveries wait, nothing is lost"
        return report
    found = await credentials(deps, tenant, CHANNEL, fallback=fallback)
    # without a Shopify connection the store's deliveries wait; e-mail and tasks still go
    channels = None if found is not None else MESSAGE_CHANNELS
    if found is None:
        await deps.db.transact(tenant, lambda tx: tx.deliveries.set_pending_reason(NO_CONNECTION, now=deps.now(),
                                                                                   channel=CHANNEL))
        report.waiting = NO_CONNECTION
    async with AsyncExitStack() as stack:
        store: LiveStore | None = None
        for _ in range(limit):
            claim = await deps.db.transact(tenant, lambda tx: _claim(tx, deps, None, channels=channels))
            if claim.outcome is not None:
                report.outcomes.append(claim.outcome)
                continue
            if claim.delivery is None:
                report.waiting = claim.stop or report.waiting
                break
            if store is None and found is not None and claim.delivery.channel not in MESSAGE_CHANNELS:
                store = await stack.enter_async_context(stores.open(found))
            report.outcomes.append(await _run(deps, tenant, claim.delivery, store))
    return report
