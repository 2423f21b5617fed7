"""A store for outcome measurement tests: pages with Search Console clicks and GA4 sessions per day around T0,
a planted lift after an action executed through the real decision path, and how an outcome is read back."""

from __future__ import annotations

import asyncio
import random
from datetime import datetime, timedelta, timezone
from typing import Any

from sqlalchemy import insert
from typer.testing import CliRunner

from policies.principal import Principal
from server.app import App
from server.cli import app as cli
from server.persistence import models as m
from server.persistence import models_telemetry as t
from tests.conftest import TEST_SECRET
from tests.factories import proposal
from tools.actions import propose
from tools.decisions import decide

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
INVENTORY = Principal.for_agent("demo", "inventory")
T0 = datetime(2026, 10, 1, 9, 0, tzinfo=timezone.utc)
PAGES = 14
BASE_CLICKS = 30.0
PLANTED = 10.0  # extra clicks a day on a treated page after its action
VALUE_PER_SESSION = 2.5


def noise_of(seed: int) -> dict[tuple[int, int], float]:
    """Clicks per (page, day offset): a level per page, a shock all pages share that day, and the page's own noise."""
    rng = random.Random(seed)
    shared = {d: rng.gauss(0, 4) + (6 if (d % 7) in (5, 6) else 0) for d in range(-40, 30)}
    return {(p, d): BASE_CLICKS * (0.7 + 0.05 * p) + shared[d] + rng.gauss(0, 4)
            for p in range(PAGES) for d in range(-40, 30)}


async def seed_pages(app: App) -> None:
    async with app.db.write("demo") as tx:
        await tx.tenants.ensure(name="demo", now=T0)
        conn = tx.conn  # type: ignore[attr-defined]
        for p in range(PAGES):
            await conn.execute(insert(m.Product).values(tenant_id="demo", handle=f"p{p}", title=f"Product {p}",
                                                        seo_title=f"Product {p}", updated_at=T0))
            await conn.execute(insert(t.GscPage).values(tenant_id="demo", id=p + 1,
                                                        url=f"https://shop.example/products/p{p}",
                                                        path=f"/products/p{p}"))
        await conn.execute(insert(t.GscQuery).values(tenant_id="demo", id=1, text="linen"))


async def write_clicks(app: App, noise: dict[tuple[int, int], float], first: int, last: int,
                        lift: dict[int, float]) -> None:
    """Search Console days ``first..last`` (offsets from T0's day); ``lift`` adds clicks after the action."""
    rows, ga4 = [], []
    for p in range(PAGES):
        for d in range(first, last + 1):
            clicks = max(0, round(noise[(p, d)] + (lift.get(p, 0.0) if d > 0 else 0.0)))
            day = T0.date() + timedelta(days=d)
            rows.append({"tenant_id": "demo", "page_id": p + 1, "query_id": 1, "day": day,
                         "impressions": clicks * 20 + 100, "clicks": clicks, "position_sum": 3.0 * (clicks * 20 + 100)})
            ga4.append({"tenant_id": "demo", "landing_page": f"/products/p{p}", "channel": "Organic Search",
                        "day": day, "sessions": 100, "engaged_sessions": 60, "key_events": 2.0,
                        "revenue": 100 * VALUE_PER_SESSION, "purchases": 3})
    async with app.db.write("demo") as tx:
        conn = tx.conn  # type: ignore[attr-defined]
        await conn.execute(insert(t.GscDaily), rows)
        await conn.execute(insert(t.Ga4Daily), ga4)


async def execute_title(app: App, page: int) -> int:
    made = await propose(app.deps, CONTENT, proposal("content.rewrite_title", target=f"page:/products/p{page}",
                                                     params={"new_title": f"Linen Product {page} – Handmade"},
                                                     revenue=500.0, observed_at=T0 - timedelta(days=1)))
    done = await decide(app.deps, OP, action_id=made.action.id, version=1, verdict="approve")
    assert done.action.status == "executed", done.execution
    return made.action.id


async def show(db_url: str, action_id: int) -> str:
    """``growth actions show ID`` as the operator types it (its own process state, in a thread of its own)."""
    env = {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET, "GROWTH_TENANT": "demo"}
    result = await asyncio.to_thread(CliRunner().invoke, cli, ["actions", "show", str(action_id)], env=env,
                                     catch_exceptions=False)
    assert result.exit_code == 0, result.output
    return result.stdout


def outcome_of(detail: dict[str, Any]) -> dict[str, Any]:
    assert detail["outcome"] is not None, "get_action shows no outcome"
    return detail["outcome"]
