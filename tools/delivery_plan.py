"""What one outbox event asks of the live store, and how its values compare and read.

An execution recorded the engine's before- and after-state; delivering the event means:
the live store must still hold the before-values (else ``conflict``), and is then made to
hold the after-values. A rollback's event is the same with the two swapped. Pure: no I/O.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any
from urllib.parse import urlparse

from tools.delivery_types import NewDelivery
from tools.records import ActionRecord, ExecutionRecord

CHANNEL = "shopify"
PRICE_FIELDS = ("price", "compare_at_price")
SEO_FIELDS = ("seo_title", "seo_description")
ORDER_TOPICS = ("order.held", "order.released")
LABELS = {"price": "price", "compare_at_price": "compare-at price", "seo_title": "SEO title",
          "seo_description": "SEO description", "on_hold": "fraud hold", "status": "order status"}


def op_of(dedupe_key: str) -> str:
    """``execute`` or ``rollback``, from the outbox event's identity (``<tenant>:action:<id>:<op>:<n>``)."""
    return "rollback" if ":rollback:" in dedupe_key else "execute"


def product_handle(target: str) -> str | None:
    """The product handle of a ``page:<url>`` target, or None for a page that is not a product's."""
    path = urlparse(target.split(":", 1)[1] if ":" in target else target).path.rstrip("/")
    if not path.startswith("/products/"):
        return None
    return path.removeprefix("/products/").split("/", 1)[0] or None


def plan(outbox_id: int, action: ActionRecord, execution: ExecutionRecord, topic: str, payload: dict[str, Any],
         dedupe_key: str) -> NewDelivery:
    """The delivery of one event: what it may overwrite and what it writes (or why it is skipped)."""
    op = op_of(dedupe_key)
    before, after = execution.before_state, execution.after_state
    expected, target = (before, after) if op == "execute" else (after, before)
    if topic == "page.seo_updated":
        handle = product_handle(action.target)
        fields = [f for f in SEO_FIELDS if f in after]
        if handle is None or not fields:
            return NewDelivery(outbox_id, action.id, CHANNEL, op, action.target, {}, {}, state="skipped",
                               reason="not delivered to the live store: only product pages are delivered so far "
                                      "(landing pages are the engine's own)")
        return NewDelivery(outbox_id, action.id, CHANNEL, op, f"product:{handle}",
                           {f: expected.get(f) for f in fields}, {f: target.get(f) for f in fields})
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
    return f"“{value}”" if value else "empty"


def conflict_reason(live: dict[str, Any], expected: dict[str, Any]) -> str:
    """``the store's price is $41.00, the action expected $45.00``, for each value that differs."""
    parts = [f"the store's {LABELS.get(k, k)} is {shown(k, live.get(k))}, the action expected {shown(k, v)}"
             for k, v in expected.items() if _norm(k, live.get(k)) != _norm(k, v)]
    return "; ".join(parts) + "; nothing was written"
