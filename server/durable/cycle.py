"""The operations cycle on the durable engine: one Plan → Act → React → Reflect workflow per tenant and
period, each phase a step (Plan first syncs the sources that are due, where a live connection is set).

A fan-out (``fan_out``; a DBOS schedule runs it every minute, and each worker pass too) enqueues one
cycle workflow per tenant whose period has begun, on the queue ``growth-cycles`` partitioned by tenant
(one cycle per tenant at a time, anywhere). The workflow id names the tenant and the period, so
however many workers fan out, each tenant's cycle runs once per period. A worker that dies mid-cycle
hands it to another (``server.durable.engine``), which resumes after the last finished step; the
phases are idempotent per cycle id as well (``tools.cycle_record``), so even a step re-run after a
crash redoes nothing it recorded. The kill switch is read before every phase; the time budget skips
what is left, and Reflect always runs.
"""

from __future__ import annotations

import time
from datetime import datetime, timedelta, timezone
from typing import Any

from dbos import DBOS, SetEnqueueOptions, SetWorkflowID

from graphs.cycle import act, plan, react, reflect
from graphs.cycle import skip_phases
from server.durable.engine import CYCLE_QUEUE, current_app, running
from tools.agent_flags import server_check
from policies.principal import Principal
from tools.cycle import PERIOD_SETTING
from tools.cycle_record import finish_cycle, open_cycle, run_phase
from tools.cycle_types import Plan
from tools.notify_scan import notify_pass

#: a tenant's cycle period unless it chose its own (``cycle_every_minutes`` in its settings)
DEFAULT_EVERY = timedelta(hours=1)
#: the longest one cycle may take before what is left is skipped
BUDGET_SECONDS = 600.0
SETTING = PERIOD_SETTING
SCHEDULE = "growth-cycle-fan-out"


def _transient(exc: BaseException) -> bool:
    """A database that refused a connection or dropped one (a full pool, a restart): worth another try. The
    phases are idempotent per cycle id, so a phase tried again redoes nothing it recorded."""
    from sqlalchemy.exc import InterfaceError, OperationalError

    return isinstance(exc, (OperationalError, InterfaceError, ConnectionError, TimeoutError))


#: the phases' steps retry transient database failures (three more tries, 1 s, 2 s, 4 s apart)
RETRY: dict[str, Any] = {"retries_allowed": True, "max_attempts": 4, "interval_seconds": 1.0,
                         "should_retry": _transient}


