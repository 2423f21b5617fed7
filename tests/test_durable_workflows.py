"""Workflows the operator starts and steers (templates on the durable engine): started, listed with
progress, paused, resumed from where they stopped, cancelled; the full review runs every specialist as a
durable child workflow. On SQLite and PostgreSQL."""

from __future__ import annotations

from collections.abc import AsyncIterator

import pytest
from dbos import DBOS

from graphs.registry import SPECIALISTS
from policies.principal import Principal
from server.app import App
from server.durable import workflows
from server.durable.engine import Durable
from tests.factories import seed_store
from tools.deps import Deps
from tools.errors import InvalidInput, NotFound

OP = Principal.operator("demo", subject="operator:cli")


@pytest.fixture
async def on(app: App) -> AsyncIterator[tuple[Deps, workflows.Control]]:
    """The durable engine running in this process, and what the operations take to steer it."""
    await seed_store(app)
    async with Durable(app):
        yield app.deps, workflows.Control()


async def _finish(workflow_id: str) -> dict:
    return await (await DBOS.retrieve_workflow_async(workflow_id)).get_result()


async def test_a_template_runs_its_steps_and_reports_them(on: tuple[Deps, workflows.Control]) -> None:
    started = await workflows.start(*on, OP, "fraud-sweep")
    assert started["template"] == "fraud-sweep" and started["state"] in ("queued", "running", "done")
    result = await _finish(started["id"])
    steps = [s["step"] for s in result["steps"]]
    assert steps == ["sync shopify-orders", "run risk", "digest"]
    assert result["steps"][0]["status"] == "skipped" and "no live connection" in result["steps"][0]["reason"]
    assert result["steps"][2]["status"] == "sent"

    shown = await workflows.get(*on, OP, started["id"])
    assert shown["state"] == "done" and shown["progress"] == "3/3 steps"
    assert [s["step"] for s in shown["steps"]] == ["workflow.sync", "workflow.run", "workflow.digest"]
    listed = await workflows.list_workflows(*on, OP)
    assert [w["id"] for w in listed] == [started["id"]]


async def test_pause_resume_and_cancel(on: tuple[Deps, workflows.Control]) -> None:
    paused = await workflows.pause(*on, OP, (await workflows.start(*on, OP, "restock-check"))["id"])
    assert paused["state"] == "paused"
    resumed = await workflows.resume(*on, OP, paused["id"])
    assert resumed["state"] in ("queued", "running", "done")
    assert [s["step"] for s in (await _finish(paused["id"]))["steps"]] == ["sync shopify-products", "run inventory",
                                                                           "digest"]
    cancelled = await workflows.cancel(*on, OP, (await workflows.start(*on, OP, "weekly-seo-sweep"))["id"])
    assert cancelled["state"] == "cancelled"
    with pytest.raises(InvalidInput, match="not paused"):
        await workflows.resume(*on, OP, cancelled["id"])
    with pytest.raises(InvalidInput, match="already finished"):
        await workflows.cancel(*on, OP, paused["id"])


async def test_the_full_review_runs_each_specialist_as_a_child_workflow(on: tuple[Deps, workflows.Control]) -> None:
    started = await workflows.start(*on, OP, "full-review")
    result = await _finish(started["id"])
    assert sorted(s["agent"] for s in result["steps"] if "agent" in s) == sorted(SPECIALISTS)
    children = await DBOS.list_workflows_async(workflow_id_prefix=started["id"] + ":")
    assert sorted(c.workflow_id.rsplit(":", 1)[1] for c in children) == sorted(SPECIALISTS)
    assert {c.status for c in children} == {"SUCCESS"}


async def test_unknown_templates_and_other_stores_workflows_are_refused(on: tuple[Deps, workflows.Control]) -> None:
    with pytest.raises(InvalidInput, match="unknown workflow 'nightly'"):
        await workflows.start(*on, OP, "nightly")
    mine = await workflows.start(*on, OP, "fraud-sweep")
    other = Principal.operator("acme", subject="operator:cli")
    with pytest.raises(NotFound):
        await workflows.get(*on, other, mine["id"])
    assert await workflows.list_workflows(*on, other) == []
    await _finish(mine["id"])
