"""Drop detection, pure: the change-point scan, its exact tests, and false-discovery control."""

from __future__ import annotations

import numpy as np
import pytest
from scipy.stats import binom, norm

from policies import detection as d


def test_benjamini_hochberg_keeps_a_p_value_just_under_its_step_and_drops_one_just_over() -> None:
    # m = 4, q = 0.05: the steps are 0.0125, 0.025, 0.0375, 0.05
    assert d.benjamini_hochberg([0.0124, 0.5, 0.6, 0.7]) == [True, False, False, False]
    assert d.benjamini_hochberg([0.0126, 0.5, 0.6, 0.7]) == [False, False, False, False]
    # step-up: the second smallest under its step carries the smallest with it, even past the first step
    assert d.benjamini_hochberg([0.02, 0.024, 0.6, 0.7]) == [True, True, False, False]
    assert d.benjamini_hochberg([0.02, 0.026, 0.6, 0.7]) == [False, False, False, False]
    assert d.benjamini_hochberg([]) == []
    with pytest.raises(ValueError):
        d.benjamini_hochberg([0.1], q=0.0)


def test_the_rare_event_test_is_the_exact_conditional_binomial() -> None:
    # 50 orders in 2,520 sessions before, 4 in 900 since: given 54 orders, those since are Binomial(54, 900/3420)
    assert d.rare_drop_p(50, 2520, 4, 900) == pytest.approx(binom.cdf(4, 54, 900 / 3420))
    assert d.rare_drop_p(0, 2520, 0, 900) == 1.0  # no events: nothing to test
    assert d.rare_drop_p(10, 0, 1, 900) == 1.0


def test_the_common_event_test_is_the_two_proportion_z() -> None:
    p = d.common_drop_p(600, 1000, 45, 100)  # 60 % engaged before, 45 % since
    pooled = 645 / 1100
    z = (0.6 - 0.45) / np.sqrt(pooled * (1 - pooled) * (1 / 1000 + 1 / 100))
    assert p == pytest.approx(float(norm.sf(z)))
    assert d.common_drop_p(0, 1000, 0, 100) == 1.0


def test_a_scan_needs_two_weeks_before_the_shortest_window() -> None:
    short = d.MIN_BEFORE_DAYS + min(d.WINDOWS)
    assert d.scan_drop([100.0] * (short - 1), [2.0] * (short - 1)) is None
    scan = d.scan_drop([100.0] * short, [2.0] * short)
    assert scan is not None and scan.days == min(d.WINDOWS)
    assert d.windows_tried(short) == 1 and d.windows_tried(56) == len(d.WINDOWS)
    with pytest.raises(ValueError):
        d.scan_drop([1.0, 2.0], [1.0])


def test_the_scan_finds_where_a_drop_started_and_pays_for_the_windows_it_tried() -> None:
    sessions = [90.0] * 56
    orders = [2.0] * 46 + [0.0, 1.0] * 5  # a three-quarter drop over the last 10 days
    scan = d.scan_drop(sessions, orders)
    assert scan is not None and scan.days == 10
    assert scan.relative_drop == pytest.approx(0.75)
    single = d.rare_drop_p(92, 46 * 90, 5, 900)
    assert scan.p == pytest.approx(single * len(d.WINDOWS))  # Bonferroni over the eight windows
    assert scan.p < d.FDR / 10


def test_a_drop_too_large_for_floating_point_is_still_placed_where_it_began() -> None:
    # 3,000 sessions a day at 5 %, then none converting for the last 14 days: every window inside the drop
    # has a p-value below 1e-300, which underflowed to 0 and left the scan on the shortest window (3 days),
    # counting a fifth of the orders lost; compared on the log scale, the 14-day window wins
    sessions = [3000.0] * 56
    orders = [150.0] * 42 + [0.0] * 14
    scan = d.scan_drop(sessions, orders)
    assert scan is not None and scan.days == 14 and scan.relative_drop == pytest.approx(1.0)
    assert scan.p == 0.0
    engaged = [1800.0] * 42 + [300.0] * 14  # and the same for the proportion test: 60 % engaged, then 10 %
    common = d.scan_drop(sessions, engaged, rare=False)
    assert common is not None and common.days == 14


def test_a_steady_series_gives_no_small_p_value_and_a_thin_one_cannot_give_any() -> None:
    rng = np.random.default_rng(7)
    scans = [d.scan_drop([90.0] * 56, list(rng.binomial(90, 0.02, 56).astype(float))) for _ in range(200)]
    ps = [s.p for s in scans if s is not None]
    assert len(ps) == 200
    # valid: the scan's p-value is at most as often below a level as the level says (Bonferroni is conservative)
    assert sum(p <= 0.05 for p in ps) <= 0.05 * 200
    thin = d.scan_drop([3.0] * 56, [0.0] * 55 + [1.0])
    assert thin is not None and thin.min_p > d.FDR  # one order in 168 sessions: no drop could be significant


def test_split_cuts_a_series_where_the_scan_says() -> None:
    cut = d.split([100.0] * 20, [5.0] * 15 + [1.0] * 5, 5)
    assert (cut.before_rate, cut.after_rate, cut.after_trials) == (0.05, 0.01, 500.0)
    with pytest.raises(ValueError):
        d.split([1.0] * 5, [0.0] * 5, 5)
