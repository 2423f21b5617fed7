"""Drops in a daily rate, found over the whole affected window, with false discoveries controlled.

``scan_drop`` looks for a change point: for each candidate start of the affected
window (the last k days, k on a geometric grid) it tests the days before against
the days since, and keeps the strongest. Rare events (orders per session) use the
exact conditional test for two Poisson rates (given the total, the count since
the change is binomial); common ones (engaged sessions) the two-proportion z. The
scan's p-value is Bonferroni-corrected for the number of windows tried, so it
stays valid whatever k is picked. ``benjamini_hochberg`` then controls the false
discovery rate across every page and channel tested at once. Pure.
"""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

import numpy as np
from scipy.special import logsumexp
from scipy.stats import binom, norm

#: lengths (days) of the affected window tried: geometric, so a drop of any length is close to one of them
WINDOWS = (3, 4, 5, 7, 10, 14, 21, 28)
#: at least this many days before the change are needed to know the rate before it
MIN_BEFORE_DAYS = 14
#: the false discovery rate kept across all tests of one run
FDR = 0.05
#: terms of a binomial tail summed where its probability underflows (far below the mean they fall geometrically)
TAIL_TERMS = 2000


@dataclass(frozen=True, slots=True)
class Scan:
    """The strongest drop found: where it starts, the rates either side, and its corrected p-value."""

    p: float
    days: int
    before_trials: float
    before_events: float
    after_trials: float
    after_events: float
    #: the smallest p-value this series could give at all (a series without enough events cannot be significant)
    min_p: float

    @property
    def before_rate(self) -> float:
        return self.before_events / self.before_trials if self.before_trials else 0.0

    @property
    def after_rate(self) -> float:
        return self.after_events / self.after_trials if self.after_trials else 0.0

    @property
    def relative_drop(self) -> float:
        """How far the rate fell, as a share of the rate before (0.75 = fell by three quarters)."""
        return 1.0 - self.after_rate / self.before_rate if self.before_rate > 0 else 0.0


def rare_drop_p(before_events: float, before_trials: float, after_events: float, after_trials: float) -> float:
    """One-sided p-value that the rate since the change is lower (exact test for two Poisson rates)."""
    return float(np.exp(_rare(np.array([before_events]), np.array([before_trials]), np.array([after_events]),
                              np.array([after_trials]))[0]))


def common_drop_p(before_events: float, before_trials: float, after_events: float, after_trials: float) -> float:
    """One-sided p-value of a drop in a proportion (two-proportion z, pooled variance)."""
    return float(np.exp(_common(np.array([before_events]), np.array([before_trials]), np.array([after_events]),
                                np.array([after_trials]))[0]))


# The tests return log p-values: a large drop's p underflows to 0 in every window that holds it, and the
# scan would then keep the first (shortest) of them and understate how long the drop has lasted.

def _rare(be: np.ndarray, bt: np.ndarray, ae: np.ndarray, at: np.ndarray) -> np.ndarray:
    total = np.rint(be + ae)
    ok = (total > 0) & (bt > 0) & (at > 0)
    frac = np.where(ok, at / np.where(ok, bt + at, 1.0), 0.5)
    n, k = np.where(ok, total, 1), np.rint(ae)
    out = np.where(ok, binom.logcdf(k, n, frac), 0.0)
    # SciPy's logcdf is the log of the cdf, -inf once that underflows: there, the tail summed in log space
    # (its terms fall geometrically below k, so the last few thousand hold all of it)
    for i in np.flatnonzero(np.isneginf(out)):
        terms = np.arange(max(0.0, k[i] - TAIL_TERMS), k[i] + 1)
        out[i] = logsumexp(binom.logpmf(terms, n[i], frac[i]))
    return out


def _common(be: np.ndarray, bt: np.ndarray, ae: np.ndarray, at: np.ndarray) -> np.ndarray:
    ok = (bt > 0) & (at > 0)
    bt1, at1 = np.where(ok, bt, 1.0), np.where(ok, at, 1.0)
    pooled = (be + ae) / (bt1 + at1)
    ok &= (pooled > 0.0) & (pooled < 1.0)
    se = np.sqrt(np.where(ok, pooled * (1.0 - pooled), 1.0) * (1.0 / bt1 + 1.0 / at1))
    return np.where(ok, norm.logsf((be / bt1 - ae / at1) / se), 0.0)


def scan_drop(trials: Sequence[float], events: Sequence[float], *, rare: bool = True,
              windows: Sequence[int] = WINDOWS, min_before: int = MIN_BEFORE_DAYS) -> Scan | None:
    """The strongest drop ending today in a daily series (oldest day first); None if too short to test."""
    n = len(trials)
    if len(events) != n:
        raise ValueError("trials and events must cover the same days")
    ks = np.array([k for k in windows if k <= n - min_before], dtype=int)
    if not len(ks):
        return None
    t, e = np.asarray(trials, dtype=float), np.asarray(events, dtype=float)
    # sums of the last k days, for every k at once
    tail_t, tail_e = np.cumsum(t[::-1])[ks - 1], np.cumsum(e[::-1])[ks - 1]
    total_t, total_e = float(t.sum()), float(e.sum())
    test = _rare if rare else _common
    # the window with the smallest p wins, compared on the log scale (where a huge drop's does not underflow);
    # Bonferroni over the windows tried: the scan's p-value holds whichever window wins
    log_p = test(total_e - tail_e, total_t - tail_t, tail_e, tail_t)
    log_floor = test(np.full(len(ks), total_e), total_t - tail_t, np.zeros(len(ks)), tail_t)
    i = int(np.argmin(log_p))
    p, floor = (min(1.0, float(np.exp(x)) * len(ks)) for x in (log_p[i], log_floor.min()))
    return Scan(p, int(ks[i]), total_t - float(tail_t[i]), total_e - float(tail_e[i]), float(tail_t[i]),
                float(tail_e[i]), floor)


def benjamini_hochberg(pvalues: Sequence[float], *, q: float = FDR) -> list[bool]:
    """Which tests are discoveries with the false discovery rate kept at ``q`` (step-up procedure)."""
    if not 0.0 < q < 1.0:
        raise ValueError("q must be between 0 and 1")
    m = len(pvalues)
    order = sorted(range(m), key=lambda i: pvalues[i])
    cutoff = 0
    for rank, i in enumerate(order, start=1):
        if pvalues[i] <= q * rank / m:
            cutoff = rank
    found = [False] * m
    for i in order[:cutoff]:
        found[i] = True
    return found


@dataclass(frozen=True, slots=True)
class Split:
    """A daily series cut ``days`` days before its end: the rate before, the rate since, and the trials since."""

    days: int
    before_rate: float
    after_rate: float
    after_trials: float


def split(trials: Sequence[float], events: Sequence[float], days: int) -> Split:
    n = len(trials)
    if not 0 < days < n:
        raise ValueError(f"cannot cut a {n}-day series {days} days before its end")
    bt, be = float(sum(trials[:n - days])), float(sum(events[:n - days]))
    at, ae = float(sum(trials[n - days:])), float(sum(events[n - days:]))
    return Split(days, be / bt if bt else 0.0, ae / at if at else 0.0, at)


def windows_tried(n_days: int, *, windows: Sequence[int] = WINDOWS, min_before: int = MIN_BEFORE_DAYS) -> int:
    """How many windows a scan of an ``n_days`` series tries (the Bonferroni factor of its p-value)."""
    return sum(1 for k in windows if k <= n_days - min_before)
