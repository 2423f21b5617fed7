"""Serving an ASGI app on a loopback port inside the test's own event loop."""

from __future__ import annotations

import asyncio
import socket
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import Any

import uvicorn


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@asynccontextmanager
async def serve_asgi(app: Any, *, port: int | None = None, lifespan: str = "off", host: str = "127.0.0.1",
                     tls: tuple[str, str] | None = None) -> AsyncIterator[str]:
    """Run ``app`` on ``host`` until the block ends (over TLS with ``tls``: certificate and key files); yields
    its base URL."""
    port = port or free_port()
    certs = {"ssl_certfile": tls[0], "ssl_keyfile": tls[1]} if tls else {}
    server = uvicorn.Server(uvicorn.Config(app, host=host, port=port, log_level="warning", lifespan=lifespan,
                                           **certs))
    task = asyncio.create_task(server.serve())
    try:
        for _ in range(500):
            if server.started:
                break
            await asyncio.sleep(0.02)
        yield f"{'https' if tls else 'http'}://{host}:{port}"
    finally:
        server.should_exit = True
        await asyncio.wait_for(task, timeout=20)
