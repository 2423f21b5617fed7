"""Opportunities planted in a random store at a chosen effect size, and the ground truth they leave.

A plant changes how the simulated world behaves (a snippet earns a share of the
clicks its position should, a page slides some places from a random day, a page
converts at a fraction of its rate for the last days, stock is left short or
piled up, a product is refunded a multiple of the store's rate, an order carries
some marks of fraud, a cluster of searches has no page). Each class's effect is
measured in the unit an owner would use; ``Truth.value`` is what the effect is
worth to the store over four weeks, by the owner's arithmetic stated per class, in
gross profit (an order at the store's gross margin, a lost sale at its margin).
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta
from typing import TYPE_CHECKING, Any

import numpy as np

if TYPE_CHECKING:
    from tests.stores.world import Product, Store, Variant

#: a year's cost of carrying stock, as a share of its cost (capital, storage, shrinkage: 20-30 % is the
#: figure inventory textbooks give; 25 % used here)
CARRYING_RATE = 0.25
#: the position a new page for a cluster is taken to reach, for the worth of a missing page (valued on the
#: cluster's measured impressions: searches that never see the store are not counted, as an owner cannot see them)
NEW_PAGE_POSITION = 5.0
#: what a chargeback costs the store besides the goods (processors charge $15-25 per dispute)
CHARGEBACK_FEE = 15.0
FRAUD_MARKS = ("abroad", "throwaway", "big_first", "velocity", "shopify_high")


@dataclass(frozen=True)
class ClassInfo:
    label: str
    unit: str
    low: float
    high: float
    kinds: tuple[str, ...]
    #: the smallest effect an owner wants brought to their attention, and why
    minimum: float
    why: str


CLASSES: dict[str, ClassInfo] = {
    "striking": ClassInfo(
        "striking-distance page", "share of the clicks its position earns that it misses", 0.1, 0.8,
        ("content.rewrite_title", "content.rewrite_meta_description"), 0.5,
        "a page at positions 4-10 with thousands of impressions missing half its clicks loses dozens of visits a "
        "month; a smaller shortfall is within what titles and positions vary by"),
    "ranking_loss": ClassInfo(
        "ranking loss", "positions lost", 0.5, 8.0, ("content.add_internal_links",), 3.0,
        "three places from the top positions costs about half the clicks; a place or two is weekly churn"),
    "conversion_drop": ClassInfo(
        "conversion drop", "orders lost so far (50-90 % drop for 7-14 days)", 2.0, 60.0,
        ("analytics.investigate", "perf.repair_page"), 25.0,
        "25 orders lost is a week or two of a page's sales and over $1,000 at typical order values; fewer, on a "
        "page selling one or two a day, is what chance alone takes away in a slow week"),
    "overstock": ClassInfo(
        "dead stock / overstock", "capital at cost beyond 90 days of sales ($)", 100.0, 6000.0,
        ("inventory.markdown",), 1000.0,
        "$1,000 at cost is about $250 a year to carry at a 25 % carrying rate: below that a markdown is not worth "
        "the margin and the operator's time"),
    "reorder": ClassInfo(
        "reorder needed", "days the stock falls short of the lead time", -5.0, 20.0, ("inventory.reorder",), 0.0,
        "stock that runs out before a reorder placed today can land loses sales; with less it waits for the "
        "next routine order"),
    "refund": ClassInfo(
        "refund risk", "refund rate as a multiple of the store's", 1.2, 12.0, ("analytics.investigate",), 4.0,
        "four times the store's refund rate (about one order in eight) is a product problem; twice is within "
        "what sizes, colours and chance spread"),
    "fraud": ClassInfo(
        "fraud risk", "marks of fraud on the order", 1.0, 5.0, ("risk.hold_order",), 3.0,
        "one or two marks (a gift abroad, a large first order) are common on good orders; three together are "
        "what chargebacks look like, and holding costs a day's delay"),
    "missing_page": ClassInfo(
        "missing landing page", "impressions of the cluster per 28 days", 200.0, 6000.0,
        ("content.create_landing_page",), 2000.0,
        "2,000 impressions a month at a reachable position is about 100 visits and two or three orders; less "
        "does not repay writing and maintaining a page"),
}


@dataclass(frozen=True)
class Plant:
    cls: str
    effect: float

    def __post_init__(self) -> None:
        if self.cls not in CLASSES:
            raise ValueError(f"unknown opportunity class {self.cls!r}; classes: {', '.join(CLASSES)}")


@dataclass
class Truth:
    cls: str
    effect: float
    target: str
    value: float = 0.0
    detail: dict[str, Any] = field(default_factory=dict)

    @property
    def kinds(self) -> tuple[str, ...]:
        return CLASSES[self.cls].kinds


class _Picker:
    def __init__(self, store: Store) -> None:
        self.ranked = sorted(store.products, key=lambda p: -p.popularity)
        self.taken: set[str] = set()
        assert store.rng is not None
        self.r = store.rng

    def product(self, lo: float, hi: float) -> Product:
        n = len(self.ranked)
        pool = [p for p in self.ranked[int(lo * n):max(int(hi * n), int(lo * n) + 8)] if p.handle not in self.taken]
        pool = pool or [p for p in self.ranked if p.handle not in self.taken]
        if not pool:
            raise ValueError("the store has too few products for its plants; plant fewer or draw more products")
        p = pool[int(self.r.integers(len(pool)))]
        self.taken.add(p.handle)
        return p


def _page(store: Store, path: str) -> Any:
    return next(pg for pg in store.pages if pg.path == path)


def _main_variant(p: Product) -> Variant:
    return max(p.variants, key=lambda v: v.weight)


def apply_plants(store: Store) -> None:
    """Change the world before it is simulated; effects that need the simulated sales wait for ``finish``."""
    pick, r = _Picker(store), store.rng
    assert r is not None
    clusters_used: set[str] = set()
    for plant in store.plants:
        e, t = plant.effect, Truth(plant.cls, plant.effect, "")
        if plant.cls in ("striking", "ranking_loss", "conversion_drop"):
            p = pick.product(0.02, 0.5)
            page = _page(store, p.path)
            t.target = f"page:{p.path}"
            head = page.queries[0]
            if plant.cls == "striking":
                head.position = float(r.uniform(4.5, 10.0))
                head.searches = float(r.uniform(1500, 8000)) / 28
                for q in page.queries:
                    q.ctr_share = max(0.02, 1.0 - e)
                t.detail["position"] = head.position
            elif plant.cls == "ranking_loss":
                head.position = float(r.uniform(1.5, 4.5))
                head.searches = float(r.uniform(150, 900)) / 28 / store.ctr(head.position)
                start = store.spec.end - timedelta(days=int(r.integers(10, 46)))
                for q in page.queries:
                    q.shift, q.shift_from = e, start
                t.detail.update(position=head.position, since=start.isoformat())
            else:
                # the effect is the orders the drop has cost: traffic follows from drop, days and rate
                drop, days = float(r.uniform(0.5, 0.9)), int(r.integers(7, 15))
                page.cr = max(page.cr, float(r.uniform(0.02, 0.04)))
                page.traffic = e / (page.cr * drop * days)
                page.cr_drop = (store.spec.end - timedelta(days=days - 1), 1.0 - drop)
                t.detail.update(days=days, drop=drop, sessions_per_day=page.traffic)
        elif plant.cls in ("overstock", "reorder", "refund"):
            dead = plant.cls == "overstock" and r.random() < 0.5
            # reorders and refunds need a variant that sells: the best-selling few percent of the catalogue
            p = pick.product(0.6, 1.0) if dead else pick.product(0.0, 0.06 if plant.cls != "overstock" else 0.3)
            v = _main_variant(p)
            t.target = f"sku:{v.sku}"
            t.detail.update(product=p.handle, dead=dead)
            if plant.cls == "refund":
                # a product with enough orders for its refunds to say something (dozens in 90 days)
                page = _page(store, p.path)
                page.traffic = max(page.traffic, float(r.uniform(50, 150)))
                t.detail["refund_rate"] = min(0.9, e * store.spec.refund_rate)
        elif plant.cls == "missing_page":
            t.detail["queries"], t.detail["page"] = _cluster(store, e, clusters_used)
            t.target = f"query:{t.detail['queries'][0]}"
        store.truth.append(t)


ADJECTIVES = ("personalized", "vegan", "outdoor", "wedding", "japanese", "nursery", "scandinavian", "coastal")
TAILS = ("{h}", "best {h}", "{h} ideas", "{h} for sale", "cheap {h}")


def _cluster(store: Store, impressions: float, used: set[str]) -> tuple[list[str], str]:
    from tests.stores.world import visibility

    r = store.rng
    assert r is not None
    collections = [pg for pg in store.pages if pg.kind == "collection"]
    while True:
        page = collections[int(r.integers(len(collections)))]
        head = f"{r.choice(ADJECTIVES)} {page.title.lower().rstrip('s')}"
        if head not in used:
            used.add(head)
            break
    shares = r.dirichlet([3.0] * len(TAILS))
    shares = np.sort(shares)[::-1]
    out = []
    for tail, share in zip(TAILS, shares):
        from tests.stores.world import Query

        pos = float(r.uniform(14, 40))
        text = tail.format(h=head)
        page.queries.append(Query(text, impressions * float(share) / 28 / visibility(pos), pos))
        out.append(text)
    return out, page.path


def finish_plants(store: Store) -> None:
    """Stock, fraud orders and the worth of every plant, once the 90 days are simulated."""
    from tests.stores import simulate as sim
    from tests.stores.world import VENDORS

    r = store.rng
    assert r is not None
    people = sim.People(r)
    for t in store.truth:
        if t.cls == "fraud":
            _fraud(store, t, people)
    sim.number_orders(store)
    sim.healthy_stock(store, {t.target.removeprefix("sku:") for t in store.truth
                              if t.cls in ("overstock", "reorder")})
    p28, p90 = sim.sold_per_day(store, days=28), sim.sold_per_day(store, days=90)
    variants = {v.sku: (p, v) for p in store.products for v in p.variants}
    aov = float(np.mean([o.total for o in store.orders])) if store.orders else 50.0
    # an owner counts a sale at what it leaves them: a lost or won order is worth its gross margin
    aov *= gross_margin(store)
    for t in store.truth:
        sku = t.target.removeprefix("sku:")
        if t.cls == "overstock":
            p, v = variants[sku]
            pace = max(p28.get(sku, 0.0), p90.get(sku, 0.0))
            # at least 180 days of sales in all: a fast seller with a few weeks' extra is not overstocked,
            # whatever the capital (the effect then records the capital actually planted)
            excess = max(round(t.effect / v.cost), math.ceil(pace * 90))
            v.stock = math.ceil(pace * 90) + excess
            t.effect = excess * v.cost
            t.value = t.effect * CARRYING_RATE
            t.detail.update(pace=pace, stock=v.stock)
        elif t.cls == "reorder":
            p, v = variants[sku]
            lead = VENDORS[p.vendor]
            v.stock = max(0, round(p28.get(sku, 0.0) * (lead - t.effect)))
            # an owner counts a lost sale at its margin: four weeks of the variant's sales at stake
            t.value = p28.get(sku, 0.0) * (v.price - v.cost) * 28
            t.detail.update(pace=p28.get(sku, 0.0), stock=v.stock, lead=lead)
        elif t.cls == "refund":
            p, v = variants[sku]
            t.value = (t.detail["refund_rate"] - store.spec.refund_rate) * p28.get(sku, 0.0) * 28 * v.price
        elif t.cls == "fraud":
            order = t.detail.pop("order")
            # shipped, a fraudulent order costs its goods and the fee; the payment the chargeback takes back
            t.target = f"order:{order.name}"
            t.value = sum(v.cost * q for _, v, q in order.lines) + CHARGEBACK_FEE
        elif t.cls in ("striking", "ranking_loss", "conversion_drop"):
            t.value = _page_value(store, t, aov)
        elif t.cls == "missing_page":
            since = (store.spec.end - timedelta(days=27)).isoformat()
            seen = sum(row[8] for row in store.search_rows if row[0] >= since and row[3] in t.detail["queries"])
            rate = float(np.mean([pg.cr for pg in store.pages if pg.kind == "product"]))
            t.value = seen * store.ctr(NEW_PAGE_POSITION) * rate * aov
            t.detail["impressions"] = seen


def gross_margin(store: Store) -> float:
    """What the store keeps of its sales over the last 90 days: sales less the goods' cost, over sales."""
    since = store.spec.end - timedelta(days=89)
    lines = [(v.price * q, v.cost * q) for o in store.orders if o.cancelled_at is None
             and o.created_at.date() >= since for _, v, q in o.lines]
    sold = sum(p for p, _ in lines)
    return (sold - sum(c for _, c in lines)) / sold if sold else 0.5


