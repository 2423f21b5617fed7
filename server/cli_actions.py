"""The action queue and the engine's switches: ``growth actions``, ``status``, ``work``, ``autonomy``,
``kill-switch``."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer

from server.cli_common import JsonOpt, TenantOpt, _json, app, err, operator, out, run

if TYPE_CHECKING:
    from server.app import App
    from server.settings import Settings

actions_app = typer.Typer(help="The action queue.", no_args_is_help=True)
app.add_typer(actions_app, name="actions")

LIST_FIELDS = ("id", "kind", "target", "status", "risk_tier", "score", "expected_revenue", "confidence", "ease",
               "agent", "title", "version")


@actions_app.command("list")
def actions_list(tenant: TenantOpt = None, status: Annotated[str | None, typer.Option(
                     help="live (default), pending, all, or statuses separated by commas")] = None,
                 limit: Annotated[int, typer.Option(min=1, max=1000)] = 50,
                 agent: Annotated[str | None, typer.Option()] = None, as_json: JsonOpt = False) -> None:
    """Actions ranked best first."""
    from tools.registry import invoke

    rows = run(lambda a: invoke(a.deps, operator(a, tenant), "actions.list", status=status, limit=limit,
                                agent=agent))
    if as_json:
        _json([{k: getattr(r, k) for k in LIST_FIELDS} for r in rows])
        return
    from server.cli_views import queue_table

    if not rows:
        out.print(f"no {status or 'live'} actions" + ("" if status else " (growth run all, or growth demo)"))
        return
    noun = "action" if len(rows) == 1 else "actions"
    out.print(queue_table(rows, width=out.width, title=f"{len(rows)} {noun}, best first"))


@actions_app.command("show")
def actions_show(action_id: str, tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """One action: why, what it changes, revenue arithmetic, evidence, versions, decisions, execution,
    delivery and rollback."""
    from server.cli_views import action_lines
    from tools.registry import invoke

    detail = run(lambda a: invoke(a.deps, operator(a, tenant), "actions.get", action_id=action_id))
    if as_json:
        _json(detail)
        return
    for part in action_lines(detail):
        out.print(part)


def _decide(action_id: str, version: int | None, tenant: str | None, verdict: str, reason: str,
            as_json: bool) -> None:
    from tools.actions import load
    from tools.registry import invoke

    async def go(a: App) -> Any:
        principal = operator(a, tenant)
        bound = version
        if bound is None:
            # Bind to the version the operator is looking at now; any change after this fails closed.
            async with a.deps.db.read(principal.tenant) as tx:
                bound = (await load(tx, action_id)).version
        extra = {"reason": reason} if verdict == "reject" else {}
        return await invoke(a.deps, principal, f"actions.{verdict}", action_id=action_id, version=bound, **extra)

    result = run(go)
    if as_json:
        _json(result)
        return
    line = f"#{result.action.id} v{result.action.version}: {result.action.status}"
    if result.execution:
        line += f" — {result.execution['status']}: {result.execution['message']}"
    out.print(line)


@actions_app.command("approve")
def actions_approve(action_id: str, version: Annotated[int | None, typer.Option(
                        help="The version you reviewed (default: the current one).")] = None,
                    tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Approve an action (it executes at once unless the kill switch or a rate limit holds it)."""
    _decide(action_id, version, tenant, "approve", "", as_json)


@actions_app.command("reject")
def actions_reject(action_id: str, reason: Annotated[str, typer.Option(help="Why (teaches the agent).")],
                   version: Annotated[int | None, typer.Option()] = None, tenant: TenantOpt = None,
                   as_json: JsonOpt = False) -> None:
    """Reject an action, with a reason."""
    _decide(action_id, version, tenant, "reject", reason, as_json)


@actions_app.command("rollback")
def actions_rollback(action_id: str, reason: Annotated[str, typer.Option()] = "",
                     tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Restore what an executed action changed."""
    from tools.registry import invoke

    result = run(lambda a: invoke(a.deps, operator(a, tenant), "actions.rollback", action_id=action_id,
                                  reason=reason))
    if as_json:
        _json(result)
    else:
        from server.cli_views import restored_line

        out.print(restored_line(result))


@app.command("work")
def work(tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """One worker pass: expire stale approvals, wake snoozed actions, execute approved ones."""
    from tools.execution import run_due

    report = run(lambda a: run_due(a.deps, tenant or a.settings.tenant))
    if as_json:
        _json(report)
    else:
        out.print(", ".join(f"{k}: {len(v)}" for k, v in report.as_dict().items()))


@app.command("status")
def status(tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """The store at a glance: which database and tenant, queue, autonomy, kill switch."""
    from server.where import database_label, where_line
    from tools.registry import invoke

    async def go(a: App) -> tuple[Settings, dict[str, Any]]:
        return a.settings, await invoke(a.deps, operator(a, tenant), "status.get")

    settings, data = run(go)
    if as_json:
        _json(data | {"database": database_label(settings)})
        return
    out.print(where_line(settings, data["tenant"]), soft_wrap=True)  # a path is copied whole
    out.print(f"autonomy {data['autonomy_level']} · kill switch "
              f"{'ENGAGED (' + data['kill_switch']['reason'] + ')' if data['kill_switch']['engaged'] else 'off'}")
    out.print("actions: " + (", ".join(f"{k} {v}" for k, v in sorted(data["actions"].items())) or "none yet"))
    out.print("data: " + ("; ".join(f"{d['source']} to {d['newest']:%Y-%m-%d} ({d['age_days']} days old)"
                                    for d in data["data"]) or "none imported (growth ingest, or growth demo)"))
    from tools.readiness import readiness_lines

    for line in readiness_lines(data.get("readiness") or {}):
        out.print("agent " + line, soft_wrap=True)


@app.command("autonomy")
def autonomy(level: Annotated[str, typer.Argument(help="supervised | semi_autonomous | autonomous")],
             tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Set the tenant's autonomy level."""
    from tools.registry import invoke

    data = run(lambda a: invoke(a.deps, operator(a, tenant), "autonomy.set", level=level))
    if as_json:
        _json(data)
    else:
        said = (f"{data['tenant']}: autonomy {data['previous']} → {data['level']}" if data["changed"]
                else f"{data['tenant']}: autonomy is already {data['level']}")
        out.print(said + (f" ({data['note']})" if data["note"] else ""), soft_wrap=True)


# --- kill switch ---------------------------------------------------------------------

@app.command("kill-switch")
def kill_switch(state: Annotated[str, typer.Argument(help="on | off")],
                reason: Annotated[str, typer.Option(help="Why it moves (audited).")],
                tenant: TenantOpt = None,
                global_: Annotated[bool, typer.Option("--global", help="Every tenant at once.")] = False,
                as_json: JsonOpt = False) -> None:
    """Stop (on) or resume (off) every execution. Approved work waits; nothing is lost."""
    from tools.registry import invoke

    if state not in ("on", "off"):
        err.print("[red]error[/red] state is 'on' or 'off'")
        raise typer.Exit(2)
    result = run(lambda a: invoke(a.deps, operator(a, tenant), "kill_switch.set", engaged=state == "on",
                                  reason=reason, scope="global" if global_ else "tenant"))
    if as_json:
        _json(result)
        return
    out.print(f"kill switch ({result.scope}) {'engaged' if result.engaged else 'released'}"
              + (f"; still held by the {result.source} switch" if result.effective and not result.engaged else ""))
    if result.released_work:
        out.print(f"released work executed: {len(result.released_work['executed'])}")
