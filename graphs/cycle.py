"""One Plan → Act → React → Reflect pass for a tenant, and the Act phase (it runs the specialists).

``plan``, ``react`` and ``reflect`` live in ``tools.cycle`` and ``tools.cycle_reflect``; they are
re-exported here so a durable workflow imports the four phases from one place and calls each as a
step. ``run_cycle`` calls them in order in this process, without a durable engine: the kill switch is
read before each phase, a phase that finished is not run again for the same cycle id, and a time
budget skips what is left (Reflect always runs, so every cycle has a reflection).
"""

from __future__ import annotations

import asyncio
import time
from datetime import timedelta
from typing import Any

from graphs.runs import run_specialist
from policies.principal import Principal
from tools.agent_flags import server_check
from tools.cycle import plan, react
from tools.cycle_record import finish_cycle, get_cycle, new_cycle_id, open_cycle, run_phase
from tools.cycle_reflect import reflect
from tools.cycle_types import ActResult, Plan, ReactResult, Reflection
from tools.deps import Deps, Tx
from tools.errors import ToolError
from tools.execution import run_due
from tools.notify_scan import notify_pass

__all__ = ["ActResult", "Plan", "ReactResult", "Reflection", "act", "plan", "react", "reflect",
           "run_cycle", "skip_phases"]

DEFAULT_BUDGET = timedelta(minutes=10)


async def act(deps: Deps, tenant: str, plan: Plan, *, cycle: str = "") -> ActResult:
    """Run the planned specialists concurrently; what autonomy allows executes as it is proposed, then one
    worker pass executes whatever else is due. Nothing runs when the kill switch is engaged."""
    cycle = cycle or plan.cycle

    async def body() -> dict[str, Any]:
        server_check(deps)
        system = Principal.system(tenant, "system:cycle")

        async def one(agent: str) -> dict[str, Any]:
            try:
                r = await run_specialist(deps, system, agent, task="scheduled cycle", trigger="cycle")
            except ToolError as exc:
                return {"agent": agent, "run_id": None, "status": exc.code, "summary": exc.message,
                        "new_action_ids": [], "counts": {}}
            return {"agent": agent, "run_id": r.get("run_id"), "status": r.get("status"), "summary": r.get("summary"),
                    "new_action_ids": r.get("new_action_ids") or [], "counts": await _counts(deps, tenant, r)}

        runs = list(await asyncio.gather(*(one(a) for a in plan.agents)))
        due = await run_due(deps, tenant)
        proposed = sorted({i for r in runs for i in r["new_action_ids"]})
        return ActResult(cycle, runs, proposed, due.executed, due.held, due.deferred, due.failed).as_dict()

    def halted(reason: str) -> dict[str, Any]:
        return ActResult(cycle, [], [], [], [], [], [], halted=reason).as_dict()

    if not cycle:
        return ActResult.from_dict(await body())
    return ActResult.from_dict(await run_phase(deps, tenant, cycle, "act", body, halted=halted))


async def _counts(deps: Deps, tenant: str, result: dict[str, Any]) -> dict[str, Any]:
    run_id = result.get("run_id")
    if not run_id:
        return {}
    run = await deps.db.query(tenant, lambda tx: tx.runs.get(run_id))
    return dict(run.counts) if run else {}


async def run_cycle(deps: Deps, tenant: str, *, budget: timedelta | float = DEFAULT_BUDGET, cycle: str = "",
                    trigger: str = "manual") -> Reflection:
    """All four phases in order, in this process; returns the reflection (also on the cycle's row)."""
    server_check(deps)
    seconds = budget.total_seconds() if isinstance(budget, timedelta) else float(budget)
    cycle = cycle or new_cycle_id(deps)
    rec = await open_cycle(deps, tenant, cycle, trigger=trigger)
    if rec.status == "failed" and "reflect" in rec.phases:
        # resumed after a failure: the phases left run now, and the reflection is made again
        await deps.db.transact(tenant, lambda tx: tx.cycles.set_phase(cycle, "reflect", {"status": "superseded"}))
    began = time.perf_counter()

    def over() -> bool:
        return time.perf_counter() - began > seconds

    try:
        planned = await plan(deps, tenant, cycle=cycle)
        if over():
            await skip_phases(deps, tenant, cycle, "act", "react")
        else:
            await act(deps, tenant, planned, cycle=cycle)
            if over():
                await skip_phases(deps, tenant, cycle, "react")
            else:
                await react(deps, tenant, cycle=cycle)
    except Exception as exc:
        await reflect(deps, tenant, cycle)
        await finish_cycle(deps, tenant, cycle, status="failed", error=f"{type(exc).__name__}: {exc}")
        await notify_pass(deps, tenant)  # a failing cycle is an alert
        raise
    reflection = await reflect(deps, tenant, cycle)
    await notify_pass(deps, tenant)
    return reflection


async def skip_phases(deps: Deps, tenant: str, cycle: str, *phases: str) -> None:
    """Record ``phases`` as skipped (the time budget ran out) unless they ran already."""
    rec = await get_cycle(deps, tenant, cycle)
    todo = [p for p in phases if rec is None or p not in rec.phases]

    async def txn(tx: Tx) -> None:
        for phase in todo:
            await tx.cycles.set_phase(cycle, phase, {"status": "skipped", "reason": "the cycle's time budget ran out",
                                                     "seconds": 0.0, "result": {}})

    await deps.db.transact(tenant, txn)


