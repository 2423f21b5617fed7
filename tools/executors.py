"""The local executor: how each kind of action changes the engine's own store tables.

Each executor reads the before-state, applies the effect and names the outbox
events that tell external systems (Shopify, the mailer) what happened. ``revert``
restores the before-state; ``current`` reads the state that ``after`` describes so
a rollback can refuse when someone has changed the target since.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any
from urllib.parse import urlparse

from tools.deps import Tx
from tools.records import ActionRecord


class ExecutorError(Exception):
    """The effect cannot be applied (target gone, state changed): the action fails, nothing changes."""

    def __init__(self, message: str, *, code: str = "execution_failed") -> None:
        super().__init__(message)
        self.code = code


Event = tuple[str, dict[str, Any]]


@dataclass(frozen=True, slots=True)
class Effect:
    before: dict[str, Any]
    after: dict[str, Any]
    events: list[Event] = field(default_factory=list)


Apply = Callable[[Tx, ActionRecord, datetime], Awaitable[Effect]]
Current = Callable[[Tx, ActionRecord, dict[str, Any]], Awaitable[dict[str, Any]]]
Revert = Callable[[Tx, ActionRecord, Effect, datetime], Awaitable[list[Event]]]


@dataclass(frozen=True, slots=True)
class Executor:
    apply: Apply
    current: Current
    revert: Revert


def _ref(target: str) -> str:
    return target.split(":", 1)[1]


# --- pages: SEO title and description ---------------------------------------------

async def _page(tx: Tx, target: str) -> tuple[str, str, dict[str, Any]]:
    """("product", handle, row) or ("landing", path, row) for a page target."""
    path = urlparse(_ref(target)).path.rstrip("/") or "/"
    if path.startswith("/products/"):
        handle = path.removeprefix("/products/").split("/", 1)[0]
        row = await tx.store.product_by_handle(handle)
        if row is not None:
            return "product", handle, row
    row = await tx.store.landing_page(path)
    if row is not None:
        return "landing", path, row
    raise ExecutorError(f"no product or landing page in the store for {target}", code="target_not_found")


def _seo(field_name: str, param: str) -> Executor:
    async def apply(tx: Tx, a: ActionRecord, now: datetime) -> Effect:
        where, key, row = await _page(tx, a.target)
        new = a.params[param]
        if where == "product":
            await tx.store.set_product_seo(key, now=now, **{field_name: new})
        else:
            await tx.store.set_landing_page_seo(key, **{field_name: new})
        return Effect({field_name: row[field_name]}, {field_name: new},
                      [("page.seo_updated", {"target": a.target, field_name: new})])

    async def current(tx: Tx, a: ActionRecord, after: dict[str, Any]) -> dict[str, Any]:
        _, _, row = await _page(tx, a.target)
        return {field_name: row[field_name]}

    async def revert(tx: Tx, a: ActionRecord, eff: Effect, now: datetime) -> list[Event]:
        where, key, _ = await _page(tx, a.target)
        old = eff.before[field_name]
        if where == "product":
            await tx.store.set_product_seo(key, now=now, **{field_name: old})
        else:
            await tx.store.set_landing_page_seo(key, **{field_name: old})
        return [("page.seo_updated", {"target": a.target, field_name: old, "reverted": True})]

    return Executor(apply, current, revert)


# --- internal links and landing pages ------------------------------------------------

async def _links_apply(tx: Tx, a: ActionRecord, now: datetime) -> Effect:
    await _page(tx, a.target)
    ids = await tx.store.add_links(action_id=a.id, page_url=_ref(a.target), links=a.params["links"], now=now)
    return Effect({"links": []}, {"link_ids": ids, "status": "active"},
                  [("page.links_added", {"target": a.target, "links": a.params["links"]})])


async def _links_current(tx: Tx, a: ActionRecord, after: dict[str, Any]) -> dict[str, Any]:
    return {"link_ids": after["link_ids"], "status": "active"}


async def _links_revert(tx: Tx, a: ActionRecord, eff: Effect, now: datetime) -> list[Event]:
    await tx.store.set_links_status(eff.after["link_ids"], "removed")
    return [("page.links_removed", {"target": a.target, "link_ids": eff.after["link_ids"]})]


async def _landing_apply(tx: Tx, a: ActionRecord, now: datetime) -> Effect:
    p = a.params
    if await tx.store.landing_page(p["path"]) is not None:
        raise ExecutorError(f"a page already exists at {p['path']}", code="target_exists")
    page_id = await tx.store.create_landing_page(action_id=a.id, path=p["path"], title=p["title"],
                                                 query=p["query"], outline=p["outline"], now=now)
    return Effect({"page": None}, {"page_id": page_id, "path": p["path"], "status": "published"},
                  [("landing_page.published", {"path": p["path"], "title": p["title"]})])


async def _landing_current(tx: Tx, a: ActionRecord, after: dict[str, Any]) -> dict[str, Any]:
    row = await tx.store.landing_page(after["path"])
    return {"page_id": row["id"] if row else None, "path": after["path"], "status": row["status"] if row else None}


async def _landing_revert(tx: Tx, a: ActionRecord, eff: Effect, now: datetime) -> list[Event]:
    await tx.store.set_landing_page_status(eff.after["page_id"], "archived")
    return [("landing_page.unpublished", {"path": eff.after["path"]})]


# --- tasks for people and agents -------------------------------------------------------

def _task(assignee: str, topic: str) -> Executor:
    async def apply(tx: Tx, a: ActionRecord, now: datetime) -> Effect:
        task_id = await tx.store.create_task(action_id=a.id, assignee=assignee, kind=a.kind, title=a.title,
                                             body={"target": a.target, **a.params}, now=now)
        return Effect({"task": None}, {"task_id": task_id, "status": "open"},
                      [(topic, {"task_id": task_id, "target": a.target, "assignee": assignee})])

    async def current(tx: Tx, a: ActionRecord, after: dict[str, Any]) -> dict[str, Any]:
        return {"task_id": after["task_id"], "status": "open"}

    async def revert(tx: Tx, a: ActionRecord, eff: Effect, now: datetime) -> list[Event]:
        await tx.store.set_task_status(eff.after["task_id"], "cancelled", now=now)
        return [(topic.rsplit(".", 1)[0] + ".cancelled", {"task_id": eff.after["task_id"]})]

    return Executor(apply, current, revert)


# --- prices, markdowns, purchase orders ------------------------------------------------

async def _variant(tx: Tx, target: str) -> dict[str, Any]:
    row = await tx.store.variant(_ref(target))
    if row is None:
        raise ExecutorError(f"no variant with SKU {_ref(target)} in the store", code="target_not_found")
    return row


def _price_state(row: dict[str, Any]) -> dict[str, Any]:
    return {"price": row["price"], "compare_at_price": row["compare_at_price"]}


async def _pricing_apply(tx: Tx, a: ActionRecord, now: datetime) -> Effect:
    row = await _variant(tx, a.target)
    if abs(row["price"] - a.params["current_price"]) > 0.005:
        raise ExecutorError(f"the price of {_ref(a.target)} is {row['price']:.2f}, not the "
                            f"{a.params['current_price']:.2f} this action was approved against",
                            code="state_changed")
    after = {"price": round(a.params["new_price"], 2), "compare_at_price": row["compare_at_price"]}
    await tx.store.set_variant_price(_ref(a.target), now=now, **after)
    return Effect(_price_state(row), after, [("variant.price_changed", {"sku": _ref(a.target), **after})])


async def _markdown_apply(tx: Tx, a: ActionRecord, now: datetime) -> Effect:
    row = await _variant(tx, a.target)
    base = row["compare_at_price"] or row["price"]
    after = {"price": round(row["price"] * (1 - a.params["percent_off"] / 100), 2), "compare_at_price": base}
    await tx.store.set_variant_price(_ref(a.target), now=now, **after)
    return Effect(_price_state(row), after, [("variant.price_changed", {"sku": _ref(a.target), **after})])


async def _price_current(tx: Tx, a: ActionRecord, after: dict[str, Any]) -> dict[str, Any]:
    return _price_state(await _variant(tx, a.target))


async def _price_revert(tx: Tx, a: ActionRecord, eff: Effect, now: datetime) -> list[Event]:
    await tx.store.set_variant_price(_ref(a.target), now=now, **eff.before)
    return [("variant.price_changed", {"sku": _ref(a.target), **eff.before, "reverted": True})]


def po_number(action_id: int) -> str:
    """A purchase order's number, derived from the action that raised it (action 12: ``PO-000012``)."""
    return f"PO-{action_id:06d}"


