"""What every MCP tool is made of: a row of the tool table, honest annotations, and the guard that
turns a ``ToolError`` into a tool error result (never a protocol fault).

The tool modules keep their annotations evaluated (no ``from __future__ import annotations``): the SDK
reads each body's signature for the input and output schemas.
"""

import functools
from collections.abc import Awaitable, Callable
from dataclasses import dataclass
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp_types import CallToolResult, InputRequiredResult, ToolAnnotations

from server.app import App
from server.mcp.results import from_tool_error
from tools.errors import ToolError

Body = Callable[..., Awaitable[CallToolResult | InputRequiredResult]]


@dataclass(frozen=True, slots=True)
class ToolSpec:
    """One tool: its public name, the ABAC operation the guard checks before it runs, how it presents
    itself, and ``make``, which builds the body (whose signature is the tool's input schema) for an app."""

    name: str
    operation: str
    annotations: ToolAnnotations
    description: str
    make: Callable[[App], Body]
    #: the tool's ``_meta`` (an MCP Apps view link: ``server.mcp.apps.tool_meta``), or none
    meta: dict[str, Any] | None = None

    def register(self, mcp: MCPServer, app: App) -> None:
        mcp.add_tool(guarded(self.make(app)), name=self.name, title=self.annotations.title,
                     description=self.description, annotations=self.annotations, meta=self.meta)


def ann(title: str, *, read_only: bool = False, destructive: bool = False, idempotent: bool = False) -> ToolAnnotations:
    return ToolAnnotations(title=title, read_only_hint=read_only, destructive_hint=destructive,
                           idempotent_hint=idempotent, open_world_hint=False)


READ = {"read_only": True, "idempotent": True}


def guarded(fn: Body) -> Body:
    """Turn a ToolError into a tool error result the model can read, with its stable code."""

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> CallToolResult | InputRequiredResult:
        try:
            return await fn(*args, **kwargs)
        except ToolError as exc:
            return from_tool_error(exc)

    return wrapper


def dump(value: Any) -> Any:
    """Records, views and datetimes as JSON-ready data."""
    from graphs.toolkit import _dump

    return _dump(value)
