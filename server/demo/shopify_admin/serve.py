"""Running the test server inside the caller's event loop, on a free loopback port."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING

import uvicorn

if TYPE_CHECKING:
    from server.demo.shopify_admin.server import ShopifyAdmin

HOST = "127.0.0.1"


def free_port() -> int:
    with socket.socket() as s:
        s.bind((HOST, 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def serve(admin: ShopifyAdmin, *, port: int | None = None, start_timeout_s: float = 10.0) -> AsyncIterator[str]:
    """Serve ``admin`` until the block ends; yields its base URL (``http://127.0.0.1:<port>``)."""
    port = port or free_port()
    server = uvicorn.Server(uvicorn.Config(admin.app, host=HOST, port=port, log_level="warning", lifespan="off"))
    task = asyncio.create_task(server.serve())
    try:
        async with asyncio.timeout(start_timeout_s):
            while not server.started:
                if task.done():
                    task.result()  # raises why it could not start
                    raise RuntimeError(f"the Shopify test server stopped before it started on port {port}")
                await asyncio.sleep(0.01)
        yield f"http://{HOST}:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=20)