async def _reorder_apply(tx: Tx, a: ActionRecord, now: datetime) -> Effect:
    sku = _ref(a.target)
    await _variant(tx, a.target)
    p = a.params
    po_id = await tx.store.create_purchase_order(action_id=a.id, sku=sku, quantity=p["quantity"],
                                                 unit_cost=p["unit_cost"], supplier=p["supplier"], now=now)
    # the operator knows the order by its number (growth po show PO-000012); the row id is for the engine
    return Effect({"purchase_order": None}, {"purchase_order": po_number(a.id), "purchase_order_id": po_id,
                                             "status": "draft"},
                  [("purchase_order.created", {"purchase_order": po_number(a.id), "purchase_order_id": po_id,
                                               "sku": sku, "quantity": p["quantity"]})])


async def _reorder_current(tx: Tx, a: ActionRecord, after: dict[str, Any]) -> dict[str, Any]:
    return {k: after[k] for k in ("purchase_order", "purchase_order_id") if k in after} | {"status": "draft"}


async def _reorder_revert(tx: Tx, a: ActionRecord, eff: Effect, now: datetime) -> list[Event]:
    await tx.store.set_purchase_order_status(eff.after["purchase_order_id"], "cancelled", now=now)
    return [("purchase_order.cancelled", {"purchase_order": po_number(a.id),
                                          "purchase_order_id": eff.after["purchase_order_id"]})]


