"""Recording handoffs between agents: one row and one audit event per attempt."""

from __future__ import annotations

from typing import Any

from policies.principal import Principal
from tools.audit import record
from tools.deps import Deps, Tx
from tools.pii import protect, protect_text
from tools.records import HandoffRecord
from tools.registry import operation


async def record_handoff(deps: Deps, tenant: str, *, actor: str, thread_id: str, from_agent: str, to_agent: str,
                         kind: str, allowed: bool, reason: str, payload: dict[str, Any]) -> HandoffRecord:
    """Write the handoff row and its audit event in one transaction (payload already filtered)."""

    async def txn(tx: Tx) -> HandoffRecord:
        await tx.tenants.ensure(name=tenant, now=deps.now())
        row = await tx.handoffs.add(thread_id=thread_id, from_agent=from_agent, to_agent=to_agent, kind=kind,
                                    allowed=allowed, reason=await protect_text(tx, deps, reason),
                                    payload=await protect(tx, deps, payload), now=deps.now())
        await record(tx, deps, actor=actor, event="handoff" if allowed else "handoff.refused",
                     subject=f"{from_agent}->{to_agent}",
                     data={"thread": thread_id, "kind": kind, "reason": reason, "handoff": row.id})
        return row

    return await deps.db.transact(tenant, txn)


@operation("handoffs.read")
async def handoff_log(deps: Deps, principal: Principal, *, thread_id: str | None = None,
                      limit: int = 50) -> list[dict[str, Any]]:
    rows = await deps.db.query(principal.tenant, lambda tx: tx.handoffs.list(thread_id=thread_id,
                                                                             limit=max(1, min(limit, 500))))
    return [{"id": r.id, "thread": r.thread_id, "from": r.from_agent, "to": r.to_agent, "kind": r.kind,
             "allowed": r.allowed, "reason": r.reason, "payload": r.payload, "at": r.created_at} for r in rows]
