"""Edits said with an approval, as a tester phrased them, checked on the store itself.

"approve 12 with title "A" and 18 with title "B"" gave #18 the title "A"; "approve 12 but call it "…"",
"approve 12 as “…”", "approve 7, discount should be 10" and "approve 8 - we only need 40" ran the
proposal as it was; "Mom's Favourite" was stored as "Mom" and “Mom’s Favourite” lowercased; "change the
title of 12 to …, I'll approve later" ran at once; "reject 13 because too salesy, oops I meant 14" rejected
13; "approve 7 at 15%, sorry 12%" stored 15%; and an executed title's old text was shown as "current".
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
INVENTORY = Principal.for_agent("demo", "inventory")
NOW = datetime(2026, 11, 30, 9, 0, tzinfo=timezone.utc)


def _read(said: str) -> list[tuple[str, tuple[int, ...], dict[str, Any]]]:
    return [(i.name, i.ids, i.params) for i in parse(said, NOW)]


def test_each_action_keeps_its_own_change() -> None:
    assert _read('approve 12 with title "Flint Runner" and 18 with title "Sparrow Cushion"') == [
        ("edit_approve", (12,), {"new_title": "Flint Runner"}), ("edit_approve", (18,), {"new_title": "Sparrow Cushion"})]
    assert _read("approve 8 with quantity 40 and 9 with quantity 20") == [
        ("edit_approve", (8,), {"quantity": 40}), ("edit_approve", (9,), {"quantity": 20})]


def test_a_quoted_text_is_kept_whole_and_as_written() -> None:
    for said, text in (('approve 12 with title "Flint Runner - Mom\'s Favourite"', "Flint Runner - Mom's Favourite"),
                       ("approve 12 with title 'Our tee. Don't miss it'", "Our tee. Don't miss it"),
                       ("approve 12 with title “Flint Runner – Mom’s Favourite”", "Flint Runner – Mom’s Favourite"),
                       ("approve 12 with title ‘Soft Tee from Flint, In Stock Now’", "Soft Tee from Flint, In Stock Now")):
        assert _read(said) == [("edit_approve", (12,), {"new_title": text})], said


def test_an_edit_in_other_words_is_read_or_asked_about_never_dropped() -> None:
    assert _read('approve 12 but call it "Flint Table Runner - Cotton"') == [
        ("edit_approve", (12,), {"new_text": "Flint Table Runner - Cotton"})]
    assert _read("approve 12 as “Flint Table Runner – 2 Sizes, 100 Colours”") == [
        ("edit_approve", (12,), {"new_text": "Flint Table Runner – 2 Sizes, 100 Colours"})]
    assert _read("approve 12 but title it Flint Runner Z") == [("edit_approve", (12,), {"new_text": "Flint Runner Z"})]
    assert _read("approve 13 and describe it as Soft organic tee") == [
        ("edit_approve", (13,), {"new_description": "Soft organic tee"})]
    assert _read("approve 8 - we only need 40") == [("edit_approve", (8,), {"quantity": 40})]
    for said in ("approve 7, discount should be 10", "approve 12 - new title should be Flint Runner Z"):
        assert _read(said)[0][0] == "edit_approve", said  # read, or asked about: never approved as proposed
    assert _read("approve 12, the title is fine") == [("approve", (12,), {})]


def test_a_value_or_text_taken_back_is_replaced_by_the_one_meant() -> None:
    assert _read("approve 7 at 15%, sorry 12%") == [("edit_approve", (7,), {"percent_off": 12.0})]
    assert _read('approve 12 with title "Flint Runner A" - actually make it "Flint Runner B"') == [
        ("edit_approve", (12,), {"new_title": "Flint Runner B"})]
    [reject] = parse("reject 13 because too salesy, oops I meant 14", NOW)
    assert (reject.name, reject.ids, reject.reason) == ("reject", (14,), "too salesy")


async def test_an_edit_without_an_approval_waits_and_a_done_title_shows_what_it_replaced(agents_app: App) -> None:
    title = (await propose(agents_app.deps, CONTENT, proposal())).action.id
    chat = await agents_app.agents()
    turn = await chat.send(OP, f'change the title of {title} to "Linen Tote – Woven by Hand", I\'ll approve later',
                           thread="e1")
    assert {(p["verb"], p.get("action_id")) for p in turn.pending or []} == {("edit_approve", title)}, turn.reply
    assert (await get_action(agents_app.deps, OP, action_id=title))["action"]["status"] == "pending_approval"
    await chat.send(OP, "yes", thread="e1")
    found = await get_action(agents_app.deps, OP, action_id=title)
    assert found["action"]["status"] == "executed"
    assert found["action"]["params"]["new_title"] == "Linen Tote – Woven by Hand"
    turn = await chat.send(OP, f"explain {title}", thread="e2")
    assert "previous title: Linen Tote" in turn.reply and "current title" not in turn.reply, turn.reply


def test_putting_the_old_text_back_is_a_rollback() -> None:
    for said in ("put the old title back", "put the old title back on the sparrow cushion",
                 "restore the original price of 7"):
        assert parse(said, NOW)[0].name == "rollback", said
