"""One thing the operator asked for: a verb's name, the actions it names, and its slots (``intents.parse``)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime
from typing import Any

from graphs.language.slots import Ref


@dataclass(frozen=True)
class Intent:
    name: str
    ids: tuple[int, ...] = ()
    ref: Ref | None = None
    reason: str | None = None
    until: datetime | None = None
    params: dict[str, Any] = field(default_factory=dict)
    agent: str | None = None
    task: str | None = None
    level: str | None = None
    limit: int | None = None
    status: str | None = None
    run_id: int | None = None
    text: str | None = None
    #: the verb this clause would have had, when a negation or hedge took it away
    held_back: str | None = None
    #: only these actions may be meant (an answer to "which one?", a narrowed question)
    among: tuple[int, ...] = ()
    #: the version the operator named ("approve version 3 of #29", "approve 28 v3"): decided on as named
    version: int | None = None
    #: the operator's words for a time no calendar can hold ("until the sale is over"): asked about, never guessed
    when_said: str | None = None
    #: the word the verb was said with, where it can mean another verb: "on hold" (a snooze, or a fraud hold
    #: when the action is one), "hold" ("hold 24": an approval of fraud holds only), "kill" / "stop" ("kill
    #: it": a rejection of the action in view)
    said_as: str | None = None
