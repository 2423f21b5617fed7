"""Issue 10, finding 1: one token opening idle sessions until the pool is full must not lock anyone out.

A real server on a loopback port with small limits, so a flood reaches them in a few dozen requests: the
flooder is refused at its own cap (429 naming the limit), other tokens and the operator keep working, and
every session that ends (DELETE, idle timeout, failed opening) gives its slot back.
"""

from __future__ import annotations

from collections.abc import AsyncIterator, Callable
from contextlib import asynccontextmanager
from typing import Any

import anyio
import httpx
import pytest

from policies.principal import Principal
from server.app import App, create_app
from server.http import build_http_app
from server.mcp.identity import Principals
from server.mcp.server import build_mcp
from server.sessions import SessionLedger, SessionLimits
from tests.conftest import make_settings
from tests.factories import seed_store
from tests.loopback import serve_asgi
from tests.server.conftest import http_client
from tools.pii import customer_ref_for
from tools.tokens import create_token

#: a pool of 40 of which 8 only operators may take: four customer tokens at their cap fill the rest
LIMITS = SessionLimits(per_token=8, per_principal=12, pool=40, operator_reserve=8, idle_seconds=300)
LEGACY = "2025-06-18"
INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": LEGACY, "capabilities": {}, "clientInfo": {"name": "flood", "version": "1"}}}
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}


@pytest.fixture
def backend() -> str:
    return "sqlite"  # session limits live in the process's memory: the storage backend plays no part


@asynccontextmanager
async def limited_server(db_url: str, limits: SessionLimits = LIMITS) -> AsyncIterator[tuple[App, str, SessionLedger]]:
    app = await create_app(make_settings(db_url))
    await seed_store(app)
    ledger = SessionLedger(limits)
    principals = Principals(app.deps, local_tenant=app.settings.tenant)
    asgi = build_http_app(app, build_mcp(app, principals=principals), principals, host="127.0.0.1", sessions=ledger)
    try:
        async with serve_asgi(asgi, lifespan="on") as url:
            yield app, url, ledger
    finally:
        await app.close()


async def mint(app: App, role: str, email: str | None = None) -> str:
    customer = customer_ref_for(app.deps, "demo", email) if email else None
    secret, _ = await create_token(app.deps, Principal.operator("demo"), tenant="demo", role=role,
                                   scopes=["read"] if role == "assistant" else [], customer_ref=customer)
    return secret


async def open_session(http: httpx.AsyncClient, url: str, token: str) -> httpx.Response:
    """What the attacker sent: an initialize, and nothing after it."""
    return await http.post(f"{url}/mcp", json=INIT, headers=ACCEPT | {"Authorization": f"Bearer {token}"})


async def open_many(http: httpx.AsyncClient, url: str, token: str, n: int) -> list[httpx.Response]:
    """``n`` opening requests at once."""
    out: list[httpx.Response] = []

    async def one() -> None:
        out.append(await open_session(http, url, token))

    async with anyio.create_task_group() as tg:
        for _ in range(n):
            tg.start_soon(one)
    return out


async def close_session(http: httpx.AsyncClient, url: str, token: str, session_id: str) -> httpx.Response:
    return await http.delete(f"{url}/mcp", headers={"Authorization": f"Bearer {token}", "mcp-session-id": session_id,
                                                    "mcp-protocol-version": LEGACY})


def refusal_code(r: httpx.Response) -> str:
    body: dict[str, Any] = r.json()
    assert body["jsonrpc"] == "2.0" and body["error"]["message"]
    return str(body["error"]["data"]["code"])


async def eventually(condition: Callable[[], bool]) -> None:
    """The server gives a slot back just after it answers; wait (bounded) until it has."""
    with anyio.fail_after(10):
        while not condition():
            await anyio.sleep(0.02)


async def operator_works(url: str, token: str) -> None:
    """The operator's own client: connect (2025 era, with a session), call a tool, disconnect."""
    async with http_client(url, token, "legacy") as client:
        status = await client.call_tool("get_status", {})
        assert not status.is_error, status.content


