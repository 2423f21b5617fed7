"""The language of the conversation corpora: scenarios of turns, each with the effects it must have.

A scenario runs on a fresh copy of the demo store. Each turn sends one message and then
compares the store's state with the state before the turn:

- ``effects`` lists every change the turn must make; **any other change fails the scenario**
  (a state change that was not asked for);
- ``pending`` is the set of actions the reply must be waiting to confirm (``()`` = none);
- ``says`` / ``never_says`` are fragments the reply must (not) contain (case-insensitive).

Placeholders in messages and expectations: ``{name}`` is the id of a named demo action
(see ``operator_scenarios.HANDLES``), ``{rank1}`` … ``{rank26}`` the id at that place in
the queue as ranked when the scenario starts.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any


@dataclass(frozen=True)
class T:
    """One turn: what the person says and what must follow."""

    say: str
    #: action handle -> status after the turn ("executed", "rejected", "snoozed", "approved", ...);
    #: "kill_switch" -> True/False; "autonomy" -> level; "rules" -> number of rules added (negative: removed)
    effects: dict[str, Any] = field(default_factory=dict)
    #: handles the reply waits to confirm; None = not checked, () = nothing may be waiting
    pending: tuple[str, ...] | None = ()
    says: tuple[str, ...] = ()
    never_says: tuple[str, ...] = ()


@dataclass(frozen=True)
class Scenario:
    name: str
    category: str
    turns: tuple[T, ...]
    #: settings before the first turn: {"autonomy": level, "kill_switch": bool, "rules": [sentences]}
    setup: dict[str, Any] = field(default_factory=dict)

    @property
    def messages(self) -> int:
        return len(self.turns)


def scenario(name: str, category: str, *turns: T, **setup: Any) -> Scenario:
    return Scenario(name, category, tuple(turns), setup)
