"""Resident memory of ``growth serve --http``: idle, with many idle sessions open, and under busy clients.

Ours and the SDK's own echo server (``bench/mcp_echo.py``) run side by side in the same run, each as its
own process. An idle session is what a 2025-era client leaves behind after ``initialize`` and
``notifications/initialized`` and nothing else; memory per idle session is the growth of the process's
resident set (``VmRSS`` from /proc) divided by the sessions opened, taken after a collection pause so
transient buffers are not counted. Ours puts a session with no request for 10 s to sleep
(``server/session_manager.py``), so the figures are taken just after opening and again 12 s later; a
second wave of as many sessions shows what each costs once the allocator has the first wave's freed
memory to reuse. Then 16 clients call ``list_actions`` (the echo's ``echo``) at once.

    .venv/bin/python bench/memory.py [--sessions 1000] [--per-client 40]
"""

from __future__ import annotations

import argparse
import asyncio
import sys
import tempfile
from pathlib import Path

# this folder holds bench/mcp.py, which would shadow the SDK's ``mcp``
sys.path[0] = str(Path(__file__).resolve().parent.parent)

import httpx  # noqa: E402

from bench.common import machine  # noqa: E402
from bench.mcp import PY, ROOT, Store, concurrent, free_port, http_server  # noqa: E402

LEGACY = "2025-06-18"
ACCEPT = {"Accept": "application/json, text/event-stream", "Content-Type": "application/json"}
INIT = {"jsonrpc": "2.0", "id": 1, "method": "initialize", "params": {
    "protocolVersion": LEGACY, "capabilities": {}, "clientInfo": {"name": "memory-bench", "version": "1"}}}
INITIALIZED = {"jsonrpc": "2.0", "method": "notifications/initialized"}
#: per idle session, the issue's target
TARGET_KB = 15
#: long enough for an idle session of ours to fall asleep (``GROWTH_MCP_SESSION_HIBERNATE_SECONDS``, 10 s)
ASLEEP_AFTER = 12.0


def rss_kb(pid: int) -> int:
    for line in Path(f"/proc/{pid}/status").read_text().splitlines():
        if line.startswith("VmRSS:"):
            return int(line.split()[1])
    raise SystemExit(f"no VmRSS for process {pid}")


async def settled_rss(pid: int, wait: float = 1.5) -> int:
    """The resident set once the server has answered everything and had a moment to free what it can."""
    await asyncio.sleep(wait)
    return rss_kb(pid)


async def open_idle_sessions(url: str, token: str, n: int) -> list[str]:
    """``n`` sessions opened (32 at a time) and left idle; their ids."""
    headers = ACCEPT | ({"Authorization": f"Bearer {token}"} if token else {})
    ids: list[str] = []
    limits = httpx.Limits(max_connections=32, max_keepalive_connections=32)
    async with httpx.AsyncClient(timeout=60, limits=limits) as http:
        async def one() -> None:
            r = await http.post(url, json=INIT, headers=headers)
            if r.status_code != 200:
                raise SystemExit(f"initialize answered {r.status_code}: {r.text[:300]}")
            sid = r.headers["mcp-session-id"]
            r = await http.post(url, json=INITIALIZED, headers=headers | {"mcp-session-id": sid,
                                                                          "mcp-protocol-version": LEGACY})
            if r.status_code >= 400:
                raise SystemExit(f"notifications/initialized answered {r.status_code}: {r.text[:300]}")
            ids.append(sid)

        for start in range(0, n, 32):
            await asyncio.gather(*(one() for _ in range(min(32, n - start))))
    return ids


async def measure(name: str, pid: int, url: str, token: str, n: int, busy: object) -> dict[str, float]:
    """Idle; ``n`` sessions just opened; once they have slept (if they do); ``n`` more once those have too
    (the second wave reuses what the allocator freed from the first, so its growth is what an idle session
    costs for as long as it stays idle); then after the busy clients."""
    idle = await settled_rss(pid)
    await open_idle_sessions(url, token, 10)  # the first sessions warm caches every later one shares
    warm = await settled_rss(pid, ASLEEP_AFTER)
    await open_idle_sessions(url, token, n)
    awake = await settled_rss(pid)
    first = await settled_rss(pid, ASLEEP_AFTER)
    await open_idle_sessions(url, token, n)
    second = await settled_rss(pid, ASLEEP_AFTER)
    await busy  # type: ignore[misc]
    after_busy = await settled_rss(pid)
    row = {"idle": idle / 1024, "awake": (awake - warm) / n, "first": (first - warm) / n,
           "second": (second - first) / n, "busy": after_busy / 1024}
    print(f"| {name} | {row['idle']:.1f} MB | {row['awake']:.1f} KB | {row['first']:.1f} KB | "
          f"{row['second']:.1f} KB | {second / 1024:.1f} MB | {row['busy']:.1f} MB |", flush=True)
    return row


async def run(args: argparse.Namespace) -> None:
    store = Store(Path(tempfile.mkdtemp(prefix="growth-bench-memory-")))
    n = args.sessions
    # the limits are the operator's to set; here they are opened wide so the flood is what is measured
    store.env |= {"GROWTH_MCP_SESSIONS_PER_TOKEN": str(2 * n + 100),
                  "GROWTH_MCP_SESSIONS_PER_PRINCIPAL": str(2 * n + 100),
                  "GROWTH_MCP_SESSION_POOL": str(2 * n + 200), "GROWTH_MCP_SESSIONS_OPERATOR_RESERVE": "10"}
    print("building the demo store ...", file=sys.stderr)
    await store.prepare(10)
    print(f"# bench/memory.py — {machine()}\n")
    print(f"{n} idle sessions; then 16 clients × {args.per_client} calls\n")
    print("| server | idle RSS | per session, just opened | first wave, after 12 s | second wave, after 12 s | "
          "with both waves | after 16 busy clients |")
    print("|---|---|---|---|---|---|---|")
    echo_port, ours_port = free_port(), free_port()
    async with http_server([PY, str(ROOT / "bench" / "mcp_echo.py"), "--http", str(echo_port)], store.env,
                           echo_port) as echo_pid:
        echo = await measure("echo (SDK)", echo_pid, f"http://127.0.0.1:{echo_port}/mcp", "", n,
                             concurrent("http", "legacy", ours=False, store=store, port=echo_port,
                                        call=lambda c: c.call_tool("echo", {"text": "hello"}), clients=16,
                                        per_client=args.per_client))
    async with http_server([PY, "-m", "server.cli", "serve", "--http", "--port", str(ours_port)], store.env,
                           ours_port) as ours_pid:
        ours = await measure("growth serve --http", ours_pid, f"http://127.0.0.1:{ours_port}/mcp", store.token, n,
                             concurrent("http", "legacy", ours=True, store=store, port=ours_port,
                                        call=lambda c: c.call_tool("list_actions", {"limit": 10}), clients=16,
                                        per_client=args.per_client))
    print(f"\nper idle session (second wave): ours {ours['second']:.1f} KB, the SDK's echo {echo['second']:.1f} KB; "
          f"target ≤ {TARGET_KB} KB: {'met' if ours['second'] <= TARGET_KB else 'NOT met'}")


def main() -> None:
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--sessions", type=int, default=1000)
    parser.add_argument("--per-client", type=int, default=40)
    asyncio.run(run(parser.parse_args()))


if __name__ == "__main__":
    main()
