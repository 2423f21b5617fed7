"""Over MCP with the official client: the operator starts a workflow template, follows it to the end,
pauses and resumes another; a viewer may list but not start; another store's operator sees none of
them; ``run_all_specialists`` runs the four specialists as durable child workflows."""

from __future__ import annotations

import asyncio
from typing import Any

import pytest
from dbos import DBOS
from mcp import Client

from graphs.registry import SPECIALISTS
from server.app import App
from server.durable.engine import Durable
from tests.server.conftest import MODES, Tokens, http_client


async def _until_done(client: Client, workflow_id: str) -> dict[str, Any]:
    for _ in range(600):
        got = await client.call_tool("get_workflow", {"workflow_id": workflow_id})
        assert not got.is_error, got.content
        if got.structured_content["workflow"]["state"] in ("done", "failed"):
            return dict(got.structured_content["workflow"])
        await asyncio.sleep(0.1)
    raise AssertionError(f"{workflow_id} did not finish")


@pytest.mark.parametrize("mode", MODES)
async def test_workflows_are_started_followed_and_steered_over_mcp(served: tuple[App, str], tokens: Tokens,
                                                                   mode: str) -> None:
    app, url = served
    async with Durable(app):
        async with http_client(url, tokens.operator, mode) as client:
            started = await client.call_tool("start_workflow", {"template": "fraud-sweep"})
            assert not started.is_error, started.content
            wid = started.structured_content["workflow"]["id"]
            done = await _until_done(client, wid)
            assert done["progress"] == "3/3 steps"
            assert [s["output"]["step"] for s in done["steps"]] == ["sync shopify-orders", "run risk", "digest"]
            text = (await client.call_tool("get_workflow", {"workflow_id": wid})).content[0].text
            assert "sync shopify-orders: skipped — no live connection" in text

            second = (await client.call_tool("start_workflow", {"template": "restock-check"})).structured_content
            paused = await client.call_tool("pause_workflow", {"workflow_id": second["workflow"]["id"]})
            assert paused.structured_content["workflow"]["state"] == "paused"
            resumed = await client.call_tool("resume_workflow", {"workflow_id": second["workflow"]["id"]})
            assert not resumed.is_error, resumed.content
            assert (await _until_done(client, second["workflow"]["id"]))["state"] == "done"
            listed = (await client.call_tool("list_workflows", {})).structured_content
            assert {w["id"] for w in listed["workflows"]} == {wid, second["workflow"]["id"]}
            assert set(listed["templates"]) == {"weekly-seo-sweep", "restock-check", "fraud-sweep", "full-review"}

            everything = await client.call_tool("run_all_specialists", {})
            assert not everything.is_error, everything.content
            assert sorted(r["agent"] for r in everything.structured_content["results"]) == sorted(SPECIALISTS)
            runs = await DBOS.list_workflows_async(name="growth.specialist")
            assert len(runs) >= len(SPECIALISTS) and {r.status for r in runs} == {"SUCCESS"}

        async with http_client(url, tokens.viewer, mode) as viewer:
            assert not (await viewer.call_tool("list_workflows", {})).is_error
            refused = await viewer.call_tool("start_workflow", {"template": "fraud-sweep"})
            assert refused.is_error
        async with http_client(url, tokens.other_operator, mode) as other:
            assert (await other.call_tool("list_workflows", {})).structured_content["workflows"] == []
            hidden = await other.call_tool("get_workflow", {"workflow_id": wid})
            assert hidden.is_error and "no workflow" in hidden.content[0].text