# --- order holds --------------------------------------------------------------------------

async def _order(tx: Tx, target: str) -> dict[str, Any]:
    row = await tx.store.order(_ref(target))
    if row is None:
        raise ExecutorError(f"no order {_ref(target)} in the store", code="target_not_found")
    return row


def _hold(on_hold: bool) -> Executor:
    async def apply(tx: Tx, a: ActionRecord, now: datetime) -> Effect:
        row = await _order(tx, a.target)
        if bool(row["on_hold"]) == on_hold:
            raise ExecutorError(f"order {_ref(a.target)} is already {'on hold' if on_hold else 'released'}",
                                code="state_changed")
        await tx.store.set_order_hold(_ref(a.target), on_hold=on_hold, reason=a.params["reason"])
        return Effect({"on_hold": bool(row["on_hold"]), "hold_reason": row["hold_reason"]},
                      {"on_hold": on_hold, "hold_reason": a.params["reason"]},
                      [("order.held" if on_hold else "order.released", {"order": _ref(a.target)})])

    async def current(tx: Tx, a: ActionRecord, after: dict[str, Any]) -> dict[str, Any]:
        row = await _order(tx, a.target)
        return {"on_hold": bool(row["on_hold"]), "hold_reason": row["hold_reason"]}

    async def revert(tx: Tx, a: ActionRecord, eff: Effect, now: datetime) -> list[Event]:
        await tx.store.set_order_hold(_ref(a.target), on_hold=eff.before["on_hold"],
                                      reason=eff.before["hold_reason"])
        return [("order.released" if on_hold else "order.held", {"order": _ref(a.target), "reverted": True})]

    return Executor(apply, current, revert)


# --- email and autonomy -------------------------------------------------------------------

async def _email_apply(tx: Tx, a: ActionRecord, now: datetime) -> Effect:
    return Effect({}, {"queued": True}, [("email.send", {"segment": a.params["segment"],
                                                        "subject": a.params["subject"],
                                                        "body": a.params["body"]})])


async def _email_current(tx: Tx, a: ActionRecord, after: dict[str, Any]) -> dict[str, Any]:
    return after


async def _email_revert(tx: Tx, a: ActionRecord, eff: Effect, now: datetime) -> list[Event]:
    raise ExecutorError("a sent email cannot be unsent", code="not_reversible")


async def _autonomy_apply(tx: Tx, a: ActionRecord, now: datetime) -> Effect:
    from policies.tiers import AutonomyLevel

    tenant = await tx.tenants.get()
    kind = a.params["kind"]
    before = tenant.overrides.get(kind) if tenant else None
    await tx.tenants.set_override(kind, AutonomyLevel(a.params["level"]), now=now)
    return Effect({"kind": kind, "level": before.value if before else None},
                  {"kind": kind, "level": a.params["level"]}, [("autonomy.changed", dict(a.params))])


async def _autonomy_current(tx: Tx, a: ActionRecord, after: dict[str, Any]) -> dict[str, Any]:
    tenant = await tx.tenants.get()
    level = tenant.overrides.get(after["kind"]) if tenant else None
    return {"kind": after["kind"], "level": level.value if level else None}


async def _autonomy_revert(tx: Tx, a: ActionRecord, eff: Effect, now: datetime) -> list[Event]:
    from policies.tiers import AutonomyLevel

    old = eff.before["level"]
    await tx.tenants.set_override(eff.before["kind"], AutonomyLevel(old) if old else None, now=now)
    return [("autonomy.changed", {"kind": eff.before["kind"], "level": old, "reverted": True})]


EXECUTORS: dict[str, Executor] = {
    "analytics.investigate": _task("agent:analytics", "task.opened"),
    "content.rewrite_title": _seo("seo_title", "new_title"),
    "content.rewrite_meta_description": _seo("seo_description", "new_description"),
    "content.add_internal_links": Executor(_links_apply, _links_current, _links_revert),
    "content.create_landing_page": Executor(_landing_apply, _landing_current, _landing_revert),
    "perf.repair_page": _task("developer", "ticket.opened"),
    "inventory.reorder": Executor(_reorder_apply, _reorder_current, _reorder_revert),
    "inventory.markdown": Executor(_markdown_apply, _price_current, _price_revert),
    "pricing.adjust": Executor(_pricing_apply, _price_current, _price_revert),
    "risk.hold_order": _hold(True),
    "risk.release_order": _hold(False),
    "support.escalation": _task("operator", "ticket.opened"),
    "email.send": Executor(_email_apply, _email_current, _email_revert),
    "policy.grant_autonomy": Executor(_autonomy_apply, _autonomy_current, _autonomy_revert),
}
