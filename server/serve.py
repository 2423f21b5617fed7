"""``growth serve``: the MCP server over stdio (what desktop clients launch) or streamable HTTP,
with the background worker (``server.worker``) and the durable engine (``server.durable``) in the same
process."""

from __future__ import annotations

import json
import logging
import shlex
import shutil
import sys
from collections.abc import Callable
from pathlib import Path

import anyio

from server.app import App
from server.mcp.identity import Principals
from server.mcp.server import build_mcp
from server.metrics import Metrics
from server.settings import Settings, is_loopback
from server.where import database_label
from server.worker import run_worker

log = logging.getLogger("growth.serve")


class StartupRefused(RuntimeError):
    """The server would be unsafe to start as configured."""


async def refuse_unsafe(app: App, host: str) -> None:
    # (the public development secret needs no check here: it is refused everywhere, see server.secret)
    if is_loopback(host):
        return
    if await app.db.active_tokens() == 0:
        raise StartupRefused(f"refusing to listen on {host} without any API token: create one with "
                             "`growth token create --role operator`")
    if not app.settings.allowed_hosts:
        raise StartupRefused(f"refusing to listen on {host} without GROWTH_ALLOWED_HOSTS naming the host names "
                             "clients will use (DNS-rebinding protection)")


def configure_logging() -> None:
    # stdout belongs to the protocol on stdio: every log line goes to stderr
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


async def serve_stdio(app: App) -> None:
    principals = Principals(app.deps, local_tenant=app.settings.tenant)
    mcp = build_mcp(app, principals=principals)
    async with anyio.create_task_group() as tg:
        tg.start_soon(run_worker, app, "serve")
        tg.start_soon(mcp.feed.run)
        await mcp.run_stdio_async()
        tg.cancel_scope.cancel()


async def serve_http(app: App, *, host: str, port: int, ready: Callable[[], None] | None = None) -> None:
    """Serve streamable HTTP; ``ready`` runs once the configuration is known to be safe, before serving."""
    import uvicorn

    from server.http import build_http_app

    await refuse_unsafe(app, host)
    if ready is not None:
        ready()
    principals = Principals(app.deps, local_tenant=app.settings.tenant)
    metrics = Metrics()
    mcp = build_mcp(app, principals=principals, metrics=metrics)
    asgi = build_http_app(app, mcp, principals, host=host, metrics=metrics)
    server = uvicorn.Server(uvicorn.Config(asgi, host=host, port=port, log_level="warning", lifespan="on"))
    async with anyio.create_task_group() as tg:
        tg.start_soon(run_worker, app, "serve")
        await server.serve()
        tg.cancel_scope.cancel()


def settings_summary(settings: Settings, *, http: bool, host: str, port: int) -> str:
    where = f"http://{host}:{port}/mcp" if http else "stdio"
    return (f"growth-engine serving {where} · tenant {settings.tenant} · brain {settings.brain} · "
            f"database {database_label(settings)}")


def growth_command() -> str:
    """How an MCP client launches this same ``growth``: by name when PATH finds it, else by its full path."""
    mine = Path(sys.executable).with_name("growth")
    found = shutil.which("growth")
    if found is not None and mine.exists() and Path(found).resolve() == mine.resolve():
        return "growth"
    return str(mine) if mine.exists() else "growth"


def next_steps(settings: Settings, *, host: str, port: int, command: str) -> str:
    """What to do once the HTTP server is up, printed before it serves (``make run``)."""
    shown = f"[{host}]" if ":" in host else ("127.0.0.1" if host in ("0.0.0.0", "") else host)
    base = f"http://{shown}:{port}"
    # a client launches the server from its own folder, with none of this shell's variables: name what
    # was chosen here (absolute, and never a password: the person fills that in)
    path = settings.sqlite_path()
    url = (f"sqlite+aiosqlite:///{database_label(settings)}" if path is not None
           else settings.database_url if settings.is_sqlite else database_label(settings))
    env = {name: value for name, value in (("GROWTH_DATABASE_URL", url), ("GROWTH_TENANT", settings.tenant))
           if name.removeprefix("GROWTH_").lower() in settings.model_fields_set}
    stdio: dict[str, object] = {"command": command, "args": ["serve"]} | ({"env": env} if env else {})
    desktop = json.dumps({"mcpServers": {"growth-engine": stdio}})
    claude = " ".join(["claude mcp add growth-engine", *(f"--env {k}={shlex.quote(v)}" for k, v in env.items()),
                       "--", shlex.quote(command), "serve"])
    growth = shlex.quote(command)
    rows = [("web console", f"{base}/app   (sign in with a token, below)"),
            ("MCP over HTTP", f"{base}/mcp   (health: {base}/healthz)"),
            ("a token for it", f"{growth} token create --role operator   (clients send 'Authorization: Bearer "
                               "<token>')"),
            ("MCP over stdio", f"{desktop}   (Claude Desktop: claude_desktop_config.json)"),
            ("Claude Code", claude),
            ("command line", f"{growth} actions list, {growth} status   (database {database_label(settings)})")]
    if settings.secret_key is not None:
        rows.append(("note", "a stdio server needs the same GROWTH_SECRET_KEY in its environment"))
    width = max(len(label) for label, _ in rows)
    return "\n".join(["", "Next steps:", *(f"  {label:<{width}}  {text}" for label, text in rows),
                      "Ctrl-C stops the server.", ""])
