"""What the operator takes back, excepts or negates never happens; what was done is never denied.

Found by an exploratory chat of 228 turns on the demo store: "i dont want autonomous mode" offered
autonomy and a later "right" switched it on; "approve 15 and 16, oh and not 16" executed both;
"reject 12, nah keep it" rejected #12 with "nah keep it" as the reason; "approve 7 sorry i meant
17" offered #7; "kill switch on for the weekend" dropped the weekend without saying so; "snooze 3
til friday, no make it monday" kept Friday; "snooze 15 a week" snoozed until tomorrow and said no
time was given; "snooze 13 till dec 24 5pm" said 09:00; "actually no dont reject 4" after #4 was
rejected answered "nothing is rejected"; "reject 10 its too much stock, we have a shipment coming"
kept only the words after the comma. Later: "hey good morning, so last night I was thinking we should
reject 12 because …" lost #12 to the greeting, and "I think we should reject 12" rejected at once.
"""

from __future__ import annotations

from datetime import datetime, timedelta, timezone
from typing import Any

import pytest

from graphs.language.confirm import answer_of
from graphs.language.dates import parse_when
from graphs.language.intents import parse
from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tools.actions import get_action, propose
from tools.tenants import get_status

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)  # a Monday morning


def _at(y: int, mo: int, d: int, h: int = 9, mi: int = 0) -> datetime:
    return datetime(y, mo, d, h, mi, tzinfo=timezone.utc)


# --- negated settings ----------------------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["i dont want autonomous mode", "dont go autonomous", "don't turn off the kill switch",
                                  "do not release the kill switch", "never switch to autopilot",
                                  "i don't want to stop everything"])
def test_a_negated_setting_proposes_nothing(text: str) -> None:
    names = [i.name for i in parse(text, NOW)]
    assert not {"autonomy", "kill_on", "kill_off"} & set(names), names


# --- exceptions and retractions ------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "ids"), [
    ("approve 15 and 16, oh and not 16", (15,)), ("approve 12 and 13 but not 13", (12,)),
    ("approve 12, 13 and 14 except 13", (12, 14)), ("reject 3 and 4 but not 4 because off-brand", (3,)),
])
def test_an_excepted_number_is_taken_out(text: str, ids: tuple[int, ...]) -> None:
    [intent] = [i for i in parse(text, NOW) if i.name in ("approve", "reject")]
    assert intent.ids == ids, intent


@pytest.mark.parametrize("text", ["reject 12, nah keep it", "approve 9. scratch that", "reject 18 because its fine as "
                                  "is. actually scratch that", "approve 9 and 10, never mind", "approve 9... forget it",
                                  "reject 12 — actually no, keep it"])
def test_a_request_taken_back_at_the_end_does_nothing(text: str) -> None:
    names = [i.name for i in parse(text, NOW)]
    assert not {"approve", "reject", "snooze", "edit_approve", "rollback"} & set(names), names


@pytest.mark.parametrize(("text", "ids"), [("approve 7 sorry i meant 17", (17,)), ("approve 4. no. 5", (5,)),
                                           ("approve 4, no, 5", (5,)), ("reject 8 oops i meant 9 because stale", (9,))])
def test_a_corrected_number_is_the_one_meant(text: str, ids: tuple[int, ...]) -> None:
    assert parse(text, NOW)[0].ids == ids


@pytest.mark.parametrize(("text", "until"), [
    ("snooze 3 til friday, no make it monday", _at(2026, 12, 7)),
    ("snooze 8 till friday actually monday", _at(2026, 12, 7)),
    ("snooze 8 until tomorrow, i mean wednesday", _at(2026, 12, 2)),
])
def test_a_corrected_time_is_the_one_meant(text: str, until: datetime) -> None:
    assert parse(text, NOW)[0].until == until


# --- times ---------------------------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "expected"), [
    ("snooze 15 a week", NOW + timedelta(days=7)), ("snooze 15 two days", NOW + timedelta(days=2)),
    ("till dec 24 5pm", _at(2026, 12, 24, 17)), ("til thursday afternoon", _at(2026, 12, 3, 14)),
    ("until next tuesday evening", _at(2026, 12, 1, 18)), ("until friday at 10:30", _at(2026, 12, 4, 10, 30)),
    ("until 5pm", _at(2026, 11, 30, 17)), ("until 7am", _at(2026, 12, 1, 7)),
    ("until noon tomorrow", _at(2026, 12, 1, 12)),
    ("til end of month", _at(2026, 12, 1)), ("until the end of january", _at(2027, 2, 1)),
    ("until the end of the week", _at(2026, 12, 5)),
])
def test_durations_and_times_of_day_are_read(text: str, expected: datetime) -> None:
    assert parse_when(text, NOW) == expected


