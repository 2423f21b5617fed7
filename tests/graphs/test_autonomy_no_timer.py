"""An end given to a setting that has no timer ("go autonomous until friday", "turn off the risk agent until
monday"): the reply says the setting has no end time (for autonomy, before the yes).

Before, the end time was dropped without a word: the operator said yes believing the store would be back
under supervision on Friday, and it would have stayed autonomous.
"""

from __future__ import annotations

from datetime import datetime, timezone

import pytest

from graphs.language.intents import parse
from policies.principal import Principal
from server.app import App
from tools.tenants import get_status

OP = Principal.operator("demo")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("said", "when"), [("go autonomous until friday", "until friday"),
                                            ("run on autopilot for a bit", "for a bit"),
                                            ("go semi-autonomous for the weekend", "for the weekend"),
                                            ("go autonomous", None), ("go autonomous for now", None)])
def test_an_end_given_to_autonomy_is_kept_as_said(said: str, when: str | None) -> None:
    [intent] = parse(said, NOW)
    assert (intent.name, intent.when_said) == ("autonomy", when), said


async def test_the_question_says_autonomy_has_no_end_time_and_the_yes_sets_it_without_one(agents_app: App) -> None:
    chat = await agents_app.agents()
    turn = await chat.send(OP, "go autonomous until friday", thread="t1")
    assert "no end time" in turn.reply and "until friday" in turn.reply and turn.pending, turn.reply
    assert turn.reply.index("no end time") < turn.reply.index("yes / no"), turn.reply  # said before the yes
    turn = await chat.send(OP, "yes", thread="t1")
    assert (await get_status(agents_app.deps, OP))["autonomy_level"] == "autonomous", turn.reply


@pytest.mark.parametrize(("said", "when"), [("turn off the risk agent until monday", "until monday"),
                                            ("pause the content agent for the weekend", "for the weekend")])
async def test_an_agent_switched_off_for_a_time_says_it_stays_off(agents_app: App, said: str, when: str) -> None:
    """Before, the time was dropped without a word: the operator expected the agent back on Monday."""
    turn = await (await agents_app.agents()).send(OP, said, thread="t2")
    reply = " ".join(turn.reply.split())
    assert "switched off" in reply and f"does not come back on by itself: “{when}”" in reply, reply


async def test_an_agent_switched_off_with_no_time_says_nothing_of_one(agents_app: App) -> None:
    turn = await (await agents_app.agents()).send(OP, "stop the inventory agent", thread="t3")
    assert "switched off" in turn.reply and "by itself" not in turn.reply, turn.reply
