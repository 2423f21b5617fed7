"""The README's client configurations work: each snippet is parsed and exactly its command or URL is
launched with the official MCP client (placeholders for paths and tokens filled in); the Python client
examples are taken from the README text and run as written against a real server."""

from __future__ import annotations

import asyncio
import json
import os
import re
import shlex
import socket
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from server.app import create_app
from server.settings import Settings
from tests.conftest import make_settings
from tests.factories import proposal, seed_store
from tests.server.conftest import http_client, serve_http
from tools.actions import propose
from tools.tokens import create_token
from policies.principal import Principal

README = Path(__file__).resolve().parents[2] / "README.md"
BIN = Path(sys.executable).parent


def snippets() -> dict[str, str]:
    text = README.read_text()
    found = re.findall(r"<!-- snippet: ([\w-]+) -->\s*```\w*\n(.*?)```", text, re.S)
    return dict(found)


def servers(name: str) -> list[dict[str, Any]]:
    """Every server entry of a snippet as {kind, command, args, env} or {kind, url, headers}."""
    body = snippets()[name]
    out: list[dict[str, Any]] = []
    if name == "claude-code":
        for line in body.strip().splitlines():
            words = shlex.split(line, posix=True)
            assert words[:3] == ["claude", "mcp", "add"], line
            if "--transport" in words:
                url = next(w for w in words if w.startswith(("http://", "https://")))
                header = words[words.index("--header") + 1]
                key, _, value = header.partition(": ")
                out.append({"kind": "http", "url": url, "headers": {key: value}})
            else:
                env = dict(words[i + 1].split("=", 1) for i, w in enumerate(words) if w == "--env")
                command = words[words.index("--") + 1:]
                out.append({"kind": "stdio", "command": command[0], "args": command[1:], "env": env})
        return out
    config = json.loads(body)
    entries = config.get("mcpServers") or config.get("servers")
    assert entries, f"{name}: no servers"
    if name == "vscode":
        assert "servers" in config  # VS Code's top-level key
    for entry in entries.values():
        if "url" in entry:
            out.append({"kind": "http", "url": entry["url"], "headers": entry.get("headers", {})})
        else:
            out.append({"kind": "stdio", "command": entry["command"], "args": entry.get("args", []),
                        "env": entry.get("env", {})})
    return out


def fill(value: str, workdir: Path, token: str = "") -> str:
    return (value.replace("/path/to/growth-engine", str(workdir)).replace("${workspaceFolder}", str(workdir))
            .replace("$PWD", str(workdir)).replace("${input:growth-token}", token)
            .replace("${env:GROWTH_TOKEN}", token).replace("$GROWTH_TOKEN", token))


def test_every_client_has_a_snippet() -> None:
    assert set(snippets()) == {"claude-desktop", "vscode", "cursor", "claude-code", "python-stdio", "python-http"}


STDIO = [(name, i) for name in ("claude-desktop", "vscode", "cursor", "claude-code")
         for i, s in enumerate(servers(name)) if s["kind"] == "stdio"]
HTTP = [(name, i) for name in ("vscode", "cursor", "claude-code")
        for i, s in enumerate(servers(name)) if s["kind"] == "http"]


@pytest.mark.parametrize(("name", "index"), STDIO, ids=[f"{n}-stdio" for n, _ in STDIO])
async def test_stdio_snippet_launches(name: str, index: int, tmp_path: Path) -> None:
    entry = servers(name)[index]
    assert entry["command"] == "growth" and entry["args"] == ["serve"]
    assert "GROWTH_DATABASE_URL" not in entry["env"]  # the server finds the user's database by itself
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROWTH_")}
    env |= {k: fill(v, tmp_path) for k, v in entry["env"].items()}
    env |= {"XDG_DATA_HOME": str(tmp_path), "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}"}
    async with Client(StdioServerParameters(command=entry["command"], args=entry["args"], env=env,
                                            cwd="/"), mode="auto") as client:
        tools = {t.name for t in (await client.list_tools()).tools}
        status = await client.call_tool("get_status", {})
    assert "approve_action" in tools and not status.is_error
    assert (tmp_path / "growth-engine" / "growth.db").exists()  # the user data folder's database was used


