"""Conversations: start or continue a thread, answer a pending confirmation, see what waits.

Used by ``growth chat`` and by the MCP ``chat``/``customer_chat`` tools. What a person
types passes the PII broker before it enters the graph, so checkpoints, state and
handoffs hold references, never raw values. A thread belongs to one owner.
"""

from __future__ import annotations

import re
import uuid
from dataclasses import dataclass, field
from typing import Any

from langgraph.types import Command

from graphs.language.confirm import yes_then
from graphs.state import RunContext
from policies.principal import Principal, Role
from tools.deps import Deps
from tools.errors import Forbidden, InvalidInput
from tools.pii import guard

MAX_MESSAGE = 8000
_THREAD = re.compile(r"^[A-Za-z0-9_.:-]{1,100}$")


@dataclass
class ChatTurn:
    thread: str
    reply: str
    refs: list[dict[str, Any]] = field(default_factory=list)
    #: writes waiting for the operator's yes, exactly as echoed: answer in the thread ("yes" / "no"),
    #: or with ``resume`` naming each item's key (or action id and version)
    pending: list[dict[str, Any]] | None = None
    trace: list[str] = field(default_factory=list)
    #: the brain is waiting for the client's model: a ``sampling/createMessage`` request's params
    sample: dict[str, Any] | None = None


def owner_of(principal: Principal) -> str:
    """Who a conversation belongs to: a customer, the store's operator (whichever client), or one token."""
    if principal.role is Role.CUSTOMER:
        return f"customer:{principal.customer_ref}"
    if principal.role is Role.OPERATOR:
        return "operator"
    return f"{principal.role.value}:{principal.subject}"  # an assistant never continues the operator's thread


