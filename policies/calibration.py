"""The learning loop's arithmetic: what people's decisions and measured outcomes say about a kind.

Per (tenant, agent, kind): a Beta posterior over the operator's decisions (auto-approvals never
count) gives a confidence factor, and the ratio of realised to expected revenue over measured
outcomes, shrunk towards 1 while there are few of them, scales future expected revenue. With no
evidence either factor is exactly 1. Pure: no I/O, no clock.
"""

from __future__ import annotations

from dataclasses import dataclass
from decimal import Decimal
from typing import Any

from policies.figures import cents, figure

#: Beta prior over approvals: as if two proposals had been approved and two rejected (mean one half)
PRIOR_APPROVE = 2.0
PRIOR_REJECT = 2.0
#: the confidence factor stays within these bounds (calibration never makes a guess a certainty)
MIN_FACTOR, MAX_FACTOR = 0.1, 1.2
#: measured outcomes weigh like this many pseudo-outcomes at ratio 1 (shrinkage towards the forecast)
SHRINK = 5.0
#: a single outcome's realised ÷ expected is clipped to this range before averaging
MAX_RATIO = 3.0
#: earned autonomy: this many human decisions, this approval rate, and no negative outcome
TRUST_DECISIONS = 10
TRUST_RATE = 0.9


@dataclass(frozen=True, slots=True)
class Calibration:
    approvals: int
    rejections: int
    confidence_factor: float
    revenue_ratio: float
    outcomes: int
    negative_outcomes: int

    @property
    def neutral(self) -> bool:
        return self.confidence_factor == 1.0 and self.revenue_ratio == 1.0

    def posterior(self) -> tuple[float, float]:
        return PRIOR_APPROVE + self.approvals, PRIOR_REJECT + self.rejections

    def describe(self) -> str:
        a, b = self.posterior()
        return (f"learning loop: confidence × {self.confidence_factor:.2f} (Beta({a:g}, {b:g}) over "
                f"{self.approvals} of {self.approvals + self.rejections} approved by the operator); revenue × "
                f"{self.revenue_ratio:.2f} (realised ÷ expected over {self.outcomes} measured outcomes, shrunk "
                "towards 1)")


NEUTRAL = Calibration(0, 0, 1.0, 1.0, 0, 0)


def confidence_factor(approvals: int, rejections: int) -> float:
    """Posterior mean approval rate over the prior's mean: 1 with no decisions, lower as rejections mount."""
    a, b = PRIOR_APPROVE + approvals, PRIOR_REJECT + rejections
    prior_mean = PRIOR_APPROVE / (PRIOR_APPROVE + PRIOR_REJECT)
    return round(min(MAX_FACTOR, max(MIN_FACTOR, (a / (a + b)) / prior_mean)), 3)


def revenue_ratio(pairs: list[tuple[float, float]]) -> float:
    """(realised, expected) pairs -> realised ÷ expected shrunk towards 1 by ``SHRINK`` pseudo-outcomes."""
    usable = [(r, e) for r, e in pairs if e > 0]
    if not usable:
        return 1.0
    ratios = [min(MAX_RATIO, max(0.0, r / e)) for r, e in usable]
    n = len(ratios)
    return round((sum(ratios) + SHRINK * 1.0) / (n + SHRINK), 3)


def calibrate(*, approvals: int, rejections: int, outcomes: list[tuple[float, float]],
              negative_outcomes: int) -> Calibration:
    return Calibration(approvals, rejections, confidence_factor(approvals, rejections), revenue_ratio(outcomes),
                       len([1 for _, e in outcomes if e > 0]), negative_outcomes)


@dataclass(frozen=True, slots=True)
class Calibrated:
    confidence: float
    expected_revenue: float
    revenue_inputs: list[dict[str, Any]]
    revenue_formula: str
    note: str


def apply(cal: Calibration, *, confidence: float, expected_revenue: float, revenue_inputs: list[dict[str, Any]],
          revenue_formula: str) -> Calibrated:
    """A proposal's confidence and expected revenue as the learning loop corrects them, its arithmetic naming
    the correction (one more factor, "calibration", in the revenue formula)."""
    if cal.neutral:
        return Calibrated(confidence, expected_revenue, revenue_inputs, revenue_formula, "")
    new_conf = round(min(1.0, max(0.0, confidence * cal.confidence_factor)), 3)
    shown = figure(cal.revenue_ratio, "ratio")
    # the product of the inputs as stored, times the factor as shown: the arithmetic multiplies to its total
    total = Decimal(str(expected_revenue))
    if revenue_inputs and all(isinstance(i.get("value"), (int, float)) for i in revenue_inputs):
        total = Decimal(1)
        for i in revenue_inputs:
            total *= Decimal(str(i["value"]))
    new_revenue = float(cents(max(Decimal(0), total * shown.value)))
    entry = {"name": "calibration", "value": float(shown.value), "shown": shown.text,
             "source": cal.describe()[:200]}
    head = revenue_formula.rsplit(" = ", 1)[0] if revenue_formula else f"forecast {figure(expected_revenue, 'money').text}"
    formula = f"{head} × calibration {shown.text} = {figure(new_revenue, 'money').text}"[:500]
    note = (f"Calibrated by the learning loop: confidence {confidence:.2f} × {cal.confidence_factor:.2f} = "
            f"{new_conf:.2f}; expected profit × {shown.text}.")
    return Calibrated(new_conf, new_revenue, [*revenue_inputs, entry], formula, note)


def earns_autonomy(cal: Calibration, *, rolled_back: int) -> bool:
    """Enough people's approvals, a high approval rate, nothing rolled back, no negative measured outcome."""
    decided = cal.approvals + cal.rejections + rolled_back
    return (decided >= TRUST_DECISIONS and cal.approvals / decided >= TRUST_RATE and not rolled_back
            and not cal.negative_outcomes)
