"""Whom a standing rule is about, in the words an owner uses: a vendor, a product, a family of products.

Found by an exploratory chat: "never discount anything from loom & hearth" was refused as a vendor
called "anything loom & hearth"; "never mark down the alpaca blankets" and "no discounts on socks"
were refused although the store sells them.
"""

from __future__ import annotations

from datetime import date

import pytest

from policies.preferences import check, parse_rule

TODAY = date(2026, 11, 30)
VENDORS = ["Loom & Hearth", "Harbor Textiles", "Grainwood", "Wick Studio"]
PRODUCTS = ["Prairie Alpaca Throw Blanket", "Orchard Alpaca Throw Blanket", "Linden Cotton Socks",
            "Flint Cotton Tea Towel – Set of 2", "Pebble Organic Cotton T-Shirt", "Umber Cotton Throw Blanket"]


def _rule(text: str):  # type: ignore[no-untyped-def]
    parsed = parse_rule(text, today=TODAY, vendors=VENDORS, products=PRODUCTS)
    assert parsed.rule is not None, parsed.problem
    return parsed.rule


@pytest.mark.parametrize(("text", "subject"), [
    ("never discount anything from loom & hearth", ("vendor", "Loom & Hearth")),
    ("dont ever mark down anything from harbor textiles", ("vendor", "Harbor Textiles")),
    ("don't reorder anything from grainwood", ("vendor", "Grainwood")),
    ("never discount everything by wick studio", ("vendor", "Wick Studio")),
    ("no discounts on socks", ("product", "Linden Cotton Socks")),
    ("never discount the flint tea towels till january", ("product", "Flint Cotton Tea Towel – Set of 2")),
    ("never mark down the alpaca blankets", ("words", "alpaca blankets")),
    ("no markdowns on t-shirts", ("product", "Pebble Organic Cotton T-Shirt")),
    ("never discount tshirts", ("product", "Pebble Organic Cotton T-Shirt")),
])
def test_the_subject_is_read_as_an_owner_says_it(text: str, subject: tuple[str, str]) -> None:
    assert _rule(text).subject == subject


def test_a_family_of_products_covers_each_of_them_and_nothing_else() -> None:
    rule = _rule("never mark down the alpaca blankets")
    assert "alpaca blankets" in rule.describe()
    for title in ("Prairie Alpaca Throw Blanket", "Orchard Alpaca Throw Blanket – Grey"):
        assert check("inventory.markdown", {"percent_off": 20}, {"title": title}, [rule], today=TODAY).denied
    for title in ("Umber Cotton Throw Blanket", "Alpaca Scarf"):
        assert not check("inventory.markdown", {"percent_off": 20}, {"title": title}, [rule], today=TODAY).denied


@pytest.mark.parametrize("text", ["never discount anything from acme", "never discount the velvet lamps"])
def test_a_subject_the_store_does_not_have_is_refused_with_its_name(text: str) -> None:
    parsed = parse_rule(text, today=TODAY, vendors=VENDORS, products=PRODUCTS)
    assert parsed.rule is None and "anything" not in parsed.problem
