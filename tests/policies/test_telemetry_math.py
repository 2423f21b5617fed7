"""The specialists' arithmetic, pure: CTR curve, significance, reorder and markdown, fraud odds."""

from __future__ import annotations

import math

import pytest

from policies import ctr, fraud, inventory, stats


def test_the_ctr_fit_recovers_a_store_curve_and_falls_back_to_the_published_one_without_data() -> None:
    buckets = [(p, 10_000, round(10_000 * 0.3 * p ** -1.1)) for p in range(1, 21)]
    curve = ctr.fit(buckets)
    assert curve.source == "the store's own curve" and curve.a == pytest.approx(0.3, rel=0.02)
    assert curve.b == pytest.approx(1.1, rel=0.02) and curve.expected(5) == pytest.approx(0.3 * 5 ** -1.1, rel=0.03)
    thin = ctr.fit([(p, 100, 5) for p in range(1, 21)])  # every bucket under 500 impressions
    assert thin is ctr.PUBLISHED_CURVE and thin.expected(1) == ctr.PUBLISHED[0]
    assert thin.expected(4.5) == pytest.approx((ctr.PUBLISHED[3] + ctr.PUBLISHED[4]) / 2)
    rising = ctr.fit([(p, 10_000, 100 * p) for p in range(1, 21)])
    assert rising is ctr.PUBLISHED_CURVE  # a curve that rises with position is not a CTR curve


def test_significance_scores_say_how_many_standard_errors_a_drop_is() -> None:
    assert stats.shortfall_z(40, 1000, 0.1) == pytest.approx(60 / math.sqrt(90))
    assert stats.rate_drop_z(100, 1000, 50, 1000) > 3.0 > stats.rate_drop_z(10, 100, 8, 100)
    assert stats.count_drop_z(200, 100) == pytest.approx(100 / math.sqrt(300))
    assert stats.confidence_from_z(2) == 0.3 and stats.confidence_from_z(30) == 0.9
    assert stats.normal_sf(0) == pytest.approx(0.5)


def test_reorder_at_the_reorder_point_covers_lead_time_and_the_order_cover() -> None:
    settings = inventory.Settings(lead_time_days=14, safety_days=7, cover_days=30)
    steady = inventory.pace([2.0] * 28)
    plan = inventory.reorder(10, 0, steady, settings)
    assert plan is not None
    assert plan.reorder_point == pytest.approx(2 * 14 + 2 * 7)  # no spread: safety is the safety days
    assert plan.quantity == math.ceil(2 * (14 + 30) + 14 - 10)
    assert plan.days_short_avoided == pytest.approx(28.0)  # out in 5 days, so the whole horizon is saved
    assert inventory.reorder(60, 0, steady, settings) is None
    assert inventory.reorder(10, 40, steady, settings) is None  # what is on order counts
    assert inventory.reorder(0, 0, inventory.pace([0.0] * 28), settings) is None


def test_settings_resolve_from_product_to_vendor_to_store_to_defaults() -> None:
    rows = [{"scope": "vendor", "key": "Acme", "lead_time_days": 30, "safety_days": 5, "cover_days": 45},
            {"scope": "store", "key": "", "lead_time_days": 10, "safety_days": 3, "cover_days": 20},
            {"scope": "product", "key": "mug", "lead_time_days": 2, "safety_days": 1, "cover_days": 7}]
    assert inventory.settings_for("mug", "Acme", rows).lead_time_days == 2
    assert inventory.settings_for("bowl", "Acme", rows).source == "vendor setting (Acme)"
    assert inventory.settings_for("bowl", "Other", rows).lead_time_days == 10
    assert inventory.settings_for("bowl", "Other", []) == inventory.DEFAULTS


def test_markdowns_deepen_with_the_cover_and_never_pass_30_percent() -> None:
    slow = inventory.pace([0.5] * 90)
    assert inventory.markdown(80, slow) is None  # 160 days: not overstock
    assert inventory.markdown(120, slow).percent_off == 15.0  # type: ignore[union-attr]
    assert inventory.markdown(400, slow).percent_off == 30.0  # type: ignore[union-attr]
    dead = inventory.markdown(50, inventory.pace([0.0] * 90))
    # stock that never sells still clears at a markdown: 30 points off clears 30 % of what is at risk of write-off
    assert dead is not None and dead.percent_off == 30.0 and dead.extra_units == 15.0


def test_one_weak_fraud_signal_never_holds_an_order_and_several_together_do() -> None:
    for signal in fraud.RATIOS:
        assert not fraud.assess([signal]).hold, signal
    assert fraud.assess(["shopify_risk_high", "country_mismatch", "first_order_far_above_aov"]).hold
    strong = fraud.assess(["disposable_email", "country_mismatch", "velocity", "shopify_risk_medium"])
    assert strong.hold and strong.probability > 0.9
