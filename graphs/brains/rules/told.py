"""What a message mentions in passing: action numbers ("i checked 12"), one action named ("the mug reorder looks
fine"), and figures of the action in view read as figures ("the mug reorder, why 56?"), never as actions."""

from __future__ import annotations

import re
from typing import Any

from graphs.language.intents import Intent
from graphs.language.refs import resolve


def numbers_told(text: str, queue: list[dict[str, Any]]) -> list[int]:
    """Action numbers a sentence points at in passing ("i checked 12", "#12 looks fine"): numbers the queue has,
    after a word that points at an action, never an amount, a time or a count of something ("we had 20 visitors")."""
    known = {i["id"] for i in queue}
    said = re.findall(r"(?:#|\b(?:checked|looked at|look at|saw|seen|read|reviewed|went through|number|action|item"
                      r"|about|on)\s+#?)(\d{1,5})\b(?![.,:]?\d|\s*(?:%|percent|units?|pcs|days?|weeks?|hours?|am\b"
                      r"|pm\b|x\b|dollars|bucks|items?|orders?|pages?|visitors?|people|sales|clicks))", text.lower())
    return list(dict.fromkeys(int(n) for n in said if int(n) in known))


def named_one(intent: Intent, queue: list[dict[str, Any]]) -> list[int]:
    """The one action a sentence names in passing ("the mug reorder looks fine to me, …"), else []."""
    if intent.ref is None or not (intent.ref.words or intent.ref.kind):
        return []
    found = resolve((), intent.ref, queue)
    return list(found.ids) if len(found.ids) == 1 and not found.candidates else []


def figures_of(numbers: tuple[int, ...], focus: list[int], queue: list[dict[str, Any]]) -> bool:
    """Is every number a figure in the title of the one action in view ("Reorder 56 x …"), not an action's number?"""
    if len(focus) != 1:
        return False
    action = next((a for a in queue if a["id"] == focus[0]), None)
    if action is None:
        return False
    figures = {int(float(n)) for n in re.findall(r"\d+(?:\.\d+)?", action.get("title") or "")}
    return all(n in figures for n in numbers)
