"""What the operator says around a request never becomes another request.

Found by a second exploratory chat (150 turns on the demo store): a number in a reason ran a second
action ("approve 13, we've had that page for 3 years" executed #3; "approve 17, about 20% of our
traffic lands there" executed #20); "approve number 3 on that list" executed action #3, not the third
of the list; "approve 17 jk" and "approve 14, nvm" executed; "approve 16 if it mentions free shipping"
executed without the condition being checked; "snooze 13 for 3 wks" snoozed #3 too, until tomorrow;
"stop the reorders for now" engaged the store-wide kill switch; "approve 9, only 3 left in stock"
offered a purchase order for 3 units; "approve 8 but order 20 fewer" offered 89 as proposed.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from graphs.said import second_thoughts
from graphs.language.intents import parse
from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tools.actions import get_action, propose
from tools.tenants import get_status

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
INVENTORY = Principal.for_agent("demo", "inventory")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)


@pytest.mark.parametrize(("text", "ids"), [
    ("approve 13, we've had that page for 3 years", (13,)),
    ("approve 13, we've had that page for 3 yrs", (13,)),
    ("approve 17 - it brings in about 15 a wk", (17,)),
    ("approve 17, about 20% of our traffic lands there", (17,)),
    ("approve 10, we sell about 6 a wk so it makes sense", (10,)),
    ("reject 12 because it only sold 4 last month", (12,)),
    ("approve 12, 13 and 14", (12, 13, 14)),
    ("approve 12 and 14, both look right", (12, 14)),
])
def test_a_number_in_a_reason_is_not_an_action(text: str, ids: tuple[int, ...]) -> None:
    assert parse(text, NOW)[0].ids == ids


@pytest.mark.parametrize("text", ["approve number 3 on that list", "approve no. 3 on the list",
                                  "approve number 3 from your list"])
def test_a_number_on_a_list_is_a_place_not_an_action(text: str) -> None:
    [intent] = parse(text, NOW)
    assert intent.ids == () and intent.ref is not None and intent.ref.position == 3, intent


@pytest.mark.parametrize("text", ["approve 17 jk", "approve 17... just kidding", "approve 13 haha kidding",
                                  "approve 14, nvm", "approve all the reorders... just kidding", "approve 9 lol no"])
def test_a_joke_or_a_never_mind_does_nothing(text: str) -> None:
    names = {i.name for i in parse(text, NOW)}
    assert not names & {"approve", "reject", "snooze", "edit_approve", "rollback"}, names


@pytest.mark.parametrize("text", ["approve 16 if it mentions free shipping", "approve 16 if it doesn't mention "
                                  "free shipping", "approve 9 assuming the supplier has stock",
                                  "approve 24 if the order is over 3000 dollars"])
def test_a_condition_is_never_taken_as_met(text: str) -> None:
    assert second_thoughts(text)


@pytest.mark.parametrize(("text", "ids", "days"), [
    ("snooze 13 for 3 wks", (13,), 21), ("snooze 13 for 2 wks", (13,), 14), ("snooze 18 for 2 mos", (18,), 60),
    ("snooze 19 for a wk", (19,), 7), ("snooze 19 for 2 yrs", (19,), 730), ("snooze 19 for 3 days", (19,), 3),
])
def test_abbreviated_durations_are_durations(text: str, ids: tuple[int, ...], days: int) -> None:
    [intent] = parse(text, NOW)
    assert intent.ids == ids and intent.until == NOW + timedelta(days=days), intent


@pytest.mark.parametrize("text", ["stop the reorders for now", "stop the markdowns", "pause the fraud holds",
                                  "stop all the title rewrites"])
def test_stopping_one_kind_is_not_the_kill_switch(text: str) -> None:
    names = {i.name for i in parse(text, NOW)}
    assert "kill_on" not in names, names


@pytest.mark.parametrize(("text", "params"), [
    ("approve 9, only 3 left in stock", {}),
    ("approve 9 but only 30 units", {"quantity": 30}),
    ("approve 9, we have only 3 left", {}),
])
def test_a_fact_about_stock_is_not_an_edit(text: str, params: dict[str, Any]) -> None:
    [intent] = parse(text, NOW)
    assert intent.params == params, intent


@pytest.mark.parametrize("text", ["approve 8 but order 20 fewer", "approve 8 but double the quantity",
                                  "approve 8 but halve it", "approve 8 with a few more units"])
def test_a_change_that_cannot_be_worked_out_is_asked_about(text: str) -> None:
    [intent] = parse(text, NOW)
    assert intent.name == "edit_approve" and not intent.params, intent


# --- on the store ----------------------------------------------------------------------------------------------

async def _status(app: App, action_id: int) -> str:
    return str((await get_action(app.deps, OP, action_id=action_id))["action"]["status"])


@pytest.mark.parametrize("say", ["approve {a}, we've had that page for {b} years", "approve {a}, about {b}% of our "
                                 "traffic lands there", "approve {a} - it brings in about {b} a wk"])
async def test_a_number_in_a_reason_never_runs_that_action(agents_app: App, say: str) -> None:
    made = [(await propose(agents_app.deps, CONTENT, proposal(target=f"page:/products/p{i}"))).action
            for i in range(3)]
    a, b = made[0].id, made[2].id
    chat = await agents_app.agents()
    await chat.send(OP, say.format(a=a, b=b), thread="a1")
    assert await _status(agents_app, b) == "pending_approval"


async def test_a_joke_never_runs(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    for say in (f"approve {a.id} jk", f"approve {a.id}, nvm", f"approve {a.id}... just kidding"):
        await chat.send(OP, say, thread="a2")
        assert await _status(agents_app, a.id) == "pending_approval"


async def test_a_condition_waits_for_a_yes(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {a.id} if it mentions free shipping", thread="a3")
    assert {(p["verb"], p.get("action_id")) for p in turn.pending or []} == {("approve", a.id)}, turn.reply
    assert await _status(agents_app, a.id) == "pending_approval"


async def test_stopping_the_reorders_asks_how_and_leaves_the_kill_switch_alone(agents_app: App) -> None:
    await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))
    chat = await agents_app.agents()
    turn = await chat.send(OP, "stop the reorders for now", thread="a4")
    assert not (await get_status(agents_app.deps, OP))["kill_switch"]["engaged"]
    said = " ".join(turn.reply.split())
    assert "turn off the inventory agent" in said and "stop everything" in said, said


@pytest.mark.parametrize(("text", "name"), [
    ("how many visitors did we get yesterday", "traffic"), ("how many sessions did we get last week", "traffic"),
    ("whats our conversion rate this week", "traffic"), ("which channel dropped?", "channels"),
    ("whats our email open rate", "no_data"), ("are our prices higher than our competitors on the alpaca blankets?",
                                               "no_data"),
    ("whats our profit this month after ad spend", "no_data"), ("what did amazon charge for the same mug", "no_data"),
])
def test_questions_about_traffic_and_what_the_engine_does_not_know(text: str, name: str) -> None:
    assert parse(text, NOW)[0].name == name


async def test_a_question_without_data_says_so_and_nothing_else(agents_app: App) -> None:
    chat = await agents_app.agents()
    for say in ("whats our email open rate", "are our prices higher than our competitors?"):
        turn = await chat.send(OP, say, thread="a5")
        assert turn.reply.startswith("I don't have that") and not turn.pending, turn.reply
    turn = await chat.send(OP, "how many visitors did we get yesterday?", thread="a5")
    assert "no GA4 data is imported" in turn.reply, turn.reply


@pytest.mark.parametrize(("text", "name", "ids"), [
    ("reject 16 — scratch that, approve it", "approve", (16,)),
    ("approve 13. scratch that, reject 13 because stale", "reject", (13,)),
    ("reject 12 no wait approve it", "approve", (12,)),
])
def test_after_a_change_of_mind_the_last_request_is_the_one_meant(text: str, name: str, ids: tuple[int, ...]) -> None:
    [intent] = parse(text, NOW)
    assert (intent.name, intent.ids) == (name, ids)
    assert second_thoughts(text)  # and it is echoed, never run at once


async def test_approving_for_a_limited_time_is_explained_and_changes_nothing(agents_app: App) -> None:
    a = (await propose(agents_app.deps, INVENTORY, proposal("inventory.markdown"))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {a.id} but only until christmas", thread="a6")
    assert "can't approve" in turn.reply and not turn.pending, turn.reply
    assert await _status(agents_app, a.id) == "pending_approval"


async def test_a_request_over_more_actions_than_one_message_decides_names_the_rest(agents_app: App) -> None:
    for i in range(22):
        await propose(agents_app.deps, CONTENT, proposal(target=f"page:/products/p{i}"))
    chat = await agents_app.agents()
    turn = await chat.send(OP, "approve all", thread="a7")
    said = " ".join(turn.reply.split())
    assert len(turn.pending or []) == 20 and "first 20 of 22" in said and "other 2" in said, said


async def test_the_others_are_the_rest_of_the_list_beyond_what_the_message_decided(agents_app: App) -> None:
    made = [(await propose(agents_app.deps, CONTENT, proposal(target=f"page:/products/p{i}",
                                                              revenue=9000 - i * 500))).action for i in range(4)]
    chat = await agents_app.agents()
    await chat.send(OP, "show the pending ones", thread="a8")
    turn = await chat.send(OP, "approve the first one and snooze the others till friday", thread="a8")
    assert {(p["verb"], p.get("action_id")) for p in turn.pending or []} == (
        {("approve", made[0].id)} | {("snooze", a.id) for a in made[1:]}), turn.reply


@pytest.mark.parametrize(("say", "left_out"), [("approve all except {b}", 1), ("approve everything except the "
                                                                                "reorders", 3)])
async def test_what_a_request_for_all_leaves_out_is_left_out(agents_app: App, say: str, left_out: int) -> None:
    made = [(await propose(agents_app.deps, CONTENT, proposal(target=f"page:/products/p{i}"))).action
            for i in range(3)]
    reorder = (await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, say.format(b=made[1].id), thread="a9")
    offered = {p.get("action_id") for p in turn.pending or []}
    out = made[1].id if left_out == 1 else reorder.id
    assert offered and out not in offered and len(offered) == 3, turn.reply


@pytest.mark.parametrize(("text", "expected"), [
    ("approve 12 with 20% off", [("edit_approve", (12,), {"percent_off": 20.0})]),
    ("approve 11 with 200", [("edit_approve", (11,), {"quantity": 200})]),
    ("approve 9 with 20 units and 10 with 30", [("edit_approve", (9,), {"quantity": 20}),
                                                ("edit_approve", (10,), {"quantity": 30})]),
    ("approve 12 with 45.50", [("edit_approve", (12,), {})]),
    ("put 10 on hold till thursday", [("snooze", (10,), {})]),
])
def test_the_numbers_of_a_change_are_never_actions(text: str, expected: list[tuple[Any, ...]]) -> None:
    assert [(i.name, i.ids, i.params) for i in parse(text, NOW)] == expected


async def test_a_message_of_dozens_of_requests_does_nothing_and_says_why(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    assert parse("approve 1 and " * 30 + "approve 2", NOW)[0].name == "too_many"
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {a.id} and " * 25 + f"approve {a.id}", thread="a10")
    assert "at most 20" in turn.reply and not turn.pending, turn.reply
    assert await _status(agents_app, a.id) == "pending_approval"


async def test_ending_a_snooze_early_never_snoozes_again_and_says_what_can_be_done(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    await chat.send(OP, f"snooze {a.id} till friday", thread="a11")
    first = (await get_action(agents_app.deps, OP, action_id=a.id))["action"]["snoozed_until"]
    for say in ("actually unsnooze it", f"unsnooze {a.id}", f"bring {a.id} back now"):
        turn = await chat.send(OP, say, thread="a11")
        assert "stays snoozed" in turn.reply and f"approve {a.id}" in turn.reply, turn.reply
    detail = (await get_action(agents_app.deps, OP, action_id=a.id))["action"]
    assert detail["status"] == "snoozed" and detail["snoozed_until"] == first


@pytest.mark.parametrize(("text", "expected"), [
    ("approve it but drop the brand name", [("edit_approve", {})]),
    ("approve 10 only if it's under 40 units", [("approve", {})]),
    ("approve 7 and never discount flint stuff again", [("approve", {}), ("add_rule", {})]),
    ("let the agents auto-approve low risk stuff", [("autonomy", {})]),
    ("you can handle the small stuff yourself", [("autonomy", {})]),
    ("I'm going on holiday for two weeks, don't do anything without me", [("autonomy", {})]),
    ("ok I'm back, you can resume", [("kill_off", {})]),
    ("approve 12 and never mind", [("hold_back", {})]),
    ("the second one — make it 30 units", [("edit_approve", {"quantity": 30})]),
    ("actually make it 25", [("edit_approve", {"amount": 25.0})]),
])
def test_third_round_phrasings(text: str, expected: list[tuple[str, dict[str, Any]]]) -> None:
    assert [(i.name, i.params) for i in parse(text, NOW)] == expected


@pytest.mark.parametrize(("text", "level"), [("let the agents auto-approve low risk stuff", "semi_autonomous"),
                                             ("don't do anything without me", "supervised")])
def test_autonomy_said_indirectly(text: str, level: str) -> None:
    assert parse(text, NOW)[0].level == level


async def test_yes_but_not_one_of_them_narrows_the_question(agents_app: App) -> None:
    made = [(await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", target=f"sku:SKU-{i}")))
            .action for i in range(3)]
    chat = await agents_app.agents()
    turn = await chat.send(OP, "approve the reorders", thread="a12")
    assert {p.get("action_id") for p in turn.pending or []} == {a.id for a in made}, turn.reply
    turn = await chat.send(OP, f"yes but not {made[1].id}", thread="a12")
    assert {p.get("action_id") for p in turn.pending or []} == {made[0].id, made[2].id}, turn.reply
    turn = await chat.send(OP, f"wait, not {made[2].id}", thread="a12")
    assert {p.get("action_id") for p in turn.pending or []} == {made[0].id}, turn.reply
    await chat.send(OP, "yes", thread="a12")
    assert [d["verdict"] for d in (await get_action(agents_app.deps, OP, action_id=made[0].id))["decisions"]] == [
        "approve"]
    for a in made[1:]:
        assert await _status(agents_app, a.id) == "pending_approval"


async def test_the_second_one_still_counts_in_the_list_after_a_question(agents_app: App) -> None:
    made = [(await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder", target=f"sku:SKU-{i}",
                                                                revenue=5000 - i * 1000))).action for i in range(3)]
    await propose(agents_app.deps, CONTENT, proposal(revenue=4500))  # second in the whole queue, not in the list
    chat = await agents_app.agents()
    await chat.send(OP, "show me the reorders", thread="a13")
    await chat.send(OP, f"why is {made[0].id} so urgent?", thread="a13")
    turn = await chat.send(OP, "approve the second one", thread="a13")
    assert {p.get("action_id") for p in turn.pending or []} == {made[1].id}, turn.reply


async def test_let_them_ship_offers_to_release_the_holds_shown(agents_app: App) -> None:
    hold = (await propose(agents_app.deps, Principal.for_agent("demo", "risk"), proposal("risk.hold_order"))).action
    chat = await agents_app.agents()
    await chat.send(OP, "show me the fraud holds", thread="a14")
    turn = await chat.send(OP, "looks fine to me, let it ship", thread="a14")
    assert {(p["verb"], p.get("action_id")) for p in turn.pending or []} == {("reject", hold.id)}, turn.reply


# --- fourth round ----------------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["snooze 3 until after christmas because of the code freeze",
                                  "reject 25 because the supplier freezes prices anyway",
                                  "snooze 2 for a week, the team should stop everything else first",
                                  "reject 18 because we stop all title tests in December",
                                  "snooze 20 until Friday, kill it if nothing changes"])
def test_stop_or_freeze_inside_a_decision_is_not_the_kill_switch(text: str) -> None:
    names = [i.name for i in parse(text, NOW)]
    assert "kill_on" not in names and names[0] in ("snooze", "reject"), names


@pytest.mark.parametrize(("text", "expected"), [
    ("approve 12 and stop everything", ["approve", "kill_on"]),
    ("approve 21 and halt 22 until January", ["approve", "snooze"]),
    ("pause the mug reorder until Friday", ["snooze"]),
    ("hold off on the alpaca reorder until next week", ["snooze"]),
    ("put the bowl reorder on hold", ["snooze"]),
])
def test_stopping_beside_a_decision_and_pausing_one_action(text: str, expected: list[str]) -> None:
    names = frozenset("mug alpaca bowl reorder".split())
    assert [i.name for i in parse(text, NOW, names=names)] == expected


def test_every_kind_an_exception_names_is_left_out() -> None:
    [intent] = parse("approve everything except the holds, the reorders and the markdowns", NOW)
    assert intent.ref is not None and set(intent.ref.excluding) == {
        "kind:risk.hold_order", "kind:inventory.reorder", "kind:inventory.markdown"}


@pytest.mark.parametrize(("text", "params"), [
    ("approve the tea towel markdown, no wait, make it 10% instead", {"percent_off": 10.0}),
    ("approve 7, no wait, make it 10%", {"percent_off": 10.0}),
])
def test_a_correction_that_changes_the_figure_is_an_edit(text: str, params: dict[str, Any]) -> None:
    [intent] = parse(text, NOW, names=frozenset({"tea", "towel"}))
    assert (intent.name, intent.params) == ("edit_approve", params), intent
    assert second_thoughts(text)


async def test_a_snooze_keeps_its_reason(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    await chat.send(OP, f"snooze {a.id} until monday because the dev team is busy", thread="a15")
    detail = await get_action(agents_app.deps, OP, action_id=a.id)
    assert detail["action"]["status"] == "snoozed"
    assert detail["decisions"][-1]["reason"] == "the dev team is busy"


def test_a_limit_is_refused_as_a_rule_with_what_rules_can_hold() -> None:
    from policies.preferences import parse_rule

    parsed = parse_rule("never mark anything down more than 15%", today=NOW.date(), vendors=[], products=[])
    assert parsed.rule is None and "“more than 15%”" in parsed.problem


@pytest.mark.parametrize("text", ["reject 12 because sales dropped and stop-gap fixes failed",
                                  "reject 12 because margins are thin and never recover",
                                  "snooze 3 until monday because we pause for the launch first",
                                  "reject 12 because we freeze prices in december and stop discounting then"])
def test_a_reason_with_stop_or_never_stays_a_reason(text: str) -> None:
    intents = parse(text, NOW)
    assert [i.name for i in intents] in (["reject"], ["snooze"]), intents
    assert intents[0].reason and intents[0].reason.split()[-1] in text


@pytest.mark.parametrize(("text", "name"), [
    ("reject 12 because I want to go semi-autonomous on titles later", "reject"),
    ("approve 12, autopilot can handle the rest later", "approve"),
    ("snooze 3 until monday because the kill switch test runs then", "snooze"),
])
def test_a_setting_named_in_a_decisions_reason_is_part_of_the_reason(text: str, name: str) -> None:
    intents = parse(text, NOW)
    assert intents[0].name == name and not {"autonomy", "kill_on", "kill_off", "status"} & {i.name for i in intents}


def test_a_setting_said_beside_a_decision_is_its_own_request() -> None:
    assert [i.name for i in parse("approve 12 and go semi-autonomous", NOW)] == ["approve", "autonomy"]
