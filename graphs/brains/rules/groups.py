"""Replies that show a group of the queue and keep it in view, so "them" and "the first one" mean it next:
a request with no verb of decision ("deal with the markdowns"), one that picks by an amount ("approve every
reorder under $500"), and what has reached the live store ("what's live?", one ``get_action`` per action).
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import replace
from typing import Any

from graphs.brains.base import ToolCall, call
from graphs.brains.rules import asks
from graphs.language.intents import Intent
from graphs.language.refs import resolve
from graphs.language.slots import Ref

Planned = tuple[dict[str, Any], list[ToolCall]]


def listed_memory(ids: list[int]) -> dict[str, Any]:
    """What the next message may count in: the list just shown, in its order."""
    return {"type": "intent", "verb": "list", "ids": [], "listed": ids}


def _shown(part: dict[str, Any], text: str, group: list[dict[str, Any]]) -> Planned:
    ids = [a["id"] for a in group]
    return {**part, "text": text, "focus": ids, "refs": ids, "last": listed_memory(ids)}, []


def _group(intent: Intent, queue: list[dict[str, Any]], focus: list[int], listed: list[int]) -> list[dict[str, Any]]:
    found = resolve(intent.ids, replace(intent.ref or Ref(), every=True) if intent.ref or not intent.ids else None,
                    queue, focus=focus, listed=listed)
    by_id = {i["id"]: i for i in queue}
    return [by_id[i] for i in found.ids or found.candidates if i in by_id]


def which_verb(intent: Intent, queue: list[dict[str, Any]], focus: list[int], listed: list[int],
               part: dict[str, Any]) -> Planned:
    meant = _group(intent, queue, focus, listed)
    return _shown(part, asks.which_verb(meant), meant)


def by_amount(intent: Intent, queue: list[dict[str, Any]], focus: list[int], listed: list[int],
              part: dict[str, Any]) -> Planned:
    group = _group(intent, queue, focus, listed)
    return _shown(part, asks.by_amount(intent.held_back or "approve", group), group)


def deliveries(intent: Intent, queue: list[dict[str, Any]], focus: list[int], listed: list[int],
               part: dict[str, Any]) -> Planned:
    # the executed ones, newest first: each one's detail says where it stands in the live store
    done = sorted((a for a in queue if a["status"] in ("executed", "rolled_back")), key=lambda a: -a["id"])
    if not done:
        return {**part, "text": "Nothing has been executed yet, so nothing has gone to the live store."}, []
    return {**part, "total": len(done)}, [call("get_action", action_id=a["id"]) for a in done[:8]]


GROUP_ANSWERS: dict[str, Callable[[Intent, list[dict[str, Any]], list[int], list[int], dict[str, Any]], Planned]] = {
    "which_verb": which_verb, "by_amount": by_amount, "deliveries": deliveries}
