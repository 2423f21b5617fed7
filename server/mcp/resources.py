"""MCP resources: the inbox, actions, runs, the audit log, the agents, the latest reflection.

Each resource reads as markdown (``text/markdown``): a host that attaches it puts one compact, readable
text in its model's context, and a person sees the same in a resource picker. Each has a JSON twin at
the same URI plus ``.json`` (``growth://inbox.json``, ``growth://actions/12.json``) with the data as
stored, for programs. Twins, not two contents in one read: hosts attach every content a read returns,
so a second rendering would double what the model reads, and ``resources/list`` gives one mime type
per URI.
"""

from __future__ import annotations

import functools
import json
from collections.abc import Awaitable, Callable
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp.server.mcpserver.exceptions import ResourceError, ResourceNotFoundError

from graphs.contract import contract_table
from graphs.registry import AGENTS
from policies.abac import authorize
from server.app import App
from server.mcp import markdown
from server.mcp.identity import current
from tools import actions, audit, delivery_retry, runs
from tools.errors import NotFound, ToolError
from tools.reflection import latest_reflection
from tools.notify import list_notifications
from tools.cycle_reflect import as_text as cycle_text
from tools.cycle_reflect import latest as cycle_reflection

#: URI prefix -> the ABAC operation the guard checks (a JSON twin is checked like its resource)
RESOURCE_OPERATIONS = {"growth://inbox": "actions.list", "growth://inbox.json": "actions.list",
                       "growth://actions": "actions.get", "growth://runs": "runs.get",
                       "growth://audit/recent": "audit.read", "growth://audit/recent.json": "audit.read",
                       "growth://agents": "agents.read", "growth://agents.json": "agents.read",
                       "growth://reflections/latest": "reflections.read",
                       "growth://reflections/latest.json": "reflections.read",
                       "growth://notifications": "audit.read", "growth://notifications.json": "audit.read"}

