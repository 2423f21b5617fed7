"""Executing approved actions exactly once, and the worker pass.

Exactly-once rests on one transaction per batch of executions: the claim (a
conditional update out of ``approved``), each effect on the store tables, the
execution rows (unique per action), the outbox events (unique per effect), the
status changes and the audit events commit together or not at all. A crash at any
point leaves either nothing — and the actions are still ``approved`` for the next
worker — or everything. Workers claim with ``FOR UPDATE SKIP LOCKED`` on PostgreSQL;
SQLite has one writer at a time.
"""

from __future__ import annotations

from dataclasses import asdict, dataclass, field
from datetime import datetime
from typing import Any

from policies import ratelimit
from policies.kinds import KINDS
from policies.lifecycle import EXECUTABLE, Status, expires_at
from policies.principal import Principal
from tools.rules import active_rules, check_action
from tools.audit import AuditEntry, record, record_many
from tools.deps import Deps, Tx
from tools.executors import EXECUTORS, ExecutorError
from tools.records import ActionRecord, KillState
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
    #: the action as this execution left it (not part of the reply)
    record: ActionRecord | None = field(default=None, repr=False, compare=False)

    def as_dict(self) -> dict[str, Any]:
        return {"action_id": self.action_id, "status": self.status, "message": self.message,
                "retry_at": self.retry_at.isoformat() if self.retry_at else None, "error_code": self.error_code}


async def kill_state(tx: Tx, deps: Deps, *, lock: bool = False) -> KillState:
    """Environment first, then the installation-wide switch, then the tenant's own."""
    if deps.config.env_kill_switch:
        return KillState(True, "environment", "GROWTH_KILL_SWITCH is set")
    return await tx.kill.effective(lock=lock)


async def execute(deps: Deps, tenant: str, action_id: int) -> ExecutionOutcome:
    """Apply one approved action, once. Safe to call any number of times, concurrently."""
    outcomes = await execute_batch(deps, tenant, ids=[action_id])
    return outcomes[0]


async def execute_batch(deps: Deps, tenant: str, *, ids: list[int] | None = None,
                        limit: int = 50) -> list[ExecutionOutcome]:
    """Execute the given approved actions, or up to ``limit`` due ones, in one transaction."""
    outcomes = await deps.db.transact(tenant, lambda tx: _execute(tx, deps, ids, limit))
    if any(o.status == "executed" for o in outcomes):
        deps.step("after_commit")
    for o in outcomes:
        if o.status in ("executed", "failed"):
            await deps.changed(tenant, o.action_id)
    return outcomes


async def _execute(tx: Tx, deps: Deps, ids: list[int] | None, limit: int) -> list[ExecutionOutcome]:
    now = deps.now()
    kill = await kill_state(tx, deps, lock=True)
    if kill.engaged:
        message = (f"kill switch engaged ({kill.source}): {kill.reason}; "
                   "the action stays approved and runs when it is released")
        return [await _not_claimed(tx, i, "held", message) for i in ids or []] or [
            ExecutionOutcome(0, "held", message)]
    want = len(ids) if ids is not None else limit
    window_start = ratelimit.window_start(now, deps.config.rate_window)
    used = await tx.ratelimits.bump(RATE_KEY, window_start, by=want) - want
    granted, retry_at = ratelimit.grant(used, want, limit=deps.config.rate_limit_executions, now=now,
                                        window=deps.config.rate_window)
    claimed = await tx.actions.claim(ids=ids[:granted] if ids is not None else None, now=now, limit=granted)
    if len(claimed) < want:
        await tx.ratelimits.unbump(RATE_KEY, window_start, by=want - len(claimed))
    outcomes: dict[int, ExecutionOutcome] = {}
    if ids is not None:
        if retry_at is not None:
            await tx.actions.defer(ids[granted:], until=retry_at, now=now)
        got = {a.id for a in claimed}
        for i in ids:
            if i not in got:
                late = retry_at is not None and i in ids[granted:]
                outcomes[i] = await _not_claimed(
                    tx, i, "deferred" if late else "already",
                    "execution rate limit reached; deferred, not dropped" if late else "", retry_at if late else None)
    elif retry_at is not None and not claimed:
        outcomes[0] = ExecutionOutcome(0, "deferred", "execution rate limit reached", retry_at=retry_at)
    outcomes.update({o.action_id: o for o in await _apply(tx, deps, claimed, now)})
    deps.step("before_commit")
    return [outcomes[i] for i in ids] if ids is not None else list(outcomes.values())


