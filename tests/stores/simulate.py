"""Ninety days of a random store: searches and clicks, visits by channel, and the orders they become."""

from __future__ import annotations

import math
from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone

import numpy as np

from tests.stores.world import DAYS, SITE, Page, Product, Store, Variant, visibility

ZONE = timezone(timedelta(hours=-5))
CHANNELS = {  # channel -> (share of a page's other traffic, conversion factor, engagement factor)
    "Direct": (0.45, 1.2, 1.0), "Paid Search": (0.25, 0.85, 0.9), "Email": (0.1, 1.6, 1.1),
    "Referral": (0.1, 1.0, 1.0), "Organic Social": (0.1, 0.5, 0.8)}
FIRST = ("Ada", "Ben", "Cleo", "Dev", "Ema", "Finn", "Gia", "Hal", "Iva", "Jon", "Kit", "Leo", "Mae", "Nia", "Oli",
         "Pia", "Quin", "Ray", "Sia", "Ted", "Uma", "Vic", "Wes", "Xia", "Yan", "Zoe")
LAST = ("Adler", "Brandt", "Costa", "Dietz", "Ekberg", "Faure", "Gomez", "Hale", "Ito", "Jensen", "Kovac", "Lind",
        "Moreau", "Novak", "Okafor", "Price", "Quist", "Rossi", "Sato", "Tanaka", "Ueda", "Vance", "Weiss")
CITIES = (("Portland", "OR", "97201"), ("Austin", "TX", "78701"), ("Denver", "CO", "80202"),
          ("Columbus", "OH", "43004"), ("Raleigh", "NC", "27601"), ("Madison", "WI", "53703"))
WEEKDAY = (1.0, 0.8, 0.5, 0.2, -0.4, -1.0, -0.6)


@dataclass
class Person:
    email: str
    name: str
    address1: str
    city: str
    zip: str
    province: str
    country: str
    phone: str


@dataclass
class Order:
    created_at: datetime
    customer: Person
    ship_to: Person
    lines: list[tuple[Product, Variant, int]]
    risk: str = "Low"
    cancelled_at: datetime | None = None
    refunded: bool = False
    fulfilled: bool = True
    name: str = ""
    tags: str = ""
    extra: dict[str, str] = field(default_factory=dict)

    @property
    def total(self) -> float:
        sub = sum(v.price * q for _, v, q in self.lines)
        return round(sub + (0.0 if sub >= 80 else 7.5) + sub * 0.07, 2)


class People:
    def __init__(self, r: np.random.Generator) -> None:
        self.r, self.pool, self.n = r, [], 0

    def new(self, *, email: str | None = None, country: str = "US") -> Person:
        r = self.r
        self.n += 1
        first, last = str(r.choice(FIRST)), str(r.choice(LAST))
        city, prov, zip_ = CITIES[int(r.integers(len(CITIES)))]
        return Person(email or f"{first}.{last}.{self.n}@{r.choice(['gmail.com', 'yahoo.com', 'outlook.com'])}".lower(),
                      f"{first} {last}", f"{int(r.integers(1, 9999))} {str(r.choice(LAST))} Street", city, zip_, prov,
                      country, f"+1 555 {int(r.integers(1000000, 9999999))}")

    def pick(self) -> Person:
        if self.pool and self.r.random() < 0.2:
            return self.pool[int(self.r.integers(len(self.pool)))]
        p = self.new()
        self.pool.append(p)
        return p


def day_factor(store: Store, n: int, r: np.random.Generator) -> float:
    s = store.spec
    d = store.start + timedelta(days=n)
    return ((1 + s.weekly * WEEKDAY[d.weekday()]) * (1 + s.trend * n / DAYS)
            * (1 + s.season * math.sin(2 * math.pi * n / 365 + s.phase)) * r.lognormal(0, s.noise / 2))


def _positions(store: Store, day: date, r: np.random.Generator) -> list[np.ndarray]:
    out = []
    for page in store.pages:
        pos = []
        for q in page.queries:
            p = q.position
            if q.shift_from is not None and day >= q.shift_from:
                p += q.shift * min(1.0, ((day - q.shift_from).days + 1) / 4)
            pos.append(p)
        out.append(np.maximum(1.0, np.array(pos) + r.normal(0, 0.35, len(pos))))
    return out


