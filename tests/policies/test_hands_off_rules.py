"""'Don't touch the umber blanket page': a rule that names a product and no kind of change.

Found by an exploratory chat: the operator who wants a product left alone (a page being redesigned,
a product under review) was refused, "it is not about something the agents propose", and had to
list every kind of change one by one. Such a sentence now covers every change the agents make to
the product (or, when it says "page" or "listing", to its page only), never an investigation or an
order hold.
"""

from __future__ import annotations

from datetime import date

import pytest

from policies.preferences import check, parse_rule

TODAY = date(2026, 12, 1)
VENDORS = ["Wick Studio", "Grainwood"]
PRODUCTS = ["Umber Cotton Throw Blanket", "Prairie Alpaca Throw Blanket", "Birch Stoneware Coffee Mug"]
UMBER = {"title": "Umber Cotton Throw Blanket", "vendor": "Grainwood"}
MUG = {"title": "Birch Stoneware Coffee Mug", "vendor": "Wick Studio"}
PAGE_KINDS = ("content.rewrite_title", "content.rewrite_meta_description", "content.add_internal_links",
              "perf.repair_page")
STOCK_AND_PRICE = ("inventory.reorder", "inventory.markdown", "pricing.adjust")
NOT_A_CHANGE = ("analytics.investigate", "risk.hold_order")


def _rule(text: str):  # type: ignore[no-untyped-def]
    parsed = parse_rule(text, today=TODAY, vendors=VENDORS, products=PRODUCTS)
    assert parsed.rule is not None, parsed.problem
    return parsed.rule


def _denied(rule, kind: str, facts: dict[str, str]) -> bool:  # type: ignore[no-untyped-def]
    params = {"new_price": 10, "current_price": 20} if kind == "pricing.adjust" else {}
    return check(kind, params, facts, [rule], today=TODAY).denied


@pytest.mark.parametrize("text", ["never touch the umber blanket", "dont touch the umber cotton throw blanket",
                                  "don't mess with the umber blanket", "never change anything on the umber blanket"])
def test_a_product_left_alone_gets_no_change_of_any_kind(text: str) -> None:
    rule = _rule(text)
    assert rule.describe() == "no changes on Umber Cotton Throw Blanket"
    for kind in PAGE_KINDS + STOCK_AND_PRICE:
        assert _denied(rule, kind, UMBER), kind
        assert not _denied(rule, kind, MUG), kind  # another product is not covered
    for kind in NOT_A_CHANGE:
        assert not _denied(rule, kind, UMBER), kind


@pytest.mark.parametrize("text", ["dont touch the umber blanket page", "never edit the umber blanket listing"])
def test_a_page_left_alone_covers_its_page_and_not_its_stock(text: str) -> None:
    rule = _rule(text)
    assert rule.describe() == "no page changes on Umber Cotton Throw Blanket"
    assert all(_denied(rule, kind, UMBER) for kind in PAGE_KINDS)
    assert not any(_denied(rule, kind, UMBER) for kind in STOCK_AND_PRICE + NOT_A_CHANGE)


@pytest.mark.parametrize(("text", "understood"), [
    ("never change the title of the umber blanket", "no title rewrites on Umber Cotton Throw Blanket"),
    ("dont touch prices on the coffee mug", "no price changes and markdowns on Birch Stoneware Coffee Mug"),
    ("never touch anything from wick studio", "no changes on products from Wick Studio"),
    ("always ask me before changing the alpaca blanket", "ask you before any change on Prairie Alpaca Throw Blanket"),
    ("don't change anything before January", "no changes on any product until 1 Jan 2027"),
])
def test_a_named_kind_still_wins_and_the_rest_reads_as_before(text: str, understood: str) -> None:
    assert _rule(text).describe() == understood


@pytest.mark.parametrize("text", ["dont touch the homepage", "never touch the velvet lamp"])
def test_something_the_store_does_not_sell_is_refused_by_name(text: str) -> None:
    parsed = parse_rule(text, today=TODAY, vendors=VENDORS, products=PRODUCTS)
    assert parsed.rule is None and "I don't know a vendor or product called" in parsed.problem

