"""`growth serve` over stdio, launched as a subprocess by the official client, in both eras."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from pathlib import Path

import pytest
from mcp import Client, StdioServerParameters

from policies.principal import Principal
from server.app import create_app
from tests.conftest import TEST_SECRET, make_settings
from tests.factories import proposal, seed_store
from tests.server.conftest import MODES
from tools.actions import get_action, propose

GROWTH = str(Path(sys.executable).with_name("growth"))


def server_params(db_url: str, cwd: Path) -> StdioServerParameters:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROWTH_")}
    env |= {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET, "GROWTH_TENANT": "demo"}
    return StdioServerParameters(command=GROWTH, args=["serve"], env=env, cwd=str(cwd))


@pytest.mark.parametrize("mode", MODES)
async def test_full_flow_over_stdio(db_url: str, tmp_path: Path, mode: str) -> None:
    app = await create_app(make_settings(db_url))
    await seed_store(app)
    action = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    await app.close()
    async with Client(server_params(db_url, tmp_path), mode=mode) as client:
        assert "approve_action" in {t.name for t in (await client.list_tools()).tools}
        assert (await client.list_prompts()).prompts and (await client.list_resources()).resources
        chat = await client.call_tool("chat", {"message": "what should I do today?"})
        assert f"#{action.id}" in chat.structured_content["reply"]
        rows = (await client.call_tool("list_actions", {})).structured_content["actions"]
        approved = await client.call_tool("approve_action", {"action_id": rows[0]["id"], "version": rows[0]["version"]})
        assert not approved.is_error and approved.structured_content["execution"]["status"] == "executed"
        assert (await client.call_tool("verify_audit", {})).structured_content["ok"] is True
    app = await create_app(make_settings(db_url))
    try:
        assert (await get_action(app.deps, Principal.operator("demo"), action_id=action.id))["action"]["status"] == \
            "executed"
    finally:
        await app.close()


@pytest.mark.parametrize("mode", MODES)
async def test_chat_echoes_a_high_risk_approval_and_runs_it_on_yes_over_stdio(db_url: str, tmp_path: Path,
                                                                               mode: str) -> None:
    app = await create_app(make_settings(db_url))
    await seed_store(app)
    action = (await propose(app.deps, Principal.for_agent("demo", "inventory"), proposal(
        "pricing.adjust", params={"current_price": 40.0, "new_price": 43.0}))).action
    await app.close()
    async with Client(server_params(db_url, tmp_path), mode=mode) as client:
        first = await client.call_tool("chat", {"message": f"approve {action.id}", "thread": "stdio-echo"})
        assert first.structured_content["pending"][0]["action_id"] == action.id
        second = await client.call_tool("chat", {"message": "yes", "thread": "stdio-echo"})
        assert f"#{action.id} executed" in second.structured_content["reply"]
        third = await client.call_tool("chat", {"message": "yes", "thread": "stdio-echo"})
        assert not third.structured_content["pending"]
    app = await create_app(make_settings(db_url))
    try:
        detail = await get_action(app.deps, Principal.operator("demo"), action_id=action.id)
        assert detail["action"]["status"] == "executed"
        assert [d["verdict"] for d in detail["decisions"]] == ["approve"]
    finally:
        await app.close()


def test_stdout_carries_only_protocol_messages(db_url: str, tmp_path: Path) -> None:
    params = server_params(db_url, tmp_path)
    init = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
        "protocolVersion": "2025-11-25", "capabilities": {}, "clientInfo": {"name": "t", "version": "0"}}}
    proc = subprocess.Popen([params.command, *params.args], stdin=subprocess.PIPE, stdout=subprocess.PIPE,
                            stderr=subprocess.PIPE, text=True, env=params.env, cwd=params.cwd)
    assert proc.stdin is not None and proc.stdout is not None
    try:
        proc.stdin.write(json.dumps(init) + "\n")
        proc.stdin.flush()
        first = proc.stdout.readline()
        for message in ({"jsonrpc": "2.0", "method": "notifications/initialized"},
                        {"jsonrpc": "2.0", "id": 2, "method": "tools/list", "params": {}}):
            proc.stdin.write(json.dumps(message) + "\n")
        proc.stdin.flush()
        second = proc.stdout.readline()
    finally:
        out, err = proc.communicate(timeout=60)
    lines = [first, second, *out.splitlines()]
    responses = [json.loads(line) for line in lines if line.strip()]
    assert [r["id"] for r in responses] == [1, 2] and all(r["jsonrpc"] == "2.0" for r in responses)
    assert "approve_action" in {t["name"] for t in responses[1]["result"]["tools"]}
    assert "growth-engine serving stdio" in err


async def test_with_the_demo_store_an_approval_over_stdio_is_delivered_end_to_end(db_url: str, tmp_path: Path) -> None:
    app = await create_app(make_settings(db_url))
    await seed_store(app)
    action = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    await app.close()
    params = server_params(db_url, tmp_path)
    params.args = ["serve", "--demo-store"]
    params.env = {**(params.env or {}), "GROWTH_WORKER_INTERVAL_SECONDS": "0.5"}
    async with Client(params, mode="legacy") as client:
        approved = await client.call_tool("approve_action", {"action_id": action.id, "version": action.version})
        assert approved.structured_content["execution"]["status"] == "executed"
        for _ in range(200):  # the worker in the server's process relays it to the demo store
            shown = (await client.call_tool("get_action", {"action_id": action.id})).structured_content
            if shown["delivery"]["state"] == "delivered":
                break
            await asyncio.sleep(0.1)
        assert shown["delivery"]["state"] == "delivered", shown["delivery"]
        assert "delivered to the live store" in shown["delivery"]["summary"]
        assert shown["delivery"]["deliveries"][0]["remote_ids"]["product_id"].startswith("gid://shopify/Product/")