async def test_http_snippets_reach_the_server(db_url: str) -> None:
    urls = {servers(n)[i]["url"] for n, i in HTTP}
    assert urls == {"http://127.0.0.1:8765/mcp"}
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8765)) == 0:
            pytest.fail("port 8765 is busy (is `make run` running?); the README's URL needs it free")
    app = await create_app(make_settings(db_url, http_port=8765))
    await seed_store(app)
    token, _ = await create_token(app.deps, Principal.operator("demo"), tenant="demo", role="operator", scopes=[])
    try:
        async with serve_http(app, port=8765) as base:
            for name, index in HTTP:
                entry = servers(name)[index]
                assert entry["url"] == f"{base}/mcp"
                auth = fill(entry["headers"]["Authorization"], Path("/"), token)
                assert auth == f"Bearer {token}"
                async with http_client(base, token, "auto") as client:
                    assert "chat" in {t.name for t in (await client.list_tools()).tools}
    finally:
        await app.close()


# --- the Python client examples, run as written --------------------------------------------------------


def run_example(name: str, folder: Path, env: dict[str, str]) -> subprocess.CompletedProcess[str]:
    """The README's code block, saved as a script and run by this virtualenv's Python from another folder."""
    script = folder / f"{name}.py"
    script.write_text(snippets()[name])
    return subprocess.run([sys.executable, str(script)], cwd=folder, env=env, capture_output=True, text=True,
                          timeout=120)


def user_env(**extra: str) -> dict[str, str]:
    """A user's shell: no test settings, the virtualenv's ``growth`` on PATH."""
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROWTH_")}
    return env | {"PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}"} | extra


def test_the_python_stdio_example_runs_as_written(tmp_path: Path, monkeypatch: pytest.MonkeyPatch) -> None:
    """The example launches `growth serve` with the user's environment and reads the user's own store."""
    for key in [k for k in os.environ if k.startswith("GROWTH_")]:
        monkeypatch.delenv(key)
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path / "data"))
    settings = Settings(_env_file=None, brain="rules")  # type: ignore[call-arg]  # the default database

    async def seed() -> int:
        app = await create_app(settings)
        try:
            await seed_store(app)
            return (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action.id
        finally:
            await app.close()

    action_id = asyncio.run(seed())
    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    done = run_example("python-stdio", elsewhere, user_env(XDG_DATA_HOME=str(tmp_path / "data")))
    assert done.returncode == 0, done.stderr[-3000:]
    assert "# Inbox of demo" in done.stdout and f"#{action_id} v1 " in done.stdout  # the inbox, in markdown
    assert f"{action_id} 1 medium content.rewrite_title on" in done.stdout  # list_actions' compact row
    assert "Rollback:" in done.stdout  # get_action's explanation


async def test_the_python_http_example_runs_as_written(db_url: str, tmp_path: Path) -> None:
    """The example sends the token in its HTTP client's headers and continues a chat in its thread."""
    assert 'URL = "http://127.0.0.1:8765/mcp"' in snippets()["python-http"]
    with socket.socket() as probe:
        if probe.connect_ex(("127.0.0.1", 8765)) == 0:
            pytest.fail("port 8765 is busy (is `make run` running?); the README's URL needs it free")
    app = await create_app(make_settings(db_url, http_port=8765))
    await seed_store(app)
    action = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    token, _ = await create_token(app.deps, Principal.operator("demo"), tenant="demo", role="operator", scopes=[])
    try:
        async with serve_http(app, port=8765):
            done = await asyncio.to_thread(run_example, "python-http", tmp_path, user_env(GROWTH_TOKEN=token))
    finally:
        await app.close()
    assert done.returncode == 0, done.stderr[-3000:]
    threads = re.findall(r"thread: (\w+) — pass it back to continue", done.stdout)
    assert len(threads) == 2 and threads[0] == threads[1], done.stdout  # the second call stayed in the thread
    assert f"#{action.id} " in done.stdout and "Rollback:" in done.stdout  # "explain the first one" resolved

