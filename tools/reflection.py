"""The Reflect step: what the operator's decisions say about each agent, and what to change."""

from __future__ import annotations

import json
from collections import Counter, defaultdict
from datetime import timedelta
from typing import Any

from policies import calibration
from policies.principal import Principal
from tools.audit import recent
from tools.deps import Deps
from tools.performance import agent_performance
from tools.registry import operation

#: a kind earns a proposal of more autonomy after this many decisions at this approval rate (the learning
#: loop, ``tools.learning``, makes that proposal; these are its thresholds)
TRUST_DECISIONS = calibration.TRUST_DECISIONS
TRUST_RATE = calibration.TRUST_RATE


@operation("reflections.read")
async def latest_reflection(deps: Deps, principal: Principal, *, days: int = 7) -> dict[str, Any]:
    """A reflection over the last ``days``: per-agent record, rejection reasons, failures, suggestions."""
    now = deps.now()
    since = (now - timedelta(days=days)).isoformat(timespec="microseconds")
    events = await recent(deps, principal.tenant, limit=1000, since=since)
    performance = await agent_performance(deps, principal)
    reasons: dict[str, Counter[str]] = defaultdict(Counter)
    failed, rolled_back = [], []
    for e in events:
        if e["event"] == "action.rejected" and e["data"].get("reason"):
            reasons[e["subject"]][e["data"]["reason"]] += 1
        elif e["event"] == "action.failed":
            failed.append({"action": e["subject"], "code": e["data"].get("code"), "error": e["data"].get("error")})
        elif e["event"] == "action.rolled_back":
            rolled_back.append({"action": e["subject"], "reason": e["data"].get("reason", "")})
    suggestions = []
    for row in performance:
        decided = row["human_decisions"]  # people's decisions only: auto-approvals never earn trust
        if decided >= TRUST_DECISIONS and (row["approval_rate"] or 0) >= TRUST_RATE and not row["rolled_back"]:
            suggestions.append(f"{row['kind']} from {row['agent']}: {row['approved']}/{decided} approved and none "
                               "rolled back — the learning loop proposes more autonomy for it (policy.grant_autonomy) "
                               "unless a measured outcome was negative; only you can approve it")
        elif decided >= 3 and (row["approval_rate"] or 0) < 0.5:
            suggestions.append(f"{row['kind']} from {row['agent']}: only {row['approved']}/{decided} approved — "
                               "read the rejection reasons and tighten what it proposes")
    if failed:
        suggestions.append(f"{len(failed)} execution(s) failed: check that targets still exist and prices are current")
    outcomes = await deps.db.query(principal.tenant, lambda tx: tx.outcomes.list(limit=10_000))
    calibrations = await deps.db.query(principal.tenant, lambda tx: tx.outcomes.calibrations())
    return {"window_days": days, "generated_at": now.isoformat(), "agents": performance,
            "outcomes": outcome_summary(outcomes),
            "calibrations": [{k: c[k] for k in ("agent", "kind", "approvals", "rejections", "confidence_factor",
                                                "revenue_ratio", "outcomes", "negative_outcomes")}
                             for c in calibrations],
            "rejection_reasons": [{"action": a, "reasons": dict(c)} for a, c in reasons.items()],
            "failed": failed, "rolled_back": rolled_back, "suggestions": suggestions}


def outcome_summary(outcomes: list[dict[str, Any]]) -> dict[str, Any]:
    """Measured outcomes by verdict, and realised against expected revenue (an interval, never a point)."""
    measured = [o for o in outcomes if o["state"] == "measured"]
    valued = [o for o in measured if o["revenue"] is not None]
    return {
        "measured": len(measured), "waiting": sum(1 for o in outcomes if o["state"] == "waiting"),
        "by_verdict": dict(Counter(o["verdict"] for o in measured)),
        "expected_revenue": round(sum(o["expected_revenue"] for o in valued), 2),
        # the bounds are added as they are: a conservative range for the total
        "realised_revenue": {"estimate": round(sum(o["revenue"] for o in valued), 2),
                             "low": round(sum(o["revenue_low"] for o in valued), 2),
                             "high": round(sum(o["revenue_high"] for o in valued), 2)} if valued else None,
    }


def as_text(reflection: dict[str, Any]) -> str:
    return json.dumps(reflection, indent=2, default=str)
