"""Running specialists outside a conversation: manual runs, run-all, and delegation.

A run enters a specialist through the handoff contract like any transfer —
``system → specialist`` for runs, ``ceo_front → specialist`` (and back) for
delegations — then the specialist's subgraph does its work and records the run.
"""

from __future__ import annotations

import uuid
from collections.abc import Awaitable, Callable
from typing import Any

from graphs.handoff import transfer
from graphs.registry import SPECIALISTS, SYSTEM
from graphs.specialists.roster import SPECIALIST_GRAPHS
from graphs.state import RunContext
from policies.principal import Principal
from tools.agent_flags import require_enabled
from tools.deps import Deps
from tools.errors import Forbidden, InvalidInput
from tools.registry import operation

Progress = Callable[[float], Awaitable[None]]


async def run_specialist(deps: Deps, principal: Principal, agent: str, *, task: str = "",
                         trigger: str = "run", progress: Progress | None = None) -> dict[str, Any]:
    """One specialist run; returns its result (findings, proposed action ids, run id)."""
    if agent not in SPECIALISTS:
        raise InvalidInput(f"unknown specialist {agent!r}; specialists: {', '.join(SPECIALISTS)}",
                           code="unknown_agent")
    await require_enabled(deps, principal.tenant, agent)
    delegated = trigger == "delegate"
    source = "ceo_front" if delegated else SYSTEM
    thread = f"{trigger}:{uuid.uuid4().hex[:10]}"
    handoff = await transfer(deps, tenant=principal.tenant, actor=principal.subject, thread_id=thread,
                             from_agent=source, to_agent=agent,
                             payload={"task": task[:4000], "trigger": trigger if trigger != "manual" else "run"})
    if not handoff.allowed:
        raise Forbidden(handoff.reason, code=handoff.code)
    ctx = RunContext(deps, principal, None, thread, progress)
    out = await SPECIALIST_GRAPHS[agent].ainvoke(
        {"task": handoff.payload.get("task", ""), "scope": handoff.payload.get("scope") or {},
         "trigger": handoff.payload.get("trigger", trigger)}, context=ctx)
    result: dict[str, Any] = out["result"]
    if delegated:
        back = await transfer(deps, tenant=principal.tenant, actor=principal.subject, thread_id=thread,
                              from_agent=agent, to_agent="ceo_front", payload=result)
        result = back.payload if back.allowed else result
    return result


async def run_all(deps: Deps, principal: Principal, *, progress: Progress | None = None) -> list[dict[str, Any]]:
    await require_enabled(deps, principal.tenant)
    results = []
    for n, agent in enumerate(SPECIALISTS):
        async def scaled(value: float, n: int = n) -> None:
            if progress is not None:
                await progress((n + value) / len(SPECIALISTS))

        try:
            results.append(await run_specialist(deps, principal, agent, trigger="run", progress=scaled))
        except Forbidden as exc:
            if exc.code != "agents_disabled":
                raise
            # one agent switched off does not stop the others; the result says why it did not run
            results.append({"agent": agent, "run_id": None, "status": "disabled", "summary": exc.message,
                            "findings": [], "action_ids": [], "new_action_ids": [], "withdrawn": []})
    return results


@operation("runs.start")
async def runs_start(deps: Deps, principal: Principal, *, agent: str, task: str = "") -> dict[str, Any]:
    return await run_specialist(deps, principal, agent, task=task, trigger="run")


@operation("delegate")
async def delegate(deps: Deps, principal: Principal, *, agent: str, task: str) -> dict[str, Any]:
    if not task.strip():
        raise InvalidInput("say what the specialist should do (task)", code="invalid_input")
    return await run_specialist(deps, principal, agent, task=task, trigger="delegate")
