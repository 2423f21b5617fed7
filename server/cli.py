"""The ``growth`` command line. Human-readable tables by default, ``--json`` for scripts."""

from __future__ import annotations

import asyncio
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from policies.principal import Principal
from server.app import App, create_app
from server.cli_common import (JsonOpt, TenantOpt, _json, actions_app, app, db_app, err, load_settings, operator,
                               out, run, say)
from server.settings import Settings
from server.where import database_label, new_database_notice, where_line
from tools.errors import ToolError

# --- db --------------------------------------------------------------------------

@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration and restore the audit log's database guards (idempotent)."""
    from server.app import legacy_audit_key
    from server.persistence.migrate import UpgradeRefused, head_revision, upgrade

    settings = load_settings()
    path = settings.sqlite_path()
    new = path is not None and (not path.exists() or path.stat().st_size == 0)
    try:
        restored = asyncio.run(upgrade(settings.database_url, audit_key=legacy_audit_key(settings)))
    except UpgradeRefused as exc:
        err.print(f"[red]error[/red] {escape(str(exc))}")
        if settings.secret_key is None:
            err.print("a database written under the old development default secret moves to your own secret "
                      "with `growth secret rotate --from-development-secret`")
        raise typer.Exit(1) from None
    if new and path is not None:
        say(new_database_notice(settings, path.expanduser().resolve(), cwd=Path.cwd()))
    for fault in restored:
        err.print(f"restored the audit guard {fault.name} (it was {fault.state})")
    say(f"database at {head_revision()} ({database_label(settings)})")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the database (and which database that is)."""
    from server.persistence.migrate import current_revision, head_revision

    settings = load_settings()
    path = settings.sqlite_path()
    if path is not None and not path.exists():  # looking must not create it
        out.print(f"current: (no database yet at {database_label(settings)})  head: {head_revision()}",
                  soft_wrap=True)
        return
    current = asyncio.run(current_revision(settings.database_url))
    out.print(f"current: {current or '(empty)'}  head: {head_revision()}  ({database_label(settings)})",
              soft_wrap=True)


# --- actions -------------------------------------------------------------------------

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


@app.command("autonomy")
def autonomy(level: Annotated[str, typer.Argument(help="supervised | semi_autonomous | autonomous")],
             tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Set the tenant's autonomy level."""
    from tools.registry import invoke

    data = run(lambda a: invoke(a.deps, operator(a, tenant), "autonomy.set", level=level))
    if as_json:
        _json(data)
    else:
        out.print(f"{data['tenant']}: autonomy {data['previous']} → {data['level']}")


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


# --- serving ---------------------------------------------------------------------------------

