"""Order fraud: signals combined into a probability (naive Bayes on log-odds).

Each signal multiplies the odds by its likelihood ratio: how much more often it
is seen on fraudulent orders than on good ones. The ratios are conservative
figures from e-commerce fraud practice; no single weak signal can reach the
hold threshold alone, several together do.
"""

from __future__ import annotations

import math
from dataclasses import dataclass

#: share of orders that are fraudulent before any signal is seen
BASE_RATE = 0.01
#: likelihood ratio of each signal
RATIOS: dict[str, float] = {
    "shopify_risk_high": 15.0,
    "shopify_risk_medium": 3.0,
    "country_mismatch": 4.0,
    "first_order_far_above_aov": 6.0,
    "first_order_above_aov": 2.5,
    "disposable_email": 8.0,
    "velocity": 10.0,
}
#: hold an order when the probability of fraud is at least this
HOLD_AT = 0.5
#: what a chargeback costs on top of the goods (fee and handling)
CHARGEBACK_FEE = 15.0


@dataclass(frozen=True, slots=True)
class Assessment:
    probability: float
    signals: tuple[str, ...]

    @property
    def hold(self) -> bool:
        return self.probability >= HOLD_AT


def assess(signals: list[str]) -> Assessment:
    logit = math.log(BASE_RATE / (1.0 - BASE_RATE)) + sum(math.log(RATIOS[s]) for s in signals)
    return Assessment(round(1.0 / (1.0 + math.exp(-logit)), 4), tuple(signals))


def describe(probability: float) -> str:
    """Calibrated words for a probability: "very likely fraud (99.7 %)", never "100 %"."""
    shown = min(probability, 0.999)
    percent = f"{shown * 100:.1f} %" if shown >= 0.99 else f"{shown * 100:.0f} %"
    word = "very likely" if probability >= 0.95 else "likely" if probability >= 0.75 else "possibly"
    return f"{word} fraud ({percent})"
