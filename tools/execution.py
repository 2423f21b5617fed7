"""Executing approved actions exactly once, the worker pass, and rollback.

Exactly-once rests on one transaction per execution: the claim (a conditional
update out of ``approved``), the effect on the store tables, the execution row
(unique per action), the outbox events (unique per effect) and the audit event
commit together or not at all. A crash at any point leaves either nothing —
and the action is still ``approved`` for the next worker — or everything.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass
from datetime import datetime
from typing import Any

from policies import ratelimit
from policies.kinds import KINDS
from policies.lifecycle import EXECUTABLE, Status, expires_at
from policies.principal import Principal
from tools.actions import load
from tools.audit import record
from tools.deps import Deps, Tx
from tools.errors import Conflict
from tools.executors import EXECUTORS, Effect, ExecutorError
from tools.records import KillState
from tools.registry import operation

EXECUTOR_NAME = "local"
RATE_KEY = "executions"


@dataclass(frozen=True, slots=True)
class ExecutionOutcome:
    action_id: int
    #: executed | held (kill switch) | deferred (rate limit) | already | failed | not_approved
    status: str
    message: str
    retry_at: datetime | None = None
    error_code: str | None = None

    def as_dict(self) -> dict[str, Any]:
        d = asdict(self)
        d["retry_at"] = self.retry_at.isoformat() if self.retry_at else None
        return d


async def kill_state(tx: Tx, deps: Deps, *, lock: bool = False) -> KillState:
    """Environment first, then the installation-wide switch, then the tenant's own."""
    if deps.config.env_kill_switch:
        return KillState(True, "environment", "GROWTH_KILL_SWITCH is set")
    for scope in ("*", tx.tenant):
        state = await tx.kill.get(scope, lock=lock)
        if state.engaged:
            return state
    return KillState(False)


async def execute(deps: Deps, tenant: str, action_id: int) -> ExecutionOutcome:
    """Apply one approved action, once. Safe to call any number of times, concurrently."""
    outcome = await deps.db.transact(tenant, lambda tx: _execute(tx, deps, action_id))
    if outcome.status == "executed":
        deps.step("after_commit")
    return outcome


async def _execute(tx: Tx, deps: Deps, action_id: int) -> ExecutionOutcome:
    now = deps.now()
    action = await tx.actions.get(action_id)
    if action is None:
        return ExecutionOutcome(action_id, "not_approved", "no such action")
    if action.status not in EXECUTABLE:
        state = "already" if action.status in (Status.EXECUTING, Status.EXECUTED, Status.ROLLED_BACK) else "not_approved"
        return ExecutionOutcome(action_id, state, f"action #{action_id} is {action.status}")
    kill = await kill_state(tx, deps, lock=True)
    if kill.engaged:
        return ExecutionOutcome(action_id, "held", f"kill switch engaged ({kill.source}): {kill.reason}; "
                                "the action stays approved and runs when it is released")
    window_start = ratelimit.window_start(now, deps.config.rate_window)
    used = await tx.ratelimits.used(RATE_KEY, window_start)
    verdict = ratelimit.check(used, limit=deps.config.rate_limit_executions, now=now, window=deps.config.rate_window)
    if not verdict.allowed:
        await tx.actions.transition(action_id, from_statuses=EXECUTABLE, to=action.status, now=now,
                                    fields={"not_before": verdict.retry_at})
        return ExecutionOutcome(action_id, "deferred", "execution rate limit reached; deferred, not dropped",
                                retry_at=verdict.retry_at)
    claimed = await tx.actions.transition(action_id, from_statuses=EXECUTABLE, to=Status.EXECUTING, now=now,
                                          version=action.version, fields={"not_before": None})
    if claimed is None:
        return ExecutionOutcome(action_id, "already", f"action #{action_id} was claimed by another worker")
    await tx.ratelimits.bump(RATE_KEY, window_start)
    deps.step("before_effect")
    try:
        async with tx.savepoint():
            effect = await EXECUTORS[claimed.kind].apply(tx, claimed, now)
            deps.step("after_effect")
    except ExecutorError as exc:
        await tx.actions.transition(action_id, from_statuses=frozenset({Status.EXECUTING}), to=Status.FAILED, now=now)
        await record(tx, deps, actor=f"executor:{EXECUTOR_NAME}", event="action.failed", subject=f"action:{action_id}",
                     data={"code": exc.code, "error": str(exc), "version": claimed.version})
        return ExecutionOutcome(action_id, "failed", str(exc), error_code=exc.code)
    execution = await tx.executions.insert(action=claimed, executor=EXECUTOR_NAME, before=effect.before,
                                           after=effect.after, now=now)
    for n, (topic, payload) in enumerate(effect.events):
        await tx.outbox.add(action_id=action_id, topic=topic, payload=payload,
                            dedupe_key=f"{tx.tenant}:action:{action_id}:execute:{n}", now=now)
    await tx.actions.transition(action_id, from_statuses=frozenset({Status.EXECUTING}), to=Status.EXECUTED, now=now)
    await record(tx, deps, actor=f"executor:{EXECUTOR_NAME}", event="action.executed", subject=f"action:{action_id}",
                 data={"kind": claimed.kind, "target": claimed.target, "version": claimed.version,
                       "execution": execution.id, "before": effect.before, "after": effect.after})
    deps.step("before_commit")
    return ExecutionOutcome(action_id, "executed", f"{KINDS[claimed.kind].summary}: done")


