"""Specialist runs: start one or all, delegate a task, and read runs back."""

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from graphs.registry import SPECIALISTS
from graphs.runs import run_all, run_specialist
from server.app import App
from server.mcp import render
from server.mcp.identity import current
from server.mcp.results import ok
from server.mcp.tools.base import READ, Body, ToolSpec, ann, dump
from tools import runs
from tools.validation import RunId

Specialist = Literal["analytics", "inventory", "content", "risk"]


class RunOut(BaseModel):
    run: dict[str, Any]


class RunsOut(BaseModel):
    runs: list[dict[str, Any]]


class SpecialistOut(BaseModel):
    agent: str
    run_id: int | None
    status: str
    summary: str
    findings: list[str]
    action_ids: list[int]
    #: per check: candidates considered, and how many were rejected for which reason
    screened: dict[str, dict[str, Any]] = {}


class AllRunsOut(BaseModel):
    results: list[SpecialistOut]


def progress(ctx: Context) -> Callable[[float], Awaitable[None]]:
    async def report(value: float) -> None:
        await ctx.report_progress(round(value * 100, 1), 100, "running")

    return report


def run_specialist_tool(app: App) -> Body:
    async def run_specialist_tool(agent: Specialist, ctx: Context, task: str = ""
                                  ) -> Annotated[CallToolResult, SpecialistOut]:
        result = await run_specialist(app.deps, current(), agent, task=task, trigger="run", progress=progress(ctx))
        out = SpecialistOut(**result)
        return ok(out, render.specialist(out.model_dump()))

    return run_specialist_tool


def run_all_specialists(app: App) -> Body:
    async def run_all_specialists(ctx: Context) -> Annotated[CallToolResult, AllRunsOut]:
        from server.durable.engine import is_running

        if is_running():  # each specialist a durable child workflow, all four at once
            from server.durable.workflows import run_all_durably

            results = await run_all_durably(current())
        else:
            results = await run_all(app.deps, current(), progress=progress(ctx))
        out = AllRunsOut(results=[SpecialistOut(**r) for r in results])
        return ok(out, "\n\n".join(render.specialist(r.model_dump()) for r in out.results))

    return run_all_specialists


def delegate(app: App) -> Body:
    async def delegate(agent: Specialist, task: Annotated[str, Field(min_length=1, max_length=4000)],
                       ctx: Context) -> Annotated[CallToolResult, SpecialistOut]:
        result = await run_specialist(app.deps, current(), agent, task=task, trigger="delegate",
                                      progress=progress(ctx))
        out = SpecialistOut(**result)
        return ok(out, render.specialist(out.model_dump()))

    return delegate


def get_run(app: App) -> Body:
    async def get_run(run_id: RunId) -> Annotated[CallToolResult, RunOut]:
        out = RunOut(run=dump(await runs.get_run(app.deps, current(), run_id=run_id)))
        return ok(out, render.runs([out.run]))

    return get_run


def list_runs(app: App) -> Body:
    async def list_runs(limit: Annotated[int, Field(ge=1, le=200)] = 20, agent: str | None = None
                        ) -> Annotated[CallToolResult, RunsOut]:
        out = RunsOut(runs=dump(await runs.list_runs(app.deps, current(), limit=limit, agent=agent)))
        return ok(out, render.runs(out.runs))

    return list_runs


TOOLS = (
    ToolSpec("run_specialist", "runs.start", ann("Run a specialist"),
             "Run one specialist (analytics, inventory, content, risk) now; reports progress and returns its "
             "findings and the ids of the actions it proposed.", run_specialist_tool),
    ToolSpec("run_all_specialists", "runs.start", ann("Run every specialist"),
             "Run analytics, inventory, content and risk in turn, with progress.", run_all_specialists),
    ToolSpec("delegate", "delegate", ann("Delegate a task"),
             "Hand a task to a specialist through the CEO-front agent's handoff and get its report back.", delegate),
    ToolSpec("get_run", "runs.get", ann("Show a run", **READ),
             "One specialist run: status, progress, counts, duration, result or error.", get_run),
    ToolSpec("list_runs", "runs.list", ann("List runs", **READ), "Recent specialist runs, newest first.", list_runs),
)

assert set(SPECIALISTS) == set(Specialist.__args__)  # type: ignore[attr-defined]
