"""Simulated visits (GA4) and the orders they turn into (Shopify), for the demo store.

Organic sessions are the search clicks of the same page and day; other channels
follow each product's popularity and the week. Every purchase becomes an order
with a real-looking customer (Faker, seeded), so GA4's revenue and Shopify's
orders agree the way they do in a real store.
"""

from __future__ import annotations

from collections import defaultdict
from dataclasses import dataclass, field
from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from faker import Faker

from server.demo.catalog import Product, Variant
from server.demo.plant import Plan
from server.demo.rand import Sampler
from server.demo.search import WEEKDAY, collection_path

CHANNELS = ("Organic Search", "Direct", "Paid Search", "Email", "Organic Social", "Referral")
CR_FACTOR = {"Organic Search": 1.0, "Direct": 1.25, "Paid Search": 0.85, "Email": 1.7, "Organic Social": 0.45,
             "Referral": 1.1}
ENGAGED_FACTOR = {"Organic Search": 1.0, "Direct": 1.0, "Paid Search": 0.9, "Email": 1.1, "Organic Social": 0.8,
                  "Referral": 1.0}
STORE_ZONE = timezone(timedelta(hours=-5))
FREE_SHIPPING = 75.0
TAX_RATE = 0.08


@dataclass
class Customer:
    email: str
    first: str
    last: str
    phone: str
    address1: str
    city: str
    zip: str
    province: str
    country: str

    @property
    def name(self) -> str:
        return f"{self.first} {self.last}"


@dataclass
class Order:
    created_at: datetime
    customer: Customer
    ship_to: Customer
    lines: list[tuple[Product, Variant, int]]
    discount_code: str = ""
    risk: str = "Low"
    payment: str = "Shopify Payments"
    cancelled_at: datetime | None = None
    refunded: float = 0.0
    fulfilled: bool = True
    name: str = ""
    tags: str = ""

    @property
    def subtotal(self) -> float:
        return round(sum(v.price * q for _, v, q in self.lines), 2)

    @property
    def discount(self) -> float:
        return round(self.subtotal * 0.10, 2) if self.discount_code else 0.0

    @property
    def shipping(self) -> float:
        return 0.0 if self.subtotal - self.discount >= FREE_SHIPPING else 6.95

    @property
    def taxes(self) -> float:
        return round((self.subtotal - self.discount) * TAX_RATE, 2)

    @property
    def total(self) -> float:
        return round(self.subtotal - self.discount + self.shipping + self.taxes, 2)


@dataclass
class Visits:
    #: (ISO day, landing path with query string, channel) -> sessions, engaged, key events, revenue, purchases
    ga4: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)
    orders: list[Order] = field(default_factory=list)


class Customers:
    """Shoppers with real-looking names and addresses: Faker (seeded) fills small pools once,
    and customers are drawn from them, which keeps a store of thousands fast to build."""

    POOL = 600

    def __init__(self, seed: int, rng: Sampler) -> None:
        self.rng = rng
        self.pool: list[Customer] = []
        self.people: dict[str, tuple[list[str], list[str], list[tuple[str, str, str, str]], list[str]]] = {}
        for n, (country, locale) in enumerate((("US", "en_US"), ("CA", "en_CA"), ("GB", "en_GB"))):
            f = Faker(locale)
            f.seed_instance(seed + n)
            size = self.POOL if country == "US" else self.POOL // 6
            places = [(f.street_address(), f.city(), f.postcode(),
                       f.state_abbr() if country == "US" else f.province_abbr() if country == "CA" else "")
                      for _ in range(size)]
            self.people[country] = ([f.first_name() for _ in range(size)], [f.last_name() for _ in range(size)],
                                    places, [f.phone_number() for _ in range(size)])

    def new(self, *, country: str = "US", email: str | None = None) -> Customer:
        firsts, lasts, places, phones = self.people.get(country, self.people["US"])
        first, last = self.rng.choice(firsts), self.rng.choice(lasts)
        address1, city, postcode, province = self.rng.choice(places)
        domain = self.rng.choice(("gmail.com", "gmail.com", "yahoo.com", "outlook.com", "icloud.com", "hotmail.com"))
        return Customer(email or f"{first}.{last}{self.rng.randint(1, 9999)}@{domain}".lower(), first, last,
                        self.rng.choice(phones), address1, city, postcode, province, country)

    def pick(self) -> Customer:
        if self.pool and self.rng.random() < 0.25:
            return self.rng.choice(self.pool)
        roll = self.rng.random()
        customer = self.new(country="CA" if roll < 0.025 else "GB" if roll < 0.04 else "US")
        self.pool.append(customer)
        return customer


