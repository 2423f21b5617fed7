"""A loopback OpenAI-compatible server that replays scripted chat completions.

It speaks the wire format of ``POST /v1/chat/completions`` (including tool calls) and
records every request, so tests can check what a real client sent. Nothing leaves the
machine.
"""

from __future__ import annotations

import json
import time
from contextlib import asynccontextmanager
from typing import Any

from starlette.applications import Starlette
from starlette.requests import Request
from starlette.responses import JSONResponse
from starlette.routing import Route

from tests.loopback import free_port, serve_asgi

__all__ = ["OpenAIStub", "free_port", "serve", "text_reply", "tool_reply"]


def text_reply(content: str) -> dict[str, Any]:
    return {"role": "assistant", "content": content}


def tool_reply(*calls: tuple[str, str, dict[str, Any]]) -> dict[str, Any]:
    return {"role": "assistant", "content": None, "tool_calls": [
        {"id": cid, "type": "function", "function": {"name": name, "arguments": json.dumps(args)}}
        for cid, name, args in calls]}


class OpenAIStub:
    def __init__(self, script: list[dict[str, Any]]) -> None:
        self.script = list(script)
        self.requests: list[dict[str, Any]] = []
        self.auth: list[str | None] = []
        self.app = Starlette(routes=[Route("/v1/chat/completions", self.completions, methods=["POST"])])

    async def completions(self, request: Request) -> JSONResponse:
        body = await request.json()
        self.requests.append(body)
        self.auth.append(request.headers.get("authorization"))
        if not self.script:
            return JSONResponse({"error": {"message": "script exhausted", "type": "invalid_request_error"}},
                                status_code=400)
        message = self.script.pop(0)
        finish = "tool_calls" if message.get("tool_calls") else "stop"
        return JSONResponse({
            "id": f"chatcmpl-{len(self.requests)}", "object": "chat.completion", "created": int(time.time()),
            "model": body.get("model", "stub"),
            "choices": [{"index": 0, "message": message, "finish_reason": finish}],
            "usage": {"prompt_tokens": 10, "completion_tokens": 5, "total_tokens": 15}})


@asynccontextmanager
async def serve(stub: OpenAIStub):  # type: ignore[no-untyped-def]
    async with serve_asgi(stub.app) as url:
        yield f"{url}/v1"
