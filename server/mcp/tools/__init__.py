"""The MCP tools, as one explicit table. Names, arguments and results are a public contract.

Every tool returns structured content (its output schema) plus a text rendering; failures are tool
errors with a stable code. Authorization happens in the guard middleware before any body runs
(``server.mcp.guard``), by the operation this table names; bodies read the caller from
``identity.current()``. Results are compact by default: ``detail="full"`` where more is useful.
"""

from mcp.server.mcpserver import MCPServer

from server.app import App
from server.mcp.tools import (audit, chat, data, decisions, deliveries, experiments, memory, queue, runs, store,
                              tokens, workflows)
from server.mcp.tools import charts
from server.mcp.tools.base import ToolSpec

TOOLS: tuple[ToolSpec, ...] = (*chat.TOOLS, *queue.TOOLS, *decisions.TOOLS, *runs.TOOLS, *store.TOOLS,
                               *audit.TOOLS, *memory.TOOLS, *data.TOOLS, *tokens.TOOLS, *deliveries.TOOLS,
                               *workflows.TOOLS, *experiments.TOOLS,
                               *charts.TOOLS)

#: tool name -> the ABAC operation the guard checks before the tool runs
TOOL_OPERATIONS: dict[str, str] = {spec.name: spec.operation for spec in TOOLS}

assert len(TOOL_OPERATIONS) == len(TOOLS), "two tools share a name"


def register(mcp: MCPServer, app: App) -> None:
    """Add every tool of the table to the server, bound to this app."""
    for spec in TOOLS:
        spec.register(mcp, app)
