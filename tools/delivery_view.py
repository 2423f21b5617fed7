"""Where an action stands in the live store, in data and in words (beside its own status)."""

from __future__ import annotations

from typing import Any

from tools.delivery_plan import LABELS, shown
from tools.delivery_types import DeliveryRecord
from tools.plain import when


def _values(values: dict[str, Any] | None) -> str:
    return ", ".join(f"{LABELS.get(k, k)} {shown(k, v)}" for k, v in (values or {}).items()) or "nothing"


def sentence(d: DeliveryRecord) -> str:
    """``delivered to the live store at 2026-11-02 10:42 UTC``; ``conflict: the store's price is …``."""
    what = "the rollback" if d.op == "rollback" else "the change"
    if d.state == "delivered":
        return f"{what} was delivered to the live store at {when(d.delivered_at)}" + (
            " (it already held the value: nothing written)" if d.response.get("mutation") is None else "")
    if d.state == "conflict":
        return f"conflict: {d.reason}"
    if d.state == "delivery_failed":
        return f"{what} failed to reach the live store ({d.error_code}): {d.reason}"
    if d.state == "delivering":
        return f"{what} is being delivered to the live store (attempt {d.attempts})"
    if d.state == "pending":
        return f"{what} is waiting to be delivered to the live store" + (f": {d.reason}" if d.reason else "")
    return d.reason or d.state


def entry(d: DeliveryRecord) -> dict[str, Any]:
    return {"id": d.id, "op": d.op, "channel": d.channel, "resource": d.resource, "state": d.state,
            "attempts": d.attempts, "expected": d.expected, "target": d.target, "live": d.live,
            "remote_ids": d.remote_ids, "response": d.response, "reason": d.reason, "error_code": d.error_code,
            "delivered_at": d.delivered_at, "updated_at": d.updated_at, "summary": sentence(d),
            "values": {"expected": _values(d.expected), "target": _values(d.target),
                       "live": _values(d.live) if d.live is not None else None}}


def view(deliveries: list[DeliveryRecord], *, executed: bool) -> dict[str, Any]:
    """The newest delivery decides the state; each one is listed with its values."""
    if not deliveries:
        summary = ("executed in the engine's own copy of the store; not delivered to the live store yet"
                   if executed else "nothing delivered to the live store")
        return {"state": "not_delivered" if executed else "none", "summary": summary, "deliveries": []}
    last = [d for d in deliveries if d.state != "skipped"] or deliveries
    newest = last[-1]
    return {"state": newest.state, "op": newest.op, "summary": sentence(newest),
            "deliveries": [entry(d) for d in deliveries]}
