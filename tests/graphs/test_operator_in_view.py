"""Questions about the action in view, and waiting that is not a fraud hold, checked on the store itself.

Asked "Approve #24 (hold order …)? yes / no", an operator asks back: "why?" was not understood, "what's
the risk?" listed the whole queue, "what could go wrong?" and "what happens if I say yes?" were not
understood. Asked why they reject #9, "why?" rejected #9 with the reason "why?". "hold off on
everything till I'm back on the 14th" offered to snooze only the two fraud holds ("hold" read as the
kind of action), a chat list numbered "1. #2 …" made "approve 1" run #1, the fifth line, and "stop auto
approving stuff" engaged the kill switch (which also stops what the operator approved) instead of going
back to supervised.
"""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

from graphs.language.intents import parse
from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tools.actions import get_action, propose
from tools.tenants import get_status, set_autonomy

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
RISK = Principal.for_agent("demo", "risk")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)


async def _status(app: App, action_id: int) -> str:
    return str((await get_action(app.deps, OP, action_id=action_id))["action"]["status"])


def _pending(turn: Any) -> set[tuple[str, int | None]]:
    return {(p["verb"], p.get("action_id")) for p in turn.pending or []}


async def test_a_question_back_explains_the_action_asked_about_and_keeps_the_question(agents_app: App) -> None:
    await propose(agents_app.deps, CONTENT, proposal())
    hold = (await propose(agents_app.deps, RISK, proposal("risk.hold_order", target="order:#1042"))).action.id
    chat = await agents_app.agents()
    for n, asked in enumerate(("why?", "what's the risk?", "whats the catch", "what could go wrong?",
                               "what happens if I say yes?", "can I undo it later?")):
        thread = f"q{n}"
        turn = await chat.send(OP, f"approve {hold}", thread=thread)
        assert _pending(turn) == {("approve", hold)}, turn.reply
        turn = await chat.send(OP, asked, thread=thread)
        # the explanation of the hold, with its rollback, and the question still waiting
        assert f"#{hold} risk.hold_order" in turn.reply and "Rollback" in turn.reply, (asked, turn.reply)
        assert "Waiting actions" not in turn.reply and "didn't understand" not in turn.reply, (asked, turn.reply)
        assert _pending(turn) == {("approve", hold)}, (asked, turn.reply)
        assert await _status(agents_app, hold) == "pending_approval"
    await chat.send(OP, "yes", thread="q0")
    assert await _status(agents_app, hold) == "executed"


async def test_a_question_is_never_the_reason_for_a_rejection(agents_app: App) -> None:
    title = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    chat = await agents_app.agents()
    for n, asked in enumerate(("why?", "what is it again?", "who needs it?")):
        turn = await chat.send(OP, f"reject {title}", thread=f"r{n}")
        assert "why you reject" in turn.reply, turn.reply
        turn = await chat.send(OP, asked, thread=f"r{n}")
        assert await _status(agents_app, title) == "pending_approval", (asked, turn.reply)
    await chat.send(OP, f"reject {title}", thread="r9")
    await chat.send(OP, "the brand name must come first", thread="r9")
    assert await _status(agents_app, title) == "rejected"
    # and the explanation remembers what was decided, and why
    turn = await chat.send(OP, f"explain {title}", thread="r10")
    assert "Decided: rejected v1 by the operator" in turn.reply and "the brand name must come first" in turn.reply


async def test_holding_off_on_everything_is_every_action_not_the_fraud_holds(agents_app: App) -> None:
    title = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    hold = (await propose(agents_app.deps, RISK, proposal("risk.hold_order", target="order:#1042"))).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, "hold off on everything till I'm back from holiday on the 14th", thread="h1")
    assert _pending(turn) == {("snooze", title), ("snooze", hold)}, turn.reply
    turn = await chat.send(OP, "hold off on the holds till monday", thread="h2")
    assert _pending(turn) == {("snooze", hold)}, turn.reply
    for said in ("hold on, approve 3", "hold fire on 3", "hold up"):
        assert all((i.ref is None or i.ref.kind != "risk.hold_order") and i.said_as != "hold"
                   for i in parse(said, NOW)), said


async def test_a_list_never_numbers_its_lines(agents_app: App) -> None:
    ids = [(await propose(agents_app.deps, CONTENT, proposal(kind))).action.id
           for kind in ("content.rewrite_title", "content.rewrite_meta_description", "content.add_internal_links")]
    chat = await agents_app.agents()
    turn = await chat.send(OP, "show the pending ones", thread="l1")
    lines = [line for line in turn.reply.splitlines() if "#" in line]
    assert len(lines) == 3 and all(line.startswith("· #") for line in lines), turn.reply
    assert sorted(int(line.split("#")[1].split()[0]) for line in lines) == sorted(ids)


