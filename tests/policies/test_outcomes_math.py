"""The pure arithmetic under outcomes and the learning loop: windows, intervals, splits, calibration, earned levels."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from policies import calibration as pc
from policies import outcomes as po
from policies.autonomy import earned_level
from policies.kinds import KINDS
from policies.tiers import AutonomyLevel


def test_windows_leave_out_the_day_of_the_change_and_cap_the_after_window() -> None:
    w = po.windows(date(2026, 10, 10), date(2026, 12, 31))
    assert w.before == (date(2026, 9, 12), date(2026, 10, 9))
    assert w.after == (date(2026, 10, 11), date(2026, 11, 7)) and w.after_days == po.AFTER_DAYS
    assert po.windows(date(2026, 10, 10), date(2026, 10, 10)).after is None
    assert po.windows(date(2026, 10, 10), None).after_days == 0


def test_a_common_shock_is_removed_by_the_control() -> None:
    # every day after, treated and control both drop by 5; the treated also gains 3: the effect is 3, not -2
    before_t, before_c = [10.0, 12, 11, 9, 10, 11, 12, 9], [20.0, 24, 22, 18, 20, 22, 24, 18]
    after_t = [v - 5 + 3 for v in before_t]
    after_c = [v - 10 for v in before_c]  # the control is twice the level: its shock is twice as large
    est = po.did(before_t, after_t, before_c, after_c, controls=1)
    assert est.effect == pytest.approx(3.0) and est.verdict == "positive"
    plain = po.did(before_t, after_t, None, None)
    assert plain.effect == pytest.approx(-2.0) and "no comparable" in plain.method


def test_revenue_is_an_interval_around_the_estimate() -> None:
    est = po.Estimate(2.0, -1.0, 5.0, 10.0, 28, 20, 5, "m")
    assert po.revenue(est, 3.0) == (2.0 * 3 * 28, -1.0 * 3 * 28, 5.0 * 3 * 28)
    assert est.verdict == "no_change" and not est.significant


def test_a_holdout_splits_at_random_and_refuses_what_cannot_be_an_experiment() -> None:
    split = po.holdout(list(range(1, 11)), 0.3, seed=42)
    assert len(split.control) == 3 and sorted(split.treated + split.control) == list(range(1, 11))
    assert po.holdout(list(range(1, 11)), 0.3, seed=42).control == split.control  # the seed decides
    with pytest.raises(ValueError, match="at least 4"):
        po.holdout([1, 2, 3], 0.5, seed=1)
    with pytest.raises(ValueError, match="at most 0.5"):
        po.holdout([1, 2, 3, 4], 0.8, seed=1)


def test_a_hold_is_judged_by_what_became_of_the_order() -> None:
    order = {"total": 300.0, "goods_cost": 110.0, "financial_status": "paid", "cancelled_at": None,
             "refunded_amount": 0, "on_hold": True}
    assert po.hold_verdict(order, released=False)[0] == "waiting"
    # a fraudulent order that ships costs its goods and the chargeback fee; the payment is taken back
    assert po.hold_verdict({**order, "cancelled_at": "2026-10-02"}, released=False)[1:] == ("positive", 125.0, 0.0,
                                                                                             125.0)
    assert po.hold_verdict({**order, "financial_status": "chargeback"}, released=True)[1:] == ("negative", -125.0,
                                                                                                -125.0, 0.0)
    assert po.hold_verdict({**order, "on_hold": False}, released=True)[1] == "no_change"


def test_calibration_is_neutral_without_evidence_and_moves_with_it() -> None:
    assert pc.calibrate(approvals=0, rejections=0, outcomes=[], negative_outcomes=0).neutral
    factors = [pc.confidence_factor(0, n) for n in range(0, 12)]
    assert factors[0] == 1.0 and all(b < a for a, b in zip(factors, factors[1:]))
    assert pc.MIN_FACTOR <= factors[-1] and pc.confidence_factor(50, 0) == pc.MAX_FACTOR
    # one outcome that earned half its forecast moves the ratio a little; many move it most of the way
    assert pc.revenue_ratio([(50.0, 100.0)]) == pytest.approx((0.5 + 5) / 6, abs=1e-3)
    assert pc.revenue_ratio([(50.0, 100.0)] * 95) == pytest.approx((0.5 * 95 + 5) / 100, abs=1e-3)


def test_applied_calibration_is_named_and_its_inputs_multiply_to_the_total() -> None:
    cal = pc.calibrate(approvals=1, rejections=6, outcomes=[(20.0, 100.0)] * 5, negative_outcomes=0)
    inputs = [{"name": "missed clicks", "value": 120.0, "shown": "120"},
              {"name": "conversion", "value": 0.025, "shown": "2.5%"}, {"name": "aov", "value": 61.0, "shown": "$61"}]
    out = pc.apply(cal, confidence=0.7, expected_revenue=183.0, revenue_inputs=inputs,
                   revenue_formula="missed clicks 120 × conversion 2.5% × aov $61 = $183.00")
    product = Decimal(1)
    for i in out.revenue_inputs:
        product *= Decimal(str(i["value"]))
    assert float(product.quantize(Decimal("0.01"))) == out.expected_revenue < 183.0
    assert out.revenue_inputs[-1]["name"] == "calibration" and "learning loop" in out.revenue_inputs[-1]["source"]
    assert out.revenue_formula.startswith("missed clicks 120 × conversion 2.5% × aov $61 × calibration ")
    assert out.confidence == round(0.7 * cal.confidence_factor, 3) and "Calibrated" in out.note


def test_autonomy_is_earned_by_people_only_and_never_for_what_cannot_run_alone() -> None:
    trusted = pc.calibrate(approvals=10, rejections=0, outcomes=[], negative_outcomes=0)
    assert pc.earns_autonomy(trusted, rolled_back=0)
    assert not pc.earns_autonomy(trusted, rolled_back=1)
    assert not pc.earns_autonomy(pc.calibrate(approvals=10, rejections=0, outcomes=[], negative_outcomes=1),
                                 rolled_back=0)
    assert not pc.earns_autonomy(pc.calibrate(approvals=8, rejections=2, outcomes=[], negative_outcomes=0),
                                 rolled_back=0)
    title = KINDS["content.rewrite_title"]
    assert earned_level(title, AutonomyLevel.SUPERVISED) is AutonomyLevel.AUTONOMOUS
    assert earned_level(title, AutonomyLevel.AUTONOMOUS) is None
    assert earned_level(KINDS["analytics.investigate"], AutonomyLevel.SUPERVISED) is AutonomyLevel.SEMI_AUTONOMOUS
    for name in ("email.send", "policy.grant_autonomy", "support.escalation"):
        assert earned_level(KINDS[name], AutonomyLevel.SUPERVISED) is None
