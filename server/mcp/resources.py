"""MCP resources: the inbox, actions, runs, the audit log, the agents, the latest reflection."""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError

from graphs.contract import contract_table
from graphs.registry import AGENTS
from server.app import App
from server.mcp.identity import current
from tools import actions, audit, runs
from tools.errors import NotFound, ToolError
from tools.reflection import latest_reflection

#: URI prefix -> the ABAC operation the guard checks
RESOURCE_OPERATIONS = {"growth://inbox": "actions.list", "growth://actions": "actions.get",
                       "growth://runs": "runs.get", "growth://audit/recent": "audit.read",
                       "growth://agents": "agents.read", "growth://reflections/latest": "reflections.read"}

JSON = "application/json"


def _json(value: Any) -> str:
    return json.dumps(value, indent=2, default=str)


def _reads(fn: Callable[..., Awaitable[str]]) -> Callable[..., Awaitable[str]]:
    """A tool error while reading is the reader's mistake, reported as such (not a server fault)."""

    @functools.wraps(fn)
    async def wrapper(*args: Any, **kwargs: Any) -> str:
        try:
            return await fn(*args, **kwargs)
        except NotFound as exc:
            raise ResourceNotFoundError(f"{exc.message} [{exc.code}]") from None
        except ToolError as exc:
            raise ResourceError(f"{exc.message} [{exc.code}]") from None

    return wrapper


def register(mcp: MCPServer, app: App) -> None:
    deps = app.deps

    @mcp.resource("growth://inbox", name="inbox", title="Pending approvals and people waiting", mime_type=JSON,
                  description="People waiting for a person (not ranked by revenue), then the actions waiting for "
                              "the operator, best first.")
    @_reads
    async def inbox() -> str:
        rows = await actions.list_actions(deps, current(), status="pending", limit=200)
        people = [r for r in rows if r.kind == "support.escalation"]
        return _json({"people_waiting": [r.model_dump(mode="json") for r in people],
                      "actions": [r.model_dump(mode="json") for r in rows if r.kind != "support.escalation"]})

    @mcp.resource("growth://actions/{action_id}", name="action", title="One action", mime_type=JSON,
                  description="An action with evidence, arithmetic, versions, decisions and execution.")
    @_reads
    async def action(action_id: str) -> str:
        return _json(await actions.get_action(deps, current(), action_id=action_id))

    @mcp.resource("growth://runs/{run_id}", name="run", title="One specialist run", mime_type=JSON)
    @_reads
    async def run(run_id: str) -> str:
        return _json(await runs.get_run(deps, current(), run_id=run_id))

    @mcp.resource("growth://audit/recent", name="audit", title="Recent audit events", mime_type=JSON)
    @_reads
    async def audit_recent() -> str:
        return _json(await audit.recent(deps, current().tenant, limit=100))

    @mcp.resource("growth://agents", name="agents", title="Agents and the handoff contract", mime_type=JSON)
    @_reads
    async def agents() -> str:
        return _json({"agents": [{"name": a.name, "role": a.role, "clearance": a.clearance.value,
                                  "description": a.description, "tools": sorted(a.allowlist)}
                                 for a in AGENTS.values()],
                      "contract": contract_table(), "note": "every edge not listed is refused"})

    @mcp.resource("growth://reflections/latest", name="reflection", title="Latest reflection", mime_type=JSON,
                  description="What the operator's decisions say about each agent, and suggested changes.")
    @_reads
    async def reflection() -> str:
        return _json(await latest_reflection(deps, current()))
