"""Specialist runs: recorded with trigger, status, progress, counts, duration and errors."""

from __future__ import annotations

from typing import Any

from policies.principal import Principal
from tools.deps import Deps
from tools.errors import NotFound
from tools.records import RunRecord
from tools.registry import operation
from tools.validation import parse_action_id


def run_view(r: RunRecord) -> dict[str, Any]:
    duration = (r.finished_at - r.started_at).total_seconds() if r.finished_at else None
    return {"id": r.id, "agent": r.agent, "trigger": r.trigger, "principal": r.principal, "task": r.task,
            "status": r.status, "progress": r.progress, "counts": r.counts, "result": r.result, "error": r.error,
            "started_at": r.started_at, "finished_at": r.finished_at, "duration_s": duration}


async def start_run(deps: Deps, tenant: str, *, agent: str, trigger: str, principal: str, task: str) -> RunRecord:
    async def txn(tx: Any) -> RunRecord:
        await tx.tenants.ensure(name=tenant, now=deps.now())
        return await tx.runs.create(agent=agent, trigger=trigger, principal=principal, task=task[:2000],
                                    now=deps.now())

    return await deps.db.transact(tenant, txn)


async def update_run(deps: Deps, tenant: str, run_id: int, **fields: Any) -> None:
    await deps.db.transact(tenant, lambda tx: tx.runs.update(run_id, **fields))


@operation("runs.get")
async def get_run(deps: Deps, principal: Principal, *, run_id: Any) -> dict[str, Any]:
    rid = parse_action_id(run_id)
    run = await deps.db.query(principal.tenant, lambda tx: tx.runs.get(rid))
    if run is None:
        raise NotFound(f"there is no run #{rid} in this store")
    return run_view(run)


@operation("runs.list")
async def list_runs(deps: Deps, principal: Principal, *, limit: int = 20,
                    agent: str | None = None) -> list[dict[str, Any]]:
    rows = await deps.db.query(principal.tenant, lambda tx: tx.runs.list(limit=max(1, min(limit, 200)),
                                                                         agent=agent))
    return [run_view(r) for r in rows]