def _page_value(store: Store, t: Truth, aov: float) -> float:
    """Orders the effect costs over four weeks at the page's conversion rate, times the store's order value
    at its gross margin (``aov``)."""
    from tests.stores.world import visibility

    path = t.target.removeprefix("page:")
    page = _page(store, path)
    if t.cls == "conversion_drop":
        since = (store.spec.end - timedelta(days=6)).isoformat()
        sessions = sum(c[0] for (d, pg, _), c in store.ga4.items() if pg == path and d >= since) / 7
        return sessions * 28 * page.cr * t.detail["drop"] * aov
    if t.cls == "striking":
        since = (store.spec.end - timedelta(days=27)).isoformat()
        missed = sum(row[8] * store.ctr(row[10] / row[8] + 1) * t.effect for row in store.search_rows
                     if row[0] >= since and row[2].endswith(path) and row[3])
        return missed * page.cr * aov
    lost = sum(q.searches * 28 * (visibility(q.position) * store.ctr(q.position)
                                  - visibility(q.position + q.shift) * store.ctr(q.position + q.shift))
               for q in page.queries)
    return max(0.0, lost) * page.cr * aov


def _fraud(store: Store, t: Truth, people: Any) -> None:
    from tests.stores.simulate import ZONE, Order, Person

    r = store.rng
    assert r is not None
    marks = list(r.choice(FRAUD_MARKS, size=max(1, min(5, round(t.effect))), replace=False))
    buyer = people.new(email=f"q.{int(r.integers(1000, 9999))}@mailinator.com" if "throwaway" in marks else None)
    ship = buyer
    if "abroad" in marks:
        ship = Person(buyer.email, buyer.name, "14 Marina Road", "Lagos", "101241", "LA", "NG", "+234 803 555 0148")
    ranked = sorted(store.products, key=lambda p: -p.variants[0].price)
    if "big_first" in marks:
        lines = [(p, p.variants[0], 2) for p in ranked[:3]]
    else:
        mid = ranked[len(ranked) // 3]
        lines = [(mid, mid.variants[0], 1)]
    at = datetime.combine(store.spec.end, time(0, 30), tzinfo=ZONE) + timedelta(minutes=int(r.integers(0, 1080)))
    order = Order(at, buyer, ship, lines, risk="High" if "shopify_high" in marks else "Low", fulfilled=False)
    store.orders.append(order)
    if "velocity" in marks:
        other = people.new()
        first = Order(at - timedelta(minutes=int(r.integers(20, 120))), other, ship, lines[:1], fulfilled=False)
        first.cancelled_at = first.created_at + timedelta(minutes=15)
        store.orders.append(first)
    t.detail.update(order=order, marks=[str(m) for m in marks])
