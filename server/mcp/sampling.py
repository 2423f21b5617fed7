"""A brain that thinks with the MCP client's own model (``sampling/createMessage``).

Handshake-era clients are asked mid-call over the session. On 2026-07-28 a server
cannot ask mid-call, so the brain pauses the conversation (a LangGraph interrupt);
the ``chat`` tool returns the sampling request to the client, and resumes the
thread with the client's answer when the client retries. Either way the model only
proposes: tools, transfers and approvals go through the same gates as for any brain.
"""

from __future__ import annotations

import json
import warnings
from typing import Any

from langgraph.types import interrupt
from mcp.server.mcpserver import Context
from mcp.shared.exceptions import MCPDeprecationWarning
from mcp_types import (CreateMessageRequestParams, CreateMessageResultWithTools, SamplingMessage, TextContent, Tool,
                       ToolResultContent, ToolUseContent)

from graphs.brains.base import Act, Reply, Step, ToolCall, Turn

MAX_TOKENS = 2048


def offers_sampling_tools(ctx: Context) -> bool:
    caps = ctx.client_capabilities
    return caps is not None and caps.sampling is not None and caps.sampling.tools is not None


class SamplingBrain:
    name = "sampling"

    def __init__(self, ctx: Context, *, modern: bool) -> None:
        self.ctx = ctx
        self.modern = modern

    async def step(self, turn: Turn) -> Step:
        params = request_params(turn)
        if self.modern:
            raw = interrupt({"type": "sample", "params": params.model_dump(mode="json", by_alias=True,
                                                                            exclude_none=True)})
            result = CreateMessageResultWithTools.model_validate(raw)
        else:
            with warnings.catch_warnings():
                # sampling is deprecated on 2026-07-28; this is the handshake-era path where it is current
                warnings.simplefilter("ignore", MCPDeprecationWarning)
                result = await self.ctx.session.create_message(
                    params.messages, max_tokens=params.max_tokens, system_prompt=params.system_prompt,
                    tools=params.tools or [], related_request_id=self.ctx.request_id)
        return parse_result(result, turn)


def request_params(turn: Turn) -> CreateMessageRequestParams:
    messages: list[SamplingMessage] = [
        SamplingMessage(role="user" if m["role"] == "user" else "assistant",
                        content=TextContent(type="text", text=m["content"])) for m in turn.history]
    for item in turn.scratch.get("loop", []):
        messages.append(SamplingMessage.model_validate(item))
    if turn.results:
        messages.append(SamplingMessage(role="user", content=[
            ToolResultContent(type="tool_result", tool_use_id=r["call_id"],
                              content=[TextContent(type="text", text=_text(r["content"]))],
                              is_error=not r["ok"]) for r in turn.results]))
    tools = [Tool(name=t.name, description=t.description, input_schema=t.parameters) for t in turn.tools]
    system = (f"{turn.system_prompt}\n\nNow: {turn.now.isoformat(timespec='minutes')}. "
              f"Facts: {json.dumps({k: v for k, v in turn.facts.items() if v})}. PII appears as references like "
              "[email:em_…]; never guess the values behind them.")
    return CreateMessageRequestParams(messages=messages, max_tokens=MAX_TOKENS, system_prompt=system, tools=tools)


def parse_result(result: CreateMessageResultWithTools, turn: Turn) -> Step:
    blocks = result.content_as_list
    uses = [b for b in blocks if isinstance(b, ToolUseContent)]
    if uses:
        params = request_params(turn)
        loop = [m.model_dump(mode="json", by_alias=True, exclude_none=True) for m in params.messages[len(turn.history):]]
        loop.append(SamplingMessage(role="assistant", content=list(blocks)).model_dump(mode="json", by_alias=True,
                                                                                        exclude_none=True))
        return Act([ToolCall(u.id, u.name, dict(u.input)) for u in uses], {"loop": loop})
    text = " ".join(b.text for b in blocks if isinstance(b, TextContent)).strip()
    return Reply(text or "(no answer)")


def _text(value: Any) -> str:
    return value if isinstance(value, str) else json.dumps(value, default=str)[:12_000]
