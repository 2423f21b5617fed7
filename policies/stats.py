"""Significance tests the specialists use, pure and small (normal approximations).

Each returns a z score (how many standard errors the observed shortfall is) so a
detector can ask for "at least 3" and a report can print the number.
"""

from __future__ import annotations

import math


def normal_sf(z: float) -> float:
    """P(Z > z) for a standard normal."""
    return 0.5 * math.erfc(z / math.sqrt(2.0))


def shortfall_z(observed: float, trials: float, expected_rate: float) -> float:
    """How far ``observed`` successes in ``trials`` fall below ``expected_rate`` (binomial)."""
    if trials <= 0 or not 0.0 < expected_rate < 1.0:
        return 0.0
    expected = trials * expected_rate
    return (expected - observed) / math.sqrt(trials * expected_rate * (1.0 - expected_rate))


def rate_drop_z(base_successes: float, base_trials: float, now_successes: float, now_trials: float) -> float:
    """Two-proportion z for a drop from the baseline rate to the current one (positive: a drop)."""
    if base_trials <= 0 or now_trials <= 0:
        return 0.0
    p1, p2 = base_successes / base_trials, now_successes / now_trials
    pooled = (base_successes + now_successes) / (base_trials + now_trials)
    if pooled <= 0.0 or pooled >= 1.0:
        return 0.0
    se = math.sqrt(pooled * (1.0 - pooled) * (1.0 / base_trials + 1.0 / now_trials))
    return (p1 - p2) / se


def count_drop_z(before: float, after: float) -> float:
    """Poisson counts in two equal windows: how significant a drop from ``before`` to ``after`` is."""
    total = before + after
    return 0.0 if total <= 0 else (before - after) / math.sqrt(total)


def confidence_from_z(z: float, *, floor: float = 0.3, ceiling: float = 0.9) -> float:
    """Map evidence strength to a confidence: z = 3 is the floor, z = 8 or more the ceiling."""
    if z <= 3.0:
        return floor
    return round(min(ceiling, floor + (ceiling - floor) * (z - 3.0) / 5.0), 3)
