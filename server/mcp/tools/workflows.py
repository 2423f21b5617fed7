"""The operator's workflows on the durable engine: templates to start, list, follow, pause, resume and
cancel (``server.durable.workflows``). The server runs the durable engine in its own process, so these
tools steer the workflows directly."""

from typing import Annotated, Any, Literal

from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from server.app import App
from server.durable import workflows
from server.mcp.identity import current
from server.mcp.results import ok
from server.mcp.tools.base import READ, Body, ToolSpec, ann, dump
from tools.errors import ToolError

Template = Literal["weekly-seo-sweep", "restock-check", "fraud-sweep", "full-review"]
WorkflowId = Annotated[str, Field(min_length=3, max_length=200, pattern=r"^wf:[a-z0-9_-]+:[a-z0-9-]+:[0-9T]+$")]


class WorkflowOut(BaseModel):
    workflow: dict[str, Any]


class WorkflowsOut(BaseModel):
    workflows: list[dict[str, Any]]
    templates: dict[str, str]


def _control() -> workflows.Control:
    from server.durable.engine import running

    try:
        running()
    except RuntimeError:
        raise ToolError("the durable engine is not running in this server", code="no_engine") from None
    return workflows.Control()


def _text(w: dict[str, Any]) -> str:
    lines = [f"{w['id']} — {w['title']}: {w['state']} ({w['progress']})"]
    for s in w.get("steps", []):
        out = s["output"] if isinstance(s["output"], dict) else {}
        why = out.get("reason") or out.get("summary") or s["error"] or ""
        lines.append(f"- {out.get('step') or s['step']}: {out.get('status') or 'done'}" + (f" — {why}" if why else ""))
    return "\n".join(lines)


def list_workflows_tool(app: App) -> Body:
    async def list_workflows(limit: Annotated[int, Field(ge=1, le=200)] = 20
                             ) -> Annotated[CallToolResult, WorkflowsOut]:
        rows = await workflows.list_workflows(app.deps, _control(), current(), limit=limit)
        out = WorkflowsOut(workflows=dump(rows), templates={k: t.title for k, t in workflows.TEMPLATES.items()})
        return ok(out, "\n".join(_text(w) for w in out.workflows) or "No workflows yet. Templates: "
                  + ", ".join(out.templates))

    return list_workflows


def _one(verb: str) -> Any:
    def make(app: App) -> Body:
        fn = getattr(workflows, verb)

        async def body(workflow_id: WorkflowId) -> Annotated[CallToolResult, WorkflowOut]:
            w = await fn(app.deps, _control(), current(), workflow_id)
            return ok(WorkflowOut(workflow=dump(w)), _text(w))

        body.__name__ = {"get": "get_workflow"}.get(verb, f"{verb}_workflow")
        return body

    return make


def start_workflow_tool(app: App) -> Body:
    async def start_workflow(template: Template) -> Annotated[CallToolResult, WorkflowOut]:
        w = await workflows.start(app.deps, _control(), current(), template)
        return ok(WorkflowOut(workflow=dump(w)), _text(w))

    return start_workflow


TOOLS = (
    ToolSpec("list_workflows", "workflows.read", ann("List workflows", **READ),
             "The store's workflows, newest first, with state and progress; and the templates to start.",
             list_workflows_tool),
    ToolSpec("get_workflow", "workflows.read", ann("Get a workflow", **READ),
             "One workflow: state, progress and each step's outcome.", _one("get")),
    ToolSpec("start_workflow", "workflows.run", ann("Start a workflow"),
             "Start a workflow template (weekly-seo-sweep, restock-check, fraud-sweep, full-review).",
             start_workflow_tool),
    ToolSpec("pause_workflow", "workflows.run", ann("Pause a workflow", idempotent=True),
             "Pause a running workflow at its next step boundary; nothing done is undone.", _one("pause")),
    ToolSpec("resume_workflow", "workflows.run", ann("Resume a workflow"),
             "Resume a paused workflow from the step where it stopped.", _one("resume")),
    ToolSpec("cancel_workflow", "workflows.run", ann("Cancel a workflow", destructive=True, idempotent=True),
             "Cancel a workflow for good (it cannot be resumed).", _one("cancel")),
)
