"""The ``chat`` and ``customer_chat`` tools: one conversation turn, in whichever era.

A turn may need the person (a high or critical approval to confirm) or the client's
model (the sampling brain). Handshake-era clients are asked mid-call; 2026-07-28
clients receive the question as an ``InputRequiredResult`` and retry with the
answer, which resumes the paused thread. The thread, and for confirmations the
exact (action id, version) pairs asked about, travel in the sealed request state.
"""

from __future__ import annotations

import json
from typing import Any

from mcp.server.elicitation import AcceptedElicitation, render_elicitation_schema
from mcp.server.mcpserver import Context
from mcp_types import (CallToolResult, CreateMessageRequest, CreateMessageRequestParams, ElicitRequest,
                       ElicitRequestFormParams, ElicitResult, InputRequiredResult)
from mcp_types.version import is_version_at_least
from pydantic import BaseModel, Field

from graphs.service import ChatTurn, confirmation_prompt
from policies.principal import Principal
from server.app import App
from server.mcp.render import ChatOut
from server.mcp.results import from_tool_error, ok
from server.mcp.sampling import SamplingBrain, offers_sampling_tools
from tools.errors import InvalidInput, ToolError

MODERN = "2026-07-28"
MAX_ROUNDS = 12


class ConfirmDecisions(BaseModel):
    confirm: bool = Field(description="Carry out exactly what is listed above")


def is_modern(ctx: Context) -> bool:
    return ctx.protocol_version is not None and is_version_at_least(ctx.protocol_version, MODERN)


def brain_for(app: App, ctx: Context) -> Any:
    """The client's own model when asked for (or, on auto, when it is the only model there is)."""
    choice = app.settings.brain
    wants = choice == "sampling" or (choice == "auto" and app.settings.openai_api_key is None
                                     and offers_sampling_tools(ctx))
    if not wants:
        return None
    if not offers_sampling_tools(ctx):
        raise InvalidInput("GROWTH_BRAIN=sampling needs a client that offers sampling with tools",
                           code="sampling_unavailable")
    return SamplingBrain(ctx, modern=is_modern(ctx))


async def converse(app: App, ctx: Context, principal: Principal, message: str,
                   thread: str | None) -> CallToolResult | InputRequiredResult:
    try:
        service = await app.agents()
        brain = brain_for(app, ctx)
        turn = await _continue(service, ctx, principal, brain) if ctx.request_state else None
        started = turn is None and thread is None
        if turn is None:
            turn = await service.send(principal, message, thread=thread, brain=brain)
        for _ in range(MAX_ROUNDS):
            if turn.sample is not None:
                return InputRequiredResult(
                    input_requests={"sample": CreateMessageRequest(
                        params=CreateMessageRequestParams.model_validate(turn.sample))},
                    request_state=json.dumps({"thread": turn.thread, "kind": "sample"}))
            if turn.pending and _can_elicit(ctx):
                items = [p["key"] for p in turn.pending]
                if is_modern(ctx):
                    return InputRequiredResult(
                        input_requests={"confirm": ElicitRequest(params=ElicitRequestFormParams(
                            message=confirmation_prompt(turn.pending),
                            requested_schema=render_elicitation_schema(ConfirmDecisions)))},
                        request_state=json.dumps({"thread": turn.thread, "kind": "confirm", "items": items}))
                answer = await ctx.elicit(confirmation_prompt(turn.pending), ConfirmDecisions)
                approve = isinstance(answer, AcceptedElicitation) and answer.data.confirm
                turn = await service.resume(principal, turn.thread, _decisions(items, approve), brain=brain)
                continue
            return _reply(turn, started=started)
        return _reply(turn, started=started)
    except ToolError as exc:
        return from_tool_error(exc)


async def _continue(service: Any, ctx: Context, principal: Principal, brain: Any) -> ChatTurn | None:
    """The retry of a 2026-07-28 round: resume the paused thread with the client's answer."""
    try:
        state = json.loads(ctx.request_state or "")
    except json.JSONDecodeError:
        return None
    if not isinstance(state, dict) or "thread" not in state:
        return None
    answers = ctx.input_responses or {}
    if state.get("kind") == "sample":
        answer = answers.get("sample")
        if answer is None:
            raise InvalidInput("the retry carries no answer from your model", code="invalid_input")
        return await service.resume_sample(principal, state["thread"],
                                           answer.model_dump(mode="json", by_alias=True, exclude_none=True),
                                           brain=brain)
    answer = answers.get("confirm")
    approve = (isinstance(answer, ElicitResult) and answer.action == "accept"
               and bool((answer.content or {}).get("confirm")))
    return await service.resume(principal, state["thread"], _decisions(state.get("items") or [], approve),
                                brain=brain)


def _decisions(items: list[str], approve: bool) -> list[dict[str, Any]]:
    """Each echoed item by its key (which binds the verb, the action and its version)."""
    return [{"key": key, "approve": approve} for key in items if isinstance(key, str)]


def _can_elicit(ctx: Context) -> bool:
    caps = ctx.client_capabilities
    return caps is not None and caps.elicitation is not None


def continue_hint(thread: str) -> str:
    """What a client must do to stay in this conversation: each call without a thread starts a new one."""
    return f"thread: {thread} — pass it back to continue"


def _reply(turn: ChatTurn, *, started: bool) -> CallToolResult:
    hint = continue_hint(turn.thread)
    out = ChatOut(thread=turn.thread, new_thread=started, continue_hint=hint, reply=turn.reply, refs=turn.refs,
                  pending=turn.pending, trace=turn.trace)
    text = turn.reply
    if turn.pending:
        text += "\n(Answer yes or no in this thread, or use approve_action.)"
    return ok(out, f"{text}\n\n{hint}" + (" (a new conversation)" if started else ""))
