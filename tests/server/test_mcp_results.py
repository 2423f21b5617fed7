"""MCP results read well for models and people: compact by default, every resource in markdown, errors
that say exactly what is wrong, the chat thread stated, prompts without doubled headers.

Sizes are what a client receives: the structured content as compact JSON plus the text content.
Measured on the demo store (``growth demo``: 18 actions waiting) before issue 11:

- ``list_actions`` of 12 actions: 10,606 characters (9,349 structured, digests and params included,
  + 1,257 text, which named no version);
- ``growth://inbox``: 17,629 characters of indented JSON for the 18 waiting actions.
"""

from __future__ import annotations

import asyncio
import json
import re
import shutil
from collections.abc import AsyncIterator, Iterator
from contextlib import asynccontextmanager
from datetime import date
from pathlib import Path

import pytest
from mcp import Client
from mcp_types import CallToolResult

from policies.principal import Principal
from policies.tiers import RiskTier
from server.app import App, create_app
from server.mcp.guard import Operations
from server.mcp.identity import Principals
from server.mcp.resources import RESOURCE_OPERATIONS
from server.mcp.server import build_mcp
from server.mcp.tools import TOOL_OPERATIONS, TOOLS
from tests.conftest import make_settings
from tests.factories import DEFAULT_PARAMS, proposal, seed_store
from tools.actions import propose

#: before issue 11 (see the module docstring)
LIST_TODAY = {"total": 10_606, "structured": 9_349, "text": 1_257}
INBOX_TODAY = 17_629
#: the budgets: the structured content about a third of today's, the text no longer than today's though
#: each line now names the version a decision needs and the day the action expires; the inbox a fifth
LIST_BUDGET = {"total": 4_600, "structured": 3_400, "text": 1_300}
INBOX_BUDGET = 3_500
#: ... for the 18 actions that waited then: the inbox grows with the queue, no faster
INBOX_WAITING_THEN = 18

DEMO_END = date(2026, 11, 20)
ROW_FIELDS = {"id", "version", "kind", "title", "target", "risk_tier", "status", "expected_revenue", "score",
              "waiting"}


@asynccontextmanager
async def connected(app: App) -> AsyncIterator[Client]:
    """The official client in memory, as the local (stdio) operator of the app's store."""
    mcp = build_mcp(app, principals=Principals(app.deps, local_tenant=app.settings.tenant))
    async with Client(mcp, mode="legacy") as client:
        yield client


def sizes(result: CallToolResult) -> dict[str, int]:
    structured = len(json.dumps(result.structured_content, separators=(",", ":"), ensure_ascii=False))
    text = sum(len(c.text) for c in result.content if c.type == "text")
    return {"total": structured + text, "structured": structured, "text": text}