async def test_a_flooding_token_gets_429_at_its_cap_while_the_operator_and_other_tokens_keep_working(
        db_url: str) -> None:
    async with limited_server(db_url) as (app, url, ledger):
        flooder, shopper = await mint(app, "customer", "flood@example.com"), await mint(app, "customer", "jane@example.com")
        operator = await mint(app, "operator")
        answers: list[httpx.Response] = []
        operator_rounds = 0
        flooding = True

        async with httpx.AsyncClient(timeout=30) as http:
            async def flood() -> None:
                nonlocal flooding
                for _ in range(4):  # waves of concurrent openings, four times the cap in all
                    answers.extend(await open_many(http, url, flooder, LIMITS.per_token))
                flooding = False

            async def operator_keeps_working() -> None:
                nonlocal operator_rounds
                while flooding or operator_rounds < 3:
                    await operator_works(url, operator)
                    operator_rounds += 1

            async with anyio.create_task_group() as tg:
                tg.start_soon(flood)
                tg.start_soon(operator_keeps_working)

            opened = [r for r in answers if r.status_code == 200]
            refused = [r for r in answers if r.status_code != 200]
            assert len(opened) == LIMITS.per_token and all(r.headers["mcp-session-id"] for r in opened)
            assert {r.status_code for r in refused} == {429} and len(refused) == 3 * LIMITS.per_token
            assert {refusal_code(r) for r in refused} == {"session_limit_token"}
            assert f"({LIMITS.per_token})" in refused[0].json()["error"]["message"]
            assert int(refused[0].headers["retry-after"]) > 0

            # over the cap one token denies service to no other: a shopper's own token still connects
            async with http_client(url, shopper, "legacy") as client:
                assert "customer_chat" in {t.name for t in (await client.list_tools()).tools}
            assert (await open_session(http, url, flooder)).status_code == 429
        assert operator_rounds >= 3
        await eventually(lambda: ledger.held_by_token(operator) == 0 and ledger.held_by_token(shopper) == 0)
        assert ledger.usage() == {"open": LIMITS.per_token, "tokens": 1, "principals": 1}


