"""'Only approve 17 if its stock is above 20': a condition is never taken as met.

The engine checks no condition the operator puts on a request. Such a message already waited for a
yes, but the question dropped the condition ("Approve #17 (…)? yes / no"), so the operator's yes read
as "yes, if it holds". The question now quotes the condition and says a yes goes ahead regardless.
"""

from __future__ import annotations

import pytest
from langchain_core.messages import AIMessage

from graphs.brains.openai import ModelBrain
from graphs.said import condition_in
from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tests.graphs.chat import status_of
from tests.graphs.scripted import ScriptedChatModel, tool_call
from tools.actions import propose

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
INVENTORY = Principal.for_agent("demo", "inventory")


@pytest.mark.parametrize(("said", "condition"), [
    ("only approve 17 if its stock is above 20", "if its stock is above 20"),
    ("approve 17 but only if it mentions free shipping", "only if it mentions free shipping"),
    ("approve 17 as long as the title keeps the brand. reject 9", "as long as the title keeps the brand"),
    ("approve 17 provided it's under $100, and reject 9", "provided it's under $100"),
    ("approve 12 unless the supplier is late", "unless the supplier is late"),
    ("approve 17", None), ("approve the tote bag one", None),
    ("approve 8 because if we don't we run out", None),
])
def test_the_condition_is_read_in_the_operators_words(said: str, condition: str | None) -> None:
    assert condition_in(said) == condition


@pytest.mark.parametrize("answer", ["yes", "no"])
async def test_the_question_quotes_the_condition_and_a_yes_goes_ahead_regardless(agents_app: App,
                                                                                 answer: str) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal(revenue=500))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"only approve {a.id} if its stock is above 20", thread="c1")
    assert turn.pending and "“if its stock is above 20”" in turn.reply, turn.reply
    assert "I do not check conditions" in turn.reply and f"goes ahead with #{a.id}" in turn.reply, turn.reply
    assert await status_of(agents_app, a.id) == "pending_approval"
    await chat.send(OP, answer, thread="c1")
    after = await status_of(agents_app, a.id)
    assert after == ("executed" if answer == "yes" else "pending_approval"), after


async def test_two_actions_under_one_condition_are_named_together(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal(revenue=500))).action
    b = (await propose(agents_app.deps, INVENTORY, proposal("inventory.markdown", revenue=300))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {a.id} and {b.id} as long as neither touches the homepage", thread="c2")
    assert turn.reply.count("I do not check conditions") == 1 and "goes ahead with them" in turn.reply, turn.reply
    assert {await status_of(agents_app, i) for i in (a.id, b.id)} == {"pending_approval"}


async def test_a_plain_request_carries_no_condition_note(agents_app: App) -> None:
    b = (await propose(agents_app.deps, INVENTORY, proposal("inventory.markdown", revenue=300))).action
    turn = await (await agents_app.agents()).send(OP, f"approve {b.id}", thread="c3")
    assert "conditions" not in turn.reply, turn.reply


async def test_a_model_that_approves_a_conditional_request_is_held_with_the_condition_said(agents_app: App) -> None:
    """Whatever the brain: a model that takes 'only approve 17 if …' as an approval gets the same question."""
    a = (await propose(agents_app.deps, CONTENT, proposal(revenue=500))).action
    model = ScriptedChatModel(script=[
        AIMessage("", tool_calls=[tool_call("approve_action", {"action_id": a.id, "version": 1}, "c1")]),
        AIMessage("Done.")])
    chat = await agents_app.agents(brain=ModelBrain(model))
    turn = await chat.send(OP, f"only approve {a.id} if its stock is above 20", thread="c4")
    assert await status_of(agents_app, a.id) == "pending_approval"
    assert "“if its stock is above 20”: I do not check conditions" in turn.reply, turn.reply
