"""Turning the agents off and on: for the whole server (``GROWTH_AGENTS_ENABLED``), a store, or one agent.

Orchestration (a specialist run, run-all, delegation, a cycle) asks ``require_enabled`` first; a
switched-off agent answers ``agents_disabled`` with who switched it off and how to switch it back.
The conversation, the queue and decisions keep working: only the agents stop.
"""

from __future__ import annotations

from dataclasses import dataclass
from typing import Any

from policies.freshness import NEEDS
from policies.principal import Principal
from tools.audit import record
from tools.deps import Deps, Tx
from tools.errors import Forbidden, InvalidInput
from tools.registry import enforce

#: the flag row that switches every agent of a store
ALL = "*"
AGENTS: tuple[str, ...] = tuple(NEEDS)


@dataclass(frozen=True, slots=True)
class AgentState:
    agent: str
    enabled: bool
    #: why not: server | store | agent (empty when enabled)
    off_by: str
    reason: str

    def as_dict(self) -> dict[str, Any]:
        return {"agent": self.agent, "enabled": self.enabled, "off_by": self.off_by, "reason": self.reason}


async def states(tx: Tx, deps: Deps) -> dict[str, AgentState]:
    """Each specialist's state, and ``*`` for the store as a whole."""
    flags = {f.agent: f for f in await tx.flags.all()}
    out: dict[str, AgentState] = {}
    for agent in (ALL, *AGENTS):
        if not deps.config.agents_enabled:
            out[agent] = AgentState(agent, False, "server", "GROWTH_AGENTS_ENABLED is false on this server: "
                                                            "orchestration is off for every store")
            continue
        store, own = flags.get(ALL), flags.get(agent)
        if store is not None and not store.enabled:
            out[agent] = AgentState(agent, False, "store", f"the agents of this store were disabled by "
                                                           f"{store.changed_by}: {store.reason or 'no reason given'}"
                                                           " (growth agents enable --all)")
        elif agent != ALL and own is not None and not own.enabled:
            out[agent] = AgentState(agent, False, "agent", f"{agent} was disabled by {own.changed_by}: "
                                                           f"{own.reason or 'no reason given'} "
                                                           f"(growth agents enable {agent})")
        else:
            out[agent] = AgentState(agent, True, "", "")
    return out


def server_check(deps: Deps) -> None:
    """The process-wide switch alone (no database read): refuse before anything else."""
    if not deps.config.agents_enabled:
        raise Forbidden("the agents are switched off on this server (GROWTH_AGENTS_ENABLED=false): no specialist "
                        "runs, delegation or cycle; set it to true and restart to switch them back on",
                        code="agents_disabled", off_by="server")


async def require_enabled(deps: Deps, tenant: str, agent: str | None = None) -> None:
    """Raise ``Forbidden(agents_disabled)`` unless the server, the store and (if named) the agent are on."""
    server_check(deps)
    found = await deps.db.query(tenant, lambda tx: states(tx, deps))
    state = found.get(agent or ALL) or found[ALL]
    if not state.enabled:
        raise Forbidden(state.reason, code="agents_disabled", off_by=state.off_by, agent=agent or ALL)


async def enabled_agents(deps: Deps, tenant: str) -> list[str]:
    """The specialists that may run for this store now."""
    found = await deps.db.query(tenant, lambda tx: states(tx, deps))
    return [a for a in AGENTS if found[a].enabled]


async def set_agent(deps: Deps, principal: Principal, *, agent: str, enabled: bool,
                    reason: str = "") -> dict[str, Any]:
    """Switch one specialist (or ``*``: every agent of the store) off or back on; audited."""
    await enforce(deps, principal, "operations.configure", principal.tenant)
    agent = agent.strip().lower()
    if agent not in (ALL, *AGENTS):
        raise InvalidInput(f"unknown agent {agent!r}; agents: {', '.join(AGENTS)} (or --all)", code="unknown_agent")
    if not enabled and len(reason.strip()) < 3:
        raise InvalidInput("say why the agent is switched off (--reason)", code="reason_required")

    async def txn(tx: Tx) -> dict[str, Any]:
        now = deps.now()
        await tx.tenants.ensure(name=principal.tenant, now=now)
        before = (await states(tx, deps))[agent]
        await tx.flags.set(agent, enabled=enabled, reason=reason.strip(), by=principal.subject, now=now)
        await record(tx, deps, actor=principal.subject, event="agents.enabled" if enabled else "agents.disabled",
                     subject=f"agent:{agent}", data={"agent": agent, "reason": reason.strip()})
        after = (await states(tx, deps))[agent]
        return {"agent": agent, "was_enabled": before.enabled, **after.as_dict()}

    return await deps.db.transact(principal.tenant, txn)
