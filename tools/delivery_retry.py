"""The operator's hand on deliveries: list them, and retry one that failed or met a conflict.

A retry puts the delivery back to ``pending``, due now, through the same claim, exactly-once check and
audit as its first attempt:

- a ``delivery_failed`` one is attempted again once the cause is fixed (a vendor's address set, the
  e-mail mode changed, the store reconnected); the attempt reads the store (or the stored messages) first;
- a ``conflict`` is attempted again against the value the action expected: it goes through only if the
  store holds that value again. With ``overwrite`` the operator accepts to replace what the store holds:
  the attempt then expects the live value the conflict recorded (the one shown to the operator), so a
  value changed yet again since is another conflict, never overwritten unseen;
- a ``send_unconfirmed`` e-mail (the worker stopped mid-conversation with the mail server) is sent again:
  the operator has checked it did not arrive; the stuck message is marked ``failed`` first.
"""

from __future__ import annotations

from typing import Any

from policies.principal import Principal
from tools.audit import record
from tools.delivery_types import STATES, DeliveryRecord
from tools.delivery_view import entry, retry_hint, sentence
from tools.deps import Deps, Tx
from tools.errors import InvalidInput, NotFound
from tools.registry import operation

RETRYABLE = ("delivery_failed", "conflict")
CHANNELS = ("shopify", "email", "task")


def _brief(d: DeliveryRecord) -> dict[str, Any]:
    return {"id": d.id, "action_id": d.action_id, "channel": d.channel, "op": d.op, "resource": d.resource,
            "state": d.state, "attempts": d.attempts, "error_code": d.error_code, "summary": sentence(d),
            "retry": retry_hint(d), "updated_at": d.updated_at, "delivered_at": d.delivered_at}


async def stuck(tx: Tx, *, limit: int = 50) -> list[dict[str, Any]]:
    """Deliveries that stopped and wait for the operator (failed, conflict), newest first."""
    return [_brief(d) for d in await tx.deliveries.recent(states=RETRYABLE, channel=None, action_id=None,
                                                          limit=limit)]


@operation("deliveries.list")
async def list_deliveries(deps: Deps, principal: Principal, *, state: str | None = None, channel: str | None = None,
                          action_id: int | None = None, limit: int = 50) -> list[dict[str, Any]]:
    """Deliveries to outside systems (the store, vendors' and the operator's mailboxes), newest first."""
    if state is not None and state not in STATES:
        raise InvalidInput(f"state must be one of {', '.join(STATES)}", code="invalid_state")
    if channel is not None and channel not in CHANNELS:
        raise InvalidInput(f"channel must be one of {', '.join(CHANNELS)}", code="invalid_channel")
    limit = max(1, min(limit, 500))
    rows = await deps.db.query(principal.tenant, lambda tx: tx.deliveries.recent(
        states=(state,) if state else None, channel=channel, action_id=action_id, limit=limit))
    return [_brief(d) for d in rows]


@operation("deliveries.retry")
async def retry_delivery(deps: Deps, principal: Principal, *, delivery_id: int,
                         overwrite: bool = False) -> dict[str, Any]:
    """Put a failed or conflicting delivery back in the queue (``overwrite``: replace the store's value)."""

    async def txn(tx: Tx) -> DeliveryRecord:
        now = deps.now()
        d = await tx.deliveries.get(delivery_id)
        if d is None:
            raise NotFound(f"no delivery {delivery_id}", code="delivery_not_found")
        if d.state not in RETRYABLE:
            raise InvalidInput(f"delivery {delivery_id} is {d.state.replace('_', ' ')}: only a failed or "
                               "conflicting delivery can be retried", code="not_retryable")
        if overwrite and d.state != "conflict":
            raise InvalidInput(f"delivery {delivery_id} met no conflict: --overwrite is for a conflict only",
                               code="nothing_to_overwrite")
        expected = None
        if overwrite:
            if d.live is None:
                raise InvalidInput(f"delivery {delivery_id} recorded no live value to overwrite",
                                   code="nothing_to_overwrite")
            expected = {k: d.live.get(k) for k in d.expected}
        if d.error_code == "send_unconfirmed":
            for m in await tx.email.messages_keyed(f"delivery:{d.id}:"):
                if m["status"] == "sending":
                    await tx.email.finish(m["id"], from_status="sending", status="failed",
                                          error="unconfirmed: the worker stopped mid-send; the operator chose to "
                                                "send it again")
        why = (f"retry requested by {principal.subject}"
               + (", overwriting the store's current value" if overwrite else ""))
        reopened = await tx.deliveries.reopen(delivery_id, reason=why, now=now, expected=expected)
        if reopened is None:
            raise InvalidInput(f"delivery {delivery_id} changed meanwhile; look again", code="not_retryable")
        await record(tx, deps, actor=principal.subject, event="action.delivery_retry_requested",
                     subject=f"action:{d.action_id}",
                     data={"delivery": d.id, "channel": d.channel, "was": d.state, "code": d.error_code,
                           "overwrite": overwrite, "expected": expected if overwrite else d.expected,
                           "live": d.live})
        return reopened

    reopened = await deps.db.transact(principal.tenant, txn)
    await deps.changed(principal.tenant, reopened.action_id)
    return {**entry(reopened), "action_id": reopened.action_id}
