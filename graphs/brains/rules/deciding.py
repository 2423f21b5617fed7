"""The operator's decisions, planned: each clause's actions resolved, checked, and proposed as tool calls.

A clause that names what it decides on ("approve 12", "reject the mug reorder because …") becomes one
call per action (at most ``BATCH``; the rest are named, never cut silently); one that cannot be bound
asks instead (which one? why? until when?). Calls are only proposals: the graph's gate decides what runs.
"""

from __future__ import annotations

import re
from dataclasses import replace
from datetime import timedelta
from typing import Any

from graphs.brains.base import ToolCall, Turn, call, last_user
from graphs.brains.rules import asks
from graphs.language.edits import asks_change, fit_change, params_in
from graphs.language.followup import remember
from graphs.language.intents import Intent
from graphs.language.normalize import normalize
from graphs.language.refs import DECIDABLE, ROLLBACKABLE, Resolved, resolve
from graphs.language.slots import Ref
from tools import plain
from tools.queue import KIND_NOUNS

DECISIONS = ("approve", "reject", "snooze", "edit_approve", "rollback")
#: at most this many actions are decided by one message
BATCH = 20
NOUN = {"approve": "approve", "reject": "reject", "snooze": "snooze", "edit_approve": "change and approve",
        "rollback": "roll back", "explain": "explain"}
_GO_AHEAD = re.compile(r"\b(?:do it|go ahead|go for it|proceed|ship it|make it so|let'?s do it|crack on)\b")
_DO = re.compile(r"^(?:ok |okay |so |then |please |just |let'?s )*(?:do|go with|go for)\s+(?:the top|the first|#?\d"
                 r"|them|those|these|both)")


def go_ahead(intents: list[Intent], queue: list[dict[str, Any]], turn: Turn) -> list[Intent]:
    """"ok do it" with nothing asked and exactly one waiting action in view: offer to approve that one;
    "do the top 3", "do 12": offer those approvals.

    Only offered: the message names no verb the gate knows, so the gate echoes it and waits for a yes.
    """
    said = normalize(last_user(turn))
    if len(intents) == 1 and intents[0].name == "explain" and _DO.match(said):
        # "do 4 but make it 5%": the change goes with it (or the approval waits for a change it can read)
        params = params_in(said, last_user(turn))
        changed = bool(params) or asks_change(said)
        return [replace(intents[0], name="edit_approve" if changed else "approve", params=params)]
    if turn.facts.get("pending") or len(intents) != 1 or intents[0].name != "ack":
        return intents
    if not _GO_AHEAD.search(said):
        return intents
    waiting = {i["id"] for i in queue if i["status"] in DECIDABLE}
    last = turn.facts.get("last") if isinstance(turn.facts.get("last"), dict) else {}
    if last.get("suggested") in waiting:
        # "ok do it" after the briefing's "I'd start with #2": that one (echoed: the message named nothing)
        return [Intent("approve", ids=(int(last["suggested"]),))]
    focus = list(turn.facts.get("focus") or [])
    if len(focus) != 1 or focus[0] not in waiting:
        return intents
    return [Intent("approve", ref=Ref(focus=True))]


#: "same for the bowl", "likewise the scarf", "ditto for the mug": the change just decided, for another product
_SAME = re.compile(r"^(?:(?:ok|okay|and|now|then|so)[ ,]+)*(?:(?:the |do the )?same|ditto|likewise)\b")


def like_the_last(found: Resolved, queue: list[dict[str, Any]], turn: Turn) -> Resolved:
    """Several actions fit the name said with "same for …": the one of the kind just decided, if only one is."""
    last = turn.facts.get("last") if isinstance(turn.facts.get("last"), dict) else {}
    kinds = {i["kind"] for i in queue if i["id"] in (last.get("ids") or ())}
    alike = tuple(c for c in found.candidates if any(i["id"] == c and i["kind"] in kinds for i in queue))
    return replace(found, ids=alike, candidates=()) if len(alike) == 1 else found


def says_go_ahead(said: str) -> bool:
    return _GO_AHEAD.search(said) is not None


