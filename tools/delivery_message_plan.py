"""What an executed purchase order or piece of work for a person asks of the outside world. Pure: no I/O.

- ``inventory.reorder`` (``purchase_order.created`` / ``.cancelled``): channel ``email``, the purchase
  order (CSV and PDF attached) to the vendor, or its cancellation when the reorder is rolled back.
- ``perf.repair_page``, ``analytics.investigate``, ``support.escalation`` (``task.opened``,
  ``ticket.opened`` and their ``.cancelled``): channel ``task``, an e-mail to the operator's own
  addresses and a ``task.created`` (``task.cancelled``) webhook event.

Nothing in a mailbox can be read back or compared, so these deliveries have no ``expected`` value and
never conflict; their exactly-once rests on the stored message (``tools.delivery_messages``).
"""

from __future__ import annotations

from typing import Any

from tools.delivery_types import NewDelivery
from tools.executors import po_number
from tools.records import ActionRecord, ExecutionRecord

PO_TOPICS = ("purchase_order.created", "purchase_order.cancelled")
TASK_TOPICS = ("task.opened", "task.cancelled", "ticket.opened", "ticket.cancelled")
TOPICS = PO_TOPICS + TASK_TOPICS
EMAIL, TASK = "email", "task"
CHANNELS = (EMAIL, TASK)
#: the webhook topics a task delivery raises (through its ``action.delivered`` audit event)
WEBHOOK_TOPICS = {"execute": "task.created", "rollback": "task.cancelled"}


def plan(outbox_id: int, action: ActionRecord, execution: ExecutionRecord, topic: str, payload: dict[str, Any],
         op: str) -> NewDelivery:
    """The delivery of one purchase-order or task event."""
    after = execution.after_state
    if topic in PO_TOPICS:
        p = action.params
        return NewDelivery(outbox_id, action.id, EMAIL, op, f"purchase_order:{po_number(action.id)}", {}, {
            "po_number": po_number(action.id), "purchase_order_id": after.get("purchase_order_id"),
            "vendor": str(p.get("supplier") or ""), "sku": action.target.split(":", 1)[-1],
            "quantity": p.get("quantity"), "unit_cost": p.get("unit_cost"),
            "status": "issued" if op == "execute" else "cancelled"})
    task_id = after.get("task_id") or payload.get("task_id")
    return NewDelivery(outbox_id, action.id, TASK, op, f"task:{task_id}", {}, {
        "task_id": task_id, "kind": action.kind, "title": action.title, "target": action.target,
        "assignee": str(payload.get("assignee") or ""), "details": dict(action.params),
        "status": "open" if op == "execute" else "cancelled", "webhook_topic": WEBHOOK_TOPICS[op]})