@pytest.mark.parametrize("text", ["reject 10, 4 days of stock left is plenty", "approve 12"])
def test_numbers_that_are_not_durations_are_not_times(text: str) -> None:
    assert parse(text, NOW)[0].until is None


# --- a new request is never an answer -------------------------------------------------------------------------

@pytest.mark.parametrize("text", ["dont ever mark down anything from harbor textiles", "never discount wick studio",
                                  "don't reorder anything from grainwood"])
def test_a_standing_rule_is_not_a_no(text: str) -> None:
    assert answer_of(text) is None


# --- reasons ---------------------------------------------------------------------------------------------------

def test_a_reason_after_the_number_is_kept_whole() -> None:
    [intent] = parse("reject 10 its too much stock, we have a shipment coming", NOW)
    assert intent.reason == "its too much stock, we have a shipment coming"


# --- on the store --------------------------------------------------------------------------------------------

async def _detail(app: App, action_id: int) -> dict[str, Any]:
    return await get_action(app.deps, OP, action_id=action_id)


def _pending(turn: Any) -> set[tuple[str, Any]]:
    return {(p["verb"], p.get("action_id")) for p in turn.pending or []}


async def test_not_wanting_autonomy_never_leads_to_autonomy(agents_app: App) -> None:
    chat = await agents_app.agents()
    turn = await chat.send(OP, "i dont want autonomous mode", thread="r1")
    assert not _pending(turn), turn.reply
    for say in ("yes, agreed", "right", "yes"):
        await chat.send(OP, say, thread="r1")
    assert (await get_status(agents_app.deps, OP))["autonomy_level"] == "supervised"


