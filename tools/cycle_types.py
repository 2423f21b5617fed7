"""The cycle's phase results: plain JSON-ready data, so a durable engine can checkpoint them as they are."""

from __future__ import annotations

from dataclasses import asdict, dataclass, field, fields
from typing import Any, TypeVar

T = TypeVar("T", bound="_Data")

PHASES = ("plan", "act", "react", "reflect")


@dataclass(frozen=True, slots=True)
class _Data:
    def as_dict(self) -> dict[str, Any]:
        return asdict(self)

    @classmethod
    def from_dict(cls: type[T], data: dict[str, Any]) -> T:
        names = {f.name for f in fields(cls)}
        return cls(**{k: v for k, v in data.items() if k in names})


@dataclass(frozen=True, slots=True)
class Plan(_Data):
    cycle: str
    #: the specialists that run in Act
    agents: list[str]
    #: the ones that do not, and why: {agent: reason}
    skipped: dict[str, str]
    #: each source's freshness: [{source, state, newest, age_days, limit_days}]
    sources: list[dict[str, Any]]
    #: actions by status when the cycle began
    open_work: dict[str, int]
    #: sources older than their limit: a sync is due where a connector is configured
    sync_due: list[str] = field(default_factory=list)
    kill_switch: str = ""


@dataclass(frozen=True, slots=True)
class ActResult(_Data):
    cycle: str
    #: one per specialist run: {agent, run_id, status, summary, new_action_ids}
    runs: list[dict[str, Any]]
    proposed: list[int]
    executed: list[int]
    held: list[int]
    deferred: list[int]
    failed: list[int]
    halted: str = ""


@dataclass(frozen=True, slots=True)
class ReactResult(_Data):
    cycle: str
    expired: list[int]
    woken: list[int]
    #: what outcome measurement found (``tools.outcomes.measure_outcomes``), or why it did not run
    outcomes: dict[str, Any]
    halted: str = ""


@dataclass(frozen=True, slots=True)
class Reflection(_Data):
    cycle: str
    status: str
    started_at: str
    finished_at: str
    #: proposed / auto_approved / executed / blocked / expired / delivered / failed in this cycle
    counts: dict[str, int]
    #: the actions behind each count
    actions: dict[str, list[int]]
    #: {metric, before, after, change} for what the measured outcomes moved
    metrics: list[dict[str, Any]]
    #: expected revenue of what executed, and what was realised as measured (with its interval), if known
    revenue: dict[str, Any]
    #: what to do differently next cycle, in words
    hints: list[str]
    #: each phase's status and seconds
    phases: dict[str, Any]
    summary: str = ""
    #: what the learning loop recalibrated and proposed (``tools.learning.learn``), or why it did not run
    learning: dict[str, Any] = field(default_factory=dict)
