"""The Reflect phase: what the cycle changed, told as a record the operator (and the next cycle) reads.

Counts come from the audit log since the cycle began (the position is kept on the cycle's row), so
they say what happened, whoever did it: proposals, auto-approvals, executions, deliveries, expiries,
failures, and what was blocked (held by the kill switch, refused by policy or a standing rule).
Measured outcomes (``tools.outcomes``) give the metrics that moved and realised against expected revenue,
each with its interval: an estimate, never a point claim.
"""

from __future__ import annotations

import json
from datetime import datetime
from typing import Any

from tools.cycle_record import START, jsonable, run_phase
from tools.cycle_types import PHASES, Reflection
from tools.deps import Deps, Tx

#: audit events counted, by the count they go to
COUNTED = {"action.proposed": "proposed", "action.auto_approved": "auto_approved", "action.executed": "executed",
           "action.failed": "failed", "action.delivery_failed": "failed", "action.expired": "expired",
           "action.delivered": "delivered", "action.delivery_conflict": "conflict", "policy.denied": "blocked",
           "action.rejected": "rejected", "action.approved": "approved"}
COUNTS = ("proposed", "auto_approved", "approved", "rejected", "executed", "blocked", "expired", "delivered",
          "conflict", "failed")


def _action_id(subject: str) -> int | None:
    kind, _, ident = subject.partition(":")
    return int(ident) if kind == "action" and ident.isdigit() else None


async def _measured(tx: Tx) -> list[dict[str, Any]]:
    """Measured outcomes of executed actions."""
    from tools.outcomes import outcome_of

    rows = []
    for action in await tx.outcomes.executed():
        found = await outcome_of(tx, action["id"])
        if found is not None and found.get("state") not in (None, "waiting", "unmeasurable"):
            rows.append({"action_id": action["id"], "kind": action["kind"], "target": action["target"], **found})
    return rows


def _revenue(outcomes: list[dict[str, Any]], expected_executed: float) -> dict[str, Any]:
    valued = [o for o in outcomes if o.get("revenue") is not None]
    realised = {"estimate": round(sum(o["revenue"] for o in valued), 2),
                "low": round(sum(o.get("revenue_low") or 0 for o in valued), 2),
                "high": round(sum(o.get("revenue_high") or 0 for o in valued), 2),
                "expected": round(sum(o.get("expected_revenue") or 0 for o in valued), 2),
                "actions": len(valued)} if valued else None
    return {"expected_from_this_cycle": round(expected_executed, 2), "realised_to_date": realised,
            "note": "realised profit is an estimate against untouched controls, with its interval"
            if valued else "no executed action has been measured yet"}


def _hints(counts: dict[str, int], phases: dict[str, Any], open_work: dict[str, int],
           learned: dict[str, Any]) -> list[str]:
    hints: list[str] = []
    if learned.get("autonomy_proposals"):
        hints.append(f"{len(learned['autonomy_proposals'])} kind(s) earned a proposal of more autonomy "
                     "(policy.grant_autonomy, critical: only you can approve it)")
    plan = (phases.get("plan") or {}).get("result") or {}
    for agent, why in sorted((plan.get("skipped") or {}).items()):
        hints.append(f"{agent} did not run: {why}")
    halted = [p for p in PHASES if (phases.get(p) or {}).get("status") == "halted"]
    if halted:
        hints.append(f"the kill switch held {', '.join(halted)}: release it (growth kill-switch off) when it is safe")
    if counts["failed"]:
        hints.append(f"{counts['failed']} execution(s) or deliveries failed: read `growth audit tail` and check the "
                     "targets still exist")
    if counts["expired"]:
        hints.append(f"{counts['expired']} proposal(s) expired undecided: decide sooner, or let a kind you always "
                     "approve run on its own (growth autonomy)")
    waiting = open_work.get("pending_approval", 0)
    if waiting:
        hints.append(f"{waiting} action(s) wait for your decision (growth actions list)")
    if (phases.get("react") or {}).get("result", {}).get("outcomes", {}).get("status") == "not_measured":
        hints.append("outcomes were not measured this cycle")
    return hints