def simulate(store: Store) -> None:
    r = store.rng
    assert r is not None
    site = "sc-domain:" + SITE.removeprefix("https://")
    people = People(r)
    popular = sorted(store.products, key=lambda p: -p.popularity)[:20]
    noise = store.spec.noise
    for n in range(DAYS):
        day = store.start + timedelta(days=n)
        iso = day.isoformat()
        f = day_factor(store, n, r)
        for page, positions in zip(store.pages, _positions(store, day, r)):
            clicks_today = 0
            imp_total, pos_total = 0, 0.0
            for q, pos in zip(page.queries, positions):
                lam = q.searches * visibility(pos) * f * r.lognormal(0, noise)
                imp = int(r.poisson(lam))
                if not imp:
                    continue
                clk = int(r.binomial(imp, min(0.95, store.ctr(pos) * q.ctr_share)))
                clicks_today += clk
                imp_total += imp
                pos_total += (pos - 1) * imp
                store.search_rows.append([iso, site, SITE + page.path, q.text, "false", "usa", "WEB", "MOBILE",
                                          imp, clk, round((pos - 1) * imp, 2)])
            if imp_total:
                anon = int(r.poisson(imp_total * 0.15))
                if anon:
                    a_clk = int(r.binomial(anon, min(0.9, clicks_today / imp_total)))
                    clicks_today += a_clk
                    store.search_rows.append([iso, site, SITE + page.path, "", "true", "usa", "WEB", "DESKTOP",
                                              anon, a_clk, round(pos_total / imp_total * anon, 2)])
            sessions = {"Organic Search": int(clicks_today * r.uniform(0.88, 1.0))}
            for channel, (share, _, _) in CHANNELS.items():
                sessions[channel] = int(r.poisson(page.traffic * share * f * r.lognormal(0, noise)))
            cr = page.cr
            if page.cr_drop is not None and day >= page.cr_drop[0]:
                cr *= page.cr_drop[1]
            for channel, s in sessions.items():
                if s:
                    _visit(store, people, popular, page, iso, day, channel, s, cr)
    _settle(store, r)


def _visit(store: Store, people: People, popular: list[Product], page: Page, iso: str, day: date, channel: str,
           sessions: int, cr: float) -> None:
    r = store.rng
    assert r is not None
    _, cf, ef = CHANNELS.get(channel, (0, 1.0, 1.0))
    engaged = int(r.binomial(sessions, min(0.95, page.er * ef)))
    purchases = int(r.binomial(sessions, min(0.5, cr * cf)))
    revenue = 0.0
    for _ in range(purchases):
        product = page.product or popular[int(r.integers(len(popular)))]
        w = np.array([v.weight for v in product.variants])
        variant = product.variants[int(r.choice(len(w), p=w / w.sum()))]
        at = datetime.combine(day, time(0, 0), tzinfo=ZONE) + timedelta(seconds=int(r.integers(0, 86_400)))
        customer = people.pick()
        order = Order(at, customer, customer, [(product, variant, 2 if r.random() < 0.1 else 1)],
                      risk="Medium" if r.random() < 0.015 else "Low")
        store.orders.append(order)
        revenue += order.total
    cell = store.ga4.setdefault((iso, page.path, channel), [0, 0, 0, 0.0, 0])
    cell[0] += sessions
    cell[1] += engaged
    cell[2] += purchases + int(r.binomial(sessions, 0.01))
    cell[3] += revenue
    cell[4] += purchases


def _settle(store: Store, r: np.random.Generator) -> None:
    cutoff = datetime.combine(store.spec.end, time(23, 59), tzinfo=ZONE)
    rates = {t.target.removeprefix("sku:"): t.detail["refund_rate"] for t in store.truth if t.cls == "refund"}
    for o in store.orders:
        age = cutoff - o.created_at
        o.fulfilled = age > timedelta(days=2)
        if r.random() < 0.005:
            o.cancelled_at, o.fulfilled = o.created_at + timedelta(hours=int(r.integers(1, 20))), False
            continue
        rate = max([rates.get(v.sku, store.spec.refund_rate) for _, v, _ in o.lines])
        o.refunded = age > timedelta(days=4) and r.random() < rate


def number_orders(store: Store) -> None:
    store.orders.sort(key=lambda o: o.created_at)
    for n, o in enumerate(store.orders, 1001):
        o.name = f"#{n}"


def sold_per_day(store: Store, *, days: int) -> dict[str, float]:
    """Units per day per SKU over the last ``days`` days, cancelled orders left out."""
    since = datetime.combine(store.spec.end - timedelta(days=days - 1), time(0, 0), tzinfo=ZONE)
    sold: dict[str, float] = defaultdict(float)
    for o in store.orders:
        if o.created_at >= since and o.cancelled_at is None:
            for _, v, q in o.lines:
                sold[v.sku] += q / days
    return sold


def healthy_stock(store: Store, planted: set[str]) -> None:
    """Stock that lasts well beyond lead time and safety days, and well short of overstock."""
    from tests.stores.world import VENDORS

    r = store.rng
    assert r is not None
    p28, p90 = sold_per_day(store, days=28), sold_per_day(store, days=90)
    for p in store.products:
        for v in p.variants:
            if v.sku not in planted:
                pace = max(p28.get(v.sku, 0.0), p90.get(v.sku, 0.0))
                v.stock = math.ceil(pace * (VENDORS[p.vendor] + 7 + r.uniform(40, 80))) + int(r.integers(2, 6))
