"""A markdown edited to another depth is worked out again as the inventory agent would work it out.

Found by an exploratory chat: "approve the socks markdown at 20% instead" raised the expected revenue
from $37.22 to $49.62 by scaling the extra units, while the gain per unit (and its arithmetic) still
said 15% off; worked out at 20% the markdown is worth about $34.
"""

from __future__ import annotations

import pytest

from graphs.specialists.inventory import _markdown_worth
from policies import inventory as inv
from policies.edits import rederive
from tests.test_cli_output import _check_action

SETTINGS = inv.Settings()


@pytest.mark.parametrize(("stock", "per_day", "p0", "p1"), [
    (660, 1.5, 15.0, 20.0), (660, 1.5, 15.0, 10.0), (400, 0.2, 25.0, 30.0), (250, 0.9, 20.0, 15.0),
])
def test_an_edited_depth_is_worth_what_the_agent_would_have_said_at_that_depth(stock: int, per_day: float,
                                                                               p0: float, p1: float) -> None:
    pace = inv.Pace(per_day, 0.5, 90)
    sold = per_day * 90
    proposed = _markdown_worth(inv.markdown(stock, pace, percent=p0), pace, SETTINGS, sold, price=17.99, cost=6.97,
                               cost_source="Cost per item", stock=stock)
    at_p1 = _markdown_worth(inv.markdown(stock, pace, percent=p1), pace, SETTINGS, sold, price=17.99, cost=6.97,
                            cost_source="Cost per item", stock=stock)
    edited = rederive("inventory.markdown", title=f"Mark Linden Cotton Socks down {p0:g}%: …",
                      expected_revenue=proposed.value, revenue_inputs=proposed.inputs,
                      old={"percent_off": p0}, new={"percent_off": p1})
    assert edited.title.startswith(f"Mark Linden Cotton Socks down {p1:g}%")
    assert edited.expected_revenue == pytest.approx(at_p1.value, rel=0.02, abs=0.05), (edited, at_p1)
    extra, gain = edited.revenue_inputs
    assert extra["value"] == pytest.approx(at_p1.inputs[0]["value"], rel=0.01)
    assert f"{p1:g}% off" in gain["working"] and f"{p0:g}% off" not in gain["working"]
    assert f"{p1:g}% off instead of {p0:g}%" in gain["source"] and "model" in gain
    # and the formula shown multiplies to the total shown, each working reading to the figure it gives
    assert edited.revenue_formula.endswith(f"${edited.expected_revenue:,.2f}")
    _check_action({"id": 0, "revenue_formula": edited.revenue_formula, "revenue_inputs": edited.revenue_inputs,
                   "expected_revenue": edited.expected_revenue}, "1.00 expected profit × 1 confidence × 1 ease = 1.00")


def test_a_markdown_edited_twice_is_worked_out_from_the_same_model() -> None:
    pace = inv.Pace(1.5, 0.5, 90)
    proposed = _markdown_worth(inv.markdown(660, pace, percent=15.0), pace, SETTINGS, 135, price=17.99, cost=6.97,
                               cost_source="Cost per item", stock=660)
    once = rederive("inventory.markdown", title="down 15%", expected_revenue=proposed.value,
                    revenue_inputs=proposed.inputs, old={"percent_off": 15.0}, new={"percent_off": 25.0})
    twice = rederive("inventory.markdown", title=once.title, expected_revenue=once.expected_revenue,
                     revenue_inputs=once.revenue_inputs, old={"percent_off": 25.0}, new={"percent_off": 15.0})
    assert twice.expected_revenue == pytest.approx(proposed.value, rel=0.02, abs=0.05)
