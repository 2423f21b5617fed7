"""The cost our MCP server adds on top of the MCP SDK: ours against the SDK's own echo server, one run.

Both servers run as their own processes (``growth serve`` and ``bench/mcp_echo.py``) and are driven by
the same official client, over stdio and streamable HTTP, in both protocol eras (``legacy``: the
initialize handshake and a session; ``2026-07-28``: the per-request era). For each tool: p50 and p99 of
sequential calls, and the server's CPU time per call (from /proc). Over HTTP, throughput with 16
concurrent clients. The engine's own approve-and-execute time (``decide`` in-process, the same
database) is measured in the same run, since approving is mostly that work.

    .venv/bin/python bench/mcp.py [--calls 200] [--per-client 40] [--transports stdio,http]
"""

from __future__ import annotations

import argparse
import asyncio
import os
import socket
import statistics
import subprocess
import sys
import tempfile
import time
from collections.abc import AsyncIterator, Awaitable, Callable
from contextlib import asynccontextmanager
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

# this file is bench/mcp.py: the folder Python puts first on the path would shadow the SDK's ``mcp``
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import httpx  # noqa: E402
from mcp import Client, StdioServerParameters  # noqa: E402
from mcp.client.streamable_http import streamable_http_client  # noqa: E402
from mcp.shared._httpx_utils import create_mcp_http_client  # noqa: E402
from sqlalchemy import insert  # noqa: E402

from bench.common import SECRET, machine, percentile  # noqa: E402

ROOT = Path(__file__).resolve().parent.parent
PY = sys.executable
TENANT = "demo"
MODES = ("legacy", "2026-07-28")
TICK = os.sysconf("SC_CLK_TCK")
CHAT = "show my top actions"


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


def cpu_seconds(pids: list[int]) -> float:
    total = 0
    for pid in pids:
        try:
            fields = Path(f"/proc/{pid}/stat").read_text().rsplit(")", 1)[1].split()
        except OSError:
            continue
        total += int(fields[11]) + int(fields[12])  # utime, stime
    return total / TICK


def children() -> list[int]:
    """Our child processes (the stdio servers the client launched)."""
    me, found = os.getpid(), []
    for entry in Path("/proc").iterdir():
        if entry.name.isdigit():
            try:
                if int((entry / "stat").read_text().rsplit(")", 1)[1].split()[1]) == me:
                    found.append(int(entry.name))
            except (OSError, IndexError):
                continue
    return found


# --- the store -------------------------------------------------------------------------------------------

class Store:
    """A demo store in a scratch folder, with pages to rewrite and a token for HTTP."""

    def __init__(self, folder: Path) -> None:
        self.folder = folder
        self.url = f"sqlite+aiosqlite:///{folder / 'growth.db'}"
        self.env = {**{k: v for k, v in os.environ.items() if not k.startswith("GROWTH_")},
                    "GROWTH_DATABASE_URL": self.url, "GROWTH_SECRET_KEY": SECRET, "GROWTH_TENANT": TENANT,
                    "GROWTH_DEMO_DIR": str(folder / "demo"), "GROWTH_RATE_LIMIT_EXECUTIONS": "100000000",
                    "GROWTH_MCP_SESSIONS_PER_TOKEN": "64", "GROWTH_BRAIN": "rules"}
        self.pending: list[tuple[int, int]] = []
        self.token = ""
        self.action_id = 0

    def settings(self) -> Any:
        from server.settings import Settings

        return Settings(database_url=self.url, secret_key=SECRET, tenant=TENANT, rate_limit_executions=100_000_000)

    async def prepare(self, approvals: int) -> None:
        subprocess.run([PY, "-m", "server.cli", "demo"], env=self.env, check=True, stdout=subprocess.DEVNULL,
                       stderr=subprocess.DEVNULL, cwd=ROOT)
        from policies.principal import Principal
        from server.app import create_app
        from server.persistence import models as m
        from tools.actions import list_actions
        from tools.tokens import create_token

        app = await create_app(self.settings())
        try:
            now = datetime.now(timezone.utc)
            async with app.db.write(TENANT) as tx:
                await tx.conn.execute(insert(m.Product), [dict(tenant_id=TENANT, handle=f"bench-p{i}", title=f"P{i}",
                                                               updated_at=now) for i in range(approvals)])
            self.pending = await propose_many(app, approvals)
            op = Principal.operator(TENANT)
            self.token, _ = await create_token(app.deps, op, tenant=TENANT, role="operator", scopes=[])
            self.action_id = (await list_actions(app.deps, op, status="live", limit=1))[0].id
        finally:
            await app.close()

    def take(self) -> tuple[int, int]:
        return self.pending.pop()


