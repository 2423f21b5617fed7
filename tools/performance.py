"""How each agent's proposals fare with the operator: the learning loop's raw numbers."""

from __future__ import annotations

from typing import Any

from policies.principal import Principal
from tools.deps import Deps
from tools.registry import operation

DECIDED = ("approved", "executed", "rolled_back", "rejected", "failed", "expired")


@operation("performance.read")
async def agent_performance(deps: Deps, principal: Principal, *, agent: str | None = None) -> list[dict[str, Any]]:
    """Per agent and kind: proposals, approvals, rejections, rollbacks, approval rate, revenue at stake."""
    rows = await deps.db.query(principal.tenant, lambda tx: tx.actions.stats())
    out: dict[tuple[str, str], dict[str, Any]] = {}
    for r in rows:
        if agent and r["agent"] != agent:
            continue
        key = (r["agent"], r["kind"])
        item = out.setdefault(key, {"agent": r["agent"], "kind": r["kind"], "proposed": 0, "approved": 0,
                                    "rejected": 0, "rolled_back": 0, "expired": 0, "pending": 0,
                                    "expected_revenue_executed": 0.0})
        n, status = r["count"], r["status"]
        item["proposed"] += n
        if status in ("approved", "auto_approved", "executing", "executed", "rolled_back", "failed"):
            item["approved"] += n
        if status == "rejected":
            item["rejected"] += n
        if status == "rolled_back":
            item["rolled_back"] += n
        if status == "expired":
            item["expired"] += n
        if status in ("pending_approval", "snoozed"):
            item["pending"] += n
        if status == "executed":
            item["expected_revenue_executed"] += r["revenue"] or 0.0
    for item in out.values():
        decided = item["approved"] + item["rejected"]
        item["approval_rate"] = round(item["approved"] / decided, 3) if decided else None
    return sorted(out.values(), key=lambda i: (i["agent"], i["kind"]))
