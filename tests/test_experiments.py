"""The operator sees each experiment (a held-back control group) and may end it early.

Started the way an operator starts one (several approvals of one kind with a held-back share), seen over
MCP with the official client and on the command line in its own process, ended from the command line:
the held-back page is free again, the result is final and kept, the end is audited.
"""

from __future__ import annotations

import asyncio
import os
import subprocess
import sys
from datetime import timedelta
from pathlib import Path

import pytest
from mcp import Client

from policies.principal import Principal, Role
from server.app import App
from server.mcp.identity import Principals
from server.mcp.server import build_mcp
from tests.conftest import TEST_SECRET, Clock
from tests.factories import proposal
from tests.outcome_store import T0, seed_pages
from tools.actions import propose
from tools.audit import verify
from tools.decisions import BulkItem, bulk_decide
from tools.errors import Conflict, Forbidden, NotFound
from tools.experiments import end_experiment, list_experiments
from tools.outcomes import measure_outcomes

GROWTH = Path(sys.executable).with_name("growth")
OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")


async def growth(db_url: str, *args: str, code: int = 0) -> subprocess.CompletedProcess[str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROWTH_")} | {
        "GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET, "GROWTH_TENANT": "demo", "COLUMNS": "200"}
    done = await asyncio.to_thread(subprocess.run, [str(GROWTH), *args], capture_output=True, text=True, env=env,
                                   timeout=120)
    assert done.returncode == code, (args, done.stdout, done.stderr)
    return done


def rewrite(p: int, title: str, days: int = -1) -> object:
    return proposal("content.rewrite_title", target=f"page:/products/p{p}", params={"new_title": title},
                    revenue=500.0, observed_at=T0 + timedelta(days=days))


async def _started(app: App, clock: Clock) -> tuple[list[int], list[int]]:
    clock.now = T0
    await seed_pages(app)
    ids = [(await propose(app.deps, CONTENT, rewrite(p, f"Linen Product {p}"))).action.id for p in range(4)]
    results = await bulk_decide(app.deps, OP, items=[BulkItem(i, 1, "approve") for i in ids], holdout_share=0.5)
    held = [r["action_id"] for r in results if r.get("held_back")]
    return ids, held


async def test_an_experiment_is_shown_with_its_groups_and_ended_early_frees_its_control(app: App, clock: Clock,
                                                                                      db_url: str) -> None:
    ids, held = await _started(app, clock)
    assert len(held) == 2
    page = ids.index(held[0])
    clock.now = T0 + timedelta(days=3)
    with pytest.raises(Conflict) as refused:
        await propose(app.deps, CONTENT, rewrite(page, "Linen, Handmade and Better", days=2))
    assert refused.value.code == "held_back"

    # over MCP: the operator's client lists it, with its groups and until when the control is held back
    mcp = build_mcp(app, principals=Principals(app.deps, local_tenant="demo"))
    async with Client(mcp) as client:
        listed = await client.call_tool("list_experiments", {})
    assert not listed.is_error
    [shown] = listed.structured_content["experiments"]
    assert shown["state"] == "running" and sorted(shown["held_back"]) == sorted(held)
    assert sorted(shown["treated"] + shown["held_back"]) == sorted(ids)
    assert shown["holding_until"].startswith("2026-10-30")
    text = listed.content[0].text
    assert f"#{shown['id']} content.rewrite_title: running · 2 treated, 2 held back" in text
    assert "until 2026-10-30" in text and "not measured yet" in text

    # from the command line, another process: bad input is named, nothing changes
    bad = await growth(db_url, "experiments", "end", "seven", "--reason", "x", code=1)
    assert "'seven' is not an experiment id" in bad.stderr + bad.stdout
    blank = await growth(db_url, "experiments", "end", str(shown["id"]), "--reason", "   ", code=1)
    assert "say why the experiment ends" in blank.stderr + blank.stdout
    missing = await growth(db_url, "experiments", "end", "99", "--reason", "x", code=1)
    assert "no experiment #99" in missing.stderr + missing.stdout
    assert (await list_experiments(app.deps, OP))[0]["state"] == "running"

    ended = await growth(db_url, "experiments", "end", str(shown["id"]), "--reason", "we need p-pages for the sale")
    assert "ended" in ended.stdout and "we need p-pages for the sale" in ended.stdout
    assert "may be treated again" in ended.stdout
    again = await growth(db_url, "experiments", "end", str(shown["id"]), "--reason", "twice", code=1)
    assert "already ended" in again.stderr + again.stdout
    listing = await growth(db_url, "experiments", "list")
    assert f"#{shown['id']} content.rewrite_title: ended" in listing.stdout

    # the held-back page may be treated again, at once, well inside the 28 days
    assert (await propose(app.deps, CONTENT, rewrite(page, "Linen, Handmade and Better", days=2))).outcome == "created"
    # the result is final: a later measurement leaves it as the operator ended it
    clock.now = T0 + timedelta(days=21)
    [measured] = (await measure_outcomes(app.deps, "demo"))["experiments"]
    assert measured["state"] == "ended" and measured["final"] is True
    [after] = await list_experiments(app.deps, OP)
    assert after["state"] == "ended" and after["holding_until"] is None
    assert after["result"]["ended_by"] == "operator:cli" and after["result"]["ended_reason"] == \
        "we need p-pages for the sale"
    # audited, and the chain still verifies
    events = await app.db.query("demo", lambda tx: tx.audit.recent(limit=20, event_prefix="experiment."))
    assert [e.event for e in events] == ["experiment.ended"] and events[0].subject == f"experiment:{shown['id']}"
    assert (await verify(app.deps, "demo")).ok


async def test_who_may_see_and_end_an_experiment(app: App, clock: Clock) -> None:
    from tools.registry import invoke

    await _started(app, clock)
    [e] = await list_experiments(app.deps, OP)
    viewer = Principal(Role.VIEWER, "demo", "token:viewer")
    assert [x["id"] for x in await invoke(app.deps, viewer, "experiments.read")] == [e["id"]]
    with pytest.raises(Forbidden):
        await invoke(app.deps, viewer, "experiments.end", experiment_id=e["id"], reason="not mine to end")
    customer = Principal.customer("demo", "cust:1")
    with pytest.raises(Forbidden):
        await invoke(app.deps, customer, "experiments.read")
    with pytest.raises(Forbidden):  # another store's operator cannot reach into this one
        await invoke(app.deps, Principal.operator("other"), "experiments.end", tenant="demo", experiment_id=e["id"],
                     reason="another store")
    # and in its own store there is no such experiment
    with pytest.raises(NotFound) as other:
        await end_experiment(app.deps, Principal.operator("other"), experiment_id=e["id"], reason="x")
    assert other.value.code == "no_experiment"
    assert (await list_experiments(app.deps, OP))[0]["state"] == "running"
