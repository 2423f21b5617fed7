"""A random store: catalogue, pages, search demand, traffic, its own CTR curve, drawn from a seed.

Nothing here is shared with the demo (``server/demo``): the catalogue words, the
shape of the click-through curve (a measured-style table, not the power law the
fitter assumes), the seasonality and the noise are all drawn per store.
"""

from __future__ import annotations

import math
from dataclasses import dataclass, field
from datetime import date, timedelta
from typing import Any

import numpy as np

from tests.stores.plants import Plant, Truth, apply_plants, finish_plants

DAYS = 90
SITE = "https://store.test"
#: share of searchers clicking a result at positions 1..10 (the shape of published CTR studies)
CTR_TABLE = (0.27, 0.155, 0.105, 0.075, 0.058, 0.046, 0.037, 0.031, 0.026, 0.022)
TYPES = {  # type -> (base price, materials)
    "Lamp": (70, ("brass", "ceramic", "rattan", "oak")), "Rug": (160, ("jute", "wool", "cotton")),
    "Vase": (38, ("glass", "ceramic", "stoneware")), "Mirror": (95, ("brass", "oak", "rattan")),
    "Planter": (29, ("terracotta", "concrete", "ceramic")), "Clock": (55, ("oak", "brass", "walnut")),
    "Basket": (34, ("seagrass", "rattan", "jute")), "Quilt": (140, ("cotton", "linen")),
    "Shelf": (85, ("oak", "walnut", "pine")), "Tray": (26, ("walnut", "marble", "brass")),
    "Bench": (210, ("oak", "pine", "walnut")), "Sconce": (75, ("brass", "iron")),
}
NAMES = ("Alba", "Bryn", "Cove", "Dara", "Eskil", "Fjord", "Gale", "Hollis", "Ines", "Juno", "Kaia", "Lune",
         "Mira", "Nell", "Odin", "Pike", "Rhea", "Sol", "Tove", "Ulla", "Vega", "Wren", "Yara", "Zeno", "Arlo",
         "Bodhi", "Cyra", "Elm", "Faro", "Greer")
VENDORS = {"Atelier Nord": 12, "Pine & Kiln": 21, "Loft Supply": 35, "Casa Verde": 28}
OPTIONS = (("Small", "Large"), ("Natural", "Black"), ("One size",), ("Grey", "Sand", "Rust"))


@dataclass
class Query:
    text: str
    searches: float          # searches per day reaching the page's result list
    position: float
    ctr_share: float = 1.0   # the snippet's click-through against the store's curve
    shift: float = 0.0       # positions lost from ``shift_from`` on (a ranking loss)
    shift_from: date | None = None


@dataclass
class Variant:
    sku: str
    title: str
    price: float
    cost: float
    weight: float
    stock: int = 0


@dataclass
class Page:
    path: str
    kind: str                # product, collection, guide, home
    title: str
    queries: list[Query] = field(default_factory=list)
    product: Product | None = None
    #: other channels' sessions per day, conversion and engagement rates
    traffic: float = 0.0
    cr: float = 0.01
    er: float = 0.6
    #: (first day, multiplier) of a conversion drop
    cr_drop: tuple[date, float] | None = None


@dataclass
class Product:
    handle: str
    title: str
    product_type: str
    material: str
    vendor: str
    popularity: float
    variants: list[Variant]
    seo_title: str
    seo_description: str

    @property
    def path(self) -> str:
        return f"/products/{self.handle}"


@dataclass
class Spec:
    seed: int
    products: int
    traffic: float           # store-wide traffic level (sessions multiplier)
    weekly: float            # weekly swing
    trend: float             # growth over the 90 days
    season: float            # amplitude of a slow seasonal wave
    phase: float
    noise: float             # day-to-day overdispersion of every count
    snippet_noise: float     # spread of unplanted pages' click-through around the curve
    ctr_scale: float
    ctr_tilt: float
    refund_rate: float
    end: date


@dataclass
class Store:
    spec: Spec
    products: list[Product]
    pages: list[Page]
    plants: list[Plant]
    truth: list[Truth] = field(default_factory=list)
    #: bulk-export rows, GA4 cells, orders (filled by ``simulate``)
    search_rows: list[list[Any]] = field(default_factory=list)
    ga4: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)
    orders: list[Any] = field(default_factory=list)
    rng: np.random.Generator | None = None

    @property
    def start(self) -> date:
        return self.spec.end - timedelta(days=DAYS - 1)

    def ctr(self, position: float) -> float:
        """The store's true click-through at a position (interpolated table, scaled and tilted)."""
        p = max(1.0, position)
        if p <= 10:
            lo = int(p)
            frac = p - lo
            hi = min(lo + 1, 10)
            base = CTR_TABLE[lo - 1] * (1 - frac) + CTR_TABLE[hi - 1] * frac
        else:
            base = CTR_TABLE[-1] * math.exp(-(p - 10) * 0.09)
        return min(0.9, base * self.spec.ctr_scale * (p ** self.spec.ctr_tilt))


def visibility(position: float) -> float:
    """Few searchers reach the second page, fewer the third: impressions are counted only when seen."""
    return 1.0 if position <= 10.5 else 0.25 if position <= 20.5 else 0.05


