"""The operations loop on the command line: ``agents`` (listing, ``enable``, ``disable``), ``cycle``
(``run``, ``list``, ``show``), ``notify`` (``set``, ``list``, ``pass``) and ``experiments`` (``list``,
``end``)."""

from __future__ import annotations

from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.table import Table

from server.cli_common import JsonOpt, TenantOpt, _json, app, operator, out, run

if TYPE_CHECKING:
    from server.app import App

agents_app = typer.Typer(help="The agents, whether each is switched on and ready, and the handoff contract.")
cycle_app = typer.Typer(help="The operations cycle: Plan, Act, React, Reflect.", no_args_is_help=True)
notify_app = typer.Typer(help="Notifications: where they go, quiet hours, the daily digest.", no_args_is_help=True)
app.add_typer(agents_app, name="agents")
app.add_typer(cycle_app, name="cycle")
app.add_typer(notify_app, name="notify")
experiments_app = typer.Typer(help="Experiments: approvals with a held-back control group, and their lift.",
                              no_args_is_help=True)
app.add_typer(experiments_app, name="experiments")

AllOpt = Annotated[bool, typer.Option("--all", help="Every agent of the store at once.")]


@agents_app.callback(invoke_without_command=True)
def agents_main(ctx: typer.Context, tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """The agents, whether each is switched on and ready, and the handoff contract between them."""
    if ctx.invoked_subcommand is not None:
        return
    from graphs.contract import contract_table
    from graphs.registry import AGENTS
    from tools.readiness import readiness

    ready = run(lambda a: readiness(a.deps, operator(a, tenant).tenant))
    by_agent = {r["agent"]: r for r in ready["agents"]}
    registry = [{"name": a.name, "role": a.role, "clearance": a.clearance.value, "description": a.description,
                 "tools": sorted(a.allowlist), "readiness": by_agent.get(a.name)} for a in AGENTS.values()]
    if as_json:
        _json({"agents": registry, "enabled": ready["enabled"], "contract": contract_table()})
        return
    table = Table(title="agents" + ("" if ready["enabled"] else f" — OFF: {ready['reason']}"))
    for col in ("agent", "role", "sees", "state", "does"):
        table.add_column(col)
    for a in registry:
        r = a["readiness"]
        state = "" if r is None else "ready" if r["ready"] else ("off" if not r["enabled"] else "not ready")
        table.add_row(a["name"], a["role"], a["clearance"], state, a["description"])
    out.print(table)
    for r in ready["agents"]:
        for why in r["blockers"]:
            out.print(f"{r['agent']}: {why}", soft_wrap=True)
    edges = Table(title="handoff contract (every other edge is refused)")
    for col in ("from", "to", "kind", "payload", "notes"):
        edges.add_column(col)
    for e in contract_table():
        edges.add_row(e["from"], e["to"], e["kind"], e["payload"], e["notes"])
    out.print(edges)


def _switch(agent: str | None, every: bool, enabled: bool, reason: str, tenant: str | None, as_json: bool) -> None:
    from tools.agent_flags import ALL, set_agent

    if (agent is None) == (not every):
        raise typer.BadParameter("name one agent (inventory, content, analytics, risk) or --all")
    result = run(lambda a: set_agent(a.deps, operator(a, tenant), agent=ALL if every else str(agent),
                                     enabled=enabled, reason=reason))
    if as_json:
        _json(result)
        return
    who = "every agent" if every else result["agent"]
    out.print(f"{who}: {'enabled' if enabled else 'disabled'}"
              + ("" if result["enabled"] == enabled else f" (still off: {result['reason']})"), soft_wrap=True)


@agents_app.command("disable")
def agents_disable(agent: Annotated[str | None, typer.Argument(help="inventory | content | analytics | risk")] = None,
                   every: AllOpt = False,
                   reason: Annotated[str, typer.Option(help="Why it is switched off (audited).")] = "",
                   tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Switch an agent (or --all) off for this store: it runs no more, in cycles or on demand."""
    _switch(agent, every, False, reason, tenant, as_json)


@agents_app.command("enable")
def agents_enable(agent: Annotated[str | None, typer.Argument(help="inventory | content | analytics | risk")] = None,
                  every: AllOpt = False, tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Switch an agent (or --all) back on for this store."""
    _switch(agent, every, True, "", tenant, as_json)


@cycle_app.command("every")
def cycle_every(minutes: Annotated[float, typer.Argument(help="Minutes between cycles (5 to 10080; default 60).")],
                tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """How often the durable engine runs the store's cycle (hourly unless set)."""
    from tools.cycle import set_period

    done = run(lambda a: set_period(a.deps, operator(a, tenant), minutes=minutes))
    if as_json:
        _json(done)
    else:
        out.print(f"{done['tenant']}: a cycle every {done['every_minutes']:g} minutes")


@cycle_app.command("run")
def cycle_run(tenant: TenantOpt = None,
              budget: Annotated[float, typer.Option(help="Seconds the cycle may take (what is left is skipped).")]
              = 600.0,
              as_json: JsonOpt = False) -> None:
    """Run one Plan-Act-React-Reflect cycle for the store now, in this process."""
    from graphs.cycle import run_cycle
    from tools.cycle_reflect import as_text
    from tools.registry import enforce

    async def go(a: App) -> dict[str, Any]:
        who = operator(a, tenant)
        await enforce(a.deps, who, "runs.start", who.tenant)
        return (await run_cycle(a.deps, who.tenant, budget=budget, trigger="cli")).as_dict()

    reflection = run(go)
    if as_json:
        _json(reflection)
    else:
        out.print(as_text(reflection), soft_wrap=True)


@cycle_app.command("list")
def cycle_list(tenant: TenantOpt = None, limit: int = 20, as_json: JsonOpt = False) -> None:
    """The store's recent cycles, newest first, with each phase's status and time."""
    from tools.cycle_record import cycle_view

    rows = run(lambda a: a.deps.db.query(operator(a, tenant).tenant, lambda tx: tx.cycles.recent(limit=limit)))
    views = [cycle_view(r) for r in rows]
    if as_json:
        _json(views)
        return
    for v in views:
        phases = ", ".join(f"{k} {p.get('status')} {p.get('seconds') or 0:.1f}s" for k, p in v["phases"].items())
        out.print(f"{v['cycle']} {v['status']} {str(v['started_at'])[:16]} · {phases}", soft_wrap=True)


@notify_app.command("set")
def notify_set(timezone: Annotated[str | None, typer.Option(help="The store's IANA timezone, e.g. Europe/Berlin.")]
               = None,
               quiet_hours: Annotated[str | None, typer.Option(help="HH:MM-HH:MM in the store's time, or off.")]
               = None,
               digest_hour: Annotated[int | None, typer.Option(help="Hour (0-23, store time) of the daily digest.")]
               = None,
               email: Annotated[str | None, typer.Option(help="Where notifications are e-mailed (or off).")] = None,
               tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Set where notifications go and when: timezone, quiet hours, digest hour, e-mail address."""
    from tools.notify import configure

    result = run(lambda a: configure(a.deps, operator(a, tenant), timezone=timezone, quiet_hours=quiet_hours,
                                     digest_hour=digest_hour, email=email))
    if as_json:
        _json(result)
    else:
        out.print(f"timezone {result['timezone']} · quiet hours {result['quiet_hours'] or 'none'} · digest at "
                  f"{result['digest_hour']:02d}:00 · e-mail {'set' if result['email'] else 'none'}")


@notify_app.command("list")
def notify_list(tenant: TenantOpt = None, limit: int = 50, as_json: JsonOpt = False) -> None:
    """What the engine told you, newest first, and what each channel did with it."""
    from tools.notify import list_notifications

    rows = run(lambda a: list_notifications(a.deps, operator(a, tenant), limit=limit))
    if as_json:
        _json(rows)
        return
    for n in rows:
        out.print(f"{str(n['created_at'])[:16]} [{n['severity']}] {n['title']} · "
                  + ", ".join(f"{k} {v}" for k, v in n["channels"].items()), soft_wrap=True)


@notify_app.command("pass")
def notify_pass_cmd(tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Look for what is worth telling now (the worker does this every pass) and tell each thing once."""
    from tools.notify_scan import notify_pass

    told = run(lambda a: notify_pass(a.deps, operator(a, tenant).tenant))
    if as_json:
        _json({"notifications": told})
    else:
        out.print(f"{len(told)} new notification(s)")


@experiments_app.command("list")
def experiments_list(tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Every experiment, newest first: its groups, whether it still holds its control back, its lift."""
    from tools.experiments import describe
    from tools.registry import invoke

    rows = run(lambda a: invoke(a.deps, operator(a, tenant), "experiments.read"))
    if as_json:
        _json(rows)
        return
    if not rows:
        out.print("no experiments: one starts when four or more actions of one kind are approved together with a "
                  "share held back (the MCP tool bulk_decide, hold_back_share)", soft_wrap=True)
    for view in rows:
        for line in describe(view):
            out.print(line, soft_wrap=True, highlight=False)


@experiments_app.command("end")
def experiments_end(experiment_id: Annotated[str, typer.Argument(metavar="ID")],
                    reason: Annotated[str, typer.Option("--reason", help="Why it ends now (kept with the result).")],
                    tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """End an experiment early: its held-back pages or SKUs may be treated again; the lift so far is kept."""
    from tools.experiments import describe
    from tools.registry import invoke

    view = run(lambda a: invoke(a.deps, operator(a, tenant), "experiments.end", experiment_id=experiment_id,
                                reason=reason))
    if as_json:
        _json(view)
        return
    for line in describe(view):
        out.print(line, soft_wrap=True, highlight=False)
