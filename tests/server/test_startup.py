"""The HTTP server refuses unsafe configurations, and metrics count tool calls."""

from __future__ import annotations

import httpx
import pytest

from policies.principal import Principal
from server.app import create_app
from server.serve import StartupRefused, refuse_unsafe
from server.settings import DEFAULT_SECRET, Settings
from tests.conftest import make_settings
from tests.server.conftest import Tokens, http_client
from tools.tokens import create_token


async def test_non_loopback_needs_a_secret_a_token_and_a_host_allowlist(db_url: str) -> None:
    app = await create_app(make_settings(db_url))
    try:
        await refuse_unsafe(app, "127.0.0.1")  # loopback is always fine
        with pytest.raises(StartupRefused, match="without any API token"):
            await refuse_unsafe(app, "0.0.0.0")
        await create_token(app.deps, Principal.operator("demo"), tenant="demo", role="operator", scopes=[])
        with pytest.raises(StartupRefused, match="GROWTH_ALLOWED_HOSTS"):
            await refuse_unsafe(app, "0.0.0.0")
        app.settings.allowed_hosts = ["agents.example.com"]
        await refuse_unsafe(app, "0.0.0.0")
    finally:
        await app.close()
    default = await create_app(Settings(database_url=db_url, secret_key=DEFAULT_SECRET))
    try:
        with pytest.raises(StartupRefused, match="default GROWTH_SECRET_KEY"):
            await refuse_unsafe(default, "10.0.0.5")
    finally:
        await default.close()


async def test_metrics_count_tool_calls(served: tuple[object, str], tokens: Tokens) -> None:
    _, url = served
    async with http_client(url, tokens.customer, "2026-07-28") as client:
        await client.call_tool("customer_chat", {"message": "hello"})
        await client.call_tool("approve_action", {"action_id": 1, "version": 1})
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {tokens.operator}"}) as http:
        text = (await http.get(f"{url}/metrics")).text
    assert 'growth_tool_calls_total{outcome="ok",tool="customer_chat"} 1.0' in text
    assert 'growth_tool_calls_total{outcome="denied",tool="approve_action"} 1.0' in text