def plan_decision(intent: Intent, queue: list[dict[str, Any]], focus: list[int], part: dict[str, Any], *,
                  turn: Turn, listed: list[int], taken: list[int]) -> tuple[dict[str, Any], list[ToolCall]]:
    """One decision clause: the part of the reply it plans, and its calls (none when it must ask)."""
    name = intent.name
    statuses = ROLLBACKABLE if name == "rollback" else DECIDABLE
    found = resolve(intent.ids, intent.ref, queue, focus=focus, statuses=statuses, among=intent.among,
                    listed=listed, taken=taken)
    if found.candidates and _SAME.search(normalize(last_user(turn))):
        found = like_the_last(found, queue, turn)
    shown = [c for c in found.candidates if c in listed]
    if len(shown) == 1:
        # "reject the alpaca one" after a list of reorders: the one in the list (echoed: the name alone fits several)
        found = replace(found, ids=(shown[0],), candidates=())
    said = problem(intent, found, queue, name, turn=turn)
    if said:
        asked = "which" if found.candidates else None
        return {**part, "text": said, "refs": list(found.candidates), "focus": list(found.candidates) or focus,
                "last": remember(intent, ids=[], candidates=list(found.candidates), awaiting=asked)}, []
    holds = [i for i in found.ids if name == "snooze" and intent.said_as == "on hold"
             and any(a["id"] == i and a["kind"] == "risk.hold_order" for a in queue)]
    if holds:
        # "put 24 on hold" when #24 is a fraud hold: hold the order, or set the proposal aside? asked
        return {**part, "text": asks.hold_or_snooze(holds), "focus": list(found.ids)}, []
    if name == "reject" and not intent.reason:
        return {**part, "text": asks.ask_reason(found.ids), "focus": list(found.ids), "refs": list(found.ids),
                "last": remember(intent, ids=list(found.ids), candidates=[], awaiting="reason")}, []
    if name == "snooze" and not intent.until and intent.when_said:
        # "until the sale is over": no calendar holds it; asked, never replaced by tomorrow morning
        return {**part, "text": asks.ask_until(found.ids, intent.when_said), "focus": list(found.ids),
                "refs": list(found.ids),
                "last": remember(intent, ids=list(found.ids), candidates=[], awaiting="until")}, []
    by_id = {i["id"]: i for i in queue}
    if name == "edit_approve":
        # the operator asked for a change: it is made as asked, or nothing is approved (never the original)
        unfit = [by_id[i] for i in found.ids if not fit_change(by_id[i]["kind"], intent.params)]
        if not intent.params or unfit:
            return {**part, "text": asks.edit_not_applied(unfit, intent.params), "focus": list(found.ids)}, []
    calls = [decision_call(intent, by_id[i], turn=turn) for i in found.ids[:BATCH]]
    notes = [asks.unknown_ids(found.unknown, name, known=by_id)] if found.unknown else []
    if len(found.ids) > BATCH:  # never a silent cut: the rest are named
        notes.append(asks.batch_cut(found.ids[BATCH:], NOUN.get(name, name), total=len(found.ids)))
    return {**part, "focus": list(found.ids), "notes": notes, "left_out": list(found.left_out),
            "group": found.how in ("described", "place") and len(found.ids) > 1,
            # a snooze with no time ran until tomorrow: a day said next ("friday") moves it there
            "last": remember(intent, ids=list(found.ids), candidates=[],
                             awaiting="until" if name == "snooze" and not intent.until else None)}, calls