async def test_stopping_auto_approval_goes_supervised_and_never_engages_the_kill_switch(agents_app: App) -> None:
    chat = await agents_app.agents()
    for n, said in enumerate(("stop auto approving stuff", "no more autopilot",
                              "don't let anything run without me")):
        await set_autonomy(agents_app.deps, OP, level="semi_autonomous")
        turn = await chat.send(OP, said, thread=f"s{n}")
        if turn.pending:  # a change of level may be echoed first
            turn = await chat.send(OP, "yes", thread=f"s{n}")
        status = await get_status(agents_app.deps, OP)
        assert status["autonomy_level"] == "supervised", (said, turn.reply)
        assert not status["kill_switch"]["engaged"], (said, turn.reply)
    turn = await chat.send(OP, "is anything running on its own?", thread="s9")
    assert "supervised" in turn.reply.lower(), turn.reply


def test_more_of_what_a_tester_said_is_read_as_meant() -> None:
    def names(said: str) -> list[tuple[str, tuple[int, ...]]]:
        return [(i.name, i.ids) for i in parse(said, NOW)]

    assert names("hmm ok. tell me why I should reject it") == [("explain", ())]
    assert names("what are the downsides of holding it") == [("explain", ())]
    assert names("what state is 6 in now") == [("explain", (6,))]
    assert names("how did we do last week") == [("sales", ())]
    assert names("go with 17. 13 no - copy is wrong") == [("approve", (17,)), ("reject", (13,))]
    assert parse("go with 17. 13 no - copy is wrong", NOW)[1].reason == "copy is wrong"
    assert parse("9 no thanks, too pricey right now", NOW)[0].reason == "too pricey right now"
    assert parse("dont ever put the tea towels on sale", NOW)[0].name == "add_rule"
    [one] = parse("approve the tote bag meta description but not the t-shirt one, that copy is wrong", NOW)
    assert one.name == "approve" and one.ref is not None and one.ref.words == ("tote", "bag")
    assert parse("approve the mug one but not yet", NOW)[0].name == "hold_back"


async def test_everything_means_the_whole_queue_and_back_on_is_offered(agents_app: App) -> None:
    ids = {(await propose(agents_app.deps, CONTENT, proposal(
        "content.rewrite_title", target=f"page:https://shop.example/products/linen-tote-{n}"))).action.id
        for n in range(12)}
    chat = await agents_app.agents()
    turn = await chat.send(OP, "show me everything", thread="e1")
    assert {int(line.split("#")[1].split()[0]) for line in turn.reply.splitlines() if line.startswith("· #")} == ids
    await chat.send(OP, "stop everything", thread="e2")
    turn = await chat.send(OP, "ok false alarm, turn it back on", thread="e2")
    assert _pending(turn) == {("kill_off", None)}, turn.reply  # offered, never done at once
    assert (await get_status(agents_app.deps, OP))["kill_switch"]["engaged"]
    assert parse("let the low risk stuff just happen on its own from now on", NOW)[0].name == "autonomy"


def test_traffic_figures_say_they_are_the_whole_stores() -> None:
    from graphs.brains.rules.store_answers import traffic
    from graphs.language.intent import Intent

    side = {"sessions": 34132, "purchases": 669, "conversion": 0.0196}
    result = [{"ok": True, "content": {"available": True, "label": "last week", "previous_label": "the week before",
                                       "current": side, "previous": side, "source": "GA4",
                                       "imported_to": "2026-11-29", "window": {
                                           "this": ["2026-11-23", "2026-11-29"], "last": ["2026-11-16", "2026-11-22"]}}}]
    page, _ = traffic(Intent("traffic", text="how many sessions did the umber throw blanket page get last week"), {},
                      result, {})
    assert page.startswith("These are the whole store's figures") and "34,132 sessions" in page, page
    store, _ = traffic(Intent("traffic", text="how many visitors did we get last week"), {}, result, {})
    assert store.startswith("Whole store: last week"), store


def test_a_second_tester_round_is_read_as_meant() -> None:
    assert parse("which product sells best", NOW)[0].name == "top_products"
    assert parse("what sold most last week", NOW)[0].name == "top_products"
    assert [(i.name, i.level) for i in parse("ok go full auto", NOW)] == [("autonomy", "autonomous")]
    assert [(i.name, i.level) for i in parse("let it run the low risk stuff on its own", NOW)] == [
        ("autonomy", "semi_autonomous")]
