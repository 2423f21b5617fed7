"""'Go autonomous until friday': autonomy has no timer, and the question says so before the yes.

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
