"""Rolling an executed action back from its recorded before-state, once."""

from __future__ import annotations

from typing import Any

from policies.kinds import KINDS
from policies.lifecycle import Status
from policies.principal import Principal
from tools import plain
from tools.actions import load
from tools.audit import record
from tools.pii import protect_text
from tools.deps import Deps, Tx
from tools.errors import Conflict
from tools.execution import kill_state
from tools.executors import EXECUTORS, Effect, ExecutorError
from tools.registry import operation


@operation("actions.rollback")
async def rollback(deps: Deps, principal: Principal, *, action_id: Any, reason: str = "") -> dict[str, Any]:
    """Restore the before-state of an executed action. Refuses if the target changed since.

    The kill switch does not stop a rollback (undoing is what an operator reaches for when something is
    off); it holds its delivery to the live store like any other, and the result says so (``held``)."""

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
        try:
            current = await executor.current(tx, action, execution.after_state)
        except ExecutorError as exc:
            raise Conflict(str(exc), code="rollback_conflict") from exc
        if current != execution.after_state:
            raise Conflict(f"the target of #{action.id} changed since it was executed (now {plain.mapping(current)}; "
                           f"then {plain.mapping(execution.after_state)}); not rolling back over it",
                           code="rollback_conflict")
        events = await executor.revert(tx, action, Effect(execution.before_state, execution.after_state), now)
        if not await tx.executions.mark_rolled_back(execution.id, now=now):
            raise Conflict(f"action #{action.id} is already rolled back", code="already_rolled_back")
        await tx.outbox.add_many([(action.id, topic, payload, f"{tx.tenant}:action:{action.id}:rollback:{n}")
                                  for n, (topic, payload) in enumerate(events)], now=now)
        await tx.actions.transition(action.id, from_statuses=frozenset({Status.EXECUTED}), to=Status.ROLLED_BACK,
                                    now=now)
        # a rollback is the operator's verdict on the action too: remembered, and counted against it
        await tx.actions.add_decision(action=action, verdict="rollback", principal=principal.subject,
                                      role=principal.role.value, reason=await protect_text(tx, deps, reason),
                                      until=None, now=now)
        await record(tx, deps, actor=principal.subject, event="action.rolled_back", subject=f"action:{action.id}",
                     data={"reason": reason, "restored": execution.before_state})
        kill = await kill_state(tx, deps)
        # the engine's copy is restored now; the live store when deliveries may run again
        held = (f"the kill switch is engaged ({kill.reason}): the live store is restored once it is released"
                if kill.engaged and events else "")
        return {"action_id": action.id, "status": Status.ROLLED_BACK.value, "restored": execution.before_state,
                "held": held}

    result = await deps.db.transact(principal.tenant, txn)
    await deps.changed(principal.tenant, result["action_id"])
    return result
