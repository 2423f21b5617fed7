"""Assembling the MCP server: tools, prompts, resources, the guard, change notifications."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.shared.subscriptions import ResourceUpdated

from server.app import App
from server.mcp import apps, prompts, resources, tools
from server.mcp.events import TenantBus
from server.mcp.guard import Guard, Operations
from server.mcp.identity import Principals
from server.metrics import Metrics

INSTRUCTIONS = (
    "Growth Engine runs a store's AI agents. Start with the daily_briefing prompt or the chat tool "
    "('what should I do today?'). Actions are ranked by expected revenue × confidence × ease; every decision "
    "names the version you reviewed (list_actions and get_action show it). High and critical approvals ask "
    "for confirmation where the client can ask. Each chat reply names its thread: pass it back to continue the "
    "conversation. Results are compact; detail=full (list_actions, get_action, audit_log) adds digests and params. "
    "Resources read as markdown; the same URI plus .json has the data. Errors end with a stable [code].")


def build_mcp(app: App, *, principals: Principals, metrics: Metrics | None = None) -> MCPServer:
    operations = Operations(prompts=dict(prompts.PROMPT_OPERATIONS),
                            resources={**resources.RESOURCE_OPERATIONS, **apps.RESOURCE_OPERATIONS})
    bus = TenantBus()
    mcp = MCPServer("growth-engine", title="Growth Engine", version="0.1.0", instructions=INSTRUCTIONS,
                    subscriptions=bus, extensions=[apps.extension()],
                    middleware=[Guard(app.deps, principals, operations,
                                      metrics.count_tool_call if metrics is not None else None)],
                    log_level="WARNING")
    tools.register(mcp, app)
    operations.tools.update(tools.TOOL_OPERATIONS)
    prompts.register(mcp, app)
    resources.register(mcp, app)

    async def notify(tenant: str, action_id: int) -> None:
        # 2026-07-28 clients listening with subscriptions/listen hear about the inbox and the action: that
        # store's readers only
        await bus.publish_for(tenant, ResourceUpdated(uri=f"growth://actions/{action_id}"))
        await bus.publish_for(tenant, ResourceUpdated(uri="growth://inbox"))

    app.deps.listeners.append(notify)

    async def told(tenant: str, _kind: str) -> None:
        # a notification (tools.notify) reaches that store's listeners as a change of growth://notifications
        await bus.publish_for(tenant, ResourceUpdated(uri="growth://notifications"))

    app.deps.notices.append(told)
    return mcp
