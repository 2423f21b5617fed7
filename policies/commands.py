"""The conversation's safety rule: when a resolved command may run at once, and when it must wait.

Whatever brain proposes it, a write from the operator's conversation is a ``Command``:
the verb, the exact actions (id, version, tier) or the exact setting, and the
parameters. ``gate(command, said)`` decides from the command and from what the
operator's own message named (``Said``) — never from what the brain claims:

- run at once only when the message named the verb and every target unambiguously,
  nothing hedged or negated it, and nothing in it is high or critical;
- otherwise echo the command and wait for a yes that confirms exactly it.

Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from enum import StrEnum
from typing import Any

from policies.decision import Decision, allow, require_approval
from policies.tiers import RiskTier


class Verb(StrEnum):
    APPROVE = "approve"
    EDIT_APPROVE = "edit_approve"
    REJECT = "reject"
    SNOOZE = "snooze"
    ROLLBACK = "rollback"
    KILL_ON = "kill_on"
    KILL_OFF = "kill_off"
    AUTONOMY = "autonomy"
    ADD_RULE = "add_rule"
    FORGET_RULE = "forget_rule"
    DELEGATE = "delegate"
    #: start one of the operator's workflow templates (its steps sync, run specialists, send the digest)
    WORKFLOW = "workflow"
    #: switch one specialist off (it proposes nothing) or back on
    AGENT_OFF = "agent_off"
    AGENT_ON = "agent_on"


#: verbs that decide on actions (their targets are action ids and versions)
ON_ACTIONS = frozenset({Verb.APPROVE, Verb.EDIT_APPROVE, Verb.REJECT, Verb.SNOOZE, Verb.ROLLBACK})
#: verbs whose risk is the risk of the actions they make happen
CARRY_TIER = frozenset({Verb.APPROVE, Verb.EDIT_APPROVE, Verb.ROLLBACK})
#: verbs that only ever make the engine do less: their own risk is low
SAFE_DIRECTION = frozenset({Verb.REJECT, Verb.SNOOZE, Verb.KILL_ON, Verb.ADD_RULE, Verb.AGENT_OFF})
#: verbs that always wait for a yes, however clearly they were named
ALWAYS_CONFIRM = frozenset({Verb.KILL_OFF})

#: the setting of a FORGET_RULE command that forgets every standing rule at once
EVERY_RULE = "*"

AUTONOMY_ORDER = {"supervised": 0, "semi_autonomous": 1, "autonomous": 2}


@dataclass(frozen=True, slots=True)
class Target:
    """One action a command decides on, exactly as it was resolved."""

    action_id: int
    version: int
    tier: RiskTier
    #: what a person calls it ("Reorder 64 × Prairie Alpaca Throw Blanket – Rust")
    label: str = ""


@dataclass(frozen=True, slots=True)
class Command:
    verb: Verb
    targets: tuple[Target, ...] = ()
    #: the setting's new value (kill switch, autonomy level, rule, agent)
    setting: Any = None
    #: the setting's value before (autonomy), where the direction matters
    current: Any = None
    params: dict[str, Any] = field(default_factory=dict)
    reason: str = ""

    @property
    def ids(self) -> tuple[int, ...]:
        return tuple(t.action_id for t in self.targets)


@dataclass(frozen=True, slots=True)
class Said:
    """What the operator's own message named, read by the graph, not the brain."""

    #: verbs the message asks for (after negations and hedges were taken out)
    verbs: frozenset[Verb] = frozenset()
    #: action ids written in the message, or names that resolve to exactly one action
    named_ids: frozenset[int] = frozenset()
    #: the message hedges or negates ("don't", "maybe", "not yet"): nothing runs on it alone
    hedged: bool = False
    #: per clause with a verb: the verb and the actions it named ("approve 9, and also approve 18")
    clauses: tuple[tuple[Verb, frozenset[int]], ...] = ()

    def clause_of(self, verb: Verb, action_id: int | None) -> int:
        """Which clause asked for this verb on this action (-1: none named it): one command per clause."""
        for n, (v, ids) in enumerate(self.clauses):
            if v is verb and action_id in ids:
                return n
        return -1


def risk(command: Command) -> RiskTier:
    """The risk of carrying the command out (not of the actions it names)."""
    if command.verb in SAFE_DIRECTION or command.verb in (Verb.DELEGATE, Verb.WORKFLOW):
        # what a run or a workflow proposes is decided on its own; what executes alone is autonomy's call
        return RiskTier.LOW
    if command.verb in CARRY_TIER:
        return max((t.tier for t in command.targets), key=lambda t: t.rank, default=RiskTier.LOW)
    if command.verb is Verb.AUTONOMY:
        up = AUTONOMY_ORDER.get(str(command.setting), 0) > AUTONOMY_ORDER.get(str(command.current), 0)
        return RiskTier.CRITICAL if up else RiskTier.LOW
    if command.verb is Verb.KILL_OFF or (command.verb is Verb.FORGET_RULE and command.setting == EVERY_RULE):
        # every rule at once: all the limits the operator set are lifted, so it is echoed and waits
        return RiskTier.HIGH
    return RiskTier.MEDIUM  # forgetting a rule, switching an agent back on: the engine may do more


def gate(command: Command, said: Said) -> Decision:
    """Run now (``allow``) or echo and wait for the operator's yes (``require_approval``)."""
    if command.verb in ALWAYS_CONFIRM:
        return require_approval("releasing the kill switch always waits for your yes")
    if said.hedged:
        return require_approval("your message hedged or negated it")
    if command.verb not in said.verbs:
        return require_approval("your message did not ask for this")
    if command.verb in ON_ACTIONS:
        if not command.targets:
            return require_approval("it names no action")
        unnamed = [t.action_id for t in command.targets if t.action_id not in said.named_ids]
        if unnamed:
            return require_approval("not every action was named by its number or a name that fits only it")
    tier = risk(command)
    if tier in (RiskTier.HIGH, RiskTier.CRITICAL):
        return require_approval(f"it is {tier.value} risk")
    return allow()
