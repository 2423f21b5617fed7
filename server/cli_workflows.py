"""``growth workflows``: start, list, show, pause, resume and cancel the operator's workflows.

The command line steers workflows through a DBOS client on the durable engine's system database: it
enqueues and controls them, and a running ``growth serve`` or ``growth worker`` runs them.
"""

from __future__ import annotations

from collections.abc import Awaitable, Callable
from typing import Annotated, Any, TypeVar

import typer
from rich.table import Table

from server.app import App
from server.cli_common import JsonOpt, TenantOpt, _json, app, operator, out, run

T = TypeVar("T")
workflows_app = typer.Typer(help="Workflows you start and steer: templates run by the durable engine.",
                            no_args_is_help=True)
app.add_typer(workflows_app, name="workflows")


def _with_client(fn: Callable[[App, Any], Awaitable[T]]) -> T:
    async def go(a: App) -> T:
        from server.durable.workflows import client_control

        async with client_control(a.settings) as control:
            return await fn(a, control)

    return run(go)


def _table(rows: list[dict[str, Any]]) -> None:
    table = Table(title="workflows")
    for col in ("id", "workflow", "state", "progress", "started"):
        table.add_column(col)
    for w in rows:
        table.add_row(w["id"], w["template"], w["state"], w["progress"],
                      w["started_at"].strftime("%Y-%m-%d %H:%M") if w["started_at"] else "")
    out.print(table)


def _show(w: dict[str, Any]) -> None:
    out.print(f"{w['id']}: {w['title']}")
    out.print(f"state {w['state']} · {w['progress']}")
    for s in w.get("steps", []):
        result = s["output"] if isinstance(s["output"], dict) else {}
        line = result.get("step") or s["step"]
        detail = result.get("status") or ("failed" if s["error"] else "done")
        why = result.get("reason") or result.get("summary") or s["error"] or ""
        out.print(f"  - {line}: {detail}" + (f" — {why}" if why else ""))


@workflows_app.command("templates")
def templates_cmd(as_json: JsonOpt = False) -> None:
    """The workflows you can start."""
    from server.durable.templates import TEMPLATES

    rows = [{"name": name, "title": t.title} for name, t in TEMPLATES.items()]
    if as_json:
        _json(rows)
        return
    for r in rows:
        out.print(f"{r['name']:<18} {r['title']}")


@workflows_app.command("start")
def start_cmd(template: Annotated[str, typer.Argument(help="weekly-seo-sweep | restock-check | fraud-sweep | "
                                                           "full-review")],
              tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Start a workflow; a running server or worker runs it."""
    from server.durable import workflows

    w = _with_client(lambda a, c: workflows.start(a.deps, c, operator(a, tenant), template))
    if as_json:
        _json(w)
        return
    out.print(f"started {w['id']} ({w['state']}); `growth workflows show {w['id']}` follows it")


@workflows_app.command("list")
def list_cmd(limit: Annotated[int, typer.Option(min=1, max=200)] = 20, tenant: TenantOpt = None,
             as_json: JsonOpt = False) -> None:
    """The store's workflows, newest first, with their progress."""
    from server.durable import workflows

    rows = _with_client(lambda a, c: workflows.list_workflows(a.deps, c, operator(a, tenant), limit=limit))
    if as_json:
        _json(rows)
    elif not rows:
        out.print("no workflows yet (growth workflows templates)")
    else:
        _table(rows)


def _one(verb: str, workflow_id: str, tenant: str | None, as_json: bool) -> None:
    from server.durable import workflows

    fn = getattr(workflows, verb)
    w = _with_client(lambda a, c: fn(a.deps, c, operator(a, tenant), workflow_id))
    if as_json:
        _json(w)
    else:
        _show(w)


@workflows_app.command("show")
def show_cmd(workflow_id: str, tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """One workflow: its state and each step's outcome."""
    _one("get", workflow_id, tenant, as_json)


@workflows_app.command("pause")
def pause_cmd(workflow_id: str, tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Pause at the next step boundary (nothing done is undone)."""
    _one("pause", workflow_id, tenant, as_json)


@workflows_app.command("resume")
def resume_cmd(workflow_id: str, tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Resume a paused workflow from the step where it stopped."""
    _one("resume", workflow_id, tenant, as_json)


@workflows_app.command("cancel")
def cancel_cmd(workflow_id: str, tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Cancel for good (a cancelled workflow cannot be resumed)."""
    _one("cancel", workflow_id, tenant, as_json)
