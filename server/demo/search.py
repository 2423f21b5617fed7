"""Simulated Google search for the demo store: who sees which page for which query, and clicks.

Every (page, query) pair has a demand, a position and a click-through that follows
the store's own curve (CTR = a x position^-b) times the page's snippet quality.
Impressions follow the week (Mondays busiest) and a gentle growth; the output is
the bulk export's rows (one per day, page, query, country and device).
"""

from __future__ import annotations

import itertools
import math
from collections import defaultdict
from dataclasses import dataclass
from datetime import date, timedelta

from server.demo.catalog import BRAND, STORE_URL, TYPES, Product, slug
from server.demo.plant import MISSING_CLUSTERS, Plan
from server.demo.rand import Sampler

#: the store's true curve: the share of searchers who click a result at each position
CURVE_A, CURVE_B = 0.30, 1.1
WEEKDAY = (1.10, 1.07, 1.04, 1.0, 0.93, 0.86, 0.95)
MODIFIERS = ("for women", "for men", "large", "small", "gift", "sale", "handmade", "best", "organic", "minimalist")
COLORS = ("black", "natural", "grey", "green", "blue", "brown", "white")
#: (country, device) combinations and how often they occur
COMBOS = [(c, d) for c in ("usa", "gbr", "can", "aus", "deu") for d in ("MOBILE", "DESKTOP", "TABLET")]
COMBO_WEIGHTS = [30, 20, 2, 8, 5, 1, 6, 4, 1, 3, 2, 0.5, 2, 2, 0.5]
CUMULATIVE = list(itertools.accumulate(COMBO_WEIGHTS))
#: how a row's impressions divide over two or three country/device rows
SHARES = {2: (0.65, 0.35), 3: (0.55, 0.3, 0.15)}
HEADER = ["data_date", "site_url", "url", "query", "is_anonymized_query", "country", "search_type", "device",
          "impressions", "clicks", "sum_position"]


def true_ctr(position: float) -> float:
    return CURVE_A * max(position, 1.0) ** -CURVE_B


def visibility(position: float) -> float:
    """Fewer searchers reach the second and third pages."""
    return 1.0 if position <= 10.5 else 0.3 if position <= 20.5 else 0.06


@dataclass
class Pair:
    url: str
    path: str
    query: str
    demand: float
    position: float
    ctr_share: float = 1.0
    #: from this day on the position worsens by ``shift`` (a planted ranking loss)
    shift_from: date | None = None
    shift: float = 0.0

    def position_on(self, day: date, rng: Sampler) -> float:
        pos = self.position
        if self.shift_from is not None and day >= self.shift_from:
            ramp = min(1.0, ((day - self.shift_from).days + 1) / 5)
            pos += self.shift * ramp
        return max(1.0, pos + rng.gauss(0.0, 0.45))


def plural(product_type: str) -> str:
    lower = product_type.lower()
    return lower if lower.endswith("s") else lower + "s"


def collection_path(product_type: str) -> str:
    return f"/collections/{slug(plural(product_type))}"


def build_pairs(products: list[Product], plan: Plan, rng: Sampler, *, end: date) -> list[Pair]:
    pairs: list[Pair] = []
    ranked = sorted(products, key=lambda p: -p.popularity)
    rank = {p.handle: i for i, p in enumerate(ranked, 1)}
    head_demand: dict[str, float] = {}
    for p in products:
        r = rank[p.handle]
        base = 2.2 + 4.2 * math.log10(r) * rng.uniform(0.8, 1.2)
        share = plan.ctr_share(p) * rng.lognormal(0.10)
        shift_from = end - timedelta(days=27) if p in plan.lost_rank else None
        shift = plan.LOST_POSITIONS if p in plan.lost_rank else 0.0
        demand = head_demand.setdefault(p.head_query, rng.uniform(60, 160) * (1.8 if r <= 40 else 1.0))
        own = [(p.head_query, demand, base),
               (f"{p.name.lower()} {p.product_type.lower()}", 1.0 + 12 * p.popularity ** 0.5, rng.uniform(1.0, 1.6))]
        for mod in rng.sample(MODIFIERS, k=rng.randint(1, 3)):
            own.append((f"{p.head_query} {mod}", demand * rng.uniform(0.05, 0.2), base * rng.uniform(0.7, 1.1)))
        for color in rng.sample(COLORS, k=rng.randint(1, 3)):
            own.append((f"{color} {p.head_query}", rng.uniform(0.2, 2.5), base * rng.uniform(0.4, 1.0)))
        for query, d, pos in own:
            pairs.append(Pair(p.url, p.path, query, d, pos, share, shift_from, shift))
    for ptype, (_, _, materials, _) in TYPES.items():
        path = collection_path(ptype)
        many = plural(ptype)
        pairs.append(Pair(STORE_URL + path, path, many, rng.uniform(250, 600), rng.uniform(7, 14),
                          rng.lognormal(0.1)))
        for material in materials:
            pairs.append(Pair(STORE_URL + path, path, f"{material} {many}", rng.uniform(20, 80),
                              rng.uniform(4, 11), rng.lognormal(0.1)))
    pairs.append(Pair(STORE_URL + "/", "/", BRAND.lower(), 45.0, 1.05))
    if plan.enabled:
        for _, path, queries in MISSING_CLUSTERS:
            for query, demand in queries:
                pairs.append(Pair(STORE_URL + path, path, query, demand, rng.uniform(24, 34), 1.0))
    return pairs


