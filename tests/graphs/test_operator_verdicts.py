"""Verdicts said of numbers, polite wrappers and answers beside a question, checked on the store itself.

"ok 9 and 10 yes, 6 no" approved 9 and 10 and said nothing of 6; "yes 9, no 6" offered to approve 6
(the "no 6" was read as a correction, "I meant 6"); "would you mind rejecting 12" explained 12;
"cheers, crack on with 22" looked for an action called "cheers"; "approve 9. reject 6 because …"
rejected both (a full stop did not end a request); and answering "why do you reject
#6?" dropped the confirmation asked in the same reply, so the "yes" that followed did nothing.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from graphs.language.intents import parse
from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tools.actions import get_action, propose

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
RISK = Principal.for_agent("demo", "risk")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)


async def _titles(app: App, n: int = 3) -> list[int]:
    """``n`` content changes to the seeded store's page (medium risk: a request that names them runs at once)."""
    kinds = ("content.rewrite_title", "content.rewrite_meta_description", "content.add_internal_links")
    return [(await propose(app.deps, CONTENT, proposal(kind))).action.id for kind in kinds[:n]]


async def _status(app: App, action_id: int) -> str:
    return str((await get_action(app.deps, OP, action_id=action_id))["action"]["status"])


async def _reason(app: App, action_id: int) -> str:
    found = await get_action(app.deps, OP, action_id=action_id)
    return " ".join(str(d.get("reason") or "") for d in found.get("decisions") or [])


def _pending(turn: Any) -> set[tuple[str, int | None]]:
    return {(p["verb"], p.get("action_id")) for p in turn.pending or []}


async def test_yes_and_no_beside_numbers_decide_each_number(agents_app: App) -> None:
    a, b, c = await _titles(agents_app)
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"ok {a} and {b} yes, {c} no", thread="v1")
    assert await _status(agents_app, a) == "executed", turn.reply
    assert await _status(agents_app, b) == "executed", turn.reply
    # the rejection is not forgotten: it asks why, and nothing is done to it yet
    assert await _status(agents_app, c) == "pending_approval" and f"why you reject #{c}" in turn.reply, turn.reply
    turn = await chat.send(OP, "another page already ranks for it", thread="v1")
    assert await _status(agents_app, c) == "rejected", turn.reply
    assert "already ranks" in await _reason(agents_app, c)


async def test_no_before_a_number_in_a_list_of_verdicts_never_approves_it(agents_app: App) -> None:
    a, b, c = await _titles(agents_app)
    chat = await agents_app.agents()
    for thread, said in (("v2", f"yes {a}, no {c}"), ("v3", f"yes to {b}, no to {c}"), ("v4", f"{a} yes {c} no")):
        turn = await chat.send(OP, said, thread=thread)
        assert ("approve", c) not in _pending(turn), (said, turn.reply)
        assert await _status(agents_app, c) == "pending_approval", (said, turn.reply)
        assert f"why you reject #{c}" in turn.reply, (said, turn.reply)
        await chat.send(OP, "yes", thread=thread)  # a yes confirms nothing about the one said no to
        assert await _status(agents_app, c) == "pending_approval", said
    assert await _status(agents_app, a) == "executed" and await _status(agents_app, b) == "executed"


async def test_no_after_a_request_is_still_a_correction(agents_app: App) -> None:
    a, b, _ = await _titles(agents_app)
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {a}, no {b}", thread="v5")
    # "I meant the other one": echoed and waiting, never the first number, never a rejection
    assert _pending(turn) == {("approve", b)}, turn.reply
    assert await _status(agents_app, a) == "pending_approval"
    assert await _status(agents_app, b) == "pending_approval"


async def test_a_polite_wrapper_is_the_request_it_wraps(agents_app: App) -> None:
    a, b, c = await _titles(agents_app)
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"would you mind rejecting {a} because the brand name must stay first", thread="v6")
    assert await _status(agents_app, a) == "rejected", turn.reply
    assert "brand name" in await _reason(agents_app, a)
    turn = await chat.send(OP, f"would you mind approving {b}?", thread="v7")
    assert await _status(agents_app, b) == "executed", turn.reply
    turn = await chat.send(OP, f"cheers, crack on with {c}", thread="v8")
    assert await _status(agents_app, c) == "executed", turn.reply


async def test_answering_why_keeps_the_confirmation_asked_beside_it(agents_app: App) -> None:
    (title,) = await _titles(agents_app, 1)
    hold = (await propose(agents_app.deps, RISK, proposal("risk.hold_order", target="order:#1042"))).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"yes to {hold}, no to {title}", thread="v9")
    assert _pending(turn) == {("approve", hold)}, turn.reply  # a hold is high risk: it waits for a yes
    turn = await chat.send(OP, "we rewrote that title last week", thread="v9")
    assert await _status(agents_app, title) == "rejected", turn.reply
    assert _pending(turn) == {("approve", hold)} and "dropped" not in turn.reply, turn.reply
    await chat.send(OP, "yes", thread="v9")
    assert await _status(agents_app, hold) == "executed"


async def test_an_answer_about_the_action_asked_about_drops_its_confirmation(agents_app: App) -> None:
    (title,) = await _titles(agents_app, 1)
    hold = (await propose(agents_app.deps, RISK, proposal("risk.hold_order", target="order:#1042"))).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {hold}", thread="v10")
    assert _pending(turn) == {("approve", hold)}, turn.reply
    await chat.send(OP, f"reject {hold} because the customer called", thread="v10")
    turn = await chat.send(OP, "yes", thread="v10")
    assert await _status(agents_app, hold) == "rejected", turn.reply
    assert await _status(agents_app, title) == "pending_approval"


def test_what_is_not_a_verdict_is_left_as_it_was() -> None:
    for said, name in (("is 6 no longer needed?", "explain"), ("12 ok?", None),
                       ("snooze 12 till dec 6 no wait dec 7", "snooze")):
        intents = parse(said, NOW)
        assert all(i.name not in ("approve", "reject") for i in intents), (said, intents)
        if name:
            assert intents[0].name == name, (said, intents)
    assert [(i.name, i.ids) for i in parse("approve 12, 13 and 14 yes", NOW)] == [
        ("approve", (12,)), ("approve", (13, 14))]
    for said in ("approve 9 and 10, 6 no", "9 and 10: yes | 6: no", "ok 9 and 10 yes / 6 no", "approve 9 and 10. 6 no.",
                 "approve 9 and 10. reject 6 because meh", "approve 9 and 10! reject 6"):
        # a full stop, a bar or a slash ends a request: "approve 9. reject 6" never rejects 9
        assert [(i.name, i.ids) for i in parse(said, NOW)] == [("approve", (9, 10)), ("reject", (6,))], said
