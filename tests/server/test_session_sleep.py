"""Idle MCP sessions sleep (issue 15: memory per idle session) and wake exactly as they were.

A real server on a loopback port with a short hibernation delay: a 2025-era session with no request in
flight falls asleep (its task ended, what it negotiated kept) and its next request wakes it. What must hold:
the client sees nothing (its tools, the capabilities it declared: the MCP Apps views),
only its owner can wake it, DELETE and the idle timeout still end it and give its slot back, an open GET
stream keeps it awake, and requests that race its falling asleep are all answered.
"""

from __future__ import annotations

import json
from collections.abc import Callable
from typing import Any

import anyio
import httpx
import pytest
from mcp.server.apps import APP_MIME_TYPE, EXTENSION_ID

from policies.principal import Principal
from server.sessions import SessionLimits
from tests.factories import proposal
from tests.server.conftest import http_client
from tests.server.test_session_flood import ACCEPT, INIT, LEGACY, limited_server, mint
from tools.actions import get_action, propose

SLEEPY = SessionLimits(per_token=8, per_principal=12, pool=40, operator_reserve=8, idle_seconds=300,
                       hibernate_seconds=0.2)
OP = Principal.operator("demo")


@pytest.fixture
def backend() -> str:
    return "sqlite"  # sessions live in the process's memory: the storage backend plays no part


async def eventually(condition: Callable[[], bool], within: float = 10) -> None:
    with anyio.fail_after(within):
        while not condition():
            await anyio.sleep(0.02)


def headers(token: str, session_id: str | None = None) -> dict[str, str]:
    out = ACCEPT | {"Authorization": f"Bearer {token}"}
    return out | {"mcp-session-id": session_id, "mcp-protocol-version": LEGACY} if session_id else out


async def open_session(http: httpx.AsyncClient, url: str, token: str, capabilities: dict[str, Any] | None = None
                       ) -> str:
    """``initialize`` and ``notifications/initialized``, as a client that opens no GET stream."""
    init = INIT | {"params": INIT["params"] | {"capabilities": capabilities or {}}}
    r = await http.post(f"{url}/mcp", json=init, headers=headers(token))
    assert r.status_code == 200, r.text
    session_id = r.headers["mcp-session-id"]
    r = await http.post(f"{url}/mcp", json={"jsonrpc": "2.0", "method": "notifications/initialized"},
                        headers=headers(token, session_id))
    assert r.status_code == 202, r.text
    return session_id


async def list_tools(http: httpx.AsyncClient, url: str, token: str, session_id: str) -> httpx.Response:
    return await http.post(f"{url}/mcp", json={"jsonrpc": "2.0", "id": 7, "method": "tools/list"},
                           headers=headers(token, session_id))


def tool_meta(r: httpx.Response) -> dict[str, Any]:
    """Each tool's ``_meta`` from a tools/list answered as server-sent events."""
    assert r.status_code == 200, r.text
    data = next(line[5:] for line in r.text.splitlines() if line.startswith("data:"))
    return {t["name"]: t.get("_meta") for t in json.loads(data)["result"]["tools"]}


async def test_a_sleeping_session_wakes_with_what_its_client_declared(db_url: str) -> None:
    """A client without a GET stream (the official one keeps one open, which keeps its session awake): what it
    declared at ``initialize`` holds after every sleep, and its calls change the store as before."""
    async with limited_server(db_url, SLEEPY) as (app, url, ledger):
        token = await mint(app, "operator")
        action = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
        async with httpx.AsyncClient(timeout=30) as http:
            plain = await open_session(http, url, token)
            apps = await open_session(http, url, token, {"extensions": {EXTENSION_ID: {"mimeTypes": [APP_MIME_TYPE]}}})
            await eventually(lambda: ledger.asleep == 2)

            for _ in range(2):  # woken, asleep again, woken again
                with_views = tool_meta(await list_tools(http, url, token, apps))
                assert with_views["list_actions"]["ui"]["resourceUri"] == "ui://growth/inbox"
                assert not any((meta or {}).get("ui") for meta in tool_meta(await list_tools(http, url, token,
                                                                                             plain)).values())
                await eventually(lambda: ledger.asleep == 2)

            r = await http.post(f"{url}/mcp", json={"jsonrpc": "2.0", "id": 9, "method": "tools/call", "params": {
                "name": "approve_action", "arguments": {"action_id": action.id, "version": 1}}},
                headers=headers(token, plain))
            assert r.status_code == 200 and '"isError":false' in r.text.replace(" ", ""), r.text
        assert (await get_action(app.deps, OP, action_id=action.id))["action"]["status"] == "executed"
        assert ledger.open == 2