async def test_an_excepted_action_is_never_executed(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal(target="page:/products/a"))).action
    b = (await propose(agents_app.deps, CONTENT, proposal(target="page:/products/b"))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {a.id} and {b.id}, oh and not {b.id}", thread="r2")
    if _pending(turn):
        assert _pending(turn) == {("approve", a.id)}, turn.reply
        await chat.send(OP, "yes", thread="r2")
    assert (await _detail(agents_app, b.id))["action"]["status"] == "pending_approval"
    assert [d["verdict"] for d in (await _detail(agents_app, a.id))["decisions"]] == ["approve"]


async def test_a_rejection_taken_back_leaves_the_action_waiting(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    await chat.send(OP, f"reject {a.id}, nah keep it", thread="r3")
    assert (await _detail(agents_app, a.id))["action"]["status"] == "pending_approval"


async def test_taking_back_what_was_already_done_says_it_was_done(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    await chat.send(OP, f"reject {a.id} because off-brand", thread="r4")
    assert (await _detail(agents_app, a.id))["action"]["status"] == "rejected"
    turn = await chat.send(OP, f"actually no dont reject {a.id}", thread="r4")
    assert f"#{a.id}" in turn.reply and "already rejected" in turn.reply, turn.reply
    assert "nothing is rejected" not in turn.reply


async def test_a_kill_switch_for_a_time_says_it_does_not_end_by_itself(agents_app: App) -> None:
    chat = await agents_app.agents()
    turn = await chat.send(OP, "kill switch on for the weekend", thread="r5")
    assert (await get_status(agents_app.deps, OP))["kill_switch"]["engaged"]
    assert "release" in turn.reply and "by itself" in turn.reply, turn.reply


async def test_a_snooze_reply_names_the_day(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"snooze {a.id} a week", thread="r6")
    until = (await _detail(agents_app, a.id))["action"]["snoozed_until"]
    until = until if isinstance(until, datetime) else datetime.fromisoformat(until)
    assert until - agents_app.deps.now() > timedelta(days=6), turn.reply
    assert "No time given" not in turn.reply and f"{until:%a}" in turn.reply, turn.reply


async def test_explain_while_asking_which_explains(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal(target="page:/products/linen-tote"))).action
    b = (await propose(agents_app.deps, CONTENT, proposal("content.rewrite_meta_description",
                                                          target="page:/products/linen-tote"))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, "approve the linen tote one", thread="r7")
    if not _pending(turn):
        turn = await chat.send(OP, f"explain {b.id}", thread="r7")
        assert not _pending(turn), turn.reply
    for action in (a, b):
        assert (await _detail(agents_app, action.id))["action"]["status"] == "pending_approval"


@pytest.mark.parametrize("say", ["would the kill switch stop the fraud holds too?",
                                 "will i lose anything if the kill switch stays on",
                                 "what happens if i turn on the kill switch"])
async def test_a_question_about_the_kill_switch_explains_it_and_moves_nothing(agents_app: App, say: str) -> None:
    chat = await agents_app.agents()
    turn = await chat.send(OP, say, thread="r8")
    said = " ".join(turn.reply.split())
    assert "fraud holds" in said and "Nothing is lost" in said and "no timer" in said, said
    assert not _pending(turn) and not (await get_status(agents_app.deps, OP))["kill_switch"]["engaged"]


# --- greetings, thoughts said aloud, times too far ------------------------------------------------------------

@pytest.mark.parametrize(("text", "names", "ids"), [
    ("hey good morning, so last night I was thinking we should reject 12 because the title is fine", ["reject"], (12,)),
    ("hi there! approve 12", ["approve"], (12,)), ("morning, reject 12 because the title is fine", ["reject"], (12,)),
    ("good morning", ["briefing"], ()), ("hey, how did last week go?", ["sales"], ()),
])
def test_a_greeting_before_a_request_is_not_a_request(text: str, names: list[str], ids: tuple[int, ...]) -> None:
    intents = parse(text, NOW)
    assert [i.name for i in intents] == names and intents[0].ids == ids, intents


@pytest.mark.parametrize("say", ["last night I was thinking we should reject {id} because the title is fine",
                                 "I think we should reject {id}, the title is fine"])
async def test_a_thought_said_aloud_is_asked_about_before_anything_changes(agents_app: App, say: str) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, say.format(id=a.id), thread="g1")
    assert {(p["verb"], p.get("action_id")) for p in turn.pending or []} == {("reject", a.id)}, turn.reply
    assert (await get_action(agents_app.deps, OP, action_id=a.id))["action"]["status"] == "pending_approval"
    await chat.send(OP, "yes", thread="g1")
    detail = await get_action(agents_app.deps, OP, action_id=a.id)
    assert detail["action"]["status"] == "rejected" and "title is fine" in detail["decisions"][0]["reason"]


async def test_a_snooze_beyond_ninety_days_names_the_day_it_understood(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    far = agents_app.deps.now() + timedelta(days=200)
    turn = await chat.send(OP, f"snooze {a.id} until {far:%-d %B %Y}", thread="g2")
    said = " ".join(turn.reply.split())
    assert f"{far:%a %-d %b %Y}" in said and "at most 90 days" in said, said
    assert (await get_action(agents_app.deps, OP, action_id=a.id))["action"]["status"] == "pending_approval"


# --- a request inside a story ---------------------------------------------------------------------------------

@pytest.mark.parametrize(("text", "last"), [
    ("last night sales were weird, anyway approve 12", ("approve", (12,))),
    ("the supplier called, so snooze 12 till friday", ("snooze", (12,))),
    ("i had a look at the list btw reject 12 because it's seasonal", ("reject", (12,))),
    ("this morning i checked 12 and honestly the title is fine so reject it", ("reject", ())),
])
def test_a_request_after_a_story_is_its_own_clause(text: str, last: tuple[str, tuple[int, ...]]) -> None:
    intents = parse(text, NOW)
    assert len(intents) == 2 and (intents[-1].name, intents[-1].ids) == last, intents


@pytest.mark.parametrize("text", ["this morning i checked 12 and the title is fine", "i looked at it today and meh",
                                  "today we had a good day, orders came in all morning and it was busy"])
def test_a_story_that_mentions_the_morning_or_today_is_not_a_briefing(text: str) -> None:
    assert all(i.name != "briefing" for i in parse(text, NOW)), parse(text, NOW)


async def test_a_story_around_a_request_is_noted_in_one_line_and_its_number_is_what_it_means(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    other = (await propose(agents_app.deps, CONTENT, proposal(target="page:/products/b"))).action
    chat = await agents_app.agents()
    await chat.send(OP, f"explain {other.id}", thread="g3")  # the conversation's focus is another action
    turn = await chat.send(OP, f"this morning i checked {a.id} and honestly the title is fine so reject it because "
                               "the title is fine", thread="g3")
    # "it" is the action the story named, offered (the message names no action for the gate), never #other
    assert {(p["verb"], p.get("action_id")) for p in turn.pending or []} == {("reject", a.id)}, turn.reply
    assert "I can:" not in turn.reply and "didn't understand" not in turn.reply, turn.reply
    await chat.send(OP, "yes", thread="g3")
    assert (await get_action(agents_app.deps, OP, action_id=a.id))["action"]["status"] == "rejected"
    assert (await get_action(agents_app.deps, OP, action_id=other.id))["action"]["status"] == "pending_approval"


async def test_a_story_beside_a_request_is_said_to_be_unread_in_one_line(agents_app: App) -> None:
    a = (await propose(agents_app.deps, CONTENT, proposal())).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"so yesterday the supplier called and said the blankets are late, can you snooze "
                               f"{a.id} till next week", thread="g4")
    said = " ".join(turn.reply.split())
    assert "I didn't read “so yesterday the supplier called" in said and "I can:" not in said, said
    assert (await get_action(agents_app.deps, OP, action_id=a.id))["action"]["status"] == "snoozed"
