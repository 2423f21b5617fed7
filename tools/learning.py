"""The learning loop (the cycle's Reflect step): calibrate each (agent, kind) and propose earned autonomy.

``learn`` reads people's decisions (auto-approvals never count, see ``tools.performance``) and the
measured outcomes and stores one calibration per (agent, kind); every later proposal of that kind is
corrected by it (``calibration_for``, applied in ``tools.actions`` and named in its arithmetic). For a
kind that has earned it, ``learn`` proposes ``policy.grant_autonomy`` once: a critical action only the
operator can approve. Nothing here changes autonomy itself.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from policies import calibration as pc
from policies import memory
from policies.autonomy import earned_level
from policies.kinds import KINDS
from policies.lifecycle import LIVE, Status
from policies.principal import Principal
from policies.tiers import RiskTier
from tools.deps import Deps, Tx
from tools.errors import Conflict
from tools.performance import agent_performance

#: kinds the loop never calibrates: the grant of autonomy is the operator's own call, not an agent's forecast
UNCALIBRATED = frozenset({"policy.grant_autonomy"})
LEARNER = "system:learning"
#: a grant that ended this way keeps the kind from being proposed again within the cooldown
ENDED = frozenset({Status.REJECTED, Status.EXPIRED, Status.ROLLED_BACK, Status.WITHDRAWN})


def _calibration(row: dict[str, Any] | None) -> pc.Calibration:
    if row is None:
        return pc.NEUTRAL
    return pc.Calibration(row["approvals"], row["rejections"], row["confidence_factor"], row["revenue_ratio"],
                          row["outcomes"], row["negative_outcomes"])


async def calibration_for(tx: Tx, agent: str, kind: str) -> pc.Calibration:
    """The stored calibration of one agent's kind (neutral until the loop has run on some evidence)."""
    if kind in UNCALIBRATED:
        return pc.NEUTRAL
    return _calibration(await tx.outcomes.calibration(agent, kind))


async def learn(deps: Deps, tenant: str) -> dict[str, Any]:
    """Recompute every calibration from decisions and outcomes, then propose autonomy a kind has earned."""
    principal = Principal.system(tenant, LEARNER)
    performance = await agent_performance(deps, principal)
    outcomes = await deps.db.query(tenant, lambda tx: tx.outcomes.list(limit=100_000))
    pairs: dict[tuple[str, str], list[tuple[float, float]]] = defaultdict(list)
    negative: dict[tuple[str, str], int] = defaultdict(int)
    for o in outcomes:
        key = (o["agent"], o["kind"])
        if o["state"] != "measured":
            continue
        if o["verdict"] == "negative":
            negative[key] += 1
        if o["revenue"] is not None:
            # against the forecast before any calibration: the ratio corrects the agent, not the last correction
            calibrated_by = float((o.get("details") or {}).get("calibrated_by") or 1.0)
            pairs[key].append((float(o["revenue"]), float(o["expected_revenue"] or 0) / calibrated_by))
    perf = {(r["agent"], r["kind"]): r for r in performance}
    now = deps.now()
    cals: dict[tuple[str, str], pc.Calibration] = {}
    for key in sorted(set(perf) | set(pairs) | set(negative)):
        if key[1] in UNCALIBRATED:
            continue
        row = perf.get(key, {})
        cals[key] = pc.calibrate(approvals=row.get("approved", 0), rejections=row.get("rejected", 0),
                                 outcomes=pairs.get(key, []), negative_outcomes=negative.get(key, 0))

    async def store(tx: Tx) -> None:
        for (agent, kind), cal in cals.items():
            a, b = cal.posterior()
            await tx.outcomes.set_calibration(agent, kind, {
                "approvals": cal.approvals, "rejections": cal.rejections,
                "confidence_factor": cal.confidence_factor, "revenue_ratio": cal.revenue_ratio,
                "outcomes": cal.outcomes, "negative_outcomes": cal.negative_outcomes,
                "details": {"beta": [a, b], "rolled_back": perf.get((agent, kind), {}).get("rolled_back", 0),
                            "auto_approved_excluded": perf.get((agent, kind), {}).get("auto_approved", 0),
                            "describe": cal.describe()},
                "updated_at": now})

    await deps.db.transact(tenant, store)
    proposed = []
    for (agent, kind), cal in cals.items():
        if pc.earns_autonomy(cal, rolled_back=perf.get((agent, kind), {}).get("rolled_back", 0)):
            made = await _propose_grant(deps, principal, agent, kind, cal)
            if made is not None:
                proposed.append(made)
    return {"tenant": tenant, "calibrations": [
        {"agent": a, "kind": k, "approvals": c.approvals, "rejections": c.rejections,
         "confidence_factor": c.confidence_factor, "revenue_ratio": c.revenue_ratio, "outcomes": c.outcomes,
         "negative_outcomes": c.negative_outcomes} for (a, k), c in cals.items()],
        "autonomy_proposals": proposed}


