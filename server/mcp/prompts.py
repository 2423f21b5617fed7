"""MCP prompts: texts under ``prompts/mcp/`` filled with the store's live data."""

from __future__ import annotations

from datetime import timedelta
from functools import cache
from importlib.resources import files
from typing import Any

from mcp.server.mcpserver import MCPServer
from mcp_types import ImageContent

from server import charts
from server.app import App
from server.mcp import render
from server.mcp.identity import current
from server.mcp.tools.charts import image as chart_image
from tools import actions, audit, department, performance, runs
from tools import tenants as tenant_ops
from tools.execution import kill_state
from tools.cycle_reflect import as_text as cycle_text
from tools.cycle_reflect import latest as cycle_reflection

#: prompt name -> the ABAC operation the guard checks
PROMPT_OPERATIONS = {"daily_briefing": "actions.list", "review_queue": "actions.list",
                     "explain_action": "actions.get", "weekly_report": "performance.read",
                     "incident_review": "audit.read"}


@cache
def template(name: str) -> str:
    return files("prompts").joinpath("mcp", f"{name}.md").read_text(encoding="utf-8")


def register(mcp: MCPServer, app: App) -> None:
    deps = app.deps

    async def waiting() -> list[dict[str, Any]]:
        rows = await actions.list_actions(deps, current(), status="pending", limit=200)
        return [r.model_dump(mode="json") for r in rows if r.kind != "support.escalation"]

    async def people() -> str:
        rows = await actions.list_actions(deps, current(), status="pending", kind="support.escalation", limit=50)
        return render.action_lines([r.model_dump(mode="json") for r in rows], reason=True) or "Nobody is waiting."

    @mcp.prompt(title="Daily briefing", description="What to do today: the store's state and its best actions.")
    async def daily_briefing() -> str:
        who = current()
        status = await tenant_ops.get_status(deps, who)
        recent_runs = await runs.list_runs(deps, who, limit=5)
        queue = await waiting()
        overnight = cycle_text(await cycle_reflection(deps, who.tenant))
        return template("daily_briefing").format(store=who.tenant, status=render.status(status) + "\n\n"
                                                 + "What the engine did on its own:\n" + overnight,
                                                 people=await people(), shown=_shown(queue, 10),
                                                 actions=render.action_lines(queue[:10], reason=True) or "None.",
                                                 runs=render.runs(recent_runs))

    @mcp.prompt(title="Review the queue", description="Go through pending approvals one by one.")
    async def review_queue() -> str:
        queue = await waiting()
        return template("review_queue").format(store=current().tenant, shown=_shown(queue, 25),
                                               actions=render.action_lines(queue[:25], reason=True) or "None.")

    @mcp.prompt(title="Explain an action", description="Why this action, on what evidence, and how to undo it.")
    async def explain_action(action_id: str) -> str:
        detail = await actions.get_action(deps, current(), action_id=action_id)
        return template("explain_action").format(store=current().tenant, action_id=detail["action"]["id"],
                                                 detail=render.action(detail))

    @mcp.prompt(title="Weekly report", description="The week's proposals, decisions and outcomes, with the "
                                                  "department charts of the last 12 weeks.")
    async def weekly_report() -> list[str | ImageContent]:
        who = current()
        since = (deps.now() - timedelta(days=7)).isoformat(timespec="microseconds")
        events = await audit.recent(deps, who.tenant, limit=1000, since=since)
        outcomes = [e for e in events if e["event"] in ("action.executed", "action.rolled_back", "action.failed")]
        text = template("weekly_report").format(
            store=who.tenant, window="the last 7 days",
            performance=render.performance(await performance.agent_performance(deps, who)),
            outcomes=render.events(outcomes[:50]), activity=_counts(events))
        # the charts read like performance.read, which the guard checked (metrics.read mirrors it)
        data = await department.department_metrics(deps, who, weeks=12)
        return [text, *[chart_image(await charts.render_chart_async(name, data, "png"))
                        for name in charts.CHART_NAMES]]

    @mcp.prompt(title="Incident review", description="Kill switch, failures, denials and rollbacks to review.")
    async def incident_review(days: str = "7") -> str:
        who = current()
        window = max(1, min(int(days) if days.isdigit() else 7, 90))
        since = (deps.now() - timedelta(days=window)).isoformat(timespec="microseconds")
        events = await audit.recent(deps, who.tenant, limit=1000, since=since)
        kill = await deps.db.query(who.tenant, lambda tx: kill_state(tx, deps))

        def pick(*names: str) -> str:
            return render.events([e for e in events if e["event"] in names][:50])

        return template("incident_review").format(
            store=who.tenant, window=f"the last {window} days",
            kill_switch=f"engaged ({kill.source}): {kill.reason}" if kill.engaged else "off",
            failed=pick("action.failed"), denials=pick("policy.denied", "handoff.refused"),
            rollbacks=pick("action.rolled_back"))


def _shown(queue: list[dict[str, Any]], limit: int) -> str:
    """How many of the waiting actions a list shows: "3", or "the best 10 of 18"."""
    return str(len(queue)) if len(queue) <= limit else f"the best {limit} of {len(queue)}"


def _counts(events: list[dict[str, Any]]) -> str:
    counts: dict[str, int] = {}
    for e in events:
        counts[e["event"]] = counts.get(e["event"], 0) + 1
    return "\n".join(f"- {event}: {n}" for event, n in sorted(counts.items())) or "No activity."
