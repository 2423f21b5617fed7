"""Inventory worth as an owner counts it, pure: carrying cost, write-off, clearance, margin given away."""

from __future__ import annotations

import math

import pytest

from policies import inventory as inv


def test_stock_is_overstock_just_past_180_days_of_cover_and_not_at_it() -> None:
    one_a_day = inv.pace([1.0] * 90)
    assert inv.markdown(180, one_a_day) is None
    assert inv.markdown(181, one_a_day) is not None


def test_write_off_risk_starts_just_past_a_year_of_sales_and_is_all_of_dead_stock() -> None:
    assert inv.writeoff_share(365) == 0.0
    assert inv.writeoff_share(366) == pytest.approx(1 / 366)
    assert inv.writeoff_share(math.inf) == 1.0
    assert inv.years_held(364) == pytest.approx(364 / 365) and inv.years_held(366) == 1.0


def test_dead_stock_is_worth_clearing_the_capital_and_carrying_cost_it_frees() -> None:
    # 300 units, one sale in 90 days, $40 price, $20 cost: the "valued at zero" case
    p = inv.pace([0.0] * 89 + [1.0])
    down = inv.markdown(300, p)
    assert down is not None and down.percent_off == 30.0
    # clearance: 30 points off clears 30 % of the stock at risk of write-off
    assert down.extra_units == pytest.approx(299 * inv.writeoff_share(down.cover_days) * 0.3)
    gain = inv.markdown_gain(down, price=40.0, cost=20.0, holding_rate=0.25)
    per_unit = (28.0 - 20.0) + 20.0 * (0.25 + inv.writeoff_share(down.cover_days))
    assert gain == pytest.approx(down.extra_units * per_unit - down.base_units * 40.0 * 0.3)
    assert gain > 2500  # capital back plus a year of carrying cost, on ~88 units


def test_the_holding_cost_rate_raises_the_worth_of_clearing() -> None:
    down = inv.markdown(300, inv.pace([0.0] * 90))
    assert down is not None
    cheap = inv.markdown_gain(down, price=40.0, cost=20.0, holding_rate=0.10)
    dear = inv.markdown_gain(down, price=40.0, cost=20.0, holding_rate=0.40)
    assert dear - cheap == pytest.approx(down.extra_units * 20.0 * 0.30)


def test_a_markdown_on_a_brisk_seller_can_give_away_more_margin_than_it_gains() -> None:
    # 5 a day with 1,000 in stock (200 days): 20 % off on 140 units that sell anyway
    down = inv.markdown(1000, inv.pace([5.0] * 90))
    assert down is not None and down.percent_off == 15.0 and down.base_units == 140.0
    assert inv.markdown_gain(down, price=20.0, cost=14.0, holding_rate=0.25) < 0


def test_clearance_or_pace_whichever_sells_more_never_past_the_excess() -> None:
    slow = inv.pace([0.5] * 90)
    down = inv.markdown(400, slow)  # 800 days: 30 % off
    assert down is not None
    assert down.extra_units == pytest.approx(max(inv.pace_extra(slow, 30.0),
                                                 inv.clearance_extra(down.excess_units, 800.0, 30.0)))
    brisk = inv.pace([4.0] * 90)
    capped = inv.markdown(800, brisk)  # 200 days: the pace would sell more than the 440 excess at 15 % off? no: 67
    assert capped is not None and capped.extra_units == pytest.approx(inv.pace_extra(brisk, 15.0))
    assert inv.clearance_extra(100, 300.0, 30.0) == 0.0  # under a year of cover nothing is at risk of write-off


def test_a_reorder_is_worth_the_margin_of_the_sales_a_stock_out_loses() -> None:
    p = inv.pace([2.0] * 28)
    plan = inv.reorder(10, 0, p, inv.DEFAULTS)
    assert plan is not None
    assert inv.stockout_loss(plan, p, price=30.0, cost=12.0) == pytest.approx(28 * 2.0 * 18.0)


def test_the_holding_cost_rate_resolves_from_product_to_vendor_to_store_to_the_default() -> None:
    rows = [{"scope": "store", "key": "", "lead_time_days": 10, "safety_days": 3, "cover_days": 20,
             "holding_cost_pct": 30.0},
            {"scope": "product", "key": "mug", "lead_time_days": 2, "safety_days": 1, "cover_days": 7,
             "holding_cost_pct": None},
            {"scope": "vendor", "key": "Acme", "lead_time_days": 30, "safety_days": 5, "cover_days": 45,
             "holding_cost_pct": 18.0}]
    mug = inv.settings_for("mug", "Other", rows)
    assert mug.lead_time_days == 2 and mug.holding_cost_rate == pytest.approx(0.30)
    assert mug.holding_source == "store setting"
    assert inv.settings_for("bowl", "Acme", rows).holding_cost_rate == pytest.approx(0.18)
    assert inv.settings_for("bowl", "Other", []).holding_cost_rate == inv.HOLDING_COST_RATE
    assert inv.settings_for("bowl", "Other", []).holding_source == "default"


def test_the_depth_chosen_is_the_one_that_gains_the_owner_most_within_what_the_cover_allows() -> None:
    p = inv.pace([3.0] * 90)
    chosen = inv.best_markdown(1260, p, price=30.0, cost=12.0, holding_rate=0.25)  # 420 days: up to 25 % off
    assert chosen is not None and chosen.percent_off <= 25.0
    gains = {d: inv.markdown_gain(inv.markdown(1260, p, percent=d), price=30.0, cost=12.0,  # type: ignore[arg-type]
                                  holding_rate=0.25) for d in (10.0, 15.0, 20.0, 25.0)}
    assert chosen.percent_off == max(gains, key=lambda d: (gains[d], -d))
    limited = inv.best_markdown(1260, p, price=30.0, cost=12.0, holding_rate=0.25, limit=12.0)
    assert limited is not None and limited.percent_off <= 12.0
    assert inv.best_markdown(100, p, price=30.0, cost=12.0, holding_rate=0.25) is None  # 33 days: not overstock
    dead = inv.best_markdown(300, inv.pace([0.0] * 90), price=40.0, cost=20.0, holding_rate=0.25)
    assert dead is not None and dead.percent_off == 30.0  # nothing sells anyway: the deepest clears most



def test_extra_units_follow_whichever_model_sells_more_on_either_side_of_their_crossing() -> None:
    # 0.5 a day, 30 % off: the pace adds 0.5 x 2 x 0.3 x 28 = 8.4 units; clearance adds excess x share x 0.3
    p = inv.pace([0.5] * 90)
    assert inv.pace_extra(p, 30.0) == pytest.approx(8.4)
    # 200 units is 400 days: excess 155, 8.75 % beyond a year: clearance 4.07 < 8.4, the pace wins
    below = inv.markdown(200, p, percent=30.0)
    assert below is not None and below.extra_units == pytest.approx(8.4)
    # 260 units is 520 days: excess 215, 29.8 % beyond a year: clearance 19.2 > 8.4, clearance wins
    above = inv.markdown(260, p, percent=30.0)
    assert above is not None and above.extra_units == pytest.approx(inv.clearance_extra(215, 520.0, 30.0))
    assert above.extra_units > 8.4 and above.extra_units < above.excess_units