async def _apply(tx: Tx, deps: Deps, claimed: list[ActionRecord], now: datetime) -> list[ExecutionOutcome]:
    """Each claimed action's effect in its own savepoint; then all rows and events together."""
    done: list[tuple[ActionRecord, Any]] = []
    failed: list[tuple[ActionRecord, ExecutorError]] = []
    rules = await active_rules(tx) if claimed else []
    for action in claimed:
        if rules:
            # a rule made after the approval still holds: what it forbids never executes
            standing = await check_action(tx, deps, action.kind, action.target, action.params, rules)
            if standing.denied:
                failed.append((action, ExecutorError(f"not executed: {standing.reason}", code="rule_forbids")))
                continue
        deps.step("before_effect")
        try:
            async with tx.savepoint():
                effect = await EXECUTORS[action.kind].apply(tx, action, now)
                deps.step("after_effect")
        except ExecutorError as exc:
            failed.append((action, exc))
            continue
        done.append((action, effect))
    executions = await tx.executions.insert_many(
        [(a, EXECUTOR_NAME, eff.before, eff.after) for a, eff in done], now=now)
    await tx.outbox.add_many([
        (a.id, topic, payload, f"{tx.tenant}:action:{a.id}:execute:{n}")
        for a, eff in done for n, (topic, payload) in enumerate(eff.events)], now=now)
    executed = await tx.actions.mark([a.id for a, _ in done], from_status=Status.EXECUTING, to=Status.EXECUTED,
                                     now=now)
    broken = await tx.actions.mark([a.id for a, _ in failed], from_status=Status.EXECUTING, to=Status.FAILED,
                                   now=now)
    actor = f"executor:{EXECUTOR_NAME}"
    await record_many(tx, deps, [
        AuditEntry(actor, "action.executed", f"action:{a.id}",
                   {"kind": a.kind, "target": a.target, "version": a.version, "execution": x.id,
                    "before": eff.before, "after": eff.after})
        for (a, eff), x in zip(done, executions)
    ] + [
        AuditEntry(actor, "action.failed", f"action:{a.id}", {"code": exc.code, "error": str(exc), "version": a.version})
        for a, exc in failed
    ])
    return ([ExecutionOutcome(a.id, "executed", f"{KINDS[a.kind].summary}: done", record=executed.get(a.id))
             for a, _ in done]
            + [ExecutionOutcome(a.id, "failed", str(exc), error_code=exc.code, record=broken.get(a.id))
               for a, exc in failed])


async def _not_claimed(tx: Tx, action_id: int, status: str, message: str,
                       retry_at: datetime | None = None) -> ExecutionOutcome:
    """Explain why nothing ran: the action is not (or no longer) waiting to execute."""
    action = await tx.actions.get(action_id)
    if action is None:
        return ExecutionOutcome(action_id, "not_approved", "no such action")
    if action.status in EXECUTABLE:
        return ExecutionOutcome(action_id, status, message, retry_at=retry_at, record=action)
    state = "already" if action.status in (Status.EXECUTING, Status.EXECUTED, Status.ROLLED_BACK) else "not_approved"
    return ExecutionOutcome(action_id, state, f"action #{action_id} is {action.status}", record=action)


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


async def sweep(deps: Deps, tenant: str, *, limit: int = 500) -> tuple[list[int], list[int]]:
    """Expire approvals nobody decided in time (never executed) and wake snoozed actions."""
    now = deps.now()

    async def txn(tx: Tx) -> tuple[list[int], list[int]]:
        expired: list[int] = []
        woken: list[int] = []
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
        return expired, woken

    expired, woken = await deps.db.transact(tenant, txn)
    for action_id in expired + woken:
        await deps.changed(tenant, action_id)
    return expired, woken


async def run_due(deps: Deps, tenant: str, *, limit: int = 500, batch: int = 25) -> PassReport:
    """One worker pass for a tenant: sweep, then execute what is due in batches until none is left."""
    expired, woken = await sweep(deps, tenant, limit=limit)
    buckets: dict[str, list[int]] = {"executed": [], "held": [], "deferred": [], "failed": []}
    while len(buckets["executed"]) + len(buckets["failed"]) < limit:
        outcomes = await execute_batch(deps, tenant, limit=min(batch, limit))
        for o in outcomes:
            if o.status in buckets and o.action_id:
                buckets[o.status].append(o.action_id)
        if not any(o.status in ("executed", "failed") for o in outcomes):
            if any(o.status == "held" for o in outcomes):
                held = await deps.db.query(tenant, lambda tx: tx.actions.due_for_execution(now=deps.now(), limit=limit))
                buckets["held"] = held
            break
    return PassReport(expired, woken, **buckets)


@operation("actions.execute")
async def execute_op(deps: Deps, principal: Principal, *, action_id: int) -> ExecutionOutcome:
    return await execute(deps, principal.tenant, action_id)
