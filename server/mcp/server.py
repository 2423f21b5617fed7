"""Assembling the MCP server: tools, prompts, resources, the guard, change notifications (``feed``)."""

from __future__ import annotations

from mcp.server.mcpserver import MCPServer
from mcp.shared.subscriptions import ResourceUpdated

from server.app import App
from server.mcp import apps, prompts, resources, tools
from server.mcp.events import TenantBus
from server.mcp.feed import ChangeFeed
from server.mcp.guard import Guard, Operations
from server.mcp.identity import Principals
from server.metrics import Metrics

INSTRUCTIONS = (
    "Growth Engine runs a store's AI agents. Start with the daily_briefing prompt or the chat tool "
    "('what should I do today?'). Actions are ranked by expected profit (gross, over four weeks) × confidence × ease; every decision "
    "names the version you reviewed (list_actions and get_action show it). High and critical approvals ask "
    "for confirmation where the client can ask. Each chat reply names its thread: pass it back to continue the "
    "conversation. Results are compact; detail=full (list_actions, get_action, audit_log) adds digests and params. "
    "Resources read as markdown; the same URI plus .json has the data. Errors end with a stable [code].")


class GrowthServer(MCPServer):
    """The SDK's server, with the feed that tells its listeners what changed (run it beside the server)."""

    feed: ChangeFeed


def build_mcp(app: App, *, principals: Principals, metrics: Metrics | None = None) -> GrowthServer:
    operations = Operations(prompts=dict(prompts.PROMPT_OPERATIONS),
                            resources={**resources.RESOURCE_OPERATIONS, **apps.RESOURCE_OPERATIONS})
    bus = TenantBus()
    mcp = GrowthServer("growth-engine", title="Growth Engine", version="0.1.0", instructions=INSTRUCTIONS,
                       subscriptions=bus, extensions=[apps.extension()],
                       middleware=[Guard(app.deps, principals, operations,
                                         metrics.count_tool_call if metrics is not None else None)],
                       log_level="WARNING")
    tools.register(mcp, app)
    operations.tools.update(tools.TOOL_OPERATIONS)
    prompts.register(mcp, app)
    resources.register(mcp, app)

    async def publish(tenant: str, uri: str) -> None:
        # clients listening with subscriptions/listen (2026-07-28) hear of a store's actions, inbox and
        # notifications: that store's readers only
        await bus.publish_for(tenant, ResourceUpdated(uri=uri))

    mcp.feed = ChangeFeed(app.db, publish, interval=app.settings.mcp_feed_seconds)

    async def nudge(*_: object) -> None:
        mcp.feed.nudge()

    app.deps.listeners.append(nudge)  # an action changed here
    app.deps.notices.append(nudge)  # a notification was told here
    return mcp