class ChatService:
    def __init__(self, deps: Deps, graph: Any, brain: Any) -> None:
        self.deps = deps
        self.graph = graph
        self.brain = brain

    async def _run(self, payload: Any, principal: Principal, thread: str, context: RunContext) -> dict[str, Any]:
        # "async": each step's checkpoint is written while the next step runs; a pause (interrupt)
        # and the end of the turn are always persisted before the call returns
        out: dict[str, Any] = await self.graph.ainvoke(payload, self._config(principal, thread), context=context,
                                                       durability="async")
        return out

    def _config(self, principal: Principal, thread: str) -> dict[str, Any]:
        if not _THREAD.match(thread):
            raise InvalidInput("a thread id is 1-100 letters, digits or . _ : -", code="invalid_thread")
        return {"configurable": {"thread_id": f"{principal.tenant}:{thread}"}, "recursion_limit": 100}

    def _context(self, principal: Principal, thread: str, progress: Any = None, brain: Any = None) -> RunContext:
        return RunContext(self.deps, principal, brain or self.brain, f"{principal.tenant}:{thread}", progress)

    async def _snapshot(self, principal: Principal, thread: str) -> Any:
        snap = await self.graph.aget_state(self._config(principal, thread))
        owner = (snap.values or {}).get("owner")
        if owner is not None and owner != owner_of(principal):
            raise Forbidden("this conversation belongs to someone else", code="forbidden")
        return snap

    @staticmethod
    def _waiting(snap: Any, kind: str) -> Any:
        for task in snap.tasks or ():
            for intr in task.interrupts:
                value = intr.value
                if isinstance(value, dict) and value.get("type") == kind:
                    return value
        return None

    @staticmethod
    def _pending(snap: Any) -> list[dict[str, Any]] | None:
        return list((snap.values or {}).get("pending") or []) or None

    async def pending(self, principal: Principal, thread: str) -> list[dict[str, Any]] | None:
        return self._pending(await self._snapshot(principal, thread))

    async def send(self, principal: Principal, text: str, *, thread: str | None = None,
                   progress: Any = None, brain: Any = None) -> ChatTurn:
        """One message from a person; the reply of the front agent (or a confirmation to give)."""
        thread = thread or uuid.uuid4().hex[:12]
        if not text.strip():
            raise InvalidInput("the message is empty", code="invalid_input")
        if len(text) > MAX_MESSAGE:
            raise InvalidInput(f"the message is longer than {MAX_MESSAGE} characters", code="payload_too_large")
        snap = await self._snapshot(principal, thread)
        if self._waiting(snap, "sample"):
            # the client never came back with its model's answer: close that turn before the new one
            await self._run(Command(resume={"role": "assistant", "model": "none", "content": {
                "type": "text", "text": "(that answer was abandoned)"}}), principal, thread,
                self._context(principal, thread, brain=_Abandoned()))
            snap = await self._snapshot(principal, thread)
        pending = self._pending(snap) or []
        split = yes_then(text, [int(p["action_id"]) for p in pending if "action_id" in p]) if pending else None
        if split is not None:
            # "yes and also approve 17": the yes answers the question as echoed, then the rest is a turn of its own
            first = await self.send(principal, split[0], thread=thread, progress=progress, brain=brain)
            rest = await self.send(principal, split[1], thread=thread, progress=progress, brain=brain)
            return ChatTurn(thread, f"{first.reply.rstrip()}\n\n{rest.reply}", [*first.refs, *rest.refs],
                            rest.pending, [*first.trace, *rest.trace], rest.sample)
        clean = await self._protect(principal.tenant, text)
        front = "customer_front" if principal.role is Role.CUSTOMER else "ceo_front"
        # the pending question (if any) stays in state: the graph decides whether this message answers it
        state = {"owner": owner_of(principal), "front": front, "scratch": {}, "results": [], "inbox": None,
                 "refs": [], "reply": "", "steps": 0, "asked": [], "answer": None,
                 "messages": [{"role": "user", "agent": "user", "content": clean}]}
        out = await self._run(state, principal, thread, self._context(principal, thread, progress, brain))
        return self._turn(thread, out)

    async def _protect(self, tenant: str, text: str) -> str:
        """The message with PII replaced by references; raw values go to the vault (only if any)."""
        return await guard(self.deps, tenant, text)

    async def resume(self, principal: Principal, thread: str, decisions: list[dict[str, Any]], *,
                     brain: Any = None) -> ChatTurn:
        """Answer the pending question item by item; each decision names its key (or action id and version)."""
        snap = await self._snapshot(principal, thread)
        if not self._pending(snap):
            return ChatTurn(thread, "Nothing is waiting for your confirmation in this conversation.")
        out = await self._run({"answer": {"decisions": decisions}, "steps": 0, "asked": []}, principal, thread,
                              self._context(principal, thread, brain=brain))
        return self._turn(thread, out)

    async def resume_sample(self, principal: Principal, thread: str, result: dict[str, Any], *,
                            brain: Any) -> ChatTurn:
        """Hand the client's model answer to the brain that asked for it."""
        snap = await self._snapshot(principal, thread)
        if not self._waiting(snap, "sample"):
            return ChatTurn(thread, "Nothing in this conversation is waiting for the model.")
        out = await self._run(Command(resume=result), principal, thread, self._context(principal, thread, brain=brain))
        return self._turn(thread, out)

    @staticmethod
    def _turn(thread: str, out: dict[str, Any]) -> ChatTurn:
        for intr in out.get("__interrupt__") or []:
            value = intr.value
            if isinstance(value, dict) and value.get("type") == "sample":
                return ChatTurn(thread, "", trace=out.get("trace") or [], sample=value["params"])
        return ChatTurn(thread, out.get("reply") or "", out.get("refs") or [], out.get("pending") or None,
                        out.get("trace") or [])


class _Abandoned:
    """Finishes a turn whose model answer never came; its reply says so."""

    name = "abandoned"

    async def step(self, turn: Any) -> Any:
        from graphs.brains.base import Reply

        return Reply("(the previous answer was abandoned)")


def confirmation_prompt(items: list[dict[str, Any]]) -> str:
    """The pending question in plain words (the same words the conversation used)."""
    from graphs.gate import echo

    return echo(items)
