"""The README's client configurations work: each snippet is parsed and exactly its command or URL is
launched with the official MCP client (placeholders for paths and tokens filled in)."""

from __future__ import annotations

import json
import os
import re
import shlex
import socket
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from server.app import create_app
from tests.conftest import TEST_SECRET, make_settings
from tests.factories import seed_store
from tests.server.conftest import http_client, serve_http
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
    assert set(snippets()) == {"claude-desktop", "vscode", "cursor", "claude-code"}


STDIO = [(name, i) for name in ("claude-desktop", "vscode", "cursor", "claude-code")
         for i, s in enumerate(servers(name)) if s["kind"] == "stdio"]
HTTP = [(name, i) for name in ("vscode", "cursor", "claude-code")
        for i, s in enumerate(servers(name)) if s["kind"] == "http"]


@pytest.mark.parametrize(("name", "index"), STDIO, ids=[f"{n}-stdio" for n, _ in STDIO])
async def test_stdio_snippet_launches(name: str, index: int, tmp_path: Path) -> None:
    entry = servers(name)[index]
    assert entry["command"] == "growth" and entry["args"] == ["serve"]
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROWTH_")}
    env |= {k: fill(v, tmp_path) for k, v in entry["env"].items()}
    env |= {"GROWTH_SECRET_KEY": TEST_SECRET, "PATH": f"{BIN}{os.pathsep}{env.get('PATH', '')}"}
    (tmp_path / ".growth").mkdir()
    async with Client(StdioServerParameters(command=entry["command"], args=entry["args"], env=env,
                                            cwd="/"), mode="auto") as client:
        tools = {t.name for t in (await client.list_tools()).tools}
        status = await client.call_tool("get_status", {})
    assert "approve_action" in tools and not status.is_error
    assert (tmp_path / ".growth" / "growth.db").exists()  # the snippet's absolute database was used


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
