"""The console's other pages: agents and runs (live progress over server-sent events), workflows,
department metrics with charts, and the audit timeline with its verification and the kill switch."""

from __future__ import annotations

import asyncio
import json
import logging
from collections.abc import AsyncIterator
from typing import Any

from starlette.responses import Response
from sse_starlette.sse import EventSourceResponse

from server.web import sessions
from server.web.base import Ctx
from tools import audit as audit_ops
from tools.errors import InvalidInput, ToolError

log = logging.getLogger(__name__)
#: background runs started from the console, kept so they are not collected mid-run
_RUNNING: set[asyncio.Task[Any]] = set()
#: how often the live view looks for progress (runs started anywhere: this process, a worker, a cycle)
POLL_SECONDS = 0.4
#: how often an open event stream re-checks its session, and how long one lives before the browser reconnects
RECHECK_SECONDS = 2.0
STREAM_SECONDS = 30 * 60
#: the weeks the metrics page shows
WEEKS = 12
#: what a kill switch form must say, typed, to move it
CONFIRM = {"engage": "STOP", "release": "RESUME"}


async def _workflows(ctx: Ctx) -> tuple[list[dict[str, Any]] | None, str]:
    from server.durable import workflows
    from server.durable.engine import running

    try:
        running()
    except RuntimeError:
        return None, "The durable engine does not run in this process (growth serve starts it)."
    await ctx.gate("workflows.read")
    return await workflows.list_workflows(ctx.app.deps, workflows.Control(), ctx.principal, limit=20), ""


async def agents_page(ctx: Ctx) -> Response:
    from tools.readiness import readiness

    await ctx.gate("agents.read")
    ready = await readiness(ctx.app.deps, ctx.principal.tenant)
    runs = await ctx.op("runs.list", limit=15)
    cycles = await _cycles(ctx.app.deps, ctx.principal.tenant)
    flows, flows_note = await _workflows(ctx) if ctx.may("workflows.read") else (None, "")
    return ctx.render("agents.html", ready=ready, runs=runs, cycles=cycles, workflows=flows, workflows_note=flows_note,
                      agents_enabled=ctx.app.deps.config.agents_enabled)


async def _cycles(deps: Any, tenant: str) -> list[dict[str, Any]]:
    """The store's recent operations cycles (the hourly Plan-Act-React-Reflect), each phase's state in words."""
    from tools.cycle_record import cycle_view

    rows = [cycle_view(r) for r in await deps.db.query(tenant, lambda tx: tx.cycles.recent(limit=8))]
    return [{"cycle": c["cycle"], "status": c["status"], "trigger": c["trigger"], "started": _at(c["started_at"]),
             "phases": ", ".join(f"{name} {p.get('status', '?')}" for name, p in c["phases"].items())}
            for c in rows]


def _at(value: Any) -> str:
    return value.strftime("%Y-%m-%d %H:%M UTC") if hasattr(value, "strftime") else str(value or "")


async def run_agent(ctx: Ctx) -> Response:
    from graphs.runs import run_specialist
    from tools.agent_flags import require_enabled
    from graphs.registry import SPECIALISTS

    agent = ctx.request.path_params["agent"]
    if agent not in SPECIALISTS:
        raise InvalidInput(f"unknown agent {agent!r}; agents: {', '.join(SPECIALISTS)}", code="unknown_agent")
    if not ctx.app.deps.config.agents_enabled:
        raise InvalidInput("the agents are switched off on this server (GROWTH_AGENTS_ENABLED=false)",
                           code="agents_disabled")
    await ctx.gate("runs.start")
    await require_enabled(ctx.app.deps, ctx.principal.tenant, agent)  # refused here, not lost in the background
    task = asyncio.create_task(run_specialist(ctx.app.deps, ctx.principal, agent, trigger="run"))
    _RUNNING.add(task)
    task.add_done_callback(_finished)
    return await ctx.back("/app/agents", f"{agent} started: its progress shows below as it runs.")


def _finished(task: asyncio.Task[Any]) -> None:
    """A console run's end: its result and any failure are in its run record; a crash is logged too."""
    _RUNNING.discard(task)
    if not task.cancelled() and task.exception() is not None:
        log.error("a run started from the console failed", exc_info=task.exception())


async def toggle_agent(ctx: Ctx) -> Response:
    from tools.agent_flags import set_agent

    agent = ctx.request.path_params["agent"]
    said = ctx.request.state.form.get("enabled")
    if said not in ("true", "false"):
        raise InvalidInput("enabled must be true or false", code="invalid_input")
    enabled = said == "true"
    reason = str(ctx.request.state.form.get("reason", "")).strip()
    done = await set_agent(ctx.app.deps, ctx.principal, agent=agent, enabled=enabled, reason=reason)
    return await ctx.back("/app/agents", f"{done['agent']} {'enabled' if enabled else 'switched off'}.")


