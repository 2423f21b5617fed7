"""What a visit to a page is worth: its conversion rate and average order value, from GA4.

A page's own figures are blended toward those of the store's pages of its kind
(so twelve sessions and one lucky order do not make an 8 % converter): a product
page toward the store's product pages, not toward a store-wide rate that the home
page and the blog hold down (a product page converts two or three times as well);
the store's rate stands in when its pages of that kind have too few sessions.
Without GA4 the store's orders give the order value and a conservative e-commerce
average the rate. Each figure carries its source for the arithmetic.

An order is worth its gross margin to the owner, not its value: ``margin_factor`` is
the factor every page's worth ends with, so what a better title earns is counted in the
same money as a reorder's margin or a markdown's freed capital.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from graphs.specialists.arithmetic import Factor, num
from policies.inventory import COST_SHARE_FALLBACK, gross_margin

#: Shopify's URL scheme: what a page is from its path
KINDS = (("/products/", "product"), ("/collections/", "collection"), ("/blogs/", "blog post"), ("/pages/", "page"))
ORGANIC = "Organic Search"
#: sessions (or orders) at its kind's rate (or the store's order value) a page's own figure is blended with
PRIOR_SESSIONS = 400
PRIOR_ORDERS = 8
#: used only when there is no GA4 data at all
FALLBACK_RATE = 0.02


def kind_of(path: str) -> str:
    if path == "/":
        return "home"
    return next((kind for prefix, kind in KINDS if path.startswith(prefix)), "page")


def plural(kind: str) -> str:
    return {"home": "home page", "page": "other pages", "blog post": "blog posts"}.get(kind, f"{kind} pages")


class ConversionModel:
    def __init__(self, stats: list[dict[str, Any]], window: str, orders: dict[str, float]) -> None:
        self.window = window
        page: dict[tuple[str, bool], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        store: dict[bool, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        kinds: dict[str, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        purchases_measured = any(r["purchases"] for r in stats)
        for r in stats:
            if r["period"] != "last28":
                continue
            conversions = r["purchases"] if purchases_measured else r["key_events"]
            for organic in (False, True):
                if organic and r["channel"] != ORGANIC:
                    continue
                cells = [page[(r["landing_page"], organic)], store[organic]]
                if organic:
                    cells.append(kinds[kind_of(r["landing_page"])])
                for cell in cells:
                    cell[0] += r["sessions"]
                    cell[1] += conversions
                    cell[2] += r["revenue"]
        self.page, self.store, self.kinds = page, store, kinds
        self.metric = "ecommercePurchases" if purchases_measured else "keyEvents"
        self.orders = orders
        organic = store[True] if store[True][0] else store[False]
        self.store_rate = organic[1] / organic[0] if organic[0] else None
        all_pages = store[False]
        if all_pages[1]:
            self.store_aov, self.aov_source = all_pages[2] / all_pages[1], f"GA4 revenue / {self.metric}, all pages, {window}"
        elif orders.get("orders"):
            self.store_aov, self.aov_source = orders["aov"], "Shopify orders, last 90 days"
        else:
            self.store_aov, self.aov_source = 0.0, "no order data"

    def rate(self, path: str) -> Factor:
        """A page's conversion rate: its own organic figure blended toward its kind's; under 50 sessions, its kind's."""
        sessions, conversions, _ = self.page.get((path, True)) or self.page.get((path, False)) or (0.0, 0.0, 0.0)
        if self.store_rate is None or sessions < 50:
            return self.kind_rate(kind_of(path))
        orders, seen, whose = self._prior(kind_of(path))
        # the page's own orders and sessions, plus PRIOR_SESSIONS more at the rate of its kind of page
        blended = ((num(conversions, label="orders") + num(orders / seen, "pct", "rate")
                    * num(PRIOR_SESSIONS, label="sessions")).grouped()
                   / (num(sessions, label="sessions") + num(PRIOR_SESSIONS, label="sessions")).grouped())
        return Factor.worked("conversion rate", blended, f"GA4 organic {self.metric}/sessions on {path}, blended "
                                                         f"with the rate of {whose} over {PRIOR_SESSIONS} sessions, "
                                                         f"{self.window}", "pct")

    def kind_rate(self, kind: str) -> Factor:
        """The conversion rate of the store's pages of one kind (for a page with too few sessions of its own, or
        one not made yet)."""
        if self.store_rate is None:
            return Factor("conversion rate", FALLBACK_RATE, "assumption: typical e-commerce rate (no GA4 data)",
                          "pct")
        orders, seen, whose = self._prior(kind)
        return Factor.worked("conversion rate", num(orders, label="orders") / num(seen, label="sessions"),
                             f"GA4 organic {self.metric}/sessions of {whose}, {self.window}", "pct")

    def _prior(self, kind: str) -> tuple[float, float, str]:
        """Orders, sessions and whose they are: the store's pages of that kind when they have enough sessions
        for a rate, else the whole store's."""
        sessions, conversions, _ = self.kinds.get(kind) or (0.0, 0.0, 0.0)
        if sessions >= PRIOR_SESSIONS:
            return conversions, sessions, f"the store's {plural(kind)}"
        organic = self.store[True] if self.store[True][0] else self.store[False]
        return organic[1], organic[0], "the whole store"

    def margin(self) -> Factor:
        return margin_factor(self.orders)

    def store_aov_factor(self) -> Factor:
        _, conversions, revenue = self.store[False]
        if conversions:
            return Factor.worked("average order value", num(revenue, "money", "revenue")
                                 / num(conversions, label="orders"), self.aov_source, "money")
        return Factor("average order value", self.store_aov, self.aov_source, "money")

    def aov(self, path: str) -> Factor:
        _, conversions, revenue = self.page.get((path, False)) or (0.0, 0.0, 0.0)
        if conversions < 3 or not self.store_aov:
            return self.store_aov_factor()
        blended = ((num(revenue, "money", "revenue") + num(self.store_aov, "money", "store average")
                    * num(PRIOR_ORDERS, label="orders")).grouped()
                   / (num(conversions, label="orders") + num(PRIOR_ORDERS, label="orders")).grouped())
        return Factor.worked("average order value", blended, f"GA4 revenue/{self.metric} on {path}, blended with "
                                                             f"the store's over {PRIOR_ORDERS} orders, {self.window}",
                             "money")


def margin_factor(orders: dict[str, float]) -> Factor:
    """The store's gross margin as a factor: what it keeps of a sale, from its orders and Cost per item."""
    m = gross_margin(orders)
    if not m.sales:
        return Factor("gross margin", m.rate, f"assumption: goods cost {COST_SHARE_FALLBACK:.0%} of price (no "
                                              "Cost per item on the products sold)", "pct")
    if m.cost >= m.sales:
        return Factor("gross margin", 0.0, f"Shopify order lines × Cost per item, last 90 days: the goods sold cost "
                                           f"${m.cost:,.2f}, more than the ${m.sales:,.2f} they sold for", "pct")
    part = "" if m.costed_share >= 0.995 else f"; the {m.costed_share:.0%} of sales whose products have a cost"
    return Factor.worked("gross margin", (num(m.sales, "money", "sold") - num(m.cost, "money", "cost of goods"))
                         .grouped() / num(m.sales, "money", "sold"),
                         f"Shopify order lines × Cost per item, last 90 days{part}", "pct")