def problem(intent: Intent, found: Resolved, queue: list[dict[str, Any]], verb: str, *, turn: Turn) -> str | None:
    """What to ask or say instead of acting: several fit, none fit, nothing to bind to."""
    by_id = {i["id"]: i for i in queue}
    if found.ambiguous and len(found.candidates) == 1 and intent.ref is not None and intent.ref.both:
        only = found.candidates[0]
        return (f"You said both, but only #{only} is in view, so nothing was done. Name the two, e.g. "
                f"\"{NOUN.get(verb, verb)} {only} and …\".")
    if found.ambiguous:
        return asks.which_one([by_id[i] for i in found.candidates if i in by_id], NOUN.get(verb, verb),
                              some=intent.ref.some if intent.ref is not None else None)
    kind = "risk.hold_order" if intent.ids and intent.said_as == "hold" else None
    other = [by_id[i] for i in found.ids if kind and i in by_id and by_id[i]["kind"] != kind]
    if other:
        # "hold 9": a fraud hold by its action number; a number that is another kind of action is not held
        one = len(other) == 1
        return (plain.join([f"#{a['id']} ({a['title']})" for a in other]) + f" {'is not a' if one else 'are not'} "
                f"{KIND_NOUNS.get(kind, kind)}{'' if one else 's'}, so nothing was done. To set "
                f"{'it' if one else 'them'} aside, say \"snooze {other[0]['id']} until …\".")
    if not found.ids:
        undone = not_executed(intent, queue, turn=turn) if verb == "rollback" else []
        if undone:
            return asks.nothing_to_undo(undone)
        if found.unknown:
            return asks.unknown_ids(found.unknown, verb, known={i["id"]: i for i in queue})
        if intent.ref is None or (intent.ref.focus and not turn.facts.get("focus")):
            return asks.WHICH
        return asks.none_match(intent.ref, verb)
    return None


def not_executed(intent: Intent, queue: list[dict[str, Any]], *, turn: Turn) -> list[dict[str, Any]]:
    """"undo that" about an action that never ran (snoozed, waiting): the actions it means, else []."""
    meant = list(intent.ids) or (list(turn.facts.get("focus") or []) if intent.ref is not None
                                 and intent.ref.focus else [])
    by_id = {i["id"]: i for i in queue}
    return [by_id[i] for i in meant if i in by_id and (by_id[i]["status"] in DECIDABLE
                                                      or by_id[i]["status"] == "rejected")]


def decision_call(intent: Intent, a: dict[str, Any], *, turn: Turn) -> ToolCall:
    name = intent.name
    # the version the operator named is the one decided on: the engine refuses one that is unknown or stale
    a = {**a, "version": intent.version or a["version"]}
    if name == "approve":
        return call("approve_action", action_id=a["id"], version=a["version"])
    if name == "reject":
        return call("reject_action", action_id=a["id"], version=a["version"], reason=intent.reason or "")
    if name == "edit_approve":
        return call("edit_and_approve", action_id=a["id"], version=a["version"],
                    params=fit_change(a["kind"], intent.params))
    if name == "snooze":
        until = intent.until or (turn.now + timedelta(days=1)).replace(hour=9, minute=0, second=0, microsecond=0)
        return call("snooze_action", action_id=a["id"], version=a["version"], until=until.isoformat(),
                    reason=intent.reason or "")
    return call("rollback_action", action_id=a["id"], reason=intent.reason or "the operator asked to undo it")


def pointed(intent: Intent, queue: list[dict[str, Any]], focus: list[int]) -> Intent:
    """"kill it" / "stop it": with one waiting action in view, "kill it" rejects it (echoed: a pronoun names
    nothing) and "stop it" is asked how; with nothing in view, both are the kill switch."""
    in_view = [a for a in queue if a["id"] in focus]
    if len(in_view) == 1 and intent.said_as == "kill" and in_view[0]["status"] in DECIDABLE:
        return Intent("reject", ref=Ref(focus=True), reason=intent.reason, text=intent.text)
    if in_view:
        return intent
    return Intent("kill_on", reason=intent.reason, text=intent.text)


def cancelled(intent: Intent, queue: list[dict[str, Any]], focus: list[int]) -> Intent:
    """"cancel that" right after #8 executed: a rollback of #8 (echoed: a pronoun names nothing), not a
    rejection of something waiting."""
    if intent.name != "reject" or intent.ids or intent.ref is None or not intent.ref.focus or intent.ref.words:
        return intent
    in_view = [a for a in queue if a["id"] in focus]
    if len(in_view) == 1 and in_view[0]["status"] == "executed":
        return Intent("rollback", ref=Ref(focus=True), reason=intent.reason or "the operator cancelled it")
    return intent
