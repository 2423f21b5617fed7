"""Ranking: score = expected revenue x confidence x ease.

Ties break on the freshness of the evidence (newer first), then on the lower risk
tier, then on the id so the order is total and stable.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime

from typing import TypeVar

from policies.tiers import RiskTier


def score(expected_revenue: float, confidence: float, ease: float) -> float:
    return round(max(expected_revenue, 0.0) * confidence * ease, 6)


@dataclass(frozen=True, slots=True)
class Rankable:
    id: int
    score: float
    evidence_at: datetime
    risk_tier: RiskTier


def rank_key(item: Rankable) -> tuple[float, float, int, int]:
    return (-item.score, -item.evidence_at.timestamp(), item.risk_tier.rank, item.id)


R = TypeVar("R", bound=Rankable)


def rank(items: list[R]) -> list[R]:
    return sorted(items, key=rank_key)
