"""Risk tiers and autonomy levels: closed sets with a total order."""

from __future__ import annotations

from enum import StrEnum


class RiskTier(StrEnum):
    LOW = "low"
    MEDIUM = "medium"
    HIGH = "high"
    CRITICAL = "critical"

    @property
    def rank(self) -> int:
        return _TIER_RANK[self]

    def at_least(self, other: RiskTier) -> RiskTier:
        """The higher of the two tiers (amounts can only raise a tier)."""
        return self if self.rank >= other.rank else other


_TIER_RANK = {RiskTier.LOW: 0, RiskTier.MEDIUM: 1, RiskTier.HIGH: 2, RiskTier.CRITICAL: 3}


class AutonomyLevel(StrEnum):
    SUPERVISED = "supervised"
    SEMI_AUTONOMOUS = "semi_autonomous"
    AUTONOMOUS = "autonomous"