async def test_only_its_owner_wakes_a_sleeping_session_and_delete_ends_it(db_url: str) -> None:
    async with limited_server(db_url, SLEEPY) as (app, url, ledger):
        owner, other = await mint(app, "operator"), await mint(app, "operator")
        async with httpx.AsyncClient(timeout=30) as http:
            session_id = await open_session(http, url, owner)
            await eventually(lambda: ledger.asleep == 1)

            stranger = await list_tools(http, url, other, session_id)
            assert stranger.status_code == 404  # as for a session that does not exist
            assert ledger.asleep == 1

            woken = await list_tools(http, url, owner, session_id)
            assert woken.status_code == 200 and '"name":"list_actions"' in woken.text.replace(" ", "")
            await eventually(lambda: ledger.asleep == 1)

            shown = await http.get(f"{url}/metrics", headers={"Authorization": f"Bearer {owner}"})
            assert 'growth_mcp_sessions{state="asleep"} 1.0' in shown.text
            assert 'growth_mcp_sessions{state="awake"} 0.0' in shown.text

            ended = await http.delete(f"{url}/mcp", headers=headers(owner, session_id))
            assert ended.status_code == 200
            await eventually(lambda: ledger.open == 0 and ledger.asleep == 0)
            assert (await list_tools(http, url, owner, session_id)).status_code == 404
        assert ledger.usage() == {"open": 0, "tokens": 0, "principals": 0}


async def test_a_sleeping_session_still_ends_at_the_idle_timeout(db_url: str) -> None:
    limits = SessionLimits(per_token=4, per_principal=4, pool=10, operator_reserve=2, idle_seconds=0.8,
                           hibernate_seconds=0.1)
    async with limited_server(db_url, limits) as (app, url, ledger):
        token = await mint(app, "customer", "jane@example.com")
        async with httpx.AsyncClient(timeout=30) as http:
            session_id = await open_session(http, url, token)
            await eventually(lambda: ledger.asleep == 1)
            await eventually(lambda: ledger.open == 0, within=5)
            assert ledger.asleep == 0 and ledger.usage() == {"open": 0, "tokens": 0, "principals": 0}
            assert (await list_tools(http, url, token, session_id)).status_code == 404


async def test_an_open_event_stream_keeps_its_session_awake(db_url: str) -> None:
    async with limited_server(db_url, SLEEPY) as (app, url, ledger):
        token = await mint(app, "operator")
        async with httpx.AsyncClient(timeout=30) as http:
            session_id = await open_session(http, url, token)
            stream_headers = headers(token, session_id) | {"Accept": "text/event-stream"}
            async with http.stream("GET", f"{url}/mcp", headers=stream_headers) as stream:
                assert stream.status_code == 200
                await anyio.sleep(5 * SLEEPY.hibernate_seconds)
                assert ledger.asleep == 0
            await eventually(lambda: ledger.asleep == 1)  # the stream closed: now it is idle


async def test_calls_racing_the_fall_into_sleep_are_all_answered(db_url: str) -> None:
    """Calls spaced around the hibernation delay: some find the session awake, some asleep, and some arrive
    while it is falling asleep; every one is answered by the same session."""
    limits = SessionLimits(per_token=8, per_principal=12, pool=40, operator_reserve=8, idle_seconds=300,
                           hibernate_seconds=0.05)
    async with limited_server(db_url, limits) as (app, url, ledger):
        token = await mint(app, "operator")
        transitions: list[bool] = []
        record = ledger.fell_asleep

        def counted(session_id: str, asleep: bool) -> None:
            transitions.append(asleep)
            record(session_id, asleep)

        ledger.fell_asleep = counted  # type: ignore[method-assign]
        async with httpx.AsyncClient(timeout=30) as http:
            session_id = await open_session(http, url, token)
            for i in range(80):
                await anyio.sleep(0.03 + (i % 9) * 0.006)
                r = await http.post(f"{url}/mcp", json={"jsonrpc": "2.0", "id": i, "method": "tools/call",
                                                        "params": {"name": "get_status", "arguments": {}}},
                                    headers=headers(token, session_id))
                assert r.status_code == 200 and '"isError":false' in r.text.replace(" ", ""), (i, r.text)
        assert transitions.count(True) >= 10 and transitions.count(False) >= 10  # it did sleep and wake
        assert ledger.open == 1
