"""A shopper's request for a person becomes a ``support.escalation`` action in the operator's inbox."""

from __future__ import annotations

from typing import Any

from policies.principal import Principal
from tools.actions import propose
from tools.deps import Deps
from tools.registry import operation


@operation("support.escalate")
async def escalate(deps: Deps, principal: Principal, *, summary: str, conversation: str,
                   customer_ref: str | None = None, order_name: str | None = None) -> dict[str, Any]:
    """Put the request in the operator's inbox. ``summary`` must already be PII-redacted;
    it is tokenized again on the way in regardless."""
    now = deps.now()
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
