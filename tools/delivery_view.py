"""Where an action stands in the live store (or the vendor's or operator's mailbox), in data and in words,
beside its own status."""

from __future__ import annotations

from typing import Any

from tools.delivery_plan import LABELS, shown
from tools.delivery_types import DeliveryRecord
from tools.plain import when


def _values(values: dict[str, Any] | None) -> str:
    return ", ".join(f"{LABELS.get(k, k)} {shown(k, v)}" for k, v in (values or {}).items()) or "nothing"


def _where(d: DeliveryRecord) -> tuple[str, str]:
    """(what is delivered, where to) in words, by channel."""
    if d.channel == "email":
        number = d.target.get("po_number") or d.resource.split(":", 1)[-1]
        vendor = d.target.get("vendor") or "the vendor"
        what = f"the cancellation of purchase order {number}" if d.op == "rollback" else f"purchase order {number}"
        return what, f"vendor “{vendor}” by e-mail" if d.target.get("vendor") else "the vendor by e-mail"
    if d.channel == "task":
        what = "the task's cancellation" if d.op == "rollback" else "the task"
        return what, "the operator (e-mail and webhook)"
    return ("the rollback" if d.op == "rollback" else "the change"), "the live store"


def _message_sentence(d: DeliveryRecord) -> str:
    what, where = _where(d)
    if d.state == "delivered":
        how = []
        email = d.response.get("email") or {}
        if email.get("status") == "sent":
            how.append(f"e-mail #{email.get('id')}")
        hooks = (d.response.get("webhook") or {}).get("endpoints") or []
        if hooks and d.channel == "task":
            how.append(f"webhook {(d.response.get('webhook') or {}).get('topic')} to {len(hooks)} endpoint(s)")
        return f"{what} was delivered to {where} at {when(d.delivered_at)}" + (f" ({'; '.join(how)})" if how else "")
    if d.state == "delivery_failed":
        return f"{what} failed to reach {where} ({d.error_code}): {d.reason}"
    if d.state == "delivering":
        return f"{what} is being sent to {where} (attempt {d.attempts})"
    if d.state == "pending":
        return f"{what} is waiting to be sent to {where}" + (f": {d.reason}" if d.reason else "")
    return d.reason or d.state


def sentence(d: DeliveryRecord) -> str:
    """``delivered to the live store at 2026-11-02 10:42 UTC``; ``conflict: the store's price is …``;
    ``purchase order PO-000012 was delivered to vendor “Acme” by e-mail at …``."""
    if d.channel in ("email", "task"):
        return _message_sentence(d)
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
        summary = ("executed in the engine's own copy of the store; not delivered to the live store yet: the worker "
                   "(growth serve or growth worker) delivers it, to Shopify once the store is connected (growth "
                   "connect shopify)" if executed else "nothing delivered to the live store")
        return {"state": "not_delivered" if executed else "none", "summary": summary, "deliveries": []}
    last = [d for d in deliveries if d.state != "skipped"] or deliveries
    newest = last[-1]
    return {"state": newest.state, "op": newest.op, "channel": newest.channel, "summary": sentence(newest),
            "retry": retry_hint(newest), "deliveries": [entry(d) for d in deliveries]}


def retry_hint(d: DeliveryRecord) -> str:
    """What the operator can do about a delivery that stopped ("" when there is nothing to do)."""
    if d.state == "conflict":
        return (f"growth deliveries retry {d.id} re-reads the store; add --overwrite to replace the store's "
                "current value")
    if d.state == "delivery_failed":
        return f"fix the cause, then growth deliveries retry {d.id}"
    return ""
