"""The cycle record: one row per cycle id, each phase's timings and result kept in it.

``run_phase`` makes a phase idempotent per cycle id: a phase that finished returns what it
recorded (a crashed cycle re-run resumes after the last finished phase); the kill switch is
read before the phase starts, and an engaged switch records the phase as halted.
"""

from __future__ import annotations

import json
import time
import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from tools.deps import Deps, Tx
from tools.execution import kill_state
from tools.ops_types import CycleRecord

#: phase rows that are not phases: where the cycle started in the audit log
START = "_start"


def new_cycle_id(deps: Deps) -> str:
    return f"cycle-{deps.now():%Y%m%dT%H%M%S}-{uuid.uuid4().hex[:8]}"


async def open_cycle(deps: Deps, tenant: str, cycle: str, *, trigger: str = "manual") -> CycleRecord:
    """The cycle's row, created on first use with the audit position it starts from."""
    async def txn(tx: Tx) -> CycleRecord:
        await tx.tenants.ensure(name=tenant, now=deps.now())
        rec = await tx.cycles.open(cycle, trigger=trigger, now=deps.now())
        if START not in rec.phases:
            head = await tx.audit.head()
            await tx.cycles.set_phase(cycle, START, {"audit_seq": head.seq if head else 0})
            rec = await tx.cycles.get(cycle) or rec
        return rec

    return await deps.db.transact(tenant, txn)


async def get_cycle(deps: Deps, tenant: str, cycle: str) -> CycleRecord | None:
    return await deps.db.query(tenant, lambda tx: tx.cycles.get(cycle))


async def run_phase(deps: Deps, tenant: str, cycle: str, phase: str, body: Callable[[], Awaitable[dict[str, Any]]],
                    *, halt_on_kill: bool = True, halted: Callable[[str], dict[str, Any]] | None = None
                    ) -> dict[str, Any]:
    """Run ``body`` once for this cycle and phase; record its timings and result (or its failure)."""
    rec = await open_cycle(deps, tenant, cycle)
    done = rec.phases.get(phase)
    if done is not None and done.get("status") in ("done", "halted"):
        return dict(done["result"])
    started, clock = deps.now(), time.perf_counter()
    kill = await deps.db.query(tenant, lambda tx: kill_state(tx, deps))
    if halt_on_kill and kill.engaged:
        reason = f"kill switch engaged ({kill.source}): {kill.reason}"
        result = jsonable(halted(reason) if halted is not None else {"halted": reason})
        await _set(deps, tenant, cycle, phase, {"status": "halted", "reason": reason, "started_at": started,
                                                "finished_at": deps.now(), "seconds": 0.0, "result": result})
        return result
    try:
        result = jsonable(await body())
    except Exception as exc:
        await _set(deps, tenant, cycle, phase, {
            "status": "failed", "error": f"{type(exc).__name__}: {exc}", "started_at": started,
            "finished_at": deps.now(), "seconds": round(time.perf_counter() - clock, 4), "result": {}})
        raise
    await _set(deps, tenant, cycle, phase, {"status": "done", "started_at": started, "finished_at": deps.now(),
                                            "seconds": round(time.perf_counter() - clock, 4), "result": result})
    return result


def jsonable(value: Any) -> Any:
    """``value`` as the JSON the record keeps (datetimes as ISO text), so a re-run returns the same thing."""
    return json.loads(json.dumps(value, default=lambda v: v.isoformat() if hasattr(v, "isoformat") else str(v)))


async def _set(deps: Deps, tenant: str, cycle: str, phase: str, value: dict[str, Any]) -> None:
    value = {k: (v.isoformat() if hasattr(v, "isoformat") else v) for k, v in value.items()}
    await deps.db.transact(tenant, lambda tx: tx.cycles.set_phase(cycle, phase, value))


async def finish_cycle(deps: Deps, tenant: str, cycle: str, *, status: str,
                       reflection: dict[str, Any] | None = None, error: str = "") -> None:
    await deps.db.transact(tenant, lambda tx: tx.cycles.finish(cycle, status=status, now=deps.now(),
                                                               reflection=reflection, error=error))


def cycle_view(rec: CycleRecord) -> dict[str, Any]:
    return {"cycle": rec.key, "trigger": rec.trigger, "status": rec.status, "started_at": rec.started_at,
            "finished_at": rec.finished_at, "error": rec.error,
            "phases": {k: {f: v for f, v in p.items() if f != "result"} for k, p in rec.phases.items()
                       if not k.startswith("_")},
            "reflection": rec.reflection}
