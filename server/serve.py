"""``growth serve``: the MCP server over stdio (what desktop clients launch) or streamable HTTP,
with the background worker that executes approved work, expires stale approvals and wakes
snoozed ones."""

from __future__ import annotations

import logging
import os
import sys
import uuid
from datetime import timedelta

import anyio

from server.app import App
from server.mcp.identity import Principals
from server.mcp.server import build_mcp
from server.metrics import Metrics
from server.settings import Settings, is_loopback
from tools.execution import run_due

log = logging.getLogger("growth.serve")
WORKER_INTERVAL = 15.0


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


async def worker(app: App, *, interval: float = WORKER_INTERVAL) -> None:
    """Every ``interval``: for each tenant whose worker lease this replica holds, one worker pass."""
    me = f"{os.uname().nodename}:{os.getpid()}:{uuid.uuid4().hex[:6]}"
    while True:
        for tenant in await app.db.tenant_ids():
            now = app.deps.now()
            held = await app.db.transact(tenant, lambda tx: tx.leases.acquire(
                "worker", holder=me, until=now + timedelta(seconds=interval * 3), now=now))
            if held:
                try:
                    await run_due(app.deps, tenant)
                except Exception:  # one tenant's failure must not stop the others; it is logged, not swallowed
                    log.exception("worker pass failed for tenant %s", tenant)
        await anyio.sleep(interval)


def configure_logging() -> None:
    # stdout belongs to the protocol on stdio: every log line goes to stderr
    logging.basicConfig(stream=sys.stderr, level=logging.WARNING,
                        format="%(asctime)s %(levelname)s %(name)s: %(message)s")


async def serve_stdio(app: App) -> None:
    principals = Principals(app.deps, local_tenant=app.settings.tenant)
    mcp = build_mcp(app, principals=principals)
    async with anyio.create_task_group() as tg:
        tg.start_soon(worker, app)
        await mcp.run_stdio_async()
        tg.cancel_scope.cancel()


async def serve_http(app: App, *, host: str, port: int) -> None:
    import uvicorn

    from server.http import build_http_app

    await refuse_unsafe(app, host)
    principals = Principals(app.deps, local_tenant=app.settings.tenant)
    metrics = Metrics()
    mcp = build_mcp(app, principals=principals, metrics=metrics)
    asgi = build_http_app(app, mcp, principals, host=host, metrics=metrics)
    server = uvicorn.Server(uvicorn.Config(asgi, host=host, port=port, log_level="warning", lifespan="on"))
    async with anyio.create_task_group() as tg:
        tg.start_soon(worker, app)
        await server.serve()
        tg.cancel_scope.cancel()


def settings_summary(settings: Settings, *, http: bool, host: str, port: int) -> str:
    where = f"http://{host}:{port}/mcp" if http else "stdio"
    return f"growth-engine serving {where} · tenant {settings.tenant} · brain {settings.brain}"
