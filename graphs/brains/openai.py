"""The model brain: any OpenAI-compatible endpoint through langchain-openai.

The model sees the agent's system prompt, the redacted conversation, and exactly the
agent's tools. What it asks for is only a request: tool calls go through the same
authorization, transfers through the same contract, as for the rules brain. Numbers
come from tools, never from the model.
"""

from __future__ import annotations

import json
from typing import Any

from langchain_core.language_models import BaseChatModel
from langchain_core.messages import (AIMessage, BaseMessage, HumanMessage, SystemMessage, ToolMessage,
                                     messages_from_dict, messages_to_dict)

from graphs.brains.base import Act, Reply, Step, ToolCall, ToolSpec, Turn

MAX_TOOL_RESULT = 12_000


def openai_tool(spec: ToolSpec) -> dict[str, Any]:
    return {"type": "function", "function": {"name": spec.name, "description": spec.description,
                                             "parameters": spec.parameters}}


class ModelBrain:
    """A brain on any LangChain chat model that supports tool calling."""

    name = "model"

    def __init__(self, model: BaseChatModel) -> None:
        self.model = model

    async def step(self, turn: Turn) -> Step:
        messages: list[BaseMessage] = [SystemMessage(_system(turn))]
        for m in turn.history:
            messages.append(HumanMessage(m["content"]) if m["role"] == "user" else AIMessage(m["content"]))
        loop = messages_from_dict(turn.scratch.get("messages", []))
        answered = {r["call_id"] for r in turn.results}
        for r in turn.results:
            loop.append(ToolMessage(_content(r["content"]), tool_call_id=r["call_id"], name=r["name"],
                                    status="success" if r["ok"] else "error"))
        last_ai = next((m for m in reversed(loop) if isinstance(m, AIMessage)), None)
        for call in (last_ai.tool_calls if last_ai else []):
            if call["id"] not in answered and not any(isinstance(m, ToolMessage) and m.tool_call_id == call["id"]
                                                      for m in loop):
                loop.append(ToolMessage("not run: control moved to another agent first", tool_call_id=call["id"],
                                        name=call["name"], status="error"))
        bound = self.model.bind_tools([openai_tool(t) for t in turn.tools])
        ai = await bound.ainvoke(messages + loop)
        if not isinstance(ai, AIMessage):
            raise TypeError(f"the chat model returned {type(ai).__name__}, not an AIMessage")
        if ai.tool_calls:
            loop.append(ai)
            calls = [ToolCall(c["id"] or f"call_{n}", c["name"], dict(c["args"])) for n, c in enumerate(ai.tool_calls)]
            return Act(calls, {"messages": messages_to_dict(loop)})
        text = ai.content if isinstance(ai.content, str) else "".join(
            part.get("text", "") for part in ai.content if isinstance(part, dict))
        return Reply(text.strip() or "(no answer)")


class OpenAIBrain(ModelBrain):
    name = "openai"

    def __init__(self, *, api_key: str, base_url: str | None, model: str) -> None:
        import httpx
        from langchain_openai import ChatOpenAI

        # our own HTTP client, so closing the brain closes its connections (and nobody else's)
        self._http = httpx.AsyncClient(timeout=60)
        super().__init__(ChatOpenAI(model=model, api_key=api_key, base_url=base_url,  # type: ignore[arg-type]
                                    temperature=0, timeout=60, max_retries=1, http_async_client=self._http))

    async def aclose(self) -> None:
        await self._http.aclose()


def _system(turn: Turn) -> str:
    facts = {k: v for k, v in turn.facts.items() if v}
    return (f"{turn.system_prompt}\n\nNow: {turn.now.isoformat(timespec='minutes')}. Facts: {json.dumps(facts)}.\n"
            "PII appears as references like [email:em_…]; never guess the values behind them.")


def _content(value: Any) -> str:
    text = value if isinstance(value, str) else json.dumps(value, default=str)
    return text if len(text) <= MAX_TOOL_RESULT else text[:MAX_TOOL_RESULT] + " …(truncated)"