async def test_when_only_the_reserve_is_left_the_operator_still_initializes(db_url: str) -> None:
    async with limited_server(db_url) as (app, url, ledger):
        shared = LIMITS.pool - LIMITS.operator_reserve
        crowd = [await mint(app, "customer", f"c{i}@example.com") for i in range(shared // LIMITS.per_token)]
        late, assistant = await mint(app, "customer", "late@example.com"), await mint(app, "assistant")
        operator, second_operator = await mint(app, "operator"), await mint(app, "operator")
        async with httpx.AsyncClient(timeout=30) as http:
            floods: list[httpx.Response] = []

            async def flood(token: str) -> None:
                floods.extend(await open_many(http, url, token, LIMITS.per_token))

            async with anyio.create_task_group() as tg:
                for token in crowd:
                    tg.start_soon(flood, token)
            assert [r.status_code for r in floods] == [200] * shared
            await eventually(lambda: ledger.open == shared)

            # customers and assistants together never take the last slots...
            for token in (late, assistant):
                r = await open_session(http, url, token)
                assert r.status_code == 503 and refusal_code(r) == "session_pool_full"
            # ...which are the operators': their own client, and sessions held open at once
            await operator_works(url, operator)
            held = await open_many(http, url, operator, LIMITS.operator_reserve)
            assert [r.status_code for r in held] == [200] * LIMITS.operator_reserve
            # the whole pool is taken now: even an operator waits, and is told why
            r = await open_session(http, url, second_operator)
            assert r.status_code == 503 and refusal_code(r) == "session_pool_full"
            # one operator session closed, and the reserve is open again to operators only
            assert (await close_session(http, url, operator, held[0].headers["mcp-session-id"])).status_code == 200
            await eventually(lambda: ledger.open == LIMITS.pool - 1)
            assert (await open_session(http, url, late)).status_code == 503
            await operator_works(url, second_operator)


async def test_a_deleted_session_gives_its_slot_back_and_nothing_leaks(db_url: str) -> None:
    async with limited_server(db_url) as (app, url, ledger):
        token = await mint(app, "customer", "jane@example.com")
        async with httpx.AsyncClient(timeout=30) as http:
            opened = await open_many(http, url, token, LIMITS.per_token)
            ids = [r.headers["mcp-session-id"] for r in opened]
            assert (await open_session(http, url, token)).status_code == 429

            assert (await close_session(http, url, token, ids.pop())).status_code == 200
            await eventually(lambda: ledger.held_by_token(token) == LIMITS.per_token - 1)
            again = await open_session(http, url, token)
            assert again.status_code == 200
            ids.append(again.headers["mcp-session-id"])

            for session_id in ids:
                assert (await close_session(http, url, token, session_id)).status_code == 200
            # an opening that fails gives its slot back too, and the stateless era takes none
            bad = await http.post(f"{url}/mcp", json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
                                  headers=ACCEPT | {"Authorization": f"Bearer {token}"})
            assert bad.status_code >= 400
            modern = await http.post(f"{url}/mcp", json={"jsonrpc": "2.0", "id": 3, "method": "tools/list", "params": {
                "_meta": {"io.modelcontextprotocol/protocolVersion": "2026-07-28",
                          "io.modelcontextprotocol/clientCapabilities": {}}}},
                headers=ACCEPT | {"Authorization": f"Bearer {token}", "MCP-Protocol-Version": "2026-07-28",
                                  "Mcp-Method": "tools/list"})
            assert modern.status_code == 200, modern.text
        await eventually(lambda: ledger.open == 0)
        assert ledger.usage() == {"open": 0, "tokens": 0, "principals": 0}


async def test_an_idle_session_is_closed_and_gives_its_slot_back(db_url: str) -> None:
    limits = SessionLimits(per_token=4, per_principal=4, pool=10, operator_reserve=2, idle_seconds=0.3)
    async with limited_server(db_url, limits) as (app, url, ledger):
        token = await mint(app, "customer", "jane@example.com")
        async with httpx.AsyncClient(timeout=30) as http:
            opened = await open_many(http, url, token, limits.per_token)
            assert [r.status_code for r in opened] == [200] * limits.per_token
            await eventually(lambda: ledger.open == 0)  # nobody sent anything since: reaped
            assert ledger.usage() == {"open": 0, "tokens": 0, "principals": 0}
            stale = await http.post(f"{url}/mcp", json={"jsonrpc": "2.0", "id": 2, "method": "tools/list"},
                                    headers=ACCEPT | {"Authorization": f"Bearer {token}", "mcp-protocol-version": LEGACY,
                                                      "mcp-session-id": opened[0].headers["mcp-session-id"]})
            assert stale.status_code == 404
            assert (await open_session(http, url, token)).status_code == 200


async def test_one_principal_is_capped_across_its_tokens(db_url: str) -> None:
    async with limited_server(db_url) as (app, url, ledger):
        phone, laptop = await mint(app, "customer", "jane@example.com"), await mint(app, "customer", "jane@example.com")
        other = await mint(app, "customer", "joe@example.com")
        async with httpx.AsyncClient(timeout=30) as http:
            assert [r.status_code for r in await open_many(http, url, phone, LIMITS.per_token)] == [200] * 8
            room = LIMITS.per_principal - LIMITS.per_token
            answers = await open_many(http, url, laptop, LIMITS.per_token)
            assert sorted(r.status_code for r in answers) == [200] * room + [429] * (LIMITS.per_token - room)
            assert {refusal_code(r) for r in answers if r.status_code == 429} == {"session_limit_principal"}
            assert (await open_session(http, url, other)).status_code == 200


def test_limits_come_from_settings_and_refuse_a_reserve_as_large_as_the_pool() -> None:
    limits = SessionLimits.from_settings(make_settings("sqlite+aiosqlite://", mcp_sessions_per_token=3,
                                                       mcp_session_pool=50, mcp_sessions_operator_reserve=5))
    assert (limits.per_token, limits.pool, limits.operator_reserve, limits.idle_seconds) == (3, 50, 5, 300.0)
    with pytest.raises(ValueError, match="reserve"):
        SessionLimits(per_token=1, per_principal=1, pool=8, operator_reserve=8, idle_seconds=1)