def _landing_products(products: list[Product]) -> dict[str, list[Product]]:
    by_type: dict[str, list[Product]] = defaultdict(list)
    for p in products:
        by_type[collection_path(p.product_type)].append(p)
    return by_type


def simulate(products: list[Product], plan: Plan, rng: Sampler, customers: Customers, *, start: date, days: int,
             organic: dict[tuple[str, str], int]) -> Visits:
    visits = Visits()
    ranked = sorted(products, key=lambda p: -p.popularity)
    rank = {p.handle: i for i, p in enumerate(ranked, 1)}
    by_type = _landing_products(products)
    page_cr = {p.handle: 0.021 * rng.lognormal(0.22) for p in products}
    for p in plan.cr_drop + plan.engagement_drop:
        page_cr[p.handle] = max(page_cr[p.handle], 0.021)  # a page that usually sells
    page_er = {p.handle: min(0.85, 0.63 * rng.lognormal(0.06)) for p in products}
    end = start + timedelta(days=days - 1)
    recent = end - timedelta(days=6)
    popular = ranked[:60]
    for n in range(days):
        day = start + timedelta(days=n)
        iso = day.isoformat()
        wf = WEEKDAY[day.weekday()] * (1.0 + 0.12 * n / days)
        for p in products:
            pop = p.popularity
            sessions = {
                "Organic Search": int(organic.get((p.path, iso), 0) * rng.uniform(0.9, 1.0)),
                "Direct": rng.poisson(pop * 90 * wf),
                "Paid Search": rng.poisson(pop * 120 * wf) if rank[p.handle] <= 60 else 0,
                "Email": rng.poisson(40 * pop ** 0.3) if day.weekday() == 1 and rank[p.handle] <= 12
                else rng.poisson(pop * 6),
                "Organic Social": rng.poisson(pop * 25),
                "Referral": rng.poisson(pop * 10),
            }
            cr, er = page_cr[p.handle], page_er[p.handle]
            if day >= recent and p in plan.cr_drop:
                cr *= plan.CR_DROP_SHARE
            if day >= recent and p in plan.engagement_drop:
                er *= plan.ENGAGED_SHARE
                cr *= plan.ENGAGED_CR_SHARE
            for channel, s in sessions.items():
                if s:
                    _visit(visits, rng, customers, iso, day, p.path, channel, s, cr, er, lambda p=p: p, popular)
        for path, group in by_type.items():
            s_org = organic.get((path, iso), 0)
            for channel, s in (("Organic Search", s_org), ("Direct", rng.poisson(12 * wf))):
                if s:
                    _visit(visits, rng, customers, iso, day, path, channel, s, 0.011, 0.55,
                           lambda g=group: max(g, key=lambda q: q.popularity * rng.random()), popular)
        for channel, s in (("Organic Search", organic.get(("/", iso), 0)), ("Direct", rng.poisson(260 * wf)),
                           ("Email", rng.poisson(20)), ("Organic Social", rng.poisson(30))):
            if s:
                _visit(visits, rng, customers, iso, day, "/", channel, s, 0.009, 0.5,
                       lambda: rng.choice(popular), popular)
    return visits


