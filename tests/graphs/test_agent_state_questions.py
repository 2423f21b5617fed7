"""'Is the content agent on?' is answered with whether it is switched on and ready, not with its proposals.

Before, the question listed the content agent's waiting actions, and "is the inventory agent enabled"
looked for an action named "enabled".
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from graphs.language.intents import parse
from policies.principal import Principal
from server.app import App

OP = Principal.operator("demo")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("said", "agent"), [
    ("is the content agent on?", "content"), ("is the inventory agent enabled", "inventory"),
    ("is the risk agent still working", "risk"), ("is the analytics agent off or on?", "analytics"),
    ("which agents are on", None), ("are all agents running?", None), ("is the content agent on right now", "content")])
def test_a_question_about_an_agents_state_is_one(said: str, agent: str | None) -> None:
    [intent] = parse(said, NOW)
    assert (intent.name, intent.agent) == ("agent_state", agent), said


@pytest.mark.parametrize("said", ["are the agents on autopilot?", "is the content agent working on titles",
                                  "which agent proposed the most", "turn off the content agent",
                                  "show me the content agent's actions"])
def test_other_questions_and_requests_about_agents_are_not_read_as_one(said: str) -> None:
    assert all(i.name != "agent_state" for i in parse(said, NOW)), said


async def test_the_answer_says_which_agents_are_on_and_which_switched_off(agents_app: App) -> None:
    chat = await agents_app.agents()
    await chat.send(OP, "turn off the inventory agent", thread="s1")
    turn = await chat.send(OP, "is the inventory agent enabled?", thread="s1")
    assert "The inventory agent is switched off" in turn.reply and "back on" in turn.reply, turn.reply
    turn = await chat.send(OP, "which agents are on?", thread="s1")
    lines = turn.reply.splitlines()
    assert any(line.startswith("The inventory agent is switched off") for line in lines), turn.reply
    # the others are on; with no data imported they say why they propose nothing yet
    content = next(line for line in lines if line.startswith("The content agent"))
    assert content.startswith("The content agent is on but proposes nothing yet:") and "no " in content, turn.reply
