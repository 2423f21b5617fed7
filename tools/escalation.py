"""A shopper's request for a person becomes a ``support.escalation`` action in the operator's inbox.

One open request per customer: a customer who writes again while one is open is folded
into it (recorded in the audit log against that request), never a second inbox item.
"""

from __future__ import annotations

from datetime import timedelta
from typing import Any

from policies.principal import Principal
from policies import ratelimit
from policies.lifecycle import LIVE
from tools.actions import propose
from tools.audit import record
from tools.deps import Deps, Tx
from tools.registry import operation


#: new requests one customer may open per day, and follow-ups recorded per hour (the rest are folded quietly)
NEW_PER_DAY = 3
NEW_WINDOW = timedelta(days=1)
FOLLOW_UPS = 10
FOLLOW_UP_WINDOW = timedelta(hours=1)


@operation("support.escalate")
async def escalate(deps: Deps, principal: Principal, *, summary: str, conversation: str,
                   customer_ref: str | None = None, order_name: str | None = None) -> dict[str, Any]:
    """Put the request in the operator's inbox. ``summary`` must already be PII-redacted;
    it is tokenized again on the way in regardless."""
    now = deps.now()
    if customer_ref:
        open_one = await _open_for(deps, principal.tenant, customer_ref)
        if open_one is not None:
            async def fold(tx: Tx) -> bool:
                window = ratelimit.window_start(now, FOLLOW_UP_WINDOW)
                if await tx.ratelimits.bump(f"escalation.follow_up:{customer_ref}", window) <= FOLLOW_UPS:
                    await record(tx, deps, actor=principal.subject, event="escalation.followed_up",
                                 subject=f"action:{open_one}",
                                 data={"summary": summary[:2000], "conversation": conversation, "order": order_name})
                return True

            await deps.db.transact(principal.tenant, fold)
            return {"action_id": open_one, "outcome": "folded"}
        window = ratelimit.window_start(now, NEW_WINDOW)
        used = await deps.db.transact(principal.tenant, lambda tx: tx.ratelimits.bump(
            f"escalation.new:{customer_ref}", window))
        if used > NEW_PER_DAY:
            return {"action_id": None, "outcome": "throttled"}
    target = f"order:{order_name}" if order_name else f"conversation:{conversation}"
    result = await propose(deps, Principal.for_agent(principal.tenant, "customer_front"), {
        "kind": "support.escalation", "target": target, "agent": "customer_front",
        "title": "Customer asks for a person" + (f" about order {order_name}" if order_name else ""),
        "rationale": summary[:4000],
        "params": {"summary": summary[:2000], "customer_ref": customer_ref or "", "conversation": conversation},
        "expected_revenue": 0.0, "confidence": 1.0, "ease": 0.5,
        "evidence": [{"source": "customer_chat", "query": f"conversation {conversation}",
                      "metric": "escalation_requested", "value": 1, "window": "this conversation",
                      "observed_at": now.isoformat()}],
        "rollback_plan": {"description": "close the inbox item; nothing in the store changes"},
    })
    return {"action_id": result.action.id, "outcome": result.outcome}


async def _open_for(deps: Deps, tenant: str, customer_ref: str) -> int | None:
    """The customer's request still waiting for a person, if there is one."""
    rows = await deps.db.query(tenant, lambda tx: tx.actions.ranked(
        statuses=LIVE, kind="support.escalation", limit=1000))
    for row in rows:
        if row.params.get("customer_ref") == customer_ref:
            return row.id
    return None