async def propose_many(app: Any, n: int) -> list[tuple[int, int]]:
    from policies.principal import Principal
    from tools.actions import propose

    agent = Principal.for_agent(TENANT, "content")
    made = []
    for i in range(n):
        result = await propose(app.deps, agent, {
            "kind": "content.rewrite_title", "target": f"page:https://shop.example/products/bench-p{i}",
            "params": {"new_title": f"Better product title {i}"}, "agent": "content", "title": "t",
            "expected_revenue": 100, "confidence": 0.5, "ease": 0.5,
            "evidence": [{"source": "gsc", "query": "q", "metric": "ctr", "value": 0.01, "window": "28d",
                          "observed_at": datetime.now(timezone.utc).isoformat()}],
            "rollback_plan": {"description": "restore the previous title"}})
        made.append((result.action.id, result.action.version))
    return made


async def engine_approve(store: Store, n: int) -> list[float]:
    """``decide(approve)`` in-process on the same database: the engine's own approve-and-execute time."""
    from policies.principal import Principal
    from server.app import create_app
    from tools.decisions import decide

    app = await create_app(store.settings())
    op = Principal.operator(TENANT)
    out = []
    try:
        for _ in range(n):
            action_id, version = store.take()
            t = time.perf_counter()
            await decide(app.deps, op, action_id=action_id, version=version, verdict="approve")
            out.append((time.perf_counter() - t) * 1000)
    finally:
        await app.close()
    return out


# --- servers and clients ---------------------------------------------------------------------------------

@asynccontextmanager
async def http_server(argv: list[str], env: dict[str, str], port: int) -> AsyncIterator[int]:
    # the log goes to a file, not a pipe: a pipe nobody reads fills up and blocks a server that logs per request
    log = tempfile.TemporaryFile()
    proc = subprocess.Popen(argv, env=env, stdout=subprocess.DEVNULL, stderr=log, cwd=ROOT)
    try:
        async with httpx.AsyncClient() as http:
            for _ in range(600):
                if proc.poll() is not None:
                    log.seek(0)
                    raise SystemExit(f"{argv} exited: {log.read().decode(errors='replace')[-800:]}")
                try:
                    await http.post(f"http://127.0.0.1:{port}/mcp", content=b"{}")
                    break
                except httpx.TransportError:
                    await asyncio.sleep(0.05)
        yield proc.pid
    finally:
        proc.terminate()
        proc.wait(timeout=20)
        log.close()


@asynccontextmanager
async def client(transport: str, mode: str, *, ours: bool, store: Store, port: int = 0) -> AsyncIterator[Client]:
    if transport == "stdio":
        argv = ["-m", "server.cli", "serve"] if ours else [str(ROOT / "bench" / "mcp_echo.py")]
        params = StdioServerParameters(command=PY, args=argv, env=store.env, cwd=str(ROOT))
        async with Client(params, mode=mode) as c:
            yield c
        return
    headers = {"Authorization": f"Bearer {store.token}"} if ours else {}
    http = create_mcp_http_client(headers=headers)
    try:
        async with Client(streamable_http_client(f"http://127.0.0.1:{port}/mcp", http_client=http), mode=mode) as c:
            yield c
    finally:
        await http.aclose()


Call = Callable[[Client], Awaitable[Any]]


def calls(store: Store) -> dict[str, Call]:
    async def approve(c: Client) -> Any:
        action_id, version = store.take()
        return await c.call_tool("approve_action", {"action_id": action_id, "version": version})

    counter = iter(range(10**9))
    return {
        "list_actions": lambda c: c.call_tool("list_actions", {"limit": 10}),
        "get_action": lambda c: c.call_tool("get_action", {"action_id": store.action_id}),
        "get_status": lambda c: c.call_tool("get_status", {}),
        "approve_action": approve,
        "chat": lambda c: c.call_tool("chat", {"message": CHAT, "thread": f"bench-{next(counter)}"}),
    }


async def sequential(c: Client, call: Call, n: int, pids: list[int]) -> tuple[list[float], float]:
    for _ in range(min(10, n)):
        result = await call(c)
        if getattr(result, "is_error", False):
            raise SystemExit(f"a call failed: {result.content}")
    cpu0, out = cpu_seconds(pids), []
    for _ in range(n):
        t = time.perf_counter()
        result = await call(c)
        out.append((time.perf_counter() - t) * 1000)
        if getattr(result, "is_error", False):
            raise SystemExit(f"a call failed: {result.content}")
    return out, (cpu_seconds(pids) - cpu0) / n * 1000


