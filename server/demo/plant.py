"""The opportunities planted in the demo store, described by their effect on the data.

Each plant changes how the simulated world behaves (a page earns 40 % of the
clicks its position should, a variant has four days of stock left, an order is
placed from a throw-away address and ships abroad). None of them knows how a
specialist detects it; the manifest says what a good specialist should propose.
Distractors (the same effects, weaker, on quieter products) make the queue longer
than 20, so a plant has to outrank real but smaller opportunities of its kind.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from typing import Any

from server.demo.catalog import Product, Variant

#: query clusters people search for that the store has no page for
MISSING_CLUSTERS: tuple[tuple[str, str, tuple[tuple[str, float], ...]], ...] = (
    ("vegan leather backpack", "/collections/backpacks", (
        ("vegan leather backpack", 640), ("vegan leather backpack women", 220), ("vegan leather laptop backpack", 170),
        ("best vegan leather backpack", 120), ("vegan leather backpack purse", 90))),
    ("personalized coffee mug", "/collections/coffee-mugs", (
        ("personalized coffee mug", 560), ("personalized name mug", 190), ("custom coffee mug with name", 140),
        ("personalized mug gift", 110))),
)


@dataclass
class Plan:
    """Which products and variants carry which planted effect."""

    ctr_title: list[Product] = field(default_factory=list)
    ctr_meta: list[Product] = field(default_factory=list)
    lost_rank: list[Product] = field(default_factory=list)
    cr_drop: list[Product] = field(default_factory=list)
    engagement_drop: list[Product] = field(default_factory=list)
    stockout: list[tuple[Product, Variant]] = field(default_factory=list)
    overstock: list[tuple[Product, Variant]] = field(default_factory=list)
    refund_spike: list[tuple[Product, Variant]] = field(default_factory=list)
    #: order names, filled in by the order generator
    fraud_orders: list[str] = field(default_factory=list)
    #: distractors: smaller real opportunities of the same kinds on quieter products, so the queue is longer
    #: than the top 20 and a plant has to outrank them (they are not in the manifest)
    small_ctr: list[Product] = field(default_factory=list)
    small_stockout: list[tuple[Product, Variant]] = field(default_factory=list)
    small_overstock: list[tuple[Product, Variant]] = field(default_factory=list)
    small_refund: list[tuple[Product, Variant]] = field(default_factory=list)
    enabled: bool = True

    # effect sizes (what the world does, not what a detector looks for)
    CTR_TITLE_SHARE = 0.40      # the page earns 40 % of the clicks its position should
    CTR_META_SHARE = 0.45
    LOST_POSITIONS = 6.5        # the page slid about six and a half places four weeks ago
    CR_DROP_SHARE = 0.30        # conversion at 30 % of its usual rate this past week
    ENGAGED_SHARE = 0.45        # engagement at 45 % of usual this past week ...
    ENGAGED_CR_SHARE = 0.45     # ... taking conversion down with it, as far
    STOCK_DAYS_LEFT = 4.0
    OVERSTOCK_DAYS = 420.0
    REFUND_RATE = 0.36
    SMALL_CTR_SHARE = 0.5
    SMALL_STOCK_DAYS_LEFT = 10.0
    SMALL_OVERSTOCK_DAYS = 220.0
    SMALL_REFUND_RATE = 0.14

    def ctr_share(self, product: Product) -> float:
        if product in self.ctr_title:
            return self.CTR_TITLE_SHARE
        if product in self.ctr_meta:
            return self.CTR_META_SHARE
        if product in self.small_ctr:
            return self.SMALL_CTR_SHARE
        return 1.0

    def small_stock_days(self, sku: str) -> float | None:
        """Days of stock a distractor variant is left with, if it is one."""
        if any(v.sku == sku for _, v in self.small_stockout):
            return self.SMALL_STOCK_DAYS_LEFT
        if any(v.sku == sku for _, v in self.small_overstock):
            return self.SMALL_OVERSTOCK_DAYS
        return None

    def refund_rate(self, skus: set[str], usual: float) -> float:
        if any(v.sku in skus for _, v in self.refund_spike):
            return self.REFUND_RATE
        if any(v.sku in skus for _, v in self.small_refund):
            return self.SMALL_REFUND_RATE
        return usual

    def distractors(self) -> list[dict[str, str]]:
        """The distractors' kinds and targets (what a specialist may rightly propose, below the plants)."""
        return ([{"kind": "content.rewrite_*", "target": f"page:{p.path}"} for p in self.small_ctr]
                + [{"kind": "inventory.reorder", "target": f"sku:{v.sku}"} for _, v in self.small_stockout]
                + [{"kind": "inventory.markdown", "target": f"sku:{v.sku}"} for _, v in self.small_overstock]
                + [{"kind": "analytics.investigate", "target": f"sku:{v.sku}"} for _, v in self.small_refund])

    def manifest(self) -> list[dict[str, Any]]:
        if not self.enabled:
            return []
        out: list[dict[str, Any]] = []

        def add(kind: str, target: str, effect: str, **extra: Any) -> None:
            out.append({"kind": kind, "target": target, "effect": effect, **extra})

        for p in self.ctr_title:
            add("content.rewrite_title", f"page:{p.path}",
                f"earns {self.CTR_TITLE_SHARE:.0%} of the clicks its position should; its title lacks "
                f"what people search ({p.head_query!r})")
        for p in self.ctr_meta:
            add("content.rewrite_meta_description", f"page:{p.path}",
                f"earns {self.CTR_META_SHARE:.0%} of the clicks its position should; it has no meta description")
        for head, _, _ in MISSING_CLUSTERS:
            add("content.create_landing_page", f"query:{head}",
                f"people search {head!r} and its variants; no page of the store answers it")
        for p in self.lost_rank:
            add("content.add_internal_links", f"page:{p.path}",
                f"slid about {self.LOST_POSITIONS:g} places in search four weeks ago and lost most of its clicks",
                match="links_to")
        for p in self.cr_drop:
            add("analytics.investigate", f"page:{p.path}",
                f"converts at {self.CR_DROP_SHARE:.0%} of its usual rate this past week, engagement unchanged")
        for p in self.engagement_drop:
            add("perf.repair_page", f"page:{p.path}",
                f"engagement fell to {self.ENGAGED_SHARE:.0%} of usual this past week (as if the page broke)")
        for p, v in self.stockout:
            add("inventory.reorder", f"sku:{v.sku}", f"{self.STOCK_DAYS_LEFT:g} days of stock left at its pace")
        for p, v in self.overstock:
            add("inventory.markdown", f"sku:{v.sku}", f"{self.OVERSTOCK_DAYS:g} days of stock at its pace")
        for p, v in self.refund_spike:
            add("analytics.investigate", f"sku:{v.sku}", f"{self.REFUND_RATE:.0%} of its orders are refunded")
        for name in self.fraud_orders:
            add("risk.hold_order", f"order:{name}", "placed with the marks of fraud (see the order)")
        return out