async def _propose_grant(deps: Deps, principal: Principal, agent: str, kind: str,
                         cal: pc.Calibration) -> dict[str, Any] | None:
    """One ``policy.grant_autonomy`` proposal for ``kind``, unless one is pending, refused lately, or moot."""
    from tools.actions import propose

    spec = KINDS.get(kind)
    if spec is None:
        return None

    async def current(tx: Tx) -> tuple[Any, Any, list[Any]]:
        tenant = await tx.tenants.get()
        earlier = await tx.actions.ranked(statuses=None, kind="policy.grant_autonomy", limit=1000)
        return tenant, await tx.actions.get_live("policy.grant_autonomy", f"kind:{kind}"), earlier

    tenant_row, live, earlier = await deps.db.query(principal.tenant, current)
    if tenant_row is None or (live is not None and live.status in LIVE):
        return None  # one is already waiting for the operator (or on its way)
    now = deps.now()
    quiet = memory.cooldown("policy.grant_autonomy", RiskTier.CRITICAL)
    if any(a.target == f"kind:{kind}" and a.status in ENDED and now - a.created_at < quiet for a in earlier):
        return None  # refused, expired unanswered or undone lately: not asked again within the cooldown
    level = earned_level(spec, tenant_row.overrides.get(kind, tenant_row.autonomy_level))
    if level is None:
        return None
    decided = cal.approvals + cal.rejections
    raw = {
        "kind": "policy.grant_autonomy", "target": f"kind:{kind}", "agent": KINDS["policy.grant_autonomy"].agent,
        "params": {"kind": kind, "level": level.value},
        "title": f"Let {kind} run without asking ({level.value}): you approved {cal.approvals} of {decided}",
        "rationale": (f"You approved {cal.approvals} of the {decided} {kind} proposals from {agent} you decided "
                      f"(auto-approvals not counted), none was rolled back and no measured outcome was negative. "
                      f"At {level.value}, {spec.base_tier.value}-risk {kind} actions would execute without "
                      "waiting for you; everything else keeps waiting. Nothing changes unless you approve this."),
        "expected_revenue": 0.0, "confidence": round(cal.posterior()[0] / sum(cal.posterior()), 3), "ease": 1.0,
        "evidence": [{"source": "decisions", "query": f"agent={agent} kind={kind}", "metric": "approved by the "
                      "operator", "value": float(cal.approvals), "window": "all decisions", "observed_at": now},
                     {"source": "decisions", "query": f"agent={agent} kind={kind}", "metric": "decided by the "
                      "operator", "value": float(decided), "window": "all decisions", "observed_at": now},
                     {"source": "outcomes", "query": f"agent={agent} kind={kind}", "metric": "negative outcomes",
                      "value": float(cal.negative_outcomes), "window": "all measured", "observed_at": now}],
        "rollback_plan": {"description": "Roll back to restore the kind's previous autonomy level; the engine "
                                         "does this itself.", "steps": ["growth actions rollback ID"]},
    }
    try:
        result = await propose(deps, principal, raw, execute_now=False)
    except Conflict:
        return None  # refused within its cooldown, or one in flight: not proposed again now
    if result.outcome == "unchanged":
        return None
    return {"action_id": result.action.id, "kind": kind, "level": level.value, "status": result.action.status}
