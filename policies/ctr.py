"""The expected click-through rate by search position.

A store's own curve is fitted from its Search Console data (clicks and impressions
by rounded position, first page and second) as CTR = a x position^-b, by weighted
least squares in log space. With too little data a published curve is used
instead; the result says which, so every estimate can name its source.
"""

from __future__ import annotations

import math
from collections.abc import Iterable
from dataclasses import dataclass

#: a published organic CTR curve (desktop and mobile blended), positions 1-20
PUBLISHED = (0.276, 0.158, 0.110, 0.084, 0.063, 0.049, 0.039, 0.032, 0.027, 0.024,
             0.016, 0.014, 0.013, 0.012, 0.011, 0.010, 0.009, 0.009, 0.008, 0.008)
PUBLISHED_SOURCE = "published curve (organic CTR by position, blended desktop and mobile)"
#: a bucket counts for the fit with at least this many impressions ...
MIN_BUCKET_IMPRESSIONS = 500
#: ... and the fit needs this many such buckets among positions 1-20
MIN_BUCKETS = 6
#: where the second page of results starts (positions are averages: 10.5 rounds to 11)
PAGE_TWO = 10.5
#: second-page buckets need this many impressions and clicks together before their step is measured
PAGE_TWO_MIN_IMPRESSIONS = 2000
PAGE_TWO_MIN_CLICKS = 20


@dataclass(frozen=True, slots=True)
class CtrCurve:
    a: float
    b: float
    source: str
    buckets: int
    #: past the first page (position 10.5 and beyond) the power law is multiplied by this, measured from the
    #: store's second-page buckets: searchers who reach page two click less than the first page's curve says
    page_two: float = 1.0

    def expected(self, position: float) -> float:
        position = max(1.0, position)
        if self.b == 0.0 and self.a == 0.0:
            return _published(position)
        step = self.page_two if position >= PAGE_TWO else 1.0
        return min(0.95, self.a * position ** -self.b * step)

    def describe(self) -> str:
        if self.a == 0.0:
            return PUBLISHED_SOURCE
        two = f", x {self.page_two:.2f} on page two" if self.page_two != 1.0 else ""
        return f"{self.source}: CTR = {self.a:.3f} x position^-{self.b:.2f}{two} ({self.buckets} positions)"


def _published(position: float) -> float:
    if position >= len(PUBLISHED):
        return PUBLISHED[-1] * (len(PUBLISHED) / position)
    lo = int(math.floor(position))
    frac = position - lo
    left = PUBLISHED[lo - 1]
    right = PUBLISHED[min(lo, len(PUBLISHED) - 1)]
    return left + (right - left) * frac


PUBLISHED_CURVE = CtrCurve(0.0, 0.0, PUBLISHED_SOURCE, 0)


def fit(buckets: Iterable[tuple[int, int, int]]) -> CtrCurve:
    """Fit from (position, impressions, clicks) buckets; the published curve if there is too little."""
    points = [(pos, imp, clk) for pos, imp, clk in buckets
              if 1 <= pos <= 20 and imp >= MIN_BUCKET_IMPRESSIONS and clk > 0]
    if len(points) < MIN_BUCKETS:
        return PUBLISHED_CURVE
    # weights: the number of clicks (a bucket's log CTR is as precise as its clicks allow)
    sw = sx = sy = sxx = sxy = 0.0
    for pos, imp, clk in points:
        w = float(clk)
        x, y = math.log(pos), math.log(clk / imp)
        sw += w
        sx += w * x
        sy += w * y
        sxx += w * x * x
        sxy += w * x * y
    denom = sw * sxx - sx * sx
    if denom <= 0:
        return PUBLISHED_CURVE
    slope = (sw * sxy - sx * sy) / denom
    intercept = (sy - slope * sx) / sw
    if slope >= 0:  # a curve that does not fall with position is not a CTR curve
        return PUBLISHED_CURVE
    a, b = round(math.exp(intercept), 5), round(-slope, 4)
    # one power law bends through the cliff between pages one and two: measure the step on page two instead
    two = [(pos, imp, clk) for pos, imp, clk in points if pos >= PAGE_TWO]
    imps, clicks = sum(imp for _, imp, _ in two), sum(clk for _, _, clk in two)
    step = 1.0
    if imps >= PAGE_TWO_MIN_IMPRESSIONS and clicks >= PAGE_TWO_MIN_CLICKS:
        predicted = sum(imp * a * pos ** -b for pos, imp, _ in two)
        step = round(min(1.0, clicks / predicted), 2) if predicted else 1.0
    return CtrCurve(a, b, "the store's own curve", len(points), step)


def typical_position(buckets: Iterable[tuple[int, int]]) -> float | None:
    """The position where half the store's first-page impressions sit at or above: where its pages usually
    rank when they rank. From (rounded position, impressions) buckets; None without first-page impressions."""
    first_page = sorted((pos, imp) for pos, imp in buckets if 1 <= pos <= 10 and imp > 0)
    total = sum(imp for _, imp in first_page)
    if not total:
        return None
    seen = 0
    for pos, imp in first_page:
        seen += imp
        if seen * 2 >= total:
            return float(pos)
    return float(first_page[-1][0])