async def reflect(deps: Deps, tenant: str, cycle: str) -> Reflection:
    """The cycle's reflection, recorded on its row (and as its last phase)."""
    async def body() -> dict[str, Any]:
        learned = await _learn(deps, tenant)

        async def q(tx: Tx) -> tuple[Any, ...]:
            rec = await tx.cycles.get(cycle)
            start = ((rec.phases if rec else {}).get(START) or {}).get("audit_seq", 0)
            events = [e for e in await tx.audit.recent(limit=10_000) if e.seq > start]
            return rec, events, await tx.actions.count_by_status(), await _measured(tx)

        rec, events, open_work, outcomes = await deps.db.query(tenant, q)
        actions: dict[str, list[int]] = {c: [] for c in COUNTS}
        expected = 0.0
        for e in sorted(events, key=lambda e: e.seq):
            bucket = COUNTED.get(e.event)
            if bucket is None:
                continue
            ident = _action_id(e.subject)
            actions[bucket].append(ident if ident is not None else -e.seq)
            if e.event == "action.executed":
                expected += float(json.loads(e.data).get("expected_revenue") or 0)
        phases = rec.phases if rec else {}
        act = (phases.get("act") or {}).get("result") or {}
        actions["blocked"] += [i for i in act.get("held") or [] if i not in actions["blocked"]]
        blocked_proposals = sum(int((r.get("counts") or {}).get("skipped") or 0) for r in act.get("runs") or [])
        counts = {c: len(actions[c]) for c in COUNTS}
        counts["blocked"] += blocked_proposals
        if expected == 0.0 and actions["executed"]:
            expected = await _expected(deps, tenant, [i for i in actions["executed"] if i > 0])
        moved = sorted(({"metric": o.get("metric"), "action_id": o["action_id"], "kind": o["kind"],
                         "target": o["target"], "verdict": o.get("verdict"), "effect": o.get("effect"),
                         "low": o.get("low"), "high": o.get("high")}
                        for o in outcomes if o.get("verdict") in ("positive", "negative")),
                       key=lambda m: -abs(m["effect"] or 0))[:10]
        started = rec.started_at if rec else deps.now()
        status = _status(phases)
        summary = (f"{counts['proposed']} proposed, {counts['executed']} executed, {counts['delivered']} delivered, "
                   f"{counts['expired']} expired, {counts['blocked']} blocked, {counts['failed']} failed")
        return Reflection(cycle, status, _iso(started), _iso(deps.now()), counts,
                          {k: [i for i in v if i > 0] for k, v in actions.items()}, moved,
                          _revenue(outcomes, expected), _hints(counts, phases, open_work, learned),
                          {p: {k: (phases.get(p) or {}).get(k) for k in ("status", "seconds")} for p in PHASES[:-1]},
                          summary, learned).as_dict()

    result = await run_phase(deps, tenant, cycle, "reflect", body, halt_on_kill=False)
    reflection = Reflection.from_dict(result)
    await deps.db.transact(tenant, lambda tx: tx.cycles.finish(cycle, status=reflection.status, now=deps.now(),
                                                               reflection=jsonable(reflection.as_dict())))
    return reflection


async def _learn(deps: Deps, tenant: str) -> dict[str, Any]:
    """The learning loop's pass (calibrations, earned-autonomy proposals)."""
    from tools.learning import learn

    done = await learn(deps, tenant)
    return {"status": "done", "calibrations": len(done.get("calibrations") or []),
            "autonomy_proposals": done.get("autonomy_proposals") or []}


def _status(phases: dict[str, Any]) -> str:
    states = [(phases.get(p) or {}).get("status") for p in PHASES[:-1]]
    if "failed" in states:
        return "failed"
    if "halted" in states:
        return "halted"
    if "skipped" in states:
        return "over_budget"
    return "done"


def _iso(value: datetime | str) -> str:
    return value if isinstance(value, str) else value.isoformat()


async def _expected(deps: Deps, tenant: str, ids: list[int]) -> float:
    async def q(tx: Tx) -> float:
        total = 0.0
        for i in ids:
            a = await tx.actions.get(i)
            total += a.expected_revenue if a else 0.0
        return total

    return await deps.db.query(tenant, q)


async def latest(deps: Deps, tenant: str) -> dict[str, Any] | None:
    """The newest cycle's reflection (None before the first cycle reflects)."""
    rec = await deps.db.query(tenant, lambda tx: tx.cycles.latest(with_reflection=True))
    return rec.reflection if rec else None


def as_text(r: dict[str, Any] | None) -> str:
    """The reflection in plain words (chat, the briefing, the CLI); says so when no cycle has run yet."""
    if not r:
        return ("No cycle has run yet for this store: nothing ran on its own. Start one with `growth cycle run` "
                "(the worker runs one every hour).")
    c = r.get("counts") or {}
    lines = [f"Last cycle {r['cycle']} ({r['status']}), {str(r['started_at'])[:16]} to {str(r['finished_at'])[:16]}: "
             f"{r.get('summary') or ''}."]
    if c.get("auto_approved") or c.get("rejected") or c.get("conflict"):
        lines.append(f"Auto-approved {c.get('auto_approved', 0)}, rejected {c.get('rejected', 0)}, delivery conflicts "
                     f"{c.get('conflict', 0)}.")
    rev = r.get("revenue") or {}
    realised = rev.get("realised_to_date")
    lines.append(f"Expected profit of what executed this cycle: {rev.get('expected_from_this_cycle', 0):,.0f}. "
                 + (f"Realised so far (measured against controls, {realised['actions']} actions): about "
                    f"{realised['estimate']:,.0f} (between {realised['low']:,.0f} and {realised['high']:,.0f}) "
                    f"against {realised['expected']:,.0f} expected." if realised else rev.get("note", "")))
    for m in r.get("metrics") or []:
        lines.append(f"Moved: {m['metric']} on {m['target']} ({m['kind']}, #{m['action_id']}): {m['verdict']}, "
                     f"effect {m['effect']} [{m['low']}, {m['high']}].")
    lines += [f"Next: {h}" for h in r.get("hints") or []]
    return "\n".join(lines)