def choose(products: list[Product], *, enabled: bool) -> Plan:
    """Pick distinct, well-selling products for each effect (products are ranked by popularity)."""
    plan = Plan(enabled=enabled)
    if not enabled:
        return plan
    ranked = sorted(products, key=lambda p: -p.popularity)
    taken: set[str] = set()

    def take(ranks: tuple[int, ...], *, not_type: set[str] | None = None) -> list[Product]:
        picked = []
        for r in ranks:
            for p in ranked[r - 1:]:
                if p.handle not in taken and p.product_type not in (not_type or set()):
                    taken.add(p.handle)
                    picked.append(p)
                    break
        return picked

    # conversion effects on the busiest pages: a week of a quiet page cannot show a drop, however real
    plan.cr_drop = take((1,))
    plan.stockout = [(p, p.variants[0]) for p in take((2, 5))]
    plan.overstock = [(p, p.variants[0]) for p in take((3, 6))]
    plan.engagement_drop = take((4, 7))
    plan.refund_spike = [(p, p.variants[0]) for p in take((8,))]
    # search effects on pages with enough search demand to measure
    plan.ctr_title = take((10, 14), not_type={"Backpack", "Coffee Mug"})
    plan.ctr_meta = take((12, 17), not_type={"Backpack", "Coffee Mug"})
    plan.lost_rank = take((11, 19), not_type={"Backpack", "Coffee Mug"})
    # distractors: the same effects, weaker, on products that sell less (each worth less than any plant)
    plan.small_refund = [(p, p.variants[0]) for p in take((40,))]
    plan.small_stockout = [(p, p.variants[0]) for p in take((25, 30))]
    plan.small_overstock = [(p, p.variants[0]) for p in take((60, 70))]
    plan.small_ctr = take((45, 50, 55), not_type={"Backpack", "Coffee Mug"})
    return plan
