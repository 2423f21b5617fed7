"""Webhooks: a tenant's events POSTed, signed, to the endpoints it subscribed, with retries and a dead letter.

Flow:

1. ``growth webhooks add URL --topic action.executed`` stores an endpoint with a fresh signing
   secret (``whsec_…``), sealed with the vault key; the secret is shown once, then never again.
2. Every audit event is a possible webhook event: ``tools.webhook_events.enqueue_for`` (called by
   ``tools.audit.record_many``, in the transaction that records the event) queues one ``pending``
   delivery per subscribed endpoint, its payload references only (PII redacted).
3. The worker (``growth serve``) calls ``deliver_due`` for each tenant every pass. A pass claims due
   rows in a transaction (``FOR UPDATE SKIP LOCKED`` on PostgreSQL, the write lock on SQLite; the
   attempt count goes up and the row is not due again until its claim lapses), so two passes never
   send the same row at once. It then POSTs each one outside any transaction, signed as the Standard
   Webhooks specification says (``tools.webhook_signing``), and records the outcome: a 2xx is
   ``delivered``; anything else (a status, a timeout, a refused connection) is due again after an
   exponential backoff, and ``dead`` after ``max_attempts`` attempts.
4. ``growth webhooks deliveries --dead`` shows the dead letters; ``growth webhooks replay ID`` queues
   one again (same ``webhook-id``, so a receiver that did get it can tell) and tries it at once.

Delivery is at least once: a worker that dies after the POST and before recording it sends the
row again once its claim lapses; receivers dedupe on ``webhook-id``, as the specification expects.
The kill switch holds deliveries, as it holds executions.
"""

from __future__ import annotations

import json
from dataclasses import asdict
from datetime import timedelta
from typing import Any
from urllib.parse import urlsplit

import anyio

from policies.principal import Principal
from tools.addresses import closed_address, is_loopback_host, legacy_literal
from tools.audit import record
from tools.deps import Deps, Tx
from tools.errors import InvalidInput, NotFound
from tools.execution import kill_state
from tools.registry import operation
from tools.webhook_events import TOPIC
from tools.webhook_signing import headers, new_secret
from tools.webhook_types import WebhookDeliveryRecord, WebhookEndpointRecord, WebhookResponse, WebhookSender

MAX_ATTEMPTS = 8
BASE_DELAY = timedelta(seconds=30)
MAX_DELAY = timedelta(hours=6)
#: an attempt in flight longer than this is presumed lost and the row is due again
CLAIM = timedelta(minutes=2)
STATUSES = ("pending", "delivered", "dead", "cancelled")


def backoff(attempt: int, *, base: timedelta = BASE_DELAY, cap: timedelta = MAX_DELAY) -> timedelta:
    """The wait after failed attempt ``attempt`` (1-based): base, 2×base, 4×base… up to ``cap``."""
    return min(base * (2 ** (attempt - 1)), cap)


def endpoint_url(value: str, *, allow_private: bool = False) -> str:
    parts = urlsplit(value.strip())
    if parts.scheme not in ("http", "https") or not parts.hostname:
        raise InvalidInput(f"{value!r} is not an http(s) URL", code="invalid_webhook_url")
    if parts.scheme == "http" and not is_loopback_host(parts.hostname):
        raise InvalidInput("events would travel in clear text: use https, or http on this machine only",
                           code="invalid_webhook_url")
    try:
        parts.port  # noqa: B018 (a port out of range raises here)
    except ValueError:
        raise InvalidInput(f"{value!r} has a port out of range", code="invalid_webhook_url") from None
    if legacy_literal(parts.hostname):
        raise InvalidInput(f"{parts.hostname!r} is an address written as a number, in octal or in hex: write it "
                           "plainly (or use a name)", code="invalid_webhook_url")
    closed = closed_address(parts.hostname, allow_private=allow_private)
    if closed is not None:
        raise InvalidInput(f"webhooks go to public receivers (or this machine): {closed}",
                           code="invalid_webhook_url")
    return value.strip()


def _topics(values: list[str]) -> list[str]:
    topics = sorted({v.strip() for v in values if v.strip()})
    if not topics:
        raise InvalidInput("name at least one topic (action.executed, action.*, or * for every event)",
                           code="invalid_topic")
    bad = [t for t in topics if not TOPIC.match(t)]
    if bad:
        raise InvalidInput(f"not a topic: {', '.join(bad)} (e.g. action.executed, action.*, *)",
                           code="invalid_topic")
    return topics


def endpoint_view(e: WebhookEndpointRecord) -> dict[str, Any]:
    return {"id": e.id, "url": e.url, "topics": e.topics, "created_by": e.created_by, "created_at": e.created_at,
            "removed_at": e.removed_at}


def delivery_view(d: WebhookDeliveryRecord) -> dict[str, Any]:
    return asdict(d)


@operation("webhooks.add")
async def add_endpoint(deps: Deps, principal: Principal, *, url: str, topics: list[str]) -> dict[str, Any]:
    """Subscribe ``url`` to ``topics``; the answer holds the signing secret, shown this once."""
    url, topics = endpoint_url(url, allow_private=deps.config.webhook_private_networks), _topics(topics)
    secret, now = new_secret(), deps.now()

    async def txn(tx: Tx) -> WebhookEndpointRecord:
        await tx.tenants.ensure(name=principal.tenant, now=now)
        added = await tx.webhooks.add_endpoint(url=url, topics=topics, secret=secret, by=principal.subject, now=now)
        await record(tx, deps, actor=principal.subject, event="webhook.added", subject=f"webhook:{added.id}",
                     data={"url": url, "topics": topics})
        return added

    return {**endpoint_view(await deps.db.transact(principal.tenant, txn)), "secret": secret}