@dataclass
class SearchDays:
    rows: list[list[object]]
    #: organic clicks per (page path, ISO day), anonymized queries included
    clicks: dict[tuple[str, str], int]


def simulate(pairs: list[Pair], rng: Sampler, *, start: date, days: int) -> SearchDays:
    rows: list[list[object]] = []
    clicks: dict[tuple[str, str], int] = defaultdict(int)
    site = "sc-domain:" + STORE_URL.removeprefix("https://")
    for n in range(days):
        day = start + timedelta(days=n)
        iso = day.isoformat()
        factor = WEEKDAY[day.weekday()] * (1.0 + 0.12 * n / days)
        page_totals: dict[str, list[float]] = defaultdict(lambda: [0, 0, 0.0])
        for pair in pairs:
            pos = pair.position_on(day, rng)
            imp = rng.poisson(pair.demand * visibility(pos) * factor)
            if not imp:
                continue
            clk = rng.binomial(imp, min(0.95, true_ctr(pos) * pair.ctr_share))
            clicks[(pair.path, iso)] += clk
            totals = page_totals[pair.url]
            totals[0] += imp
            totals[1] += clk
            totals[2] += (pos - 1) * imp
            for (country, device), i, c in _split(rng, imp, clk):
                rows.append([iso, site, pair.url, pair.query, "false", country, "WEB", device, i, c,
                             round((pos - 1) * i, 2)])
        for url, (imp, clk, pos_sum) in page_totals.items():
            # Google withholds rare queries: about a sixth of a page's impressions come back anonymized
            a_imp = rng.poisson(imp * 0.16)
            if a_imp:
                a_clk = rng.binomial(a_imp, min(0.9, clk / imp))
                clicks[(url.removeprefix(STORE_URL) or "/", iso)] += a_clk
                rows.append([iso, site, url, "", "true", "usa", "WEB", "MOBILE", a_imp, a_clk,
                             round(pos_sum / imp * a_imp, 2)])
            if rng.random() < 0.05:
                rows.append([iso, site, url, "", "true", "usa", "IMAGE", "DESKTOP", rng.randint(1, 9), 0, 3.0])
    return SearchDays(rows, dict(clicks))


def _split(rng: Sampler, imp: int, clk: int) -> list[tuple[tuple[str, str], int, int]]:
    """Impressions and clicks spread over countries and devices, as the bulk export rows them."""
    parts = 1 if imp <= 2 else 2 if imp <= 15 else 3
    combos = list(dict.fromkeys(rng.choices(COMBOS, cum_weights=CUMULATIVE, k=parts)))
    if len(combos) == 1:
        return [(combos[0], imp, clk)]
    shares = SHARES[len(combos)]
    imps = [max(1, int(imp * f)) for f in shares[:-1]]
    imps.append(imp - sum(imps))
    clks = [min(i, int(clk * i / imp)) for i in imps]
    left = clk - sum(clks)
    for n, i in enumerate(imps):  # what rounding left over goes where there is room
        extra = min(left, i - clks[n])
        clks[n] += extra
        left -= extra
    return [(combo, i, c) for combo, i, c in zip(combos, imps, clks) if i > 0]
