"""The brain seam: given a turn, the next step — a reply, or tool calls to make."""

from __future__ import annotations

import itertools
from dataclasses import dataclass, field
from datetime import datetime
from typing import Any, Protocol

_ids = itertools.count(1)


@dataclass(frozen=True)
class ToolCall:
    id: str
    name: str
    args: dict[str, Any]


def call(name: str, **args: Any) -> ToolCall:
    """A tool call a rules brain proposes (ids unique in the process)."""
    return ToolCall(f"r{next(_ids)}", name, args)


@dataclass(frozen=True)
class Reply:
    text: str
    #: structured references the reply is about: {"type": "action" | "run", "id": ...}
    refs: list[dict[str, Any]] = field(default_factory=list)


@dataclass(frozen=True)
class Act:
    calls: list[ToolCall]
    #: the brain's private state, kept (checkpointed) until its next step
    scratch: dict[str, Any] = field(default_factory=dict)


Step = Reply | Act


@dataclass(frozen=True)
class ToolSpec:
    name: str
    description: str
    #: JSON schema of the arguments
    parameters: dict[str, Any]


@dataclass(frozen=True)
class Turn:
    agent: str
    system_prompt: str
    #: the conversation so far, PII already replaced by references
    history: list[dict[str, str]]
    #: exactly the tools this agent may call
    tools: list[ToolSpec]
    #: results of the calls of the previous step: {"call_id", "name", "ok", "content"}
    results: list[dict[str, Any]]
    scratch: dict[str, Any]
    now: datetime
    #: facts about the turn: tenant, focus (action ids under discussion), customer_ref
    facts: dict[str, Any]


class Brain(Protocol):
    name: str

    async def step(self, turn: Turn) -> Step: ...

def last_user(turn: Turn) -> str:
    """The operator's (or shopper's) last message in the turn's history."""
    for m in reversed(turn.history):
        if m["role"] == "user":
            return m["content"]
    return ""
