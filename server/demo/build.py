"""``growth demo``: generate the store, write its exports, import them, run the specialists."""

from __future__ import annotations

import asyncio
import json
import math
from dataclasses import dataclass
from datetime import date, datetime, time, timedelta
from pathlib import Path
from typing import Any, Callable

from policies.principal import Principal
from server.demo import files
from server.demo.catalog import LEAD_TIMES, Product, build_catalogue
from server.demo.plant import Plan, choose
from server.demo.rand import Sampler
from server.demo.search import SearchDays, build_pairs, simulate as simulate_search
from server.demo.traffic import STORE_ZONE, Customers, Visits, number_orders, plant_fraud, settle, units_sold
from server.demo.traffic import simulate as simulate_visits
from tools.deps import Deps
from tools.ingest.ingest import IngestOptions
from tools.ingest.upload import Upload
from tools.registry import invoke

DAYS = 90
Say = Callable[[str], None]


@dataclass
class DemoStore:
    products: list[Product]
    plan: Plan
    search: SearchDays
    visits: Visits
    start: date
    end: date


def generate(*, seed: int = 7, end: date, opportunities: bool = True, products: int = 500) -> DemoStore:
    """The whole store in memory; the same seed and end date give the same store."""
    rng = Sampler(seed)
    catalogue = build_catalogue(rng, products)
    plan = choose(catalogue, enabled=opportunities)
    for p in plan.ctr_title:
        p.seo_title = f"{p.name} | Northwind Goods"
    for p in plan.ctr_meta:
        p.seo_description = ""
    start = end - timedelta(days=DAYS - 1)
    search = simulate_search(build_pairs(catalogue, plan, rng, end=end), rng, start=start, days=DAYS)
    customers = Customers(seed, rng)
    visits = simulate_visits(catalogue, plan, rng, customers, start=start, days=DAYS, organic=search.clicks)
    settle(visits, plan, rng, end=end)
    number_orders(visits)
    plant_fraud(visits, catalogue, plan, customers, end=end)
    _stock(catalogue, plan, visits, rng, end=end)
    return DemoStore(catalogue, plan, search, visits, start, end)


def _stock(products: list[Product], plan: Plan, visits: Visits, rng: Sampler, *, end: date) -> None:
    """Stock on hand at the end: a store that restocks in time, except where a plant says otherwise."""
    closing = datetime.combine(end + timedelta(days=1), time(0, 0), tzinfo=STORE_ZONE)
    sold90 = units_sold(visits.orders, since=closing - timedelta(days=DAYS))
    sold28 = units_sold(visits.orders, since=closing - timedelta(days=28))
    short = {v.sku for _, v in plan.stockout}
    over = {v.sku for _, v in plan.overstock}
    for p in products:
        lead = LEAD_TIMES[p.vendor]
        for v in p.variants:
            pace90, pace28 = sold90.get(v.sku, 0) / DAYS, sold28.get(v.sku, 0) / 28
            if v.sku in short:
                v.stock = max(1, round(pace28 * plan.STOCK_DAYS_LEFT))
            elif v.sku in over:
                v.stock = round(pace28 * plan.OVERSTOCK_DAYS)
            else:
                v.stock = math.ceil(max(pace90, pace28) * (lead + rng.uniform(30, 90))) + rng.randint(2, 5)
                small = plan.small_stock_days(v.sku)
                if small is not None:  # a distractor (drawn as above first, so the other variants stay as they were)
                    v.stock = max(1, round(max(pace90, pace28) * small))


@dataclass(frozen=True)
class DemoFile:
    source: str
    path: Path
    options: IngestOptions


def write(store: DemoStore, folder: Path) -> list[DemoFile]:
    """Every export the store would produce, in the formats the importers read."""
    folder.mkdir(parents=True, exist_ok=True)
    last_days = [(store.end - timedelta(days=n)).isoformat() for n in range(2, -1, -1)]
    recent = [(store.end - timedelta(days=n)).isoformat() for n in range(6, -1, -1)]
    files.write_products(folder / "shopify" / "products_export.csv", store.products)
    files.write_orders(folder / "shopify" / "orders_export.csv", store.visits.orders, end=store.end)
    files.write_gsc_bulk(folder / "gsc" / "searchdata_url_impression.csv", store.search.rows)
    files.write_gsc_ui(folder / "gsc" / "search-console-export.zip", store.search.rows)
    api, request = files.write_gsc_api(folder / "gsc", store.search.rows, days=last_days)
    ga4_json, ga4_csv = files.write_ga4(folder / "ga4", store.visits, recent=recent)
    (folder / "planted.json").write_text(json.dumps(store.plan.manifest(), indent=2), encoding="utf-8")
    demo = IngestOptions(origin="demo")
    return [
        DemoFile("shopify-products", folder / "shopify" / "products_export.csv", demo),
        DemoFile("shopify-orders", folder / "shopify" / "orders_export.csv", demo),
        DemoFile("gsc", folder / "gsc" / "searchdata_url_impression.csv", demo),
        DemoFile("gsc", api, IngestOptions(origin="demo", request=json.loads(request.read_text()))),
        DemoFile("gsc", folder / "gsc" / "search-console-export.zip", demo),
        DemoFile("ga4", ga4_json, demo),
        DemoFile("ga4", ga4_csv, demo),
    ]


def yesterday(now: datetime) -> date:
    """The store's yesterday (its clock, not UTC's), so no order is placed in the future."""
    return (now.astimezone(STORE_ZONE) - timedelta(days=1)).date()


async def build(deps: Deps, principal: Principal, folder: Path, *, seed: int = 7, end: date | None = None,
                opportunities: bool = True, run_specialists: bool = True,
                say: Say = lambda _: None) -> dict[str, Any]:
    """Generate, write, reset the tenant's imported data, import, configure, run. Does not serve."""
    end = end or yesterday(deps.now())
    say(f"generating the demo store (seed {seed}, 90 days to {end})")
    store = await asyncio.to_thread(generate, seed=seed, end=end, opportunities=opportunities)
    written = await asyncio.to_thread(write, store, folder)
    say(f"wrote {len(written)} export files to {folder}")
    await deps.db.transact(principal.tenant, lambda tx: _reset(tx, deps))
    imports = []
    for f in written:
        result = await invoke(deps, principal, "telemetry.ingest", source=f.source, upload=Upload.from_path(f.path),
                              options=f.options)
        imports.append({k: result[k] for k in ("source", "format", "name", "rows_read", "rows_written",
                                               "rows_skipped", "status")})
        say(f"imported {f.path.name}: {result['rows_read']:,} rows ({result['format']})")
    for vendor, days in LEAD_TIMES.items():
        await invoke(deps, principal, "inventory.settings", scope="vendor", key=vendor, lead_time_days=days)
    runs: list[dict[str, Any]] = []
    if run_specialists:
        from graphs.runs import run_all

        runs = await run_all(deps, principal)
        for r in runs:
            say(f"{r['agent']}: {r['summary']}")
    return {"tenant": principal.tenant, "folder": str(folder), "seed": seed, "end": end.isoformat(),
            "products": len(store.products), "orders": len(store.visits.orders), "gsc_rows": len(store.search.rows),
            "imports": imports, "runs": runs, "planted": store.plan.manifest(),
            "distractors": store.plan.distractors() if opportunities else []}


async def _reset(tx: Any, deps: Deps) -> None:
    await tx.tenants.ensure(name=tx.tenant, now=deps.now())
    await tx.commerce.reset()
