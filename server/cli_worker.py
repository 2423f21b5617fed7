"""``growth worker``: the background worker and the durable engine without the MCP server.

Run any number of them against one PostgreSQL database (on any number of machines): each executes due
work, relays deliveries and runs the durable workflows it dequeues; a worker that dies has its
workflows resumed by a live one once its heartbeat lapses.
"""

from __future__ import annotations

import signal
from typing import Annotated

import typer

from server.app import App
from server.cli_common import app, run, say


@app.command("worker")
def worker_cmd(
    worker_id: Annotated[str | None, typer.Option(
        "--id", help="This worker's identity (keep it across restarts to resume its own workflows at once; "
                     "default host:pid).")] = None,
) -> None:
    """Run the background worker and the durable engine (deliveries, cycles, workflows) until stopped."""
    import asyncio

    from server.durable.engine import system_database_url
    from server.serve import configure_logging
    from server.where import database_label
    from server.worker import run_worker

    configure_logging()

    async def go(a: App) -> None:
        if worker_id:
            a.settings.worker_id = worker_id
        say(f"growth worker · database {database_label(a.settings)} · workflows in "
            f"{system_database_url(a.settings).split('@')[-1]} · Ctrl-C stops it")
        stop = asyncio.Event()
        loop = asyncio.get_running_loop()
        for sig in (signal.SIGINT, signal.SIGTERM):
            loop.add_signal_handler(sig, stop.set)
        await run_worker(a, "worker", stop=stop)

    run(go)
