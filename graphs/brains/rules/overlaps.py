"""One verb per action per message: what a message asks twice of the same action.

"approve the reorders and snooze the mug reorder till friday": the mug is named on its own, so the group
leaves it out and it is snoozed. "approve 12 and reject 12": one action, named on its own twice with
different verbs — neither is done, and the reply says so and asks which. The same request said twice
("approve 12 … yes approve 12") is done once.
"""

from __future__ import annotations

from typing import Any

from graphs.brains.base import ToolCall

_VERB = {"approve_action": "approve", "edit_and_approve": "change and approve", "reject_action": "reject",
         "snooze_action": "snooze", "rollback_action": "undo"}


def settle(parts: list[dict[str, Any]], calls: list[ToolCall]) -> list[ToolCall]:
    """The calls left once each action has one verb; ``parts`` get their notes and lose the calls dropped.

    A part is a group when it resolved a description to several actions ("the reorders", "the top 3");
    an action a group and a part naming it on its own both ask for goes to the part naming it.
    """
    owner = {c: i for i, part in enumerate(parts) for c in part.get("calls", [])}
    uses: dict[int, list[ToolCall]] = {}
    for c in calls:
        if c.name in _VERB and "action_id" in c.args and c.id in owner:  # decisions only: reads never collide
            uses.setdefault(int(c.args["action_id"]), []).append(c)
    dropped: set[str] = set()
    for action_id, asked in uses.items():
        if len(asked) < 2:
            continue
        if len({(c.name, repr(sorted(c.args.items()))) for c in asked}) == 1:
            dropped |= {c.id for c in asked[1:]}  # the same request twice: once
            continue
        alone = [c for c in asked if not parts[owner[c.id]].get("group")]
        if len(alone) == 1:
            keep = alone[0]
            for c in asked:
                if c is not keep:
                    dropped.add(c.id)
                    _note(parts[owner[c.id]], f"#{action_id} is left out of that: you said to "
                                              f"{_VERB.get(keep.name, keep.name)} it.")
            continue
        dropped |= {c.id for c in asked}
        verbs = list(dict.fromkeys(_VERB.get(c.name, c.name) for c in asked))
        said = (f"{verbs[0]} #{action_id} and to " + " and to ".join(verbs[1:]) + " it" if len(verbs) > 1
                else f"{verbs[0]} #{action_id} twice, in two different ways")
        _note(parts[owner[asked[0].id]], f"You asked me to {said} in the same message, so I did nothing to "
                                         f"#{action_id}. Say which you want, e.g. \"{verbs[0]} {action_id}\".")
    for part in parts:
        part["calls"] = [c for c in part.get("calls", []) if c not in dropped]
    return [c for c in calls if c.id not in dropped]


def _note(part: dict[str, Any], text: str) -> None:
    part["notes"] = [*part.get("notes", []), text]
