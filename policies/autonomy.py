"""Autonomy: which (level x tier) pairs execute without the operator."""

from __future__ import annotations

from policies.decision import Decision, allow, require_approval
from policies.guardrails import check_auto_execution
from policies.kinds import KindSpec
from policies.tiers import AutonomyLevel, RiskTier

_AUTO: dict[AutonomyLevel, frozenset[RiskTier]] = {
    AutonomyLevel.SUPERVISED: frozenset(),
    AutonomyLevel.SEMI_AUTONOMOUS: frozenset({RiskTier.LOW}),
    AutonomyLevel.AUTONOMOUS: frozenset({RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH}),
}


def auto_executes(level: AutonomyLevel, tier: RiskTier) -> bool:
    """The bare matrix: does this level let this tier run alone?"""
    return tier in _AUTO[level]


def decide_autonomy(level: AutonomyLevel, tier: RiskTier, spec: KindSpec) -> Decision:
    """Auto-approve only when the matrix allows it and the guardrails hold.

    Guardrails: the engine must be able to reverse the action itself, and an
    action that creates work for a person always waits for the operator.
    """
    if not auto_executes(level, tier):
        return require_approval(f"{tier} actions wait for the operator at autonomy level {level}")
    guard = check_auto_execution(spec)
    if not guard.allowed:
        return guard
    return allow(f"{tier} actions run alone at autonomy level {level}")


_ORDER = (AutonomyLevel.SUPERVISED, AutonomyLevel.SEMI_AUTONOMOUS, AutonomyLevel.AUTONOMOUS)


def earned_level(spec: KindSpec, current: AutonomyLevel) -> AutonomyLevel | None:
    """The lowest level above ``current`` at which ``spec``'s kind would run alone, or None.

    None when the kind already runs alone, can never run alone (a critical tier, work for a person,
    not reversible by the engine), or is the grant of autonomy itself: earned trust may only ever
    lead to a *proposal*, and only for a kind the guardrails would let run.
    """
    if spec.name == "policy.grant_autonomy" or spec.base_tier is RiskTier.CRITICAL:
        return None
    if not check_auto_execution(spec).allowed or auto_executes(current, spec.base_tier):
        return None
    for level in _ORDER[_ORDER.index(current) + 1:]:
        if auto_executes(level, spec.base_tier):
            return level
    return None
