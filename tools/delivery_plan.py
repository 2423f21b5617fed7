"""What one outbox event asks of the live store, and how its values compare and read.

An execution recorded the engine's before- and after-state; delivering the event means:
the live store must still hold the before-values (else ``conflict``), and is then made to
hold the after-values. A rollback's event is the same with the two swapped. Pure: no I/O.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from tools import delivery_message_plan
from tools.delivery_markup import action_prefix, landing_body, links_block
from tools.delivery_types import NewDelivery
from tools.records import ActionRecord, ExecutionRecord

CHANNEL = "shopify"
PRICE_FIELDS = ("price", "compare_at_price")
SEO_FIELDS = ("seo_title", "seo_description")
ORDER_TOPICS = ("order.held", "order.released")
LANDING_TOPICS = ("landing_page.published", "landing_page.unpublished")
LINK_TOPICS = ("page.links_added", "page.links_removed")
LABELS = {"price": "price", "compare_at_price": "compare-at price", "seo_title": "SEO title",
          "seo_description": "SEO description", "on_hold": "fraud hold", "status": "order status",
          "landing_page": "landing page", "title": "page title", "body": "page body",
          "links_block": "block of internal links"}
LANDING_STATES = {"absent": "absent", "draft": "an unpublished draft", "published": "published",
                  "other": "a page the engine did not create"}
#: how many characters of a body a conflict shows
SHOWN = 160


def op_of(dedupe_key: str) -> str:
    """``execute`` or ``rollback``, from the outbox event's identity (``<tenant>:action:<id>:<op>:<n>``)."""
    return "rollback" if ":rollback:" in dedupe_key else "execute"


def _path(target: str) -> str:
    return urlparse(target.split(":", 1)[1] if target.startswith("page:") else target).path.rstrip("/")


def product_handle(target: str) -> str | None:
    """The product handle of a ``page:<url>`` target, or None for a page that is not a product's."""
    ref = page_ref(target)
    return ref[1] if ref and ref[0] == "product" else None


def page_ref(target: str) -> tuple[str, str] | None:
    """(``product`` | ``page`` | ``collection``, handle) of a ``page:<url>`` target; a one-segment path
    (``/linen-tote-bags``, a landing page the engine made) is the Online Store page of that handle."""
    path = _path(target)
    for kind, prefix in (("product", "/products/"), ("page", "/pages/"), ("collection", "/collections/")):
        if path.startswith(prefix):
            handle = path.removeprefix(prefix).split("/", 1)[0]
            return (kind, handle) if handle else None
    segments = [s for s in path.split("/") if s]
    return ("page", segments[0]) if len(segments) == 1 else None


def landing_handle(path: str) -> str:
    """The handle a landing page at ``path`` gets in the store (``/pages/linen-bags`` -> ``linen-bags``)."""
    return [s for s in path.split("/") if s][-1]


def plan(outbox_id: int, action: ActionRecord, execution: ExecutionRecord, topic: str, payload: dict[str, Any],
         dedupe_key: str) -> NewDelivery:
    """The delivery of one event: what it may overwrite and what it writes (or why it is skipped)."""
    op = op_of(dedupe_key)
    before, after = execution.before_state, execution.after_state
    expected, target = (before, after) if op == "execute" else (after, before)
    if topic == "page.seo_updated":
        ref = page_ref(action.target)
        fields = [f for f in SEO_FIELDS if f in after]
        if ref is None or not fields:
            return NewDelivery(outbox_id, action.id, CHANNEL, op, action.target, {}, {}, state="skipped",
                               reason="not delivered to the live store: the target is not a product, page or "
                                      "collection page of the store")
        return NewDelivery(outbox_id, action.id, CHANNEL, op, f"{ref[0]}:{ref[1]}",
                           {f: expected.get(f) for f in fields}, {f: target.get(f) for f in fields})
    if topic in LANDING_TOPICS:
        p = action.params
        draft = {"landing_page": "draft", "title": p["title"],
                 "body": landing_body(action_prefix(dedupe_key), p["outline"])}
        absent = {"landing_page": "absent"}
        return NewDelivery(outbox_id, action.id, CHANNEL, op, f"landing:{landing_handle(p['path'])}",
                           *((absent, draft) if op == "execute" else (draft, absent)))
    if topic in LINK_TOPICS:
        ref = page_ref(action.target)
        if ref is None:
            return NewDelivery(outbox_id, action.id, CHANNEL, op, action.target, {}, {}, state="skipped",
                               reason="not delivered to the live store: the target is not a product, page or "
                                      "collection page of the store")
        added, none = {"links_block": links_block(action.params["links"])}, {"links_block": ""}
        return NewDelivery(outbox_id, action.id, CHANNEL, op, f"links:{ref[0]}:{ref[1]}",
                           *((none, added) if op == "execute" else (added, none)))
    if topic == "variant.price_changed":
        sku = str(payload.get("sku") or action.target.split(":", 1)[-1])
        return NewDelivery(outbox_id, action.id, CHANNEL, op, f"variant:{sku}",
                           {f: expected.get(f) for f in PRICE_FIELDS}, {f: target.get(f) for f in PRICE_FIELDS})
    if topic in ORDER_TOPICS:
        # the order must still be open to be held or released; either way round it is the same check
        order = str(payload.get("order") or action.target.split(":", 1)[-1])
        return NewDelivery(outbox_id, action.id, CHANNEL, op, f"order:{order}",
                           {"on_hold": bool(expected.get("on_hold")), "status": "open"},
                           {"on_hold": bool(target.get("on_hold")), "status": "open"})
    if topic in delivery_message_plan.TOPICS:
        return delivery_message_plan.plan(outbox_id, action, execution, topic, payload, op)
    return NewDelivery(outbox_id, action.id, CHANNEL, op, action.target, {}, {}, state="skipped",
                       reason=f"not delivered to the live store: no channel delivers {topic} yet")


def _norm(field: str, value: Any) -> Any:
    if field in PRICE_FIELDS:
        return None if value in (None, "") else int((Decimal(str(value)) * 100).quantize(Decimal(1)))
    if field == "on_hold":
        return bool(value)
    # the Admin API answers null for an SEO field never set; the engine's copy holds ""
    return (value or "").strip() if isinstance(value, str) or value is None else value


def same(live: dict[str, Any], wanted: dict[str, Any]) -> bool:
    """The live store holds ``wanted`` (prices to the cent, an unset SEO field as empty)."""
    return all(_norm(k, live.get(k)) == _norm(k, v) for k, v in wanted.items())


def shown(field: str, value: Any) -> str:
    if field in PRICE_FIELDS:
        return "none" if value in (None, "") else f"${Decimal(str(value)):.2f}"
    if field == "on_hold":
        return "on" if value else "off"
    if field == "status":
        return str(value)
    if field == "landing_page":
        return LANDING_STATES.get(str(value), str(value))
    text = str(value or "")
    if len(text) > SHOWN:
        text = text[:SHOWN] + f"… ({len(str(value))} characters)"
    return f"“{text}”" if value else ("none" if field == "links_block" else "empty")


def conflict_reason(live: dict[str, Any], expected: dict[str, Any]) -> str:
    """``the store's price is $41.00, the action expected $45.00``, for each value that differs."""
    parts = [f"the store's {LABELS.get(k, k)} is {shown(k, live.get(k))}, the action expected {shown(k, v)}"
             for k, v in expected.items() if _norm(k, live.get(k)) != _norm(k, v)]
    return "; ".join(parts) + "; nothing was written"
