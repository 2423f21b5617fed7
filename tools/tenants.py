"""Tenant settings the operator changes: autonomy level; and the store's status at a glance."""

from __future__ import annotations

from typing import Any

from policies.principal import Principal
from policies.tiers import AutonomyLevel
from tools.audit import record
from tools.deps import Deps, Tx
from tools.errors import InvalidInput
from tools.execution import kill_state
from tools.registry import operation


@operation("autonomy.set")
async def set_autonomy(deps: Deps, principal: Principal, *, level: str) -> dict[str, Any]:
    try:
        new = AutonomyLevel(level)
    except ValueError as exc:
        raise InvalidInput(f"unknown autonomy level {level!r}; use one of: "
                           + ", ".join(lv.value for lv in AutonomyLevel), code="invalid_level") from exc

    async def txn(tx: Tx) -> tuple[str, int]:
        tenant = await tx.tenants.ensure(name=principal.tenant, now=deps.now())
        waiting = (await tx.actions.count_by_status()).get("pending_approval", 0)
        if tenant.autonomy_level is new:
            return new.value, waiting  # nothing moved: nothing to audit
        await tx.tenants.set_autonomy(new)
        await record(tx, deps, actor=principal.subject, event="autonomy.changed", subject=f"tenant:{principal.tenant}",
                     data={"from": tenant.autonomy_level.value, "to": new.value})
        return tenant.autonomy_level.value, waiting

    previous, waiting = await deps.db.transact(principal.tenant, txn)
    # the level classifies proposals as they are made: what already waits for a decision still does
    note = (f"it applies to proposals from now on; the {waiting} action{'s' if waiting != 1 else ''} already "
            "waiting still wait for your decision" if waiting and previous != new.value else "")
    return {"tenant": principal.tenant, "previous": previous, "level": new.value,
            "changed": previous != new.value, "still_waiting": waiting, "note": note}


@operation("status.get")
async def get_status(deps: Deps, principal: Principal) -> dict[str, Any]:
    from tools.readiness import readiness_in

    async def q(tx: Tx) -> tuple[Any, ...]:
        sources = await tx.telemetry.sources()
        # one transaction for all of it: one consistent snapshot, and one round of the database's thread
        return (await tx.tenants.get(), await tx.actions.count_by_status(), await kill_state(tx, deps),
                await tx.runs.list(limit=5), sources, await readiness_in(tx, deps, sources))

    tenant, counts, kill, runs, sources, ready = await deps.db.query(principal.tenant, q)
    now = deps.now()

    return {
        "tenant": principal.tenant,
        "autonomy_level": tenant.autonomy_level.value if tenant else AutonomyLevel.SUPERVISED.value,
        "autonomy_overrides": {k: v.value for k, v in (tenant.overrides if tenant else {}).items()},
        "kill_switch": {"engaged": kill.engaged, "source": kill.source, "reason": kill.reason},
        "actions": counts,
        "pending_approval": counts.get("pending_approval", 0),
        "recent_runs": [{"id": r.id, "agent": r.agent, "status": r.status, "started_at": r.started_at}
                        for r in runs],
        "data": [{"source": s["source"], "newest": s["watermark"], "rows": s["rows"],
                  "age_days": round((now - s["watermark"]).total_seconds() / 86400, 1) if s["watermark"] else None}
                 for s in sources],
        # per agent: switched on, data fresh enough, configured, connection scopes (tools.readiness)
        "readiness": ready,
    }
