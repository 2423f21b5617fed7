"""What real clients do beyond plain calls: confirm approvals (elicitation), lend their model
(sampling), follow progress, and hear about changes — in both protocol eras."""

from __future__ import annotations

from typing import Any

import anyio
import pytest
from mcp_types import (CreateMessageResultWithTools, ElicitResult, TextContent, ToolUseContent)

from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tests.server.conftest import MODES, Tokens, http_client
from tools.actions import get_action, propose

INVENTORY = Principal.for_agent("demo", "inventory")
OP = Principal.operator("demo")


def answering(accept: bool, asked: list[str]) -> Any:
    async def elicitation(ctx: Any, params: Any) -> ElicitResult:
        asked.append(params.message)
        return ElicitResult(action="accept", content={"confirm": True}) if accept else ElicitResult(action="decline")

    return elicitation


async def critical_action(app: App) -> int:
    return (await propose(app.deps, INVENTORY, proposal(
        "pricing.adjust", params={"current_price": 40.0, "new_price": 48.0}))).action.id


@pytest.mark.parametrize("mode", MODES)
@pytest.mark.parametrize("accept", [True, False])
async def test_approving_a_critical_action_asks_the_person(served: tuple[App, str], tokens: Tokens, mode: str,
                                                           accept: bool) -> None:
    app, url = served
    action_id = await critical_action(app)
    asked: list[str] = []
    async with http_client(url, tokens.operator, mode, elicitation_callback=answering(accept, asked)) as client:
        r = await client.call_tool("approve_action", {"action_id": action_id, "version": 1})
    assert len(asked) == 1 and f"#{action_id} v1 (critical)" in asked[0] and "rollback" in asked[0]
    status = (await get_action(app.deps, OP, action_id=action_id))["action"]["status"]
    if accept:
        assert not r.is_error and status == "executed"
    else:
        assert r.is_error and "[not_confirmed]" in r.content[0].text and status == "pending_approval"


@pytest.mark.parametrize("mode", MODES)
async def test_medium_approvals_are_not_asked_about(served: tuple[App, str], tokens: Tokens, mode: str) -> None:
    app, url = served
    action = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    asked: list[str] = []
    async with http_client(url, tokens.operator, mode, elicitation_callback=answering(False, asked)) as client:
        r = await client.call_tool("approve_action", {"action_id": action.id, "version": 1})
    assert not r.is_error and asked == []


@pytest.mark.parametrize("mode", MODES)
async def test_a_client_without_elicitation_approves_through_the_tool(served: tuple[App, str], tokens: Tokens,
                                                                      mode: str) -> None:
    app, url = served
    action_id = await critical_action(app)
    async with http_client(url, tokens.operator, mode) as client:
        r = await client.call_tool("approve_action", {"action_id": action_id, "version": 1})
    assert not r.is_error and r.structured_content["execution"]["status"] == "executed"


@pytest.mark.parametrize("mode", MODES)
async def test_chat_confirmations_use_elicitation(served: tuple[App, str], tokens: Tokens, mode: str) -> None:
    app, url = served
    action_id = await critical_action(app)
    asked: list[str] = []
    async with http_client(url, tokens.operator, mode, elicitation_callback=answering(True, asked)) as client:
        r = await client.call_tool("chat", {"message": f"approve {action_id}", "thread": "conf"})
    assert not r.is_error, r.content
    assert f"#{action_id} executed" in r.structured_content["reply"]
    assert len(asked) == 1 and f"Approve #{action_id}" in asked[0] and "critical risk" in asked[0]


@pytest.mark.parametrize("mode", MODES)
async def test_a_high_risk_approval_in_chat_is_echoed_then_confirmed_once(served: tuple[App, str], tokens: Tokens,
                                                                          mode: str) -> None:
    """A client without elicitation: the reply echoes the command; "yes" in the next call runs it, once."""
    app, url = served
    action_id = await critical_action(app)
    async with http_client(url, tokens.operator, mode) as client:
        first = await client.call_tool("chat", {"message": f"approve {action_id}", "thread": "echo"})
        assert first.structured_content["pending"][0]["action_id"] == action_id
        assert f"Approve #{action_id}" in first.structured_content["reply"]
        assert (await get_action(app.deps, OP, action_id=action_id))["action"]["status"] == "pending_approval"
        second = await client.call_tool("chat", {"message": "yes", "thread": "echo"})
        assert f"#{action_id} executed" in second.structured_content["reply"]
        third = await client.call_tool("chat", {"message": "yes", "thread": "echo"})
        assert not third.structured_content["pending"] and "executed" not in third.structured_content["reply"]
    detail = await get_action(app.deps, OP, action_id=action_id)
    assert detail["action"]["status"] == "executed" and detail["execution"]["status"] == "executed"
    assert [d["verdict"] for d in detail["decisions"]] == ["approve"]


def sampling_model(script: list[Any], seen: list[Any]) -> Any:
    async def sample(ctx: Any, params: Any) -> CreateMessageResultWithTools:
        seen.append(params)
        content = script.pop(0)
        stop = "toolUse" if isinstance(content, list) and any(isinstance(c, ToolUseContent) for c in content) \
            else "endTurn"
        return CreateMessageResultWithTools(role="assistant", content=content, model="client-model",
                                            stop_reason=stop)

    return sample


