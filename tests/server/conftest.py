"""Fixtures for the MCP server: a real HTTP server on a free loopback port, tokens, clients."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

import pytest
from mcp import Client
from mcp.client.streamable_http import streamable_http_client
from mcp.shared._httpx_utils import create_mcp_http_client

from policies.principal import Principal
from server.app import App, create_app
from server.http import build_http_app
from server.mcp.identity import Principals
from server.mcp.server import build_mcp
from server.metrics import Metrics
from tests.conftest import make_settings
from tests.factories import seed_store
from tests.loopback import serve_asgi
from tools.tokens import create_token

MODES = ["legacy", "2026-07-28"]


@dataclass
class Tokens:
    operator: str
    assistant_read: str
    assistant_decide: str
    customer: str
    viewer: str
    other_operator: str


@pytest.fixture
async def served(db_url: str) -> AsyncIterator[tuple[App, str]]:
    app = await create_app(make_settings(db_url))
    await seed_store(app)
    async with serve_http(app) as url:
        yield app, url
    await app.close()


@asynccontextmanager
async def serve_http(app: App, *, port: int | None = None) -> AsyncIterator[str]:
    principals = Principals(app.deps, local_tenant=app.settings.tenant)
    metrics = Metrics()
    mcp = build_mcp(app, principals=principals, metrics=metrics)
    asgi = build_http_app(app, mcp, principals, host="127.0.0.1", metrics=metrics)
    async with serve_asgi(asgi, port=port, lifespan="on") as url:
        yield url


@pytest.fixture
async def tokens(served: tuple[App, str]) -> Tokens:
    app, _ = served
    op = Principal.operator("demo")

    async def mint(tenant: str, role: str, scopes: list[str], customer: str | None = None) -> str:
        secret, _ = await create_token(app.deps, op, tenant=tenant, role=role, scopes=scopes, customer_ref=customer)
        return secret

    from tools.pii import customer_ref_for

    return Tokens(
        operator=await mint("demo", "operator", []),
        assistant_read=await mint("demo", "assistant", ["read"]),
        assistant_decide=await mint("demo", "assistant", ["read", "propose", "decide"]),
        customer=await mint("demo", "customer", [], customer_ref_for(app.deps, "demo", "jane@example.com")),
        viewer=await mint("demo", "viewer", []),
        other_operator=await mint("other", "operator", []),
    )


@asynccontextmanager
async def http_client(url: str, token: str | None, mode: str, **callbacks: Any) -> AsyncIterator[Client]:
    """The official client over streamable HTTP with a bearer token (its HTTP client is ours to close)."""
    headers = {"Authorization": f"Bearer {token}"} if token else {}
    http = create_mcp_http_client(headers=headers)
    try:
        async with Client(streamable_http_client(f"{url}/mcp", http_client=http), mode=mode, **callbacks) as client:
            yield client
    finally:
        await http.aclose()