def _visit(visits: Visits, rng: Sampler, customers: Customers, iso: str, day: date, path: str, channel: str,
           sessions: int, cr: float, er: float, product_for: Any, popular: list[Product]) -> None:
    engaged = rng.binomial(sessions, min(0.95, er * ENGAGED_FACTOR[channel]))
    purchases = rng.binomial(sessions, min(0.5, cr * CR_FACTOR[channel]))
    revenue = 0.0
    for _ in range(purchases):
        product = product_for()
        lines = [(product, rng.choice(product.variants), 2 if rng.random() < 0.12 else 1)]
        if rng.random() < 0.22:
            extra = rng.choice(popular)
            if extra is not product:
                lines.append((extra, rng.choice(extra.variants), 1))
        at = datetime.combine(day, time(0, 0), tzinfo=STORE_ZONE) + timedelta(seconds=rng.randint(0, 86_399))
        customer = customers.pick()
        ship_to = customer
        if rng.random() < 0.03:  # a gift: someone else's name and address, same country
            ship_to = customers.new(country=customer.country)
        roll = rng.random()
        order = Order(at, customer, ship_to, lines, discount_code="WELCOME10" if rng.random() < 0.08 else "",
                      risk="High" if roll < 0.002 else "Medium" if roll < 0.024 else "Low",
                      payment="PayPal Express Checkout" if rng.random() < 0.12 else "Shopify Payments")
        visits.orders.append(order)
        revenue += order.total
    landing = path
    if channel == "Email":
        landing = f"{path}?utm_source=newsletter&utm_medium=email"
    elif channel == "Paid Search" and rng.random() < 0.5:
        landing = f"{path}?gclid=demo"
    key_events = purchases + rng.binomial(sessions, 0.01)
    cell = visits.ga4.setdefault((iso, landing, channel), [0, 0, 0, 0.0, 0])
    cell[0] += sessions
    cell[1] += engaged
    cell[2] += key_events
    cell[3] += revenue
    cell[4] += purchases


def settle(visits: Visits, plan: Plan, rng: Sampler, *, end: date) -> None:
    """Refunds, cancellations and fulfilment, as they stand at the end of the last day."""
    cutoff = datetime.combine(end, time(23, 59), tzinfo=STORE_ZONE)
    for order in visits.orders:
        age = cutoff - order.created_at
        order.fulfilled = age > timedelta(days=2)
        roll = rng.random()
        if roll < 0.006:
            order.cancelled_at = order.created_at + timedelta(hours=rng.randint(1, 20))
            order.fulfilled = False
            continue
        refund_rate = plan.refund_rate({v.sku for _, v, _ in order.lines}, 0.025)
        if age > timedelta(days=4) and rng.random() < refund_rate:
            order.refunded = order.total if rng.random() < 0.7 else round(order.lines[0][1].price, 2)


def plant_fraud(visits: Visits, products: list[Product], plan: Plan, customers: Customers, *, end: date) -> None:
    """Two orders with the marks of fraud, placed in the last day and a half, not yet shipped."""
    if not plan.enabled:
        return
    pricey = sorted((p for p in products), key=lambda p: -p.variants[0].price)
    evening = datetime.combine(end - timedelta(days=1), time(21, 40), tzinfo=STORE_ZONE)
    buyer = customers.new(email="k.ward.4821@mailinator.com")
    abroad = Customer(buyer.email, buyer.first, buyer.last, "+234 803 555 0148", "14 Adeola Odeku Street",
                      "Lagos", "101241", "LA", "NG")
    big = Order(evening, buyer, abroad, [(p, p.variants[0], 2) for p in pricey[:4]], risk="High", fulfilled=False)
    night = datetime.combine(end, time(2, 10), tzinfo=STORE_ZONE)
    drop = customers.new(country="US")
    first = customers.new(country="GB")
    second = customers.new(country="GB")
    second.phone = first.phone
    mid = [p for p in pricey[20:60] if p.variants[0].price > 60][:4]
    attempt = Order(night, first, drop, [(p, p.variants[0], 1) for p in mid], risk="Medium", fulfilled=False,
                    cancelled_at=night + timedelta(minutes=40))
    retry = Order(night + timedelta(hours=2, minutes=10), second, drop, [(p, p.variants[0], 1) for p in mid[:3]],
                  risk="Medium", fulfilled=False)
    visits.orders += [big, attempt, retry]
    number_orders(visits)
    plan.fraud_orders = [big.name, retry.name]


def number_orders(visits: Visits) -> None:
    visits.orders.sort(key=lambda o: o.created_at)
    for n, order in enumerate(visits.orders, 1001):
        order.name = f"#{n}"


def units_sold(orders: list[Order], *, since: datetime) -> dict[str, int]:
    sold: dict[str, int] = defaultdict(int)
    for o in orders:
        if o.created_at >= since and o.cancelled_at is None:
            for _, v, q in o.lines:
                sold[v.sku] += q
    return sold