@pytest.mark.parametrize("mode", MODES)
async def test_the_clients_own_model_can_be_the_brain(served: tuple[App, str], tokens: Tokens, mode: str) -> None:
    from mcp_types import SamplingCapability, SamplingToolsCapability

    app, url = served
    app.settings.brain = "sampling"
    action = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    seen: list[Any] = []
    script: list[Any] = [
        [ToolUseContent(type="tool_use", id="u1", name="list_actions", input={"status": "pending"})],
        [ToolUseContent(type="tool_use", id="u2", name="approve_action", input={"action_id": action.id,
                                                                                "version": 1})],
        TextContent(type="text", text=f"Done: #{action.id} is live."),
    ]
    async with http_client(url, tokens.operator, mode, sampling_callback=sampling_model(script, seen),
                           sampling_capabilities=SamplingCapability(tools=SamplingToolsCapability())) as client:
        r = await client.call_tool("chat", {"message": f"approve #{action.id}", "thread": "smp"})
    assert not r.is_error, r.content
    assert r.structured_content["reply"] == f"Done: #{action.id} is live."
    assert len(seen) == 3
    tool_names = {t.name for t in seen[0].tools}
    assert "approve_action" in tool_names and "customer_chat" not in tool_names
    assert (await get_action(app.deps, OP, action_id=action.id))["action"]["status"] == "executed"


@pytest.mark.parametrize("mode", MODES)
async def test_runs_report_progress(served: tuple[App, str], tokens: Tokens, mode: str) -> None:
    _, url = served
    progress: list[float] = []

    async def on_progress(value: float, total: float | None, message: str | None) -> None:
        progress.append(value)

    async with http_client(url, tokens.operator, mode) as client:
        r = await client.call_tool("run_specialist", {"agent": "content"}, progress_callback=on_progress)
    assert not r.is_error and r.structured_content["status"] == "no_data"
    assert progress and progress[-1] >= 90 and progress == sorted(progress)


async def test_listeners_hear_about_changed_actions(served: tuple[App, str], tokens: Tokens) -> None:
    app, url = served
    action = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    heard: list[str] = []
    async with http_client(url, tokens.operator, "2026-07-28") as client:
        async with client.listen(resource_subscriptions=[f"growth://actions/{action.id}"]) as events:
            r = await client.call_tool("approve_action", {"action_id": action.id, "version": 1})
            assert not r.is_error
            with anyio.fail_after(10):
                async for event in events:
                    heard.append(str(getattr(event, "uri", "")))
                    if heard[-1] == f"growth://actions/{action.id}":
                        break
    assert f"growth://actions/{action.id}" in heard


async def test_change_notifications_stay_in_their_store(served: tuple[App, str], tokens: Tokens) -> None:
    """Another store's operator, and a customer, hear nothing of this store's actions or inbox."""
    app, url = served
    action = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    from tests.factories import seed_store

    await seed_store(app, "other")
    theirs = (await propose(app.deps, Principal.for_agent("other", "content"), proposal())).action
    uris = [f"growth://actions/{action.id}", f"growth://actions/{theirs.id}", "growth://inbox"]
    heard: dict[str, list[str]] = {"other": [], "customer": []}

    async def listen(who: str, token: str, until: str | None) -> None:
        async with http_client(url, token, "2026-07-28") as client:
            async with client.listen(resource_subscriptions=uris) as events:
                ready[who].set()
                with anyio.move_on_after(2 * settle + 5):  # bounded: the customer must hear nothing at all
                    async for event in events:
                        heard[who].append(str(getattr(event, "uri", "")))
                        if until is not None and str(getattr(event, "uri", "")) == until and armed.is_set():
                            return

    ready = {"other": anyio.Event(), "customer": anyio.Event()}
    armed = anyio.Event()  # the other listener ends on its own store's change, once that change is made
    settle = 1.5 * app.settings.mcp_feed_seconds  # the feed has handed on everything before it
    async with anyio.create_task_group() as tg:
        tg.start_soon(listen, "other", tokens.other_operator, f"growth://actions/{theirs.id}")
        tg.start_soon(listen, "customer", tokens.customer, None)
        await ready["other"].wait()
        await ready["customer"].wait()
        from tools.decisions import decide

        # the other store's own proposal (made just before listening) may still be on its way: let it arrive
        await anyio.sleep(settle)
        assert f"growth://actions/{action.id}" not in heard["other"]
        heard["other"].clear()
        await decide(app.deps, OP, action_id=action.id, version=1, verdict="approve")  # this store's change ...
        await anyio.sleep(settle)
        # (with the SDK's shared bus the other store would have heard this store's action and inbox change)
        assert heard["other"] == []
        armed.set()
        await decide(app.deps, Principal.operator("other"), action_id=theirs.id, version=1, verdict="reject",
                     reason="not for us")  # ... then the other store's: it ends the other listener
    # the other store's operator heard only its own store's events, and none of this store's ids
    assert heard["other"] == [f"growth://actions/{theirs.id}"]
    assert heard["customer"] == []
