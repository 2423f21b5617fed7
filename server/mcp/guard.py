"""The one door of the MCP server: who is calling, and may they.

A server middleware sees every inbound request. For ``tools/call``,
``resources/read`` and ``prompts/get`` it resolves the principal (stdio: the local
operator; HTTP: the token's principal, set by the HTTP layer) and asks the ABAC
policy through ``tools.registry.enforce`` — which audits a denial — before any
handler runs. A denied tool call comes back as a tool error with a stable code;
a denied read is a protocol error. Lists are filtered to what the caller may use.
"""

from __future__ import annotations

import re

from collections.abc import Callable, Mapping
from dataclasses import dataclass, field
from typing import Any

from mcp.server.apps import client_supports_apps
from mcp.server.context import CallNext, HandlerResult, ServerRequestContext
from mcp.shared.exceptions import MCPError

from policies.abac import authorize
from policies.principal import Principal
from server.mcp import apps
from server.mcp.identity import CURRENT, Principals
from server.mcp.results import from_tool_error
from tools.deps import Deps
from tools.errors import Forbidden
from tools.registry import enforce

#: JSON-RPC error code (implementation-defined server range) for a refused read
FORBIDDEN = -32003
PRINCIPAL_KEY = "growth.principal"
LIST_METHODS = frozenset({"tools/list", "prompts/list", "resources/list", "resources/templates/list"})


@dataclass
class Operations:
    """Which ABAC operation each tool, prompt and resource stands for."""

    tools: dict[str, str] = field(default_factory=dict)
    prompts: dict[str, str] = field(default_factory=dict)
    #: resource URI prefix -> operation (templates match by prefix)
    resources: dict[str, str] = field(default_factory=dict)

    def for_resource(self, uri: str) -> str | None:
        for prefix, op in sorted(self.resources.items(), key=lambda kv: -len(kv[0])):
            if uri == prefix or uri.startswith(prefix.rstrip("/") + "/"):
                return op
        return None

    def for_request(self, method: str, params: Mapping[str, Any] | None) -> str | None:
        params = params or {}
        if method == "tools/call":
            return self.tools.get(str(params.get("name")))
        if method == "prompts/get":
            return self.prompts.get(str(params.get("name")))
        if method == "resources/read":
            return self.for_resource(str(params.get("uri")))
        return None


_TYPE_NOTE = re.compile(r" \[type=.*$")
_PYDANTIC = re.compile(r"^Error executing tool [^:]*: \d+ validation errors? for \w+")


def invalid_args(tool: str, result: dict[str, Any]) -> dict[str, Any]:
    """The SDK's raw pydantic text for bad arguments, as a tool error naming each field, with its code."""
    content = result.get("content") or []
    text = content[0].get("text", "") if content and isinstance(content[0], dict) else ""
    if not _PYDANTIC.match(text):
        return result
    lines = [line.strip() for line in text.splitlines()[1:] if line.strip() and "errors.pydantic.dev" not in line]
    problems = []
    for where, message in zip(lines[0::2], lines[1::2]):
        problems.append(f"{where}: {_TYPE_NOTE.sub('', message).lower()}")
    message = f"invalid arguments for {tool[:60]}: " + "; ".join(problems or ["they do not fit its schema"])
    return {**result, "content": [{"type": "text", "text": f"{message} [invalid_args]"}]}


class Guard:
    def __init__(self, deps: Deps, principals: Principals, operations: Operations,
                 on_tool_call: Callable[[str, str], None] | None = None) -> None:
        self.deps = deps
        self.principals = principals
        self.operations = operations
        self.on_tool_call = on_tool_call

    def identify(self, ctx: ServerRequestContext[Any, Any]) -> Principal:
        request = ctx.request
        if request is None:
            return self.principals.local()  # stdio: whoever launched the process
        principal = getattr(request, "scope", {}).get(PRINCIPAL_KEY)
        if not isinstance(principal, Principal):
            raise MCPError(code=FORBIDDEN, message="this request carries no authenticated principal")
        return principal

    async def __call__(self, ctx: ServerRequestContext[Any, Any], call_next: CallNext) -> HandlerResult:
        if ctx.request_id is None or ctx.method in ("initialize", "ping", "server/discover"):
            return await call_next(ctx)
        principal = self.identify(ctx)
        operation = self.operations.for_request(ctx.method, ctx.params)
        if operation is not None:
            try:
                await enforce(self.deps, principal, operation, principal.tenant)
            except Forbidden as exc:
                if ctx.method == "tools/call":
                    self._count(ctx, "denied")
                    return from_tool_error(exc)
                raise MCPError(code=FORBIDDEN, message=exc.message, data={"code": exc.code}) from None
        token = CURRENT.set(principal)
        try:
            result = await call_next(ctx)
        finally:
            CURRENT.reset(token)
        if ctx.method == "tools/call":
            failed = isinstance(result, dict) and result.get("isError")
            self._count(ctx, "error" if failed else "ok")
            if failed:
                result = invalid_args(str((ctx.params or {}).get("name", "?")), result)
        if ctx.method not in LIST_METHODS:
            return result
        # MCP Apps views are linked and listed only for a client that declared the extension (server.mcp.apps)
        return apps.for_client(ctx.method, self._filter(principal, result), supports_apps=client_supports_apps(ctx))

    def _count(self, ctx: ServerRequestContext[Any, Any], outcome: str) -> None:
        if self.on_tool_call is not None:
            self.on_tool_call(str((ctx.params or {}).get("name", "?"))[:60], outcome)

    def _allowed(self, principal: Principal, operation: str | None) -> bool:
        return operation is None or authorize(principal, operation, principal.tenant).allowed

    def _filter(self, principal: Principal, result: HandlerResult) -> HandlerResult:
        """Lists show only what the caller may use (results arrive as wire-shaped dicts)."""
        if not isinstance(result, dict):
            return result
        lists = {"tools": lambda i: self.operations.tools.get(i.get("name", "")),
                 "prompts": lambda i: self.operations.prompts.get(i.get("name", "")),
                 "resources": lambda i: self.operations.for_resource(str(i.get("uri", ""))),
                 "resourceTemplates": lambda i: self.operations.for_resource(
                     str(i.get("uriTemplate", "")).split("{")[0])}
        for key, operation_of in lists.items():
            if isinstance(result.get(key), list):
                result = {**result, key: [i for i in result[key]
                                          if isinstance(i, dict) and self._allowed(principal, operation_of(i))]}
        return result
