"""Graph state (serialisable data only) and the run context (everything else).

State is checkpointed: it holds messages already passed through the PII broker,
the payload handed to the active agent, and a brain's private scratch. Identity,
repositories and the brain travel in ``RunContext``, never in state.
"""

from __future__ import annotations

import operator
from collections.abc import Awaitable, Callable
from dataclasses import dataclass, field
from typing import Annotated, Any, TypedDict

from policies.principal import Principal
from tools.deps import Deps


class Message(TypedDict):
    role: str          # "user" | "assistant"
    agent: str         # which agent spoke, or "user"
    content: str


class ChatState(TypedDict, total=False):
    #: who owns the thread ("operator" or "customer:<ref>"); checked on every turn
    owner: str
    #: the front agent of this thread: "ceo_front" or "customer_front"
    front: str
    messages: Annotated[list[Message], operator.add]
    #: the handoff delivered to the agent about to run: {"from", "kind", "payload"}
    inbox: dict[str, Any] | None
    #: results waiting for an agent's brain (tool results, a returned handoff)
    results: list[dict[str, Any]]
    #: per-agent brain scratch (plans in progress, model tool-call ids)
    scratch: dict[str, Any]
    #: writes waiting for the operator's yes, exactly as echoed (see ``graphs.gate``)
    pending: list[dict[str, Any]] | None
    #: writes this turn proposed that must wait, and a marker when one ran
    asked: list[dict[str, Any]]
    #: what the last turn asked or did, for the next message to continue ("which one?" — "the sparrow one")
    last: dict[str, Any] | None
    #: what the operator's previous message named (verbs, actions): a bare answer continues it
    said_before: dict[str, Any] | None
    #: the operator's answer to the pending question: {"all": bool} or {"decisions": [...]}
    answer: dict[str, Any] | None
    #: action ids the conversation is about ("approve it")
    focus: list[int]
    #: the reply of this turn and what it refers to
    reply: str
    refs: list[dict[str, Any]]
    #: agents visited during this turn, in order
    trace: list[str]
    #: brain steps taken this turn (bounded)
    steps: int


@dataclass
class RunContext:
    deps: Deps
    #: the person (or system) the thread acts for
    principal: Principal
    brain: Any
    thread_id: str
    #: called with 0..1 as a specialist run advances (MCP progress notifications)
    progress: Callable[[float], Awaitable[None]] | None = None
    #: reads shared by the steps of one turn (the queue by name); dropped whenever a write runs
    memo: dict[str, Any] = field(default_factory=dict)
