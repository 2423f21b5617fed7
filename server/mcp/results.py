"""How tool results look on the wire: structured content plus a text rendering, or a
tool error the model can read, with a stable code."""

from __future__ import annotations

from typing import Any

from mcp_types import CallToolResult, TextContent
from pydantic import BaseModel

from tools.errors import ToolError

ERROR_META = "dev.growth-engine/error"


def ok(model: BaseModel, text: str) -> CallToolResult:
    return CallToolResult(content=[TextContent(type="text", text=text)],
                          structured_content=model.model_dump(mode="json", by_alias=True))


def ok_data(data: dict[str, Any], text: str) -> CallToolResult:
    """``ok`` for structured content already in its wire shape (built by the views from stored records)."""
    return CallToolResult(content=[TextContent(type="text", text=text)], structured_content=data)


def error(code: str, message: str, **details: Any) -> CallToolResult:
    """A tool error: ``is_error`` with the message to act on; the code stays stable for programs."""
    return CallToolResult(content=[TextContent(type="text", text=f"{message} [{code}]")], is_error=True,
                          _meta={ERROR_META: {"code": code, **({"details": details} if details else {})}})


def from_tool_error(exc: ToolError) -> CallToolResult:
    return error(exc.code, exc.message, **{k: v for k, v in exc.details.items() if _jsonable(v)})


def _jsonable(value: Any) -> bool:
    return isinstance(value, (str, int, float, bool, type(None), list, dict))