@operation("webhooks.remove")
async def remove_endpoint(deps: Deps, principal: Principal, *, endpoint_id: int) -> dict[str, Any]:
    """Stop sending to the endpoint; its pending deliveries are cancelled."""
    now = deps.now()

    async def txn(tx: Tx) -> WebhookEndpointRecord:
        gone = await tx.webhooks.remove_endpoint(endpoint_id, now=now)
        if gone is None:
            raise NotFound(f"no webhook endpoint {endpoint_id}", code="webhook_not_found")
        await record(tx, deps, actor=principal.subject, event="webhook.removed", subject=f"webhook:{endpoint_id}",
                     data={"url": gone.url})
        return gone

    return endpoint_view(await deps.db.transact(principal.tenant, txn))


@operation("webhooks.list")
async def list_endpoints(deps: Deps, principal: Principal) -> list[dict[str, Any]]:
    rows = await deps.db.query(principal.tenant, lambda tx: tx.webhooks.endpoints())
    return [endpoint_view(e) for e in rows]


@operation("webhooks.deliveries")
async def list_deliveries(deps: Deps, principal: Principal, *, status: str | None = None,
                          limit: int = 100) -> list[dict[str, Any]]:
    if status is not None and status not in STATUSES:
        raise InvalidInput(f"unknown status {status!r}; one of {', '.join(STATUSES)}", code="invalid_status")
    rows = await deps.db.query(principal.tenant, lambda tx: tx.webhooks.deliveries(
        status=status, limit=max(1, min(limit, 1000))))
    return [delivery_view(d) for d in rows]


@operation("webhooks.replay")
async def replay(deps: Deps, principal: Principal, *, delivery_id: int,
                 sender: WebhookSender | None = None) -> dict[str, Any]:
    """Queue a dead (or delivered) delivery again, with fresh attempts; with a ``sender``, try it now."""
    now = deps.now()

    async def txn(tx: Tx) -> None:
        found = await tx.webhooks.get_delivery(delivery_id)
        if found is None:
            raise NotFound(f"no webhook delivery {delivery_id}", code="delivery_not_found")
        if not await tx.webhooks.requeue(delivery_id, now=now):
            raise InvalidInput(f"delivery {delivery_id} is {found.status}: only a dead or delivered delivery to "
                               "an endpoint still subscribed can be replayed", code="not_replayable")
        await record(tx, deps, actor=principal.subject, event="webhook.replayed",
                     subject=f"webhook_delivery:{delivery_id}", data={"endpoint": found.endpoint_id,
                                                                      "was": found.status})

    await deps.db.transact(principal.tenant, txn)
    if sender is not None:
        await deliver_due(deps, principal.tenant, sender=sender, ids=[delivery_id])
    done = await deps.db.query(principal.tenant, lambda tx: tx.webhooks.get_delivery(delivery_id))
    assert done is not None
    return delivery_view(done)


#: the topics the kill switch does not hold
NOTIFY_PREFIX = "notify."


async def deliver_due(deps: Deps, tenant: str, *, sender: WebhookSender, limit: int = 100,
                      max_attempts: int = MAX_ATTEMPTS, concurrency: int = 8,
                      ids: list[int] | None = None) -> dict[str, int]:
    """One pass: claim the tenant's due deliveries, POST each, record each outcome. Returns counts."""
    now = deps.now()

    async def claim(tx: Tx) -> list[WebhookDeliveryRecord]:
        # the kill switch holds the store's events; notifications (``notify.*``: the switch itself, failures,
        # alerts) still reach the operator, who most needs them then
        held = (await kill_state(tx, deps)).engaged
        return await tx.webhooks.claim_due(now=now, claim_until=now + CLAIM, limit=limit, ids=ids,
                                           topic_prefix=NOTIFY_PREFIX if held else None)

    claimed = await deps.db.transact(tenant, claim)
    counts = {"delivered": 0, "retrying": 0, "dead": 0, "lost": 0}
    if not claimed:
        return counts
    limiter = anyio.CapacityLimiter(concurrency)

    async def one(d: WebhookDeliveryRecord) -> None:
        async with limiter:
            counts[await _attempt(deps, tenant, d, sender=sender, max_attempts=max_attempts)] += 1

    async with anyio.create_task_group() as tg:
        for d in claimed:
            tg.start_soon(one, d)
    return counts


async def _attempt(deps: Deps, tenant: str, d: WebhookDeliveryRecord, *, sender: WebhookSender,
                   max_attempts: int) -> str:
    secret = await deps.db.query(tenant, lambda tx: tx.webhooks.secret(d.endpoint_id))
    endpoint = next((e for e in await deps.db.query(tenant, lambda tx: tx.webhooks.endpoints())
                     if e.id == d.endpoint_id), None)
    if secret is None or endpoint is None:
        response = WebhookResponse(None, "the endpoint was removed")
    else:
        body = json.dumps(d.payload, separators=(",", ":"), ensure_ascii=False, sort_keys=True).encode()
        stamp = int(deps.now().timestamp())
        response = await sender.post(endpoint.url, body=body,
                                     headers=headers(secret, message_id=d.message_id, timestamp=stamp, body=body))
    now = deps.now()
    if response.ok:
        outcome, status, due = "delivered", "delivered", None
    elif endpoint is None:
        outcome, status, due = "dead", "cancelled", None
    elif d.attempts >= max_attempts:
        outcome, status, due = "dead", "dead", None
    else:
        outcome, status, due = "retrying", "pending", now + backoff(d.attempts)
    settled = await deps.db.transact(tenant, lambda tx: tx.webhooks.settle(
        d.id, attempt=d.attempts, status=status, next_attempt_at=due, response=response, now=now))
    return outcome if settled else "lost"