def period_start(now: datetime, every: timedelta) -> datetime:
    epoch = datetime(2000, 1, 1, tzinfo=timezone.utc)
    return epoch + ((now - epoch) // every) * every


def cycle_key(start: datetime) -> str:
    return f"cycle-{start:%Y%m%dT%H%M%S}"


# --- steps -------------------------------------------------------------------------------------

@DBOS.step(name="growth.cycle.open", **RETRY)
async def open_step(tenant: str, cycle: str, trigger: str) -> float:
    """Opens the cycle's record; returns when it began (the budget counts from there, across resumes)."""
    await open_cycle(current_app().deps, tenant, cycle, trigger=trigger)
    return time.time()


@DBOS.step(name="growth.cycle.sync", **RETRY)
async def sync_step(tenant: str, cycle: str) -> dict[str, Any]:
    """Plan's first half: each source older than its freshness limit, synced where a live connection is
    configured (recorded as the cycle's ``sync`` phase); what cannot be synced leaves its agents stale."""
    from policies.freshness import NEEDS, source_age
    from server.durable.workflows import sync_source
    from tools.readiness import newest_by_source

    deps = current_app().deps

    async def body() -> dict[str, Any]:
        newest = await deps.db.query(tenant, newest_by_source)
        now = deps.now()
        due = sorted({s for sources in NEEDS.values() for s in sources
                      if source_age(s, newest.get(s), now).state != "fresh"})
        system = Principal.system(tenant, "system:cycle")
        return {"due": due, "synced": [await sync_source(system, source) for source in due]}

    return await run_phase(deps, tenant, cycle, "sync", body, halt_on_kill=False)


@DBOS.step(name="growth.cycle.plan", **RETRY)
async def plan_step(tenant: str, cycle: str) -> dict[str, Any]:
    return (await plan(current_app().deps, tenant, cycle=cycle)).as_dict()


@DBOS.step(name="growth.cycle.act", **RETRY)
async def act_step(tenant: str, cycle: str, planned: dict[str, Any]) -> dict[str, Any]:
    return (await act(current_app().deps, tenant, Plan.from_dict(planned), cycle=cycle)).as_dict()


@DBOS.step(name="growth.cycle.react", **RETRY)
async def react_step(tenant: str, cycle: str) -> dict[str, Any]:
    return (await react(current_app().deps, tenant, cycle=cycle)).as_dict()


@DBOS.step(name="growth.cycle.skip", **RETRY)
async def skip_step(tenant: str, cycle: str, phases: list[str]) -> None:
    await skip_phases(current_app().deps, tenant, cycle, *phases)


@DBOS.step(name="growth.cycle.reflect", **RETRY)
async def reflect_step(tenant: str, cycle: str, error: str) -> dict[str, Any]:
    deps = current_app().deps
    reflection = (await reflect(deps, tenant, cycle)).as_dict()
    if error:
        await finish_cycle(deps, tenant, cycle, status="failed", error=error)
    await notify_pass(deps, tenant)
    return reflection


@DBOS.step(name="growth.cycle.over_budget")
async def over_step(began: float, budget: float) -> bool:
    """Whether the budget is spent: a step, so a resumed workflow takes the branch it took before."""
    return time.time() - began > budget


@DBOS.workflow(name="growth.cycle")
async def cycle_workflow(tenant: str, cycle: str, trigger: str, budget: float) -> dict[str, Any]:
    began = await open_step(tenant, cycle, trigger)
    error = ""
    try:
        await sync_step(tenant, cycle)
        planned = await plan_step(tenant, cycle)
        if await over_step(began, budget):
            await skip_step(tenant, cycle, ["act", "react"])
        else:
            await act_step(tenant, cycle, planned)
            if await over_step(began, budget):
                await skip_step(tenant, cycle, ["react"])
            else:
                await react_step(tenant, cycle)
    except Exception as exc:  # recorded on the cycle and reflected on; the workflow ends failed
        error = f"{type(exc).__name__}: {exc}"
    reflection = await reflect_step(tenant, cycle, error)
    if error:
        raise RuntimeError(f"cycle {cycle} of {tenant} failed: {error}")
    return reflection


# --- the fan-out -------------------------------------------------------------------------------

async def _every(tenant: str) -> timedelta:
    app = current_app()
    raw = (await app.db.query(tenant, lambda tx: tx.settings.all())).get(SETTING)
    try:
        minutes = float(raw) if raw is not None else None
    except (TypeError, ValueError):
        minutes = None
    return timedelta(minutes=minutes) if minutes and minutes > 0 else DEFAULT_EVERY


async def enqueue_cycle(tenant: str, cycle: str, *, trigger: str, budget: float = BUDGET_SECONDS) -> str:
    wid = f"cycle:{tenant}:{cycle}"
    with SetWorkflowID(wid), SetEnqueueOptions(queue_partition_key=tenant):
        await running().queues[CYCLE_QUEUE].enqueue_async(cycle_workflow, tenant, cycle, trigger, budget)
    return wid


async def due_cycles() -> list[tuple[str, str]]:
    """(tenant, cycle key) of each tenant's current period (none when orchestration is switched off)."""
    app = current_app()
    try:
        server_check(app.deps)
    except Exception:  # GROWTH_AGENTS_ENABLED=false: no orchestration at all
        return []
    now = app.deps.now()
    return [(tenant, cycle_key(period_start(now, await _every(tenant)))) for tenant in await app.db.tenant_ids()]


async def fan_out(*, budget: float = BUDGET_SECONDS) -> list[str]:
    """One cycle workflow per tenant whose period has begun (idempotent: its id names the period)."""
    started = []
    seen = running().enqueued
    for tenant, cycle in await due_cycles():
        wid = f"cycle:{tenant}:{cycle}"
        if wid in seen:
            continue
        await enqueue_cycle(tenant, cycle, trigger="schedule", budget=budget)
        seen[wid] = None
        started.append(wid)
    return started


@DBOS.step(name="growth.cycle.due")
async def due_step() -> list[tuple[str, str]]:
    return await due_cycles()


@DBOS.workflow(name="growth.cycle.tick")
async def cycle_tick(scheduled_at: datetime, context: Any) -> list[str]:
    """The minute schedule's fan-out: what is due is read in a step, so a resumed tick enqueues the same."""
    return [await enqueue_cycle(tenant, cycle, trigger="schedule") for tenant, cycle in await due_step()]


async def ensure_schedule() -> None:
    """The minute tick that fans out the cycles (created once per system database)."""
    if await DBOS.get_schedule_async(SCHEDULE) is None:
        try:
            await DBOS.create_schedule_async(schedule_name=SCHEDULE, workflow_fn=cycle_tick, schedule="0 * * * * *")
        except Exception:  # another worker created it first: one schedule is all there is
            if await DBOS.get_schedule_async(SCHEDULE) is None:
                raise