@pytest.fixture(scope="module")
def demo_store(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[str]:
    """The demo store, built once for the size budgets (18 actions waiting)."""
    from server.demo.build import build

    folder = tmp_path_factory.mktemp("demo")
    shutil.copy(sqlite_template, folder / "growth.db")
    url = f"sqlite+aiosqlite:///{folder / 'growth.db'}"

    async def go() -> None:
        app = await create_app(make_settings(url))
        try:
            await build(app.deps, Principal.operator("demo"), folder / "files", end=DEMO_END)
        finally:
            await app.close()

    asyncio.run(go())
    yield url


@pytest.fixture
async def demo(demo_store: str) -> AsyncIterator[App]:
    app = await create_app(make_settings(demo_store))
    yield app
    await app.close()


async def queue(app: App) -> list[int]:
    """Twelve actions waiting (one of each kind the factory knows, but for people's requests) and a
    customer waiting for a person."""
    await seed_store(app)
    ids = []
    for kind in [k for k in DEFAULT_PARAMS if k != "support.escalation"][:12]:
        agent = Principal.for_agent("demo", proposal(kind)["agent"])
        ids.append((await propose(app.deps, agent, proposal(kind, revenue=100.0 + len(ids)))).action.id)
    await propose(app.deps, Principal.for_agent("demo", "customer_front"), proposal("support.escalation"))
    return ids


# --- sizes ------------------------------------------------------------------------------------------


async def test_list_actions_of_twelve_stays_within_its_budget(demo: App) -> None:
    async with connected(demo) as client:
        compact = await client.call_tool("list_actions", {"limit": 12})
        full = await client.call_tool("list_actions", {"limit": 12, "detail": "full"})
    rows = compact.structured_content["actions"]
    assert len(rows) == 12 and all(set(r) == ROW_FIELDS for r in rows)
    measured = sizes(compact)
    assert all(measured[k] <= LIST_BUDGET[k] for k in LIST_BUDGET), (measured, LIST_BUDGET, LIST_TODAY)
    assert "digest" not in json.dumps(compact.structured_content)
    # every line names the id and version a decision needs, and why the action waits
    for row in rows:
        assert f"#{row['id']} v{row['version']} " in compact.content[0].text
        assert row["status"] == "pending_approval" and row["waiting"].startswith("decide by ")
    # everything is still one argument away
    assert all(len(r["digest"]) == 64 and "params" in r and "confidence" in r
               for r in full.structured_content["actions"])
    assert [r["id"] for r in full.structured_content["actions"]] == [r["id"] for r in rows]


async def test_the_inbox_reads_as_markdown_within_its_budget(demo: App) -> None:
    async with connected(demo) as client:
        inbox = await client.read_resource("growth://inbox")
        data = await client.read_resource("growth://inbox.json")
        pending = (await client.call_tool("list_actions", {"status": "pending", "limit": 50})).structured_content
    (content,) = inbox.contents
    assert content.mime_type == "text/markdown" and content.text.startswith("# Inbox of demo")
    waiting = pending["actions"]
    budget = INBOX_BUDGET * max(1.0, len(waiting) / INBOX_WAITING_THEN)
    assert len(content.text) <= budget, (len(content.text), budget, len(waiting), INBOX_TODAY)
    assert len(waiting) >= 18
    for a in waiting:
        assert f"#{a['id']} v{a['version']} " in content.text
    # programs keep the data as it was, at the JSON twin
    (twin,) = data.contents
    assert twin.mime_type == "application/json"
    assert {a["id"] for a in json.loads(twin.text)["actions"]} == {a["id"] for a in waiting}


async def test_get_action_is_compact_unless_asked(demo: App) -> None:
    async with connected(demo) as client:
        top = (await client.call_tool("list_actions", {"limit": 1})).structured_content["actions"][0]
        compact = await client.call_tool("get_action", {"action_id": top["id"]})
        full = await client.call_tool("get_action", {"action_id": top["id"], "detail": "full"})
    action = compact.structured_content["action"]
    assert action["version"] == top["version"] and action["evidence"] and action["revenue_inputs"]
    assert action["title"] == full.structured_content["action"]["title"]  # one action: its whole title
    assert "digest" not in json.dumps(compact.structured_content)
    assert set(compact.structured_content["explanation"]) == {"score", "risk"}  # evidence is not repeated
    assert full.structured_content["action"]["digest"] == full.structured_content["versions"][0]["digest"]
    assert sizes(compact)["structured"] < sizes(full)["structured"] * 0.7


# --- resources -----------------------------------------------------------------------------------------


async def test_every_resource_reads_as_markdown_and_has_a_json_twin(app: App) -> None:
    ids = await queue(app)
    async with connected(app) as client:
        run = await client.call_tool("run_specialist", {"agent": "content"})
        fill = {"action_id": str(ids[0]), "run_id": str(run.structured_content["run_id"])}
        uris = [str(r.uri) for r in (await client.list_resources()).resources]
        uris += [re.sub(r"\{(\w+)\}", lambda m: fill[m.group(1)], t.uri_template)
                 for t in (await client.list_resource_templates()).resource_templates]
        read = {uri: (await client.read_resource(uri)).contents for uri in uris}
    plain = [u for u in uris if not u.endswith(".json")]
    assert sorted(plain) == sorted(u.removesuffix(".json") for u in uris if u.endswith(".json"))
    assert {"growth://inbox", f"growth://actions/{ids[0]}", "growth://agents"} <= set(plain)
    for uri, contents in read.items():
        (content,) = contents  # one representation per read: a host attaches all of them
        if uri.endswith(".json"):
            assert content.mime_type == "application/json" and json.loads(content.text) is not None
        else:
            assert content.mime_type == "text/markdown" and content.text.startswith("# "), uri
            assert not content.text.lstrip().startswith(("{", "[")), uri


def test_every_resource_and_template_is_behind_an_operation() -> None:
    """A JSON twin is authorized like its resource: no URI reaches a reader without an ABAC check."""
    operations = Operations(resources=dict(RESOURCE_OPERATIONS))
    for uri in ("growth://inbox", "growth://inbox.json", "growth://actions/7", "growth://actions/7.json",
                "growth://runs/3", "growth://runs/3.json", "growth://audit/recent", "growth://audit/recent.json",
                "growth://agents", "growth://agents.json", "growth://reflections/latest",
                "growth://reflections/latest.json"):
        assert operations.for_resource(uri) is not None, uri
    assert operations.for_resource("growth://inbox.json") == operations.for_resource("growth://inbox")


# --- errors, chat, prompts, the tool table -------------------------------------------------------------


async def test_a_version_that_never_existed_is_named_as_such(app: App) -> None:
    ids = await queue(app)
    async with connected(app) as client:
        never = await client.call_tool("approve_action", {"action_id": ids[0], "version": 2})
    assert never.is_error and never.meta["dev.growth-engine/error"]["code"] == "unknown_version"
    text = never.content[0].text
    assert f"action #{ids[0]} has no version 2: it has only version 1, the current one" in text
    assert f"#{ids[0]} changed" not in text and "it is now" not in text
    # a version that did exist and was replaced is a change, and is still called one
    async with app.db.write("demo") as tx:
        await tx.actions.new_version(ids[1], expected_version=1, params={"new_title": "Linen Tote – Handwoven"},
                                     digest="x" * 64, risk_tier=RiskTier.MEDIUM, by="test", now=app.deps.now())
    async with connected(app) as client:
        stale = await client.call_tool("approve_action", {"action_id": ids[1], "version": 1})
        beyond = await client.call_tool("approve_action", {"action_id": ids[1], "version": 3})
    assert stale.meta["dev.growth-engine/error"]["code"] == "version_mismatch"
    assert "changed after you reviewed it: you decided on version 1, it is now version 2" in stale.content[0].text
    assert beyond.meta["dev.growth-engine/error"]["code"] == "unknown_version"
    assert "has no version 3: its versions are 1 to 2, and 2 is the current one" in beyond.content[0].text


async def test_the_chat_reply_states_the_thread_to_pass_back(app: App) -> None:
    await queue(app)
    async with connected(app) as client:
        first = await client.call_tool("chat", {"message": "what should I do today?"})
        thread = first.structured_content["thread"]
        again = await client.call_tool("chat", {"message": "explain the first one", "thread": thread})
        other = await client.call_tool("chat", {"message": "what should I do today?"})
    hint = f"thread: {thread} — pass it back to continue"
    assert hint in first.content[0].text and first.structured_content["continue_hint"] == hint
    assert first.structured_content["new_thread"] is True
    assert again.structured_content["thread"] == thread and again.structured_content["new_thread"] is False
    assert hint in again.content[0].text and "(a new conversation)" not in again.content[0].text
    assert other.structured_content["thread"] != thread  # each call without a thread starts a new one


def _headers(text: str) -> list[str]:
    return [line for line in text.splitlines() if line.rstrip().endswith(":")]


async def test_no_prompt_has_a_doubled_header(app: App) -> None:
    ids = await queue(app)
    async with connected(app) as client:
        names = [p.name for p in (await client.list_prompts()).prompts]
        texts = {name: (await client.get_prompt(name, {"action_id": str(ids[0])} if name == "explain_action"
                                                  else {})).messages[0].content.text for name in names}
    assert set(texts) == {"daily_briefing", "review_queue", "explain_action", "weekly_report", "incident_review"}
    for name, text in texts.items():
        lines = [line for line in text.splitlines() if line.strip()]
        for above, below in zip(lines, lines[1:]):
            assert not (above.endswith(":") and below.endswith(":")), (name, above, below)
        headers = _headers(text)
        assert len(headers) == len(set(headers)), name
        assert "action(s)" not in text and "best first:" not in text.replace("best first by", ""), name
        assert "{" not in text or name == "explain_action", name  # no JSON or unfilled placeholders
    briefing = texts["daily_briefing"]
    assert "Actions waiting for a decision (the best 10 of 12)" in briefing
    assert f"#{ids[-1]} v1 " in briefing and "a customer waits for a person" in briefing  # the best one


async def test_the_tool_table_is_what_the_server_offers(app: App) -> None:
    mcp = build_mcp(app, principals=Principals(app.deps, local_tenant="demo"))
    offered = {tool.name for tool in await mcp.list_tools()}
    assert offered == set(TOOL_OPERATIONS) == {spec.name for spec in TOOLS}
    assert TOOL_OPERATIONS["approve_action"] == "actions.approve" and TOOL_OPERATIONS["chat"] == "chat.operator"
    # the table is data: importing it registers nothing and needs no server
    assert len(TOOLS) == len(TOOL_OPERATIONS) == 43