def draw_spec(seed: int, *, end: date, products: tuple[int, int] = (60, 220)) -> Spec:
    r = np.random.default_rng(seed)
    return Spec(seed=seed, products=int(r.integers(products[0], products[1] + 1)),
                traffic=float(math.exp(r.uniform(math.log(0.5), math.log(3.0)))),
                weekly=float(r.uniform(0.0, 0.25)), trend=float(r.uniform(-0.15, 0.3)),
                season=float(r.uniform(0.0, 0.2)), phase=float(r.uniform(0, 2 * math.pi)),
                noise=float(r.uniform(0.03, 0.15)), snippet_noise=float(r.uniform(0.04, 0.1)),
                ctr_scale=float(r.uniform(0.75, 1.25)), ctr_tilt=float(r.uniform(-0.15, 0.15)),
                refund_rate=float(r.uniform(0.015, 0.04)), end=end)


def _catalogue(spec: Spec, r: np.random.Generator) -> list[Product]:
    combos = [(n, m, t) for t, (_, ms) in TYPES.items() for m in ms for n in NAMES]
    order = r.permutation(len(combos))
    exponent = r.uniform(0.6, 1.1)
    products: list[Product] = []
    for i in order[:spec.products]:
        name, material, ptype = combos[int(i)]
        n = len(products) + 1
        title = f"{name} {material.title()} {ptype}"
        handle = title.lower().replace(" ", "-")
        price = round(TYPES[ptype][0] * r.uniform(0.7, 1.4)) - 0.01
        options = OPTIONS[int(r.integers(len(OPTIONS)))]
        weights = r.dirichlet([2.0] * len(options))
        variants = [Variant(f"ST-{spec.seed % 1000:03d}-{n:04d}-{k}", o, price, round(price * r.uniform(0.3, 0.55), 2),
                            float(w)) for k, (o, w) in enumerate(zip(options, weights), 1)]
        products.append(Product(handle, title, ptype, material, str(r.choice(list(VENDORS))), 0.0, variants,
                                f"{title} | Casa Store" if r.random() < 0.7 else "",
                                f"The {title}, in {material}. Free returns." if r.random() < 0.85 else ""))
    for rank, p in enumerate(products, 1):
        p.popularity = 1.0 / rank ** exponent
    return products


def _pages(spec: Spec, products: list[Product], r: np.random.Generator) -> list[Page]:
    pages: list[Page] = []
    level = spec.traffic
    for rank, p in enumerate(products, 1):
        pos = float(np.clip(1.5 + 3.0 * math.log10(rank) * r.uniform(0.7, 1.3) + r.normal(0, 1.0), 1.0, 30.0))
        head = f"{p.material} {p.product_type.lower()}"
        share = float(np.clip(r.lognormal(0, spec.snippet_noise), 0.85, 1.2))
        queries = [Query(head, level * 25 * p.popularity ** 0.6 * r.uniform(0.5, 1.5), pos, share),
                   Query(p.title.lower(), 1 + level * 6 * p.popularity ** 0.5, float(r.uniform(1.0, 1.8)), share)]
        for mod in r.choice(["modern", "vintage", "small", "large", "handmade", "best"], size=2, replace=False):
            queries.append(Query(f"{mod} {head}", level * 4 * p.popularity ** 0.6 * r.uniform(0.3, 1.2),
                                 pos * float(r.uniform(0.8, 1.3)), share))
        page = Page(p.path, "product", p.title, queries, p, traffic=level * 70 * p.popularity,
                    cr=float(0.022 * r.lognormal(0, 0.25)), er=float(min(0.85, 0.62 * r.lognormal(0, 0.06))))
        pages.append(page)
    for ptype, (_, materials) in TYPES.items():
        plural = ptype.lower() + "s"
        if not any(p.product_type == ptype for p in products):
            continue
        queries = [Query(plural, level * r.uniform(60, 160), float(r.uniform(4, 10)),
                         float(np.clip(r.lognormal(0, spec.snippet_noise), 0.85, 1.2)))]
        queries += [Query(f"{m} {plural}", level * r.uniform(8, 30), float(r.uniform(3, 9))) for m in materials]
        pages.append(Page(f"/collections/{plural}", "collection", f"{ptype}s", queries, traffic=level * 10,
                          cr=0.008, er=0.55))
        m = materials[0]
        guide = [Query(f"how to clean {m} {plural}", level * r.uniform(15, 40), float(r.uniform(2, 6))),
                 Query(f"{m} {ptype.lower()} care", level * r.uniform(10, 30), float(r.uniform(2, 7))),
                 Query(f"how to care for {m} {plural}", level * r.uniform(8, 20), float(r.uniform(2, 7)))]
        pages.append(Page(f"/blogs/guides/how-to-care-for-{m}-{plural}", "guide", f"How to care for {m} {plural}",
                          guide, traffic=level * 2, cr=0.004, er=0.7))
    pages.append(Page("/", "home", "Casa Store", [Query("casa store", level * 30, 1.05)], traffic=level * 180,
                      cr=0.009, er=0.5))
    return pages


def generate(seed: int, *, end: date, plants: list[Plant] | None = None,
             products: tuple[int, int] = (60, 220)) -> Store:
    """A whole store in memory with ``plants`` applied; the same arguments give the same store."""
    from tests.stores.simulate import simulate

    spec = draw_spec(seed, end=end, products=products)
    r = np.random.default_rng(seed + 1)
    catalogue = _catalogue(spec, r)
    store = Store(spec, catalogue, _pages(spec, catalogue, r), list(plants or []), rng=r)
    apply_plants(store)
    simulate(store)
    finish_plants(store)
    return store
