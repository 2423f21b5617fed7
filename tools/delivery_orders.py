"""Fraud holds and releases in the live store: an order's open fulfillment orders, held or released.

A hold is placed with reason ``HIGH_RISK_OF_FRAUD`` and a handle derived from the action
(``<tenant>:action:<id>:<op>``), so the read that starts every attempt finds a hold an earlier,
crashed attempt placed, by its handle, and places no second one. Rolling a hold back releases
that handle only; a release action takes off every fraud hold on the order. An order fulfilled
or cancelled in the store since the proposal is a ``conflict`` (its status against ``open``).
"""

from __future__ import annotations

from typing import Any

from tools.delivery_types import DeliveryError, DeliveryRecord, LiveFulfillmentOrder, LiveOrder, LiveStore

FRAUD = "HIGH_RISK_OF_FRAUD"
#: the fulfillment order statuses Shopify lets an app hold
HOLDABLE = frozenset({"OPEN", "ON_HOLD", "SCHEDULED"})


def _action_prefix(key: str) -> str:
    """``<tenant>:action:<id>`` of an outbox identity ``<tenant>:action:<id>:<op>:<n>``."""
    return key.rsplit(":", 2)[0]


def placed_handle(d: DeliveryRecord) -> str:
    """The handle of the hold this delivery places (a hold, or the rollback of a release)."""
    return f"{_action_prefix(d.dedupe_key)}:{d.op}"


def released_handle(d: DeliveryRecord) -> str | None:
    """The hold this delivery takes off: the action's own (rolling a hold back), or None: every fraud hold."""
    return f"{_action_prefix(d.dedupe_key)}:execute" if d.op == "rollback" else None


def status(order: LiveOrder) -> str:
    """``open`` while any fulfillment order can still be held; else ``cancelled``, ``fulfilled`` or Shopify's."""
    statuses = {fo.status for fo in order.fulfillment_orders}
    if statuses & HOLDABLE:
        return "open"
    if statuses == {"CANCELLED"}:
        return "cancelled"
    if "CLOSED" in statuses:
        return "fulfilled"
    return ", ".join(sorted(s.lower().replace("_", " ") for s in statuses)) or "without fulfillment orders"


def _releasable(fo: LiveFulfillmentOrder, d: DeliveryRecord) -> list[str]:
    handle = released_handle(d)
    return [h.id for h in fo.holds if (h.handle == handle if handle else h.reason == FRAUD)]


def _missing(order: LiveOrder, d: DeliveryRecord) -> list[LiveFulfillmentOrder]:
    handle = placed_handle(d)
    return [fo for fo in order.fulfillment_orders
            if fo.status in HOLDABLE and not any(h.handle == handle for h in fo.holds)]


def live_state(order: LiveOrder, d: DeliveryRecord) -> dict[str, Any]:
    """``{"on_hold": …, "status": …}`` as this delivery counts them (its own hold, or any fraud hold)."""
    if d.target.get("on_hold"):
        held = status(order) == "open" and not _missing(order, d)
    else:
        held = any(_releasable(fo, d) for fo in order.fulfillment_orders)
    return {"on_hold": held, "status": status(order)}


def remote_ids(order: LiveOrder, d: DeliveryRecord) -> dict[str, Any]:
    handle = placed_handle(d) if d.target.get("on_hold") else None
    ids: dict[str, Any] = {"order_id": order.id, "fulfillment_order_ids": [fo.id for fo in order.fulfillment_orders]}
    if handle:
        ids["hold_ids"] = [h.id for fo in order.fulfillment_orders for h in fo.holds if h.handle == handle]
        ids["hold_handle"] = handle
    return ids


async def read(store: LiveStore, d: DeliveryRecord,
               ids: dict[str, Any] | None = None) -> tuple[dict[str, Any], dict[str, Any]]:
    name = d.resource.split(":", 1)[1]
    order = await store.order(order_id=ids["order_id"]) if ids else await store.order(name=name)
    if order is None:
        raise DeliveryError(f"the live store has no order {name!r}", code="target_not_found")
    return live_state(order, d), remote_ids(order, d)


def _key(key: str, index: int) -> str:
    # one idempotency key per mutation: an order with several fulfillment orders needs several
    return key if index == 0 else f"{key}:{index}"


async def write(store: LiveStore, d: DeliveryRecord, ids: dict[str, Any]) -> dict[str, Any]:
    """Hold the order's holdable fulfillment orders that lack this action's hold, or release the holds to go."""
    order = await store.order(order_id=ids["order_id"])
    if order is None:
        raise DeliveryError(f"the live store has no order {d.resource.split(':', 1)[1]!r}", code="target_not_found")
    responses: list[dict[str, Any]] = []
    if d.target.get("on_hold"):
        notes = f"Growth Engine fraud review (action {_action_prefix(d.dedupe_key).rsplit(':', 1)[-1]})"
        for i, fo in enumerate(_missing(order, d)):
            responses.append(await store.hold_fulfillment_order(fo.id, reason=FRAUD, notes=notes,
                                                                handle=placed_handle(d), key=_key(d.dedupe_key, i)))
        mutation = "fulfillmentOrderHold"
    else:
        todo = [(fo, held) for fo in order.fulfillment_orders if (held := _releasable(fo, d))]
        for i, (fo, held) in enumerate(todo):
            responses.append(await store.release_fulfillment_order(fo.id, hold_ids=held, key=_key(d.dedupe_key, i)))
        mutation = "fulfillmentOrderReleaseHold"
    return {"mutation": mutation, "idempotency_key": d.dedupe_key, "responses": responses}
