"""The memory of decisions: a rejected or rolled-back proposal stays away for a while.

A proposal the operator rejected or rolled back (same tenant, kind and target) is not
proposed again within its cooldown (by kind, longer for riskier tiers) unless its evidence
changed materially — a stated measure per kind below. When it does come back it carries
the earlier decision and reason, and ranks lower. Pure: the caller passes what was
decided, the new evidence and ``now``.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime, timedelta
from typing import Any

from policies.tiers import RiskTier

#: how long a refused proposal stays away, by kind (before the tier's factor)
COOLDOWN: dict[str, timedelta] = {
    "analytics.investigate": timedelta(days=14), "perf.repair_page": timedelta(days=7),
    "content.rewrite_title": timedelta(days=30), "content.rewrite_meta_description": timedelta(days=30),
    "content.add_internal_links": timedelta(days=30), "content.create_landing_page": timedelta(days=60),
    "inventory.reorder": timedelta(days=14), "inventory.markdown": timedelta(days=30),
    "pricing.adjust": timedelta(days=30), "risk.hold_order": timedelta(days=30),
    "risk.release_order": timedelta(days=7), "email.send": timedelta(days=30),
    "policy.grant_autonomy": timedelta(days=30), "support.escalation": timedelta(0),
}
#: riskier tiers stay away longer
TIER_FACTOR: dict[RiskTier, float] = {RiskTier.LOW: 1.0, RiskTier.MEDIUM: 1.0, RiskTier.HIGH: 1.5,
                                      RiskTier.CRITICAL: 2.0}


@dataclass(frozen=True, slots=True)
class Measure:
    """What "the evidence changed materially" means for a kind: a metric moving by a share."""

    metric: str
    #: "down": material when it fell by ``change``; "up": when it rose by it
    direction: str
    change: float
    words: str


MEASURES: dict[str, Measure] = {
    "content.rewrite_title": Measure("clicks", "down", 0.30, "clicks down another 30 %"),
    "content.rewrite_meta_description": Measure("clicks", "down", 0.30, "clicks down another 30 %"),
    "content.add_internal_links": Measure("clicks", "down", 0.30, "clicks down another 30 %"),
    "content.create_landing_page": Measure("impressions", "up", 0.50, "searches up 50 %"),
    "analytics.investigate": Measure("conversion rate", "down", 0.30, "the rate down another 30 %"),
    "perf.repair_page": Measure("engagement rate", "down", 0.30, "engagement down another 30 %"),
    "inventory.reorder": Measure("inventory on hand", "down", 0.50, "stock on hand halved"),
    "inventory.markdown": Measure("inventory on hand", "up", 0.50, "stock on hand up 50 %"),
    "pricing.adjust": Measure("expected revenue", "up", 0.50, "the expected gain up 50 %"),
}
#: kinds whose evidence cannot change enough to ask again (the same order, the same e-mail)
NEVER_MATERIAL = frozenset({"risk.hold_order", "risk.release_order", "email.send", "policy.grant_autonomy"})
#: a proposal that comes back after a refusal ranks lower by this factor on its confidence
RETURNING_CONFIDENCE = 0.7


@dataclass(frozen=True, slots=True)
class Refusal:
    """An earlier proposal for the same kind and target that the operator turned down."""

    action_id: int
    verdict: str  # "rejected" | "rolled_back"
    reason: str
    at: datetime
    tier: RiskTier
    measure: float | None


@dataclass(frozen=True, slots=True)
class Recall:
    blocked: bool
    #: for the operator: what was decided before ("you rejected this on 3 Nov: 'seasonal item'")
    note: str = ""
    #: the proposal may come back: it carries the note and ranks lower
    returning: bool = False
    until: datetime | None = None


def measure(kind: str, evidence: list[dict[str, Any]], expected_revenue: float) -> float | None:
    """The number the kind's material-change measure is about, from a proposal's evidence."""
    spec = MEASURES.get(kind)
    if spec is None:
        return None
    if spec.metric == "expected revenue":
        return expected_revenue
    for e in evidence:
        if e.get("metric") == spec.metric and isinstance(e.get("value"), (int, float)):
            return float(e["value"])
    return None


def cooldown(kind: str, tier: RiskTier) -> timedelta:
    return COOLDOWN.get(kind, timedelta(days=14)) * TIER_FACTOR[tier]


def material(kind: str, before: float | None, now: float | None) -> bool:
    spec = MEASURES.get(kind)
    if kind in NEVER_MATERIAL or spec is None or before is None or now is None or before <= 0:
        return False
    ratio = now / before
    return ratio <= 1 - spec.change if spec.direction == "down" else ratio >= 1 + spec.change


def recall(kind: str, refusal: Refusal | None, measure_now: float | None, now: datetime) -> Recall:
    """May this proposal come (back) now, and what should it say about the past?"""
    if refusal is None:
        return Recall(False)
    verb = "rolled back" if refusal.verdict == "rolled_back" else "rejected"
    said = f": \u201c{refusal.reason}\u201d" if refusal.reason else ""
    note = f"You {verb} this on {refusal.at:%-d %b}{said} (#{refusal.action_id})."
    until = refusal.at + cooldown(kind, refusal.tier)
    if now >= until:
        return Recall(False, note, returning=True)
    if material(kind, refusal.measure, measure_now):
        spec = MEASURES[kind]
        return Recall(False, f"{note} It comes back because the evidence changed: {spec.words}.", returning=True)
    return Recall(True, note, until=until)