@app.command("serve")
def serve(http: Annotated[bool, typer.Option("--http", help="Streamable HTTP instead of stdio.")] = False,
          host: Annotated[str | None, typer.Option(help="HTTP bind address (default GROWTH_HTTP_HOST).")] = None,
          port: Annotated[int | None, typer.Option(help="HTTP port (default GROWTH_HTTP_PORT).")] = None) -> None:
    """Serve MCP: stdio by default (what desktop clients launch), or --http at http://HOST:PORT/mcp."""
    from server.serve import (StartupRefused, configure_logging, growth_command, next_steps, serve_http, serve_stdio,
                              settings_summary)

    configure_logging()

    async def go(a: App) -> None:
        h, p = host or a.settings.http_host, port or a.settings.http_port
        say(settings_summary(a.settings, http=http, host=h, port=p))
        if http:
            await serve_http(a, host=h, port=p, ready=lambda: say(next_steps(a.settings, host=h, port=p,
                                                                             command=growth_command())))
        else:
            await serve_stdio(a)

    try:
        run(go)
    except StartupRefused as exc:
        err.print(f"[red]error[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    except KeyboardInterrupt:
        pass


# --- conversations --------------------------------------------------------------------------

@app.command("chat")
def chat(thread: Annotated[str | None, typer.Option(help="Continue this conversation.")] = None,
         as_: Annotated[str, typer.Option("--as", help="operator (ceo_front) or customer (customer_front)")] = "operator",
         customer: Annotated[str | None, typer.Option(help="for --as customer: the customer's reference or email")] = None,
         tenant: TenantOpt = None) -> None:
    """Talk to the CEO-front agent (or, --as customer, to the shop assistant) in the terminal."""
    from graphs.service import ChatService

    async def go(a: App) -> None:
        principal = _chat_principal(a, as_, customer, tenant)
        service: ChatService = await a.agents()
        current = thread or __import__("uuid").uuid4().hex[:12]
        err.print(f"conversation {current} with {'ceo_front' if as_ == 'operator' else 'customer_front'} "
                  f"({service.brain.name} brain) — continue later with --thread {current}; Ctrl-D to leave")
        waiting = await service.pending(principal, current)
        if waiting:
            from graphs.service import confirmation_prompt

            out.print("Still waiting for your answer: " + confirmation_prompt(waiting))
        while True:
            try:
                line = await asyncio.to_thread(input, "you> ")
            except EOFError:
                return
            if not line.strip():
                continue
            if line.strip().lower() in ("exit", "quit", "bye"):
                return
            try:
                turn = await service.send(principal, line, thread=current)
            except ToolError as exc:
                err.print(f"error {escape(f'[{exc.code}]')} {escape(exc.message)}")
                continue
            out.print(escape(turn.reply))

    run(go)


def _chat_principal(a: App, as_: str, customer: str | None, tenant: str | None) -> Principal:
    t = tenant or a.settings.tenant
    if as_ == "operator":
        return Principal.operator(t, subject="operator:cli")
    if as_ != "customer":
        raise ToolError("--as is operator or customer", code="invalid_input")
    if not customer:
        raise ToolError("--as customer needs --customer (a customer reference or email)", code="invalid_input")
    ref = customer
    if "@" in customer:
        from tools.pii import customer_ref_for
        ref = customer_ref_for(a.deps, t, customer)
    return Principal.customer(t, ref)


@app.command("agents")
def agents_cmd(as_json: JsonOpt = False) -> None:
    """The agents, what each may see and call, and the handoff contract between them."""
    from graphs.contract import contract_table
    from graphs.registry import AGENTS

    registry = [{"name": a.name, "role": a.role, "clearance": a.clearance.value, "description": a.description,
                 "tools": sorted(a.allowlist)} for a in AGENTS.values()]
    contract = contract_table()
    if as_json:
        _json({"agents": registry, "contract": contract})
        return
    table = Table(title="agents")
    for col in ("agent", "role", "sees", "does"):
        table.add_column(col)
    for a in registry:
        table.add_row(a["name"], a["role"], a["clearance"], a["description"])
    out.print(table)
    edges = Table(title="handoff contract (every other edge is refused)")
    for col in ("from", "to", "kind", "payload", "notes"):
        edges.add_column(col)
    for e in contract:
        edges.add_row(e["from"], e["to"], e["kind"], e["payload"], e["notes"])
    out.print(edges)


check_app = typer.Typer(help="Conformance checks.", no_args_is_help=True)
app.add_typer(check_app, name="check")


@check_app.command("handoffs")
def check_handoffs(as_json: JsonOpt = False) -> None:
    """Try every (from, to) pair of agents against the handoff contract, on a scratch database."""
    import tempfile
    from pathlib import Path

    from graphs.conformance import run as run_conformance
    from server.persistence.migrate import upgrade

    async def go() -> list[Any]:
        folder = Path(tempfile.mkdtemp(prefix="growth-conformance-"))
        url = f"sqlite+aiosqlite:///{folder / 'conformance.db'}"
        await upgrade(url)
        application = await create_app(Settings(database_url=url), check_schema=False)
        try:
            return await run_conformance(application.deps, "conformance")
        finally:
            await application.close()

    rows = asyncio.run(go())
    failed = [r for r in rows if not r.ok]
    if as_json:
        _json([{**r.__dict__, "ok": r.ok} for r in rows])
    else:
        table = Table(title=f"handoff contract: {len(rows)} pairs, {len(failed)} failing")
        for col in ("from", "to", "expected", "got", "invalid payload", "redaction", "row", "ok"):
            table.add_column(col, no_wrap=True)
        for r in rows:
            table.add_row(r.from_agent, r.to_agent, r.expected, r.got, r.payload_check, r.redaction, r.logged,
                          "✓" if r.ok else "✗")
        out.print(table)
    if failed:
        raise typer.Exit(1)


# Importing the command modules registers their commands on ``app``.
from server import cli_data, cli_secret, cli_security  # noqa: E402,F401
from server import cli_connect  # noqa: E402,F401  (growth connect / connections / disconnect)
from server import cli_email  # noqa: E402,F401  (growth email mode / suppress / unsuppress / log / test)
from server import cli_webhooks  # noqa: E402,F401  (growth webhooks)


def main() -> None:
    app()


if __name__ == "__main__":
    main()
