"""The one function every transfer between agents passes through.

``transfer()`` checks the edge against the contract, validates the typed payload,
passes it through the PII broker for the receiver's clearance, writes the
``agent_handoffs`` row and its audit event, and only then moves control with
``Command(goto=...)``. A refused transfer is recorded the same way and returned to
the asking agent as an error it can read; control does not move.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from langgraph.types import Command
from pydantic import ValidationError

from graphs.contract import EDGES
from graphs.registry import AGENTS, OPERATOR_INBOX, PARTIES
from policies.pii.clearance import Clearance, filter_for
from policies.pii.detect import Entity
from tools.deps import Deps
from tools.handoffs import record_handoff
from tools.pii import hints_for, tokenizer
from tools.validation import describe


@dataclass(frozen=True)
class Handoff:
    allowed: bool
    from_agent: str
    to_agent: str
    kind: str = ""
    #: the payload as the receiver may see it
    payload: dict[str, Any] = field(default_factory=dict)
    code: str = ""
    reason: str = ""
    #: where control goes (None for refusals and for deliveries outside the graph)
    command: Command[Any] | None = None

    def error(self) -> dict[str, Any]:
        """What the asking agent reads when it was refused."""
        return {"error": self.code, "message": self.reason, "to": self.to_agent}


async def transfer(deps: Deps, *, tenant: str, actor: str, thread_id: str, from_agent: str, to_agent: str,
                   payload: dict[str, Any], to_parent: bool = False) -> Handoff:
    """Hand ``payload`` from one party to another, if and only if the contract has that edge."""
    edge = EDGES.get((from_agent, to_agent))
    if edge is None:
        known = to_agent in PARTIES
        reason = (f"{from_agent} cannot hand off to {to_agent}: that edge is not in the handoff contract"
                  if known else f"{to_agent!r} is not an agent")
        return await _refuse(deps, tenant, actor, thread_id, from_agent, to_agent, "edge_not_in_contract", reason)
    try:
        model = edge.payload.model_validate(payload)
    except ValidationError as exc:
        return await _refuse(deps, tenant, actor, thread_id, from_agent, to_agent, "invalid_payload",
                             f"the {edge.kind} payload for {to_agent} is invalid: {describe(exc)}", kind=edge.kind)
    clearance = AGENTS[to_agent].clearance if to_agent in AGENTS else Clearance.REDACTED
    vault: dict[str, tuple[Entity, str]] = {}
    clean = filter_for(model.model_dump(mode="json"), clearance, tokenizer(deps, tenant), vault,
                       await hints_for(deps, tenant))
    if vault:
        await _vault(deps, tenant, vault)
    row = await record_handoff(deps, tenant, actor=actor, thread_id=thread_id, from_agent=from_agent,
                               to_agent=to_agent, kind=edge.kind, allowed=True, reason=edge.notes, payload=clean)
    command = None
    if to_agent != OPERATOR_INBOX:
        command = Command(goto=to_agent, graph=Command.PARENT if to_parent else None,
                          update={"inbox": {"from": from_agent, "kind": edge.kind, "payload": clean,
                                            "handoff": row.id}})
    return Handoff(True, from_agent, to_agent, edge.kind, clean, command=command)


async def _refuse(deps: Deps, tenant: str, actor: str, thread_id: str, from_agent: str, to_agent: str, code: str,
                  reason: str, *, kind: str = "") -> Handoff:
    await record_handoff(deps, tenant, actor=actor, thread_id=thread_id, from_agent=from_agent,
                         to_agent=to_agent[:60], kind=kind or "refused", allowed=False, reason=reason, payload={})
    return Handoff(False, from_agent, to_agent, kind, code=code, reason=reason)


async def _vault(deps: Deps, tenant: str, vault: dict[str, tuple[Entity, str]]) -> None:
    async def txn(tx: Any) -> None:
        for ref, (entity, raw) in vault.items():
            await tx.pii.store(ref=ref, entity=entity.value, value=raw, now=deps.now())

    await deps.db.transact(tenant, txn)
