"""The servers refuse unsafe configurations, and metrics count tool calls."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import httpx
import pytest
from pydantic import SecretStr, ValidationError

from policies.principal import Principal
from server.app import create_app
from server.secret import SecretRefused
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


async def test_the_development_secret_is_refused_by_settings_and_create_app_even_on_loopback(db_url: str) -> None:
    with pytest.raises(ValidationError, match="public development secret"):
        Settings(database_url=db_url, secret_key=DEFAULT_SECRET, http_host="127.0.0.1")
    with pytest.raises(ValidationError, match="at least 32 characters"):
        Settings(database_url=db_url, secret_key="short-but-not-empty")
    # Settings built without validation still cannot start an app with it
    unchecked = Settings.model_construct(database_url=db_url, secret_key=SecretStr(DEFAULT_SECRET))
    with pytest.raises(SecretRefused, match="public development secret"):
        await create_app(unchecked)


@pytest.mark.parametrize("backend", ["sqlite"])
@pytest.mark.parametrize("args", [["serve"], ["serve", "--http", "--port", "1"]], ids=["stdio", "http"])
def test_serve_refuses_the_development_secret_before_listening(tmp_path: Path, backend: str,
                                                               args: list[str]) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROWTH_")}
    env |= {"GROWTH_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'growth.db'}", "GROWTH_SECRET_KEY": DEFAULT_SECRET}
    growth = str(Path(sys.executable).with_name("growth"))
    result = subprocess.run([growth, *args], cwd=tmp_path, env=env, stdin=subprocess.DEVNULL, capture_output=True,
                            text=True, timeout=120)
    assert result.returncode == 2, result.stderr
    assert "public development secret" in " ".join(result.stderr.split())
    assert "Traceback" not in result.stderr and not (tmp_path / "growth.db").exists()


async def test_metrics_count_tool_calls(served: tuple[object, str], tokens: Tokens) -> None:
    _, url = served
    async with http_client(url, tokens.customer, "2026-07-28") as client:
        await client.call_tool("customer_chat", {"message": "hello"})
        await client.call_tool("approve_action", {"action_id": 1, "version": 1})
    async with httpx.AsyncClient(headers={"Authorization": f"Bearer {tokens.operator}"}) as http:
        text = (await http.get(f"{url}/metrics")).text
    assert 'growth_tool_calls_total{outcome="ok",tool="customer_chat"} 1.0' in text
    assert 'growth_tool_calls_total{outcome="denied",tool="approve_action"} 1.0' in text
