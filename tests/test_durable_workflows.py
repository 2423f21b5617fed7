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


# --- from the operator's conversation (the rules brain; the gate decides as for every write) ---------------

async def test_the_operator_starts_a_workflow_in_chat_and_follows_it(app: App, on: tuple[Deps, workflows.Control]
                                                                    ) -> None:
    chat = await app.agents()
    turn = await chat.send(OP, "kick off the fraud sweep please", thread="wf1")
    listed = await workflows.list_workflows(*on, OP)
    assert [w["template"] for w in listed] == ["fraud-sweep"]  # named by the operator: started at once
    started = listed[0]["id"]
    assert f"Started Fraud sweep ({started})" in turn.reply and "yes / no" not in turn.reply
    await _finish(started)

    turn = await chat.send(OP, "how are my workflows going?", thread="wf1")
    assert f"Fraud sweep ({started}): done, 3/3 steps" in turn.reply
    events = await app.deps.db.query("demo", lambda tx: tx.audit.recent(limit=50))
    assert any(e.event == "workflow.started" and e.subject == f"workflow:{started}" and e.actor == OP.subject
               for e in events)


@pytest.mark.parametrize("message", [
    "don't start the fraud sweep yet", "what does the fraud sweep do?", "is the restock check running?",
    "maybe run the full review later", "the weekly SEO sweep", "do not kick off the restock check",
])
async def test_a_workflow_only_named_hedged_or_asked_about_starts_nothing(app: App, on: tuple[Deps, workflows.Control],
                                                                         message: str) -> None:
    chat = await app.agents()
    turn = await chat.send(OP, message, thread="wf2")
    assert await workflows.list_workflows(*on, OP) == []
    assert "Started" not in turn.reply


async def test_two_workflows_in_one_message_start_both(app: App, on: tuple[Deps, workflows.Control]) -> None:
    chat = await app.agents()
    turn = await chat.send(OP, "start the restock check and the weekly SEO sweep", thread="wf3")
    assert sorted(w["template"] for w in await workflows.list_workflows(*on, OP)) == ["restock-check",
                                                                                      "weekly-seo-sweep"]
    assert turn.reply.count("Started ") == 2


@pytest.mark.parametrize("backend", ["sqlite"])  # PostgreSQL's system schema is shared by the suite's databases
async def test_with_no_durable_engine_anywhere_chat_says_what_is_missing(app: App, backend: str) -> None:
    await seed_store(app)
    chat = await app.agents()
    turn = await chat.send(OP, "start the weekly SEO sweep", thread="wf4")
    assert "could not start weekly-seo-sweep" in turn.reply and "growth serve" in turn.reply
    assert "Started" not in turn.reply


async def test_a_model_that_starts_a_workflow_unasked_is_echoed_and_waits_for_yes(
        app: App, on: tuple[Deps, workflows.Control]) -> None:
    from langchain_core.messages import AIMessage

    from graphs.brains.openai import ModelBrain
    from tests.graphs.scripted import ScriptedChatModel, tool_call

    script = [AIMessage("", tool_calls=[tool_call("start_workflow", {"template": "full-review"}, "c1")]),
              AIMessage("I started a full review for you.")]
    chat = await app.agents(brain=ModelBrain(ScriptedChatModel(script=script)))
    turn = await chat.send(OP, "what's new?", thread="wf5")
    assert await workflows.list_workflows(*on, OP) == []
    assert turn.pending and turn.pending[0]["verb"] == "workflow"
    assert "Start the Full review workflow now? yes / no" in turn.reply

    turn = await chat.send(OP, "yes", thread="wf5")
    assert [w["template"] for w in await workflows.list_workflows(*on, OP)] == ["full-review"]
    assert turn.trace == ["confirm"]
