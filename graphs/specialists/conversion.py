"""What a visit to a page is worth: its conversion rate and average order value, from GA4.

A page's own figures are used when it has enough traffic, blended toward the
store's (so twelve sessions and one lucky order do not make a 8 % converter);
without GA4 the store's orders give the order value and a conservative e-commerce
average the rate. Each figure carries its source for the arithmetic.
"""

from __future__ import annotations

from collections import defaultdict
from typing import Any

from graphs.specialists.arithmetic import Factor, num

ORGANIC = "Organic Search"
#: sessions (or orders) of the store's average a page's own figure is blended with
PRIOR_SESSIONS = 400
PRIOR_ORDERS = 8
#: used only when there is no GA4 data at all
FALLBACK_RATE = 0.02


class ConversionModel:
    def __init__(self, stats: list[dict[str, Any]], window: str, orders: dict[str, float]) -> None:
        self.window = window
        page: dict[tuple[str, bool], list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        store: dict[bool, list[float]] = defaultdict(lambda: [0.0, 0.0, 0.0])
        purchases_measured = any(r["purchases"] for r in stats)
        for r in stats:
            if r["period"] != "last28":
                continue
            conversions = r["purchases"] if purchases_measured else r["key_events"]
            for organic in (False, True):
                if organic and r["channel"] != ORGANIC:
                    continue
                for cell in (page[(r["landing_page"], organic)], store[organic]):
                    cell[0] += r["sessions"]
                    cell[1] += conversions
                    cell[2] += r["revenue"]
        self.page, self.store = page, store
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
        if self.store_rate is None:
            return Factor("conversion rate", FALLBACK_RATE, "assumption: typical e-commerce rate (no GA4 data)",
                          "pct")
        sessions, conversions, _ = self.page.get((path, True)) or self.page.get((path, False)) or (0.0, 0.0, 0.0)
        if sessions < 50:
            organic = self.store[True] if self.store[True][0] else self.store[False]
            return Factor.worked("conversion rate", num(organic[1], label="orders") / num(organic[0], label="sessions"),
                                 f"GA4 organic {self.metric}/sessions, store-wide, {self.window}", "pct")
        # the page's own orders and sessions, plus as many sessions again at the store's rate
        blended = ((num(conversions, label="orders") + num(self.store_rate, "pct", "store rate")
                    * num(PRIOR_SESSIONS, label="sessions")).grouped()
                   / (num(sessions, label="sessions") + num(PRIOR_SESSIONS, label="sessions")).grouped())
        return Factor.worked("conversion rate", blended, f"GA4 organic {self.metric}/sessions on {path}, blended "
                                                         f"with the store's over {PRIOR_SESSIONS} sessions, "
                                                         f"{self.window}", "pct")

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
