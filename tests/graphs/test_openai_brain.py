"""The OpenAI brain against a loopback OpenAI-compatible server: wire format, tool binding,
multi-turn tool results. No test calls out of the machine."""

from __future__ import annotations

import json

from graphs.brains.select import select_brain
from policies.abac import AGENT_ALLOWLISTS
from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tests.graphs.openai_stub import OpenAIStub, serve, text_reply, tool_reply
from tools.actions import propose

OP = Principal.operator("demo")


async def test_tools_are_bound_and_results_go_back_to_the_model(agents_app: App) -> None:
    action = (await propose(agents_app.deps, Principal.for_agent("demo", "content"), proposal())).action
    stub = OpenAIStub([
        tool_reply(("call_1", "list_actions", {"status": "pending", "limit": 5})),
        tool_reply(("call_2", "approve_action", {"action_id": action.id, "version": 1})),
        text_reply(f"Approved #{action.id}; the new title is live."),
    ])
    async with serve(stub) as base_url:
        brain = select_brain("openai", api_key="sk-test-loopback", base_url=base_url, model="stub-model")
        chat = await agents_app.agents(brain=brain)
        turn = await chat.send(OP, f"approve #{action.id}", thread="oa1")
    assert turn.reply == f"Approved #{action.id}; the new title is live."
    assert len(stub.requests) == 3
    first = stub.requests[0]
    assert first["model"] == "stub-model" and stub.auth[0] == "Bearer sk-test-loopback"
    tools = {t["function"]["name"] for t in first["tools"]}
    from graphs.toolkit import TOOLS

    expected = {name for name, t in TOOLS.items() if t.operation in AGENT_ALLOWLISTS["ceo_front"]}
    assert tools == expected | {"transfer_to_agent"}
    assert all(t["type"] == "function" and "parameters" in t["function"] for t in first["tools"])
    assert first["messages"][0]["role"] == "system" and first["messages"][-1] == {
        "role": "user", "content": f"approve #{action.id}"}
    # second request carries the assistant's tool call and its result
    second = stub.requests[1]["messages"]
    assert second[-2]["tool_calls"][0]["id"] == "call_1"
    assert second[-1]["role"] == "tool" and second[-1]["tool_call_id"] == "call_1"
    assert json.loads(second[-1]["content"])[0]["id"] == action.id
    third = stub.requests[2]["messages"]
    assert third[-1]["tool_call_id"] == "call_2" and '"executed"' in third[-1]["content"]
    assert turn.pending is None  # a medium action: no confirmation needed


async def test_a_model_asking_for_a_forbidden_tool_gets_an_error_back(agents_app: App) -> None:
    stub = OpenAIStub([tool_reply(("c1", "approve_action", {"action_id": 1, "version": 1})),
                       text_reply("I can't do that here.")])
    async with serve(stub) as base_url:
        chat = await agents_app.agents(brain=select_brain("openai", api_key="k", base_url=base_url, model="m"))
        from tests.graphs.conftest import add_customer_orders

        ref = await add_customer_orders(agents_app, "z@example.com", ["#7001"])
        turn = await chat.send(Principal.customer("demo", ref), "approve action 1", thread="oa2")
    assert turn.reply == "I can't do that here."
    tool_msg = stub.requests[1]["messages"][-1]
    assert tool_msg["role"] == "tool" and "forbidden" in tool_msg["content"]