MARKDOWN = "text/markdown"
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

    async def pending() -> tuple[list[dict[str, Any]], list[dict[str, Any]]]:
        rows = [r.model_dump(mode="json") for r in
                await actions.list_actions(deps, current(), status="pending", limit=200)]
        return ([r for r in rows if r["kind"] == "support.escalation"],
                [r for r in rows if r["kind"] != "support.escalation"])

    async def stopped() -> list[dict[str, Any]]:
        # deliveries that failed or met a conflict wait for the operator as much as approvals do; shown to
        # whoever may list deliveries (their reasons carry the store's live values), not to every reader
        who = current()
        if not authorize(who, "deliveries.list", who.tenant).allowed:
            return []
        rows = await deps.db.query(who.tenant, lambda tx: delivery_retry.stuck(tx))
        return [{**r, "updated_at": str(r["updated_at"]), "delivered_at": None} for r in rows]

    @mcp.resource("growth://inbox", name="inbox", title="Pending approvals and people waiting", mime_type=MARKDOWN,
                  description="People waiting for a person (not ranked by revenue), then the actions waiting for "
                              "the operator, best first, each with the id and version a decision names, then the "
                              "deliveries that failed or met a conflict and how to retry them.")
    @_reads
    async def inbox() -> str:
        people, waiting = await pending()
        return markdown.inbox(current().tenant, people, waiting, stopped=await stopped())

    @mcp.resource("growth://inbox.json", name="inbox-json", title="Pending approvals and people waiting (JSON)",
                  mime_type=JSON, description="The inbox's data for programs: every field of each waiting action.")
    @_reads
    async def inbox_json() -> str:
        people, waiting = await pending()
        return _json({"people_waiting": people, "actions": waiting, "deliveries_stopped": await stopped()})

    # the .json templates first: the plain ones would otherwise read "12.json" as an id
    @mcp.resource("growth://actions/{action_id}.json", name="action-json", title="One action (JSON)", mime_type=JSON,
                  description="An action's data for programs: evidence, arithmetic, versions, decisions, execution.")
    @_reads
    async def action_json(action_id: str) -> str:
        return _json(await actions.get_action(deps, current(), action_id=action_id))

    @mcp.resource("growth://runs/{run_id}.json", name="run-json", title="One specialist run (JSON)", mime_type=JSON)
    @_reads
    async def run_json(run_id: str) -> str:
        return _json(await runs.get_run(deps, current(), run_id=run_id))

    @mcp.resource("growth://actions/{action_id}", name="action", title="One action", mime_type=MARKDOWN,
                  description="An action explained: evidence, arithmetic, risk, rollback, versions, decisions, "
                              "execution and delivery.")
    @_reads
    async def action(action_id: str) -> str:
        return markdown.action(_plain(await actions.get_action(deps, current(), action_id=action_id)))

    @mcp.resource("growth://runs/{run_id}", name="run", title="One specialist run", mime_type=MARKDOWN)
    @_reads
    async def run(run_id: str) -> str:
        return markdown.run(_plain(await runs.get_run(deps, current(), run_id=run_id)))

    @mcp.resource("growth://audit/recent", name="audit", title="Recent audit events", mime_type=MARKDOWN)
    @_reads
    async def audit_recent() -> str:
        return markdown.audit(_plain(await audit.recent(deps, current().tenant, limit=100)))

    @mcp.resource("growth://audit/recent.json", name="audit-json", title="Recent audit events (JSON)",
                  mime_type=JSON, description="The last 100 events as stored, chain hashes included.")
    @_reads
    async def audit_recent_json() -> str:
        return _json(await audit.recent(deps, current().tenant, limit=100))

    def agent_table() -> dict[str, Any]:
        return {"agents": [{"name": a.name, "role": a.role, "clearance": a.clearance.value,
                            "description": a.description, "tools": sorted(a.allowlist)} for a in AGENTS.values()],
                "contract": contract_table(), "note": "every edge not listed is refused"}

    @mcp.resource("growth://agents", name="agents", title="Agents and the handoff contract", mime_type=MARKDOWN)
    @_reads
    async def agents() -> str:
        table = agent_table()
        return markdown.agents(table["agents"], table["contract"])

    @mcp.resource("growth://agents.json", name="agents-json", title="Agents and the handoff contract (JSON)",
                  mime_type=JSON, description="Each agent's tools and clearance, and each edge's payload fields.")
    @_reads
    async def agents_json() -> str:
        return _json(agent_table())

    @mcp.resource("growth://reflections/latest", name="reflection", title="Latest reflection", mime_type=MARKDOWN,
                  description="What the operator's decisions say about each agent, and suggested changes.")
    @_reads
    async def reflection() -> str:
        cycle = await cycle_reflection(deps, current().tenant)
        return ("# The last cycle\n\n" + cycle_text(cycle) + "\n\n"
                + markdown.reflection(_plain(await latest_reflection(deps, current()))))

    @mcp.resource("growth://notifications", name="notifications", title="Notifications", mime_type=MARKDOWN,
                  description="What the engine told the operator (approvals, failures, kill switch, stale data, "
                              "alerts, digests), newest first; listeners hear it change.")
    @_reads
    async def notifications() -> str:
        rows = await list_notifications(deps, current(), limit=50)
        return "# Notifications\n\n" + ("\n".join(f"- {str(n['created_at'])[:16]} [{n['severity']}] {n['title']}"
                                                    for n in rows) or "Nothing told yet.")

    @mcp.resource("growth://notifications.json", name="notifications-json", title="Notifications (JSON)",
                  mime_type=JSON)
    @_reads
    async def notifications_json() -> str:
        return _json(await list_notifications(deps, current(), limit=50))

    @mcp.resource("growth://reflections/latest.json", name="reflection-json", title="Latest reflection (JSON)",
                  mime_type=JSON)
    @_reads
    async def reflection_json() -> str:
        return _json({**await latest_reflection(deps, current()),
                      "last_cycle": await cycle_reflection(deps, current().tenant)})


def _plain(value: Any) -> Any:
    """JSON-ready data (datetimes as ISO text), as the JSON twins carry it."""
    return json.loads(_json(value))