@dataclass(frozen=True, slots=True)
class PassReport:
    expired: list[int]
    woken: list[int]
    executed: list[int]
    held: list[int]
    deferred: list[int]
    failed: list[int]

    def as_dict(self) -> dict[str, list[int]]:
        return asdict(self)


async def run_due(deps: Deps, tenant: str, *, limit: int = 500) -> PassReport:
    """One worker pass for a tenant: expire stale approvals, wake snoozed ones, execute what is due."""
    now = deps.now()
    expired: list[int] = []
    woken: list[int] = []

    async def sweep(tx: Tx) -> None:
        expired.clear()
        woken.clear()
        for action_id in await tx.actions.due_to_expire(now=now, limit=limit):
            if await tx.actions.transition(action_id, from_statuses=frozenset({Status.PENDING_APPROVAL}),
                                           to=Status.EXPIRED, now=now):
                expired.append(action_id)
                await record(tx, deps, actor="system:expiry", event="action.expired", subject=f"action:{action_id}",
                             data={"reason": "not decided before its deadline; not executed"})
        for action_id in await tx.actions.due_to_wake(now=now, limit=limit):
            current = await tx.actions.get(action_id)
            if current and await tx.actions.transition(
                    action_id, from_statuses=frozenset({Status.SNOOZED}), to=Status.PENDING_APPROVAL, now=now,
                    fields={"snoozed_until": None, "expires_at": expires_at(current.risk_tier, now)}):
                woken.append(action_id)
                await record(tx, deps, actor="system:snooze", event="action.woken", subject=f"action:{action_id}")

    await deps.db.transact(tenant, sweep)
    async with deps.db.read(tenant) as tx:
        due = await tx.actions.due_for_execution(now=now, limit=limit)
    buckets: dict[str, list[int]] = {"executed": [], "held": [], "deferred": [], "failed": []}
    for action_id in due:
        outcome = await execute(deps, tenant, action_id)
        if outcome.status in buckets:
            buckets[outcome.status].append(action_id)
        if outcome.status == "held":
            break  # the switch holds everything; no point asking again for each action
    for action_id in expired + woken + buckets["executed"] + buckets["failed"]:
        deps.changed(tenant, action_id)
    return PassReport(expired, woken, **buckets)


@operation("actions.execute")
async def execute_op(deps: Deps, principal: Principal, *, action_id: int) -> ExecutionOutcome:
    return await execute(deps, principal.tenant, action_id)


@operation("actions.rollback")
async def rollback(deps: Deps, principal: Principal, *, action_id: Any, reason: str = "") -> dict[str, Any]:
    """Restore the before-state of an executed action, once."""

    async def txn(tx: Tx) -> dict[str, Any]:
        now = deps.now()
        action = await load(tx, action_id)
        if action.status == Status.ROLLED_BACK:
            raise Conflict(f"action #{action.id} is already rolled back", code="already_rolled_back")
        if action.status != Status.EXECUTED:
            raise Conflict(f"action #{action.id} is {action.status}; only executed actions can be rolled back",
                           code="not_executed")
        if not KINDS[action.kind].reversible:
            raise Conflict(f"{action.kind} cannot be reversed by the engine; rollback plan: "
                           f"{action.rollback_plan.get('description', '')}", code="not_reversible")
        execution = await tx.executions.for_action(action.id)
        assert execution is not None, "an executed action always has its execution row"
        executor = EXECUTORS[action.kind]
        effect = Effect(execution.before_state, execution.after_state)
        try:
            current = await executor.current(tx, action, execution.after_state)
        except ExecutorError as exc:
            raise Conflict(str(exc), code="rollback_conflict") from exc
        if current != execution.after_state:
            raise Conflict(f"the target of #{action.id} changed since it was executed "
                           f"(now {current}, then {execution.after_state}); not rolling back over it",
                           code="rollback_conflict")
        events = await executor.revert(tx, action, effect, now)
        if not await tx.executions.mark_rolled_back(execution.id, now=now):
            raise Conflict(f"action #{action.id} is already rolled back", code="already_rolled_back")
        for n, (topic, payload) in enumerate(events):
            await tx.outbox.add(action_id=action.id, topic=topic, payload=payload,
                                dedupe_key=f"{tx.tenant}:action:{action.id}:rollback:{n}", now=now)
        await tx.actions.transition(action.id, from_statuses=frozenset({Status.EXECUTED}), to=Status.ROLLED_BACK,
                                    now=now)
        await record(tx, deps, actor=principal.subject, event="action.rolled_back", subject=f"action:{action.id}",
                     data={"reason": reason, "restored": execution.before_state})
        return {"action_id": action.id, "status": Status.ROLLED_BACK.value, "restored": execution.before_state}

    result = await deps.db.transact(principal.tenant, txn)
    deps.changed(principal.tenant, result["action_id"])
    return result

