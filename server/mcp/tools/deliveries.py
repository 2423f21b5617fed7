"""Deliveries to the outside world (the store, vendors' and the operator's mailboxes): list them, retry one
that stopped, and read a purchase order with its documents."""

import base64
from typing import Annotated, Any, Literal

from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from server.app import App
from server.mcp.identity import current
from server.mcp.results import ok
from server.mcp.tools.base import READ, Body, ToolSpec, ann, dump
from tools import delivery_retry, purchase_orders
from tools.validation import MAX_ID

State = Literal["pending", "delivering", "delivered", "delivery_failed", "conflict", "cancelled", "skipped"]


class DeliveriesOut(BaseModel):
    deliveries: list[dict[str, Any]]


class RetryOut(BaseModel):
    delivery: dict[str, Any]


class PurchaseOrderOut(BaseModel):
    purchase_order: dict[str, Any]
    csv: str
    #: the PDF document, base64
    pdf_base64: str


def _line(d: dict[str, Any]) -> str:
    return (f"#{d['id']} action {d['action_id']} {d['channel']} {d['op']}: {d['state']}"
            + (f" ({d['error_code']})" if d.get("error_code") else "") + f" — {d['summary']}"
            + (f" → {d['retry']}" if d.get("retry") else ""))


def list_deliveries_tool(app: App) -> Body:
    async def list_deliveries(state: State | None = None, channel: Literal["shopify", "email", "task"] | None = None,
                              action_id: Annotated[int | None, Field(ge=1, le=MAX_ID)] = None,
                              limit: Annotated[int, Field(ge=1, le=500)] = 50
                              ) -> Annotated[CallToolResult, DeliveriesOut]:
        rows = await delivery_retry.list_deliveries(app.deps, current(), state=state, channel=channel,
                                                    action_id=action_id, limit=limit)
        out = DeliveriesOut(deliveries=dump(rows))
        return ok(out, "\n".join(_line(d) for d in out.deliveries) or "No deliveries match.")

    return list_deliveries


def retry_delivery_tool(app: App) -> Body:
    async def retry_delivery(delivery_id: Annotated[int, Field(ge=1, le=MAX_ID, strict=True)],
                             overwrite: bool = False) -> Annotated[CallToolResult, RetryOut]:
        done = await delivery_retry.retry_delivery(app.deps, current(), delivery_id=delivery_id, overwrite=overwrite)
        out = RetryOut(delivery=dump(done))
        return ok(out, f"Delivery #{delivery_id} is queued again"
                       + (", to overwrite the store's current value" if overwrite else "")
                       + ": the worker takes it on its next pass (get_action shows where it stands).")

    return retry_delivery


def get_purchase_order_tool(app: App) -> Body:
    async def get_purchase_order(ref: Annotated[str, Field(min_length=1, max_length=40)]
                                 ) -> Annotated[CallToolResult, PurchaseOrderOut]:
        po = await purchase_orders.get_purchase_order(app.deps, current(), ref=ref)
        pdf, csv = po.pop("pdf"), po.pop("csv")
        out = PurchaseOrderOut(purchase_order=dump(po), csv=csv, pdf_base64=base64.b64encode(pdf).decode("ascii"))
        sent = ", ".join(f"e-mail #{m['id']} {m['status']}" for m in po["messages"]) or "not e-mailed yet"
        return ok(out, f"{po['number']} to {po['vendor'] or '(no vendor named)'}: total {po['total']}; {sent}.\n{csv}")

    return get_purchase_order


TOOLS = (
    ToolSpec("list_deliveries", "deliveries.list", ann("List deliveries", **READ),
             "Deliveries of executed actions to the live store (shopify), vendors (email: purchase orders) and the "
             "operator (task: e-mail and webhook), newest first: state, reason, and how to retry a stopped one.",
             list_deliveries_tool),
    ToolSpec("retry_delivery", "deliveries.retry", ann("Retry a delivery", idempotent=False),
             "Queue a failed or conflicting delivery again after its cause is fixed. A conflict is retried against "
             "the value the action expected; overwrite=true replaces the value the store held when the conflict "
             "was seen (a value changed again since is another conflict).", retry_delivery_tool),
    ToolSpec("get_purchase_order", "purchase_orders.read", ann("Get a purchase order", **READ),
             "A purchase order by number (PO-000012) or action id: vendor, lines, total, the e-mails that carried "
             "it, and its CSV and PDF (base64) documents.", get_purchase_order_tool),
)
