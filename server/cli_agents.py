"""Talking to the agents: ``growth serve`` (MCP), ``chat`` in the terminal, ``check handoffs``.

(``growth agents`` itself lives in server.cli_operations.)
"""

from __future__ import annotations

import asyncio
from contextlib import AsyncExitStack
from typing import TYPE_CHECKING, Annotated, Any

import typer
from rich.markup import escape
from rich.table import Table

from policies.principal import Principal
from server.cli_common import JsonOpt, TenantOpt, _json, app, err, out, run, say
from tools.errors import ToolError

if TYPE_CHECKING:
    from server.app import App

@app.command("serve")
def serve(http: Annotated[bool, typer.Option("--http", help="Streamable HTTP instead of stdio.")] = False,
          host: Annotated[str | None, typer.Option(help="HTTP bind address (default GROWTH_HTTP_HOST).")] = None,
          port: Annotated[int | None, typer.Option(help="HTTP port (default GROWTH_HTTP_PORT).")] = None,
          demo_store: Annotated[bool, typer.Option(
              "--demo-store", help="Also serve a Shopify test store seeded from the store's own data and connect "
                                   "it, so approvals are delivered end to end (the demo; make run).")] = False) -> None:
    """Serve MCP: stdio by default (what desktop clients launch), or --http at http://HOST:PORT/mcp."""
    from server.serve import (StartupRefused, configure_logging, growth_command, next_steps, serve_http, serve_stdio,
                              settings_summary)

    configure_logging()

    async def go(a: App) -> None:
        h, p = host or a.settings.http_host, port or a.settings.http_port
        say(settings_summary(a.settings, http=http, host=h, port=p))
        async with AsyncExitStack() as stack:
            if demo_store:
                from server.demo.live_store import demo_live_store

                live = await stack.enter_async_context(demo_live_store(a, a.settings.tenant))
                say(f"demo live store: {live.url} (Shopify test server for {live.shop}, seeded from the store's "
                    "data); approved changes are delivered there — `growth actions show ID` says when")
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
            except Exception as exc:  # noqa: BLE001 - one failed message must not end the operator's conversation
                failed = escape(f"{type(exc).__name__}: {exc}")
                err.print(f"error {escape('[internal]')} this message failed ({failed}); the conversation goes on, "
                          "and `growth actions list` shows the queue as it is")
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


check_app = typer.Typer(help="Conformance checks.", no_args_is_help=True)
app.add_typer(check_app, name="check")


@check_app.command("handoffs")
def check_handoffs(as_json: JsonOpt = False) -> None:
    """Try every (from, to) pair of agents against the handoff contract, on a scratch database."""
    import tempfile
    from pathlib import Path

    from graphs.conformance import run as run_conformance
    from server.app import create_app
    from server.persistence.migrate import upgrade
    from server.settings import Settings

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