async def concurrent(transport: str, mode: str, *, ours: bool, store: Store, port: int, call: Call,
                     clients: int, per_client: int) -> float:
    """Calls per second with ``clients`` sessions calling at once (from the start signal to the last reply)."""
    ready, go = asyncio.Event(), asyncio.Event()
    opened, finished = 0, []

    async def one() -> None:
        nonlocal opened
        async with client(transport, mode, ours=ours, store=store, port=port) as c:
            await call(c)
            opened += 1
            if opened == clients:
                ready.set()
            await go.wait()
            for _ in range(per_client):
                await call(c)
            finished.append(time.perf_counter())

    async with asyncio.TaskGroup() as tg:
        for _ in range(clients):
            tg.create_task(one())
        await ready.wait()
        t = time.perf_counter()
        go.set()
    return clients * per_client / (max(finished) - t)


# --- the run ---------------------------------------------------------------------------------------------

def p50(values: list[float]) -> float:
    return statistics.median(values)


async def run(args: argparse.Namespace) -> None:
    store = Store(Path(tempfile.mkdtemp(prefix="growth-bench-mcp-")))
    transports = args.transports.split(",")
    approvals = args.calls + 10
    print("building the demo store ...", file=sys.stderr)
    await store.prepare(approvals * len(transports) * len(MODES) + args.calls + 10)
    engine = await engine_approve(store, args.calls)
    print(f"# bench/mcp.py — {machine()}\n")
    print(f"engine approve-and-execute in-process (decide): p50 {p50(engine):.2f} ms, "
          f"p99 {percentile(engine, 99):.2f} ms\n")
    print("| transport | era | call | p50 ms | p99 ms | server CPU ms/call | echo p50 ms | ratio to echo p50 | target |")
    print("|---|---|---|---|---|---|---|---|---|")
    tools = calls(store)
    echo: Call = lambda c: c.call_tool("echo", {"text": "hello"})  # noqa: E731
    for transport in transports:
        for mode in MODES:
            echo_port, ours_port = free_port(), free_port()
            async with servers(transport, store, echo_port, ours_port) as (echo_pids, ours_pids):
                async with client(transport, mode, ours=False, store=store, port=echo_port) as c:
                    pids = echo_pids or children()
                    base, base_cpu = await sequential(c, echo, args.calls, pids)
                print(f"| {transport} | {mode} | echo (SDK) | {p50(base):.2f} | {percentile(base, 99):.2f} | "
                      f"{base_cpu:.2f} | — | — | — |", flush=True)
                async with client(transport, mode, ours=True, store=store, port=ours_port) as c:
                    pids = ours_pids or [p for p in children() if p not in echo_pids]
                    for name, call in tools.items():
                        n = args.calls if name != "chat" else max(20, args.calls // 4)
                        times, cpu = await sequential(c, call, n, pids)
                        ratio = p50(times) / p50(base)
                        target = {"approve_action": f"≤ echo + engine = {p50(base) + p50(engine):.2f} ms: "
                                                    f"{'met' if p50(times) <= p50(base) + p50(engine) else 'NOT met'}",
                                  "chat": "—"}.get(name, f"≤ 1.5x: {'met' if ratio <= 1.5 else 'NOT met'}")
                        print(f"| {transport} | {mode} | {name} | {p50(times):.2f} | {percentile(times, 99):.2f} | "
                              f"{cpu:.2f} | {p50(base):.2f} | {ratio:.2f}x | {target} |", flush=True)
                if transport == "http":
                    for name in ("list_actions", "get_status"):
                        theirs = await concurrent(transport, mode, ours=False, store=store, port=echo_port,
                                                  call=echo, clients=16, per_client=args.per_client)
                        mine = await concurrent(transport, mode, ours=True, store=store, port=ours_port,
                                                call=tools[name], clients=16, per_client=args.per_client)
                        print(f"| {transport} | {mode} | 16 clients: {name} | {mine:.0f} calls/s | — | — | "
                              f"echo {theirs:.0f} calls/s | {mine / theirs:.2f}x | ≥ 0.7x: "
                              f"{'met' if mine / theirs >= 0.7 else 'NOT met'} |", flush=True)


@asynccontextmanager
async def servers(transport: str, store: Store, echo_port: int, ours_port: int
                  ) -> AsyncIterator[tuple[list[int], list[int]]]:
    if transport == "stdio":  # the client launches each stdio server itself
        yield [], []
        return
    async with http_server([PY, str(ROOT / "bench" / "mcp_echo.py"), "--http", str(echo_port)], store.env,
                           echo_port) as echo_pid, \
            http_server([PY, "-m", "server.cli", "serve", "--http", "--port", str(ours_port)], store.env,
                        ours_port) as ours_pid:
        yield [echo_pid], [ours_pid]


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--calls", type=int, default=200, help="sequential calls per tool")
    parser.add_argument("--per-client", type=int, default=40, help="calls per client with 16 clients")
    parser.add_argument("--transports", default="stdio,http")
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
