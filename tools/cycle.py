"""The cycle's Plan, React and Reflect phases (Act runs the specialists: ``graphs.cycle``).

Each phase is a plain async function a durable workflow calls as one step, and ``graphs.cycle.run_cycle``
calls in order without one. Given ``cycle=`` (the cycle's id) a phase is recorded in the tenant's
``cycles`` row with its timings and is idempotent: run again after a crash, a finished phase returns
what it recorded. A phase reads the kill switch before it starts; engaged, it does nothing and says so.
"""

from __future__ import annotations

from typing import Any

from policies.freshness import NEEDS, judge
from policies.principal import Principal
from tools.agent_flags import states
from tools.audit import record
from tools.cycle_record import jsonable, run_phase
from tools.cycle_types import Plan, ReactResult
from tools.deps import Deps, Tx
from tools.errors import InvalidInput
from tools.execution import kill_state, sweep
from tools.readiness import newest_by_source
from tools.registry import enforce

#: a specialist with this many proposals waiting for the operator adds no more until some are decided
BACKLOG = 25



async def plan(deps: Deps, tenant: str, *, cycle: str = "") -> Plan:
    """Which specialists run this cycle: switched on, data fresh enough, and not already owed decisions."""
    async def body() -> dict[str, Any]:
        now = deps.now()

        async def q(tx: Tx) -> tuple[Any, ...]:
            return (await states(tx, deps), await newest_by_source(tx), await tx.actions.count_by_status(),
                    await tx.actions.stats(), await kill_state(tx, deps))

        flags, newest, open_work, stats, kill = await deps.db.query(tenant, q)
        waiting: dict[str, int] = {}
        for row in stats:
            if row["status"] == "pending_approval":
                waiting[row["agent"]] = waiting.get(row["agent"], 0) + int(row["count"])
        agents: list[str] = []
        skipped: dict[str, str] = {}
        for agent in NEEDS:
            fresh = judge(agent, newest, now)
            if not flags[agent].enabled:
                skipped[agent] = flags[agent].reason
            elif fresh.stale:
                skipped[agent] = f"stale data: {fresh.reason()}"
            elif waiting.get(agent, 0) >= BACKLOG:
                skipped[agent] = (f"{waiting[agent]} of its proposals wait for your decision; it proposes more "
                                  "once some are decided")
            else:
                agents.append(agent)
        sources = {s.source: s for a in NEEDS for s in judge(a, newest, now).sources}
        return Plan(cycle, agents, skipped, [
            {"source": s.source, "state": s.state, "imported_at": s.newest, "age_days": s.age_days,
             "limit_days": s.limit_days} for s in sources.values()], open_work,
            sync_due=sorted(s.source for s in sources.values() if s.state == "stale"),
            kill_switch=f"{kill.source}: {kill.reason}" if kill.engaged else "").as_dict()

    if not cycle:
        return Plan.from_dict(jsonable(await body()))
    return Plan.from_dict(await run_phase(deps, tenant, cycle, "plan", body, halt_on_kill=False))


async def react(deps: Deps, tenant: str, *, cycle: str = "") -> ReactResult:
    """Expire pending actions nobody decided in time (never executed), wake snoozed ones, measure outcomes."""
    async def body() -> dict[str, Any]:
        expired, woken = await sweep(deps, tenant)
        from tools.outcomes import measure_outcomes  # (scipy loads with it: only when a cycle measures)

        outcomes = await measure_outcomes(deps, tenant)
        return ReactResult(cycle, expired, woken, outcomes).as_dict()

    def halted(reason: str) -> dict[str, Any]:
        return ReactResult(cycle, [], [], {"status": "not_measured", "reason": reason}, halted=reason).as_dict()

    if not cycle:
        return ReactResult.from_dict(jsonable(await body()))
    return ReactResult.from_dict(await run_phase(deps, tenant, cycle, "react", body, halted=halted))


#: the tenant setting that sets its cycle period, in minutes (hourly when unset)
PERIOD_SETTING = "cycle_every_minutes"
#: the shortest and longest period an operator may choose
PERIOD_MINUTES = (5.0, 7 * 24 * 60.0)


async def set_period(deps: Deps, principal: Principal, *, minutes: float) -> dict[str, Any]:
    """How often the store's cycle runs (audited); the next period starts on the new boundary."""
    await enforce(deps, principal, "operations.configure", principal.tenant)
    low, high = PERIOD_MINUTES
    if not low <= minutes <= high:
        raise InvalidInput(f"a cycle runs every {low:g} to {high:g} minutes, not {minutes:g}",
                           code="invalid_cycle_period")

    async def txn(tx: Tx) -> dict[str, Any]:
        now = deps.now()
        await tx.tenants.ensure(name=principal.tenant, now=now)
        await tx.settings.set(PERIOD_SETTING, f"{minutes:g}", now=now)
        await record(tx, deps, actor=principal.subject, event="cycle.period_set", subject=f"tenant:{principal.tenant}",
                     data={"minutes": minutes})
        return {"tenant": principal.tenant, "every_minutes": minutes}

    return await deps.db.transact(principal.tenant, txn)
