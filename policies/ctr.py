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


@dataclass(frozen=True, slots=True)
class CtrCurve:
    a: float
    b: float
    source: str
    buckets: int

    def expected(self, position: float) -> float:
        position = max(1.0, position)
        if self.b == 0.0 and self.a == 0.0:
            return _published(position)
        return min(0.95, self.a * position ** -self.b)

    def describe(self) -> str:
        if self.a == 0.0:
            return PUBLISHED_SOURCE
        return f"{self.source}: CTR = {self.a:.3f} x position^-{self.b:.2f} ({self.buckets} positions)"


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
    return CtrCurve(round(math.exp(intercept), 5), round(-slope, 4), "the store's own curve", len(points))
