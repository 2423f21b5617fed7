"""How each agent's proposals fare with the operator: the learning loop's raw numbers, honestly counted.

Only people's decisions count: the engine's own auto-approvals are reported apart and never
raise an approval rate. A rollback counts against the proposal it undid (an approval that
did not hold), and a proposal made again for the same target (superseded, re-proposed after
a cooldown) is one proposal: each (kind, target) counts once, with the operator's last word.
"""

from __future__ import annotations

from typing import Any

from policies.principal import Principal
from tools.deps import Deps, Tx
from tools.registry import operation

POSITIVE = frozenset({"approve", "edit_approve"})


@operation("performance.read")
async def agent_performance(deps: Deps, principal: Principal, *, agent: str | None = None) -> list[dict[str, Any]]:
    """Per agent and kind: proposals, human approvals, rejections, rollbacks, auto-approvals, approval rate."""
    async def q(tx: Tx) -> tuple[list[dict[str, Any]], ...]:
        return await tx.actions.stats(), await tx.actions.human_decisions(), await tx.actions.auto_approvals()

    stats, decisions, autos = await deps.db.query(principal.tenant, q)
    out: dict[tuple[str, str], dict[str, Any]] = {}

    def row(a: str, k: str) -> dict[str, Any]:
        return out.setdefault((a, k), {"agent": a, "kind": k, "proposed": 0, "approved": 0, "rejected": 0,
                                       "rolled_back": 0, "auto_approved": 0, "expired": 0, "pending": 0,
                                       "expected_revenue_executed": 0.0})

    for r in stats:
        if agent and r["agent"] != agent:
            continue
        item = row(r["agent"], r["kind"])
        n, status = r["count"], r["status"]
        if status not in ("superseded", "withdrawn"):
            item["proposed"] += n
        if status == "expired":
            item["expired"] += n
        if status in ("pending_approval", "snoozed"):
            item["pending"] += n
        if status == "executed":
            item["expected_revenue_executed"] += r["revenue"] or 0.0
    last: dict[tuple[str, str, str], str] = {}
    for d in decisions:
        if agent and d["agent"] != agent:
            continue
        verdict = d["verdict"]
        if verdict in ("snooze", "hold_back"):
            continue  # a snooze decides nothing; a hold-back is an experiment's control, not a rejection
        key = (d["agent"], d["kind"], d["target"])
        # the operator's last word on a target: a rollback after an approval is a rollback
        last[key] = "rollback" if verdict == "rollback" else ("approve" if verdict in POSITIVE else "reject")
    for (a, k, _), word in last.items():
        item = row(a, k)
        item["approved" if word == "approve" else "rejected" if word == "reject" else "rolled_back"] += 1
    for r in autos:
        if agent and r["agent"] != agent:
            continue
        row(r["agent"], r["kind"])["auto_approved"] += r["count"]
    for item in out.values():
        decided = item["approved"] + item["rejected"] + item["rolled_back"]
        item["human_decisions"] = decided
        # no human decision, no rate: auto-approvals never make an agent look trusted
        item["approval_rate"] = round(item["approved"] / decided, 3) if decided else None
    return sorted(out.values(), key=lambda i: (i["agent"], i["kind"]))

