"""The store's gross margin: what every specialist's worth is counted in (an order at what the store keeps of it)."""

from __future__ import annotations

import pytest

from graphs.specialists.conversion import margin_factor
from policies.inventory import COST_SHARE_FALLBACK, gross_margin


def test_the_margin_is_sales_less_the_cost_of_the_goods_over_sales() -> None:
    m = gross_margin({"line_sales": 1000.0, "costed_sales": 1000.0, "cost_of_goods": 350.0})
    assert (m.rate, m.costed_share) == (pytest.approx(0.65), 1.0)
    f = margin_factor({"line_sales": 1000.0, "costed_sales": 1000.0, "cost_of_goods": 350.0})
    assert (f.name, f.shown(), f.working) == ("gross margin", "65%", "($1,000.00 sold − $350.00 cost of goods) "
                                                                     "÷ $1,000.00 sold")
    assert "Cost per item" in f.source and "whose products have a cost" not in f.source


def test_lines_without_a_cost_take_the_rate_of_those_with_one_and_say_how_much_that_covers() -> None:
    sold = {"line_sales": 800.0, "costed_sales": 200.0, "cost_of_goods": 50.0}
    assert gross_margin(sold).rate == pytest.approx(0.75)
    assert "the 25% of sales whose products have a cost" in margin_factor(sold).source


def test_with_no_cost_per_item_at_all_the_margin_is_the_named_assumption() -> None:
    for sold in ({}, {"line_sales": 500.0, "costed_sales": 0.0, "cost_of_goods": 0.0}):
        assert gross_margin(sold).rate == 1 - COST_SHARE_FALLBACK
        f = margin_factor(sold)
        assert f.value == 1 - COST_SHARE_FALLBACK and f.source.startswith("assumption:") and not f.working


def test_goods_sold_below_cost_keep_nothing_rather_than_a_negative_worth() -> None:
    sold = {"line_sales": 100.0, "costed_sales": 100.0, "cost_of_goods": 130.0}
    assert gross_margin(sold).rate == 0.0
    assert margin_factor(sold).value == 0.0 and "more than the $100.00 they sold for" in margin_factor(sold).source
