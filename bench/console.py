"""How the console's inbox holds up as the queue grows: the page's time with 20, 1,000 and 100,000 pending
actions, on the first page and a deep one, against the sign-in page (a template with no data) in the same run.

Requests go through the console's ASGI app in-process (httpx's ASGI transport, a signed-in session), so the
figures are the server's work — session, ABAC, the ranked query, the delivery states, the template — not the
network's or the browser's. The inbox is paged (50 a page), so the time should not grow with the queue.

    .venv/bin/python bench/console.py [--runs 200]
"""

from __future__ import annotations

import argparse
import asyncio
import re
import statistics
import sys
from pathlib import Path

sys.path.insert(0, str(Path(__file__).resolve().parent.parent))

import httpx  # noqa: E402

from bench.actions import OP, TENANT, action_rows, seed, settings  # noqa: E402
from bench.common import fresh_sqlite_url, machine, percentile, timed  # noqa: E402
from server.app import create_app  # noqa: E402
from server.persistence.migrate import upgrade  # noqa: E402
from server.web import build_console  # noqa: E402
from tools.tokens import create_token  # noqa: E402


async def store(pending: int, runs: int) -> dict[str, list[float]]:
    url = fresh_sqlite_url(f"console-{pending}")
    await upgrade(url)
    app = await create_app(settings(url))
    try:
        await seed(app, action_rows(pending, status="pending_approval"))
        token, _ = await create_token(app.deps, OP, tenant=TENANT, role="operator", scopes=[])
        transport = httpx.ASGITransport(app=build_console(app))
        async with httpx.AsyncClient(transport=transport, base_url="http://127.0.0.1") as http:
            signed = await http.post("/app/login", data={"token": token}, follow_redirects=False,
                                     headers={"Origin": "http://127.0.0.1"})
            cookie = {"Cookie": "growth_console=" + re.search(r"growth_console=([^;]+)",
                                                               signed.headers["set-cookie"]).group(1)}
            deep = max(1, pending // 50 - 1)

            async def get(path: str) -> None:
                answer = await http.get(path, headers=cookie)
                assert answer.status_code == 200, (path, answer.status_code)

            return {"sign-in page (no data)": await timed(lambda: get("/app/login"), runs),
                    "inbox, page 1": await timed(lambda: get("/app"), runs),
                    f"inbox, page {deep}": await timed(lambda: get(f"/app?page={deep}"), runs)}
    finally:
        await app.close()


async def main(runs: int) -> None:
    print(f"bench/console.py — {machine()}; {runs} requests each, in-process (ASGI)")
    print("| pending actions | page | p50 ms | p99 ms | ratio to the sign-in page p50 |")
    print("|---|---|---|---|---|")
    for pending in (20, 1_000, 100_000):
        figures = await store(pending, runs)
        base = statistics.median(figures["sign-in page (no data)"])
        for name, values in figures.items():
            p50 = statistics.median(values)
            print(f"| {pending:,} | {name} | {p50:.2f} | {percentile(values, 99):.2f} | {p50 / base:.1f}x |")


if __name__ == "__main__":
    parser = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    parser.add_argument("--runs", type=int, default=200)
    asyncio.run(main(parser.parse_args().runs))