async def workflow_control(ctx: Ctx) -> Response:
    from server.durable import workflows
    from server.durable.engine import running

    verb = ctx.request.path_params["verb"]
    wid = str(ctx.request.state.form.get("workflow_id", ""))
    try:
        running()
    except RuntimeError:
        raise ToolError("the durable engine is not running in this server", code="no_engine") from None
    await ctx.gate("workflows.run")
    fn = {"pause": workflows.pause, "resume": workflows.resume, "cancel": workflows.cancel}.get(verb)
    if fn is None:
        raise InvalidInput(f"unknown workflow control {verb!r}", code="invalid_input")
    done = await fn(ctx.app.deps, workflows.Control(), ctx.principal, wid)
    return await ctx.back("/app/agents", f"workflow {wid}: {done.get('state', done.get('status', verb))}.")


async def run_events(ctx: Ctx) -> Response:
    """The runs' and cycles' progress as server-sent events (``runs``, ``cycles``) whenever anything changes."""
    await ctx.gate("runs.list")
    deps, principal, request = ctx.app.deps, ctx.principal, ctx.request

    async def stream() -> AsyncIterator[dict[str, str]]:
        from tools.runs import list_runs

        last = ""
        loop = asyncio.get_running_loop()
        opened, checked = loop.time(), loop.time()
        while True:
            now = loop.time()
            if now - opened > STREAM_SECONDS:
                return  # the browser reconnects, through the door again
            if now - checked > RECHECK_SECONDS:
                checked = now
                if await sessions.load(deps, request, slide=False) is None:
                    return  # signed out, expired or its token revoked: the stream ends with the session
            runs = await list_runs(deps, principal, limit=15)
            data = json.dumps([{"id": r["id"], "agent": r["agent"], "status": r["status"],
                                "progress": round(float(r["progress"] or 0) * 100), "trigger": r["trigger"],
                                "summary": _summary(r)} for r in runs])
            cycles = json.dumps(await _cycles(deps, principal.tenant))
            if data + cycles != last:
                last = data + cycles
                yield {"event": "runs", "data": data}
                yield {"event": "cycles", "data": cycles}
            await asyncio.sleep(POLL_SECONDS)

    return EventSourceResponse(stream(), ping=15, send_timeout=10)


def _summary(run: dict[str, Any]) -> str:
    if run["error"]:
        return str(run["error"])[:200]
    counts = run.get("counts") or {}
    return ", ".join(f"{k} {v}" for k, v in counts.items() if isinstance(v, (int, float)))[:200]


async def metrics_page(ctx: Ctx) -> Response:
    from server import charts

    data = await ctx.op("metrics.read", weeks=WEEKS)
    shown = [{"name": n, "title": charts.TITLES[n], "description": charts.describe(n, data)} for n in charts.CHART_NAMES]
    return ctx.render("metrics.html", data=data, charts=shown, weeks=WEEKS)


async def chart_image(ctx: Ctx) -> Response:
    """One chart as an SVG image (an image, not inline markup: the page's CSP allows no inline styles, and an
    image's own styles are its own)."""
    from server import charts

    name = ctx.request.path_params["name"]
    if name not in charts.CHART_NAMES:
        raise InvalidInput(f"unknown chart {name!r}; charts: {', '.join(charts.CHART_NAMES)}", code="invalid_input")
    data = await ctx.op("metrics.read", weeks=WEEKS)
    return Response(await charts.render_chart_async(name, data, fmt="svg"), media_type="image/svg+xml")


async def audit_page(ctx: Ctx) -> Response:
    await ctx.gate("audit.read")
    q = ctx.request.query_params
    prefix = q.get("event", "").strip()[:60] or None
    actor = q.get("actor", "").strip()[:200]
    events = await audit_ops.recent(ctx.app.deps, ctx.principal.tenant, limit=200, event_prefix=prefix)
    if actor:
        events = [e for e in events if actor.lower() in str(e.get("actor", "")).lower()]
    await ctx.gate("audit.verify")
    report = await audit_ops.verify(ctx.app.deps, ctx.principal.tenant)
    handoffs = await ctx.op("handoffs.read", limit=30) if ctx.may("handoffs.read") else []
    kill = await _kill(ctx)
    return ctx.render("audit.html", events=events[:100], report=report, handoffs=handoffs, kill=kill,
                      prefix=prefix or "", actor=actor, confirm=CONFIRM)


async def _kill(ctx: Ctx) -> Any:
    from tools.execution import kill_state

    return await ctx.app.deps.db.query(ctx.principal.tenant, lambda tx: kill_state(tx, ctx.app.deps))


async def kill_switch(ctx: Ctx) -> Response:
    """Engage or release: the operator types the word the form names, and says why."""
    form = ctx.request.state.form
    move = str(form.get("move", ""))
    if move not in CONFIRM:
        raise InvalidInput("move is engage or release", code="invalid_input")
    if str(form.get("confirm", "")).strip() != CONFIRM[move]:
        raise InvalidInput(f"type {CONFIRM[move]} in the confirmation box to {move} the kill switch",
                           code="confirmation_required")
    done = await ctx.op("kill_switch.set", engaged=move == "engage", reason=str(form.get("reason", "")))
    engaged = getattr(done, "engaged", move == "engage")
    return await ctx.back("/app/audit", "Kill switch engaged: nothing executes until it is released."
                          if engaged else "Kill switch released: approved work runs again.")
