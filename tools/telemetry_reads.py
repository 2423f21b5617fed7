"""What each specialist reads, one consistent snapshot per call (aggregates, never raw rows)."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import datetime, timedelta
from typing import Any

from tools.deps import Deps, Tx


@dataclass
class SearchData:
    #: the gsc source row (watermark, windows), None before any Search Console import
    source: dict[str, Any] | None
    pages: list[dict[str, Any]]
    buckets: list[dict[str, Any]]
    catalogue: list[dict[str, Any]]
    landing_pages: list[dict[str, Any]]
    ga4_source: dict[str, Any] | None
    ga4: list[dict[str, Any]]
    orders: dict[str, float]
    ui_pages: list[dict[str, Any]] = field(default_factory=list)
    ui_queries: list[dict[str, Any]] = field(default_factory=list)


async def search_data(deps: Deps, tenant: str) -> SearchData:
    async def q(tx: Tx) -> SearchData:
        source = await tx.telemetry.source("gsc")
        since = (source["watermark"] if source and source["watermark"] else deps.now()) - timedelta(days=90)
        return SearchData(source, await tx.gsc.page_stats(), await tx.gsc.ctr_buckets(), await tx.commerce.catalogue(),
                          await tx.commerce.landing_pages(), await tx.telemetry.source("ga4"), await tx.ga4.stats(),
                          await tx.commerce.order_value(since=since), await tx.gsc.ui_stats("page"),
                          await tx.gsc.ui_stats("query"))

    return await deps.db.query(tenant, q)


async def pairs_for_pages(deps: Deps, tenant: str, page_ids: list[int]) -> list[dict[str, Any]]:
    return await deps.db.query(tenant, lambda tx: tx.gsc.pairs_for_pages(page_ids))


async def top_queries(deps: Deps, tenant: str, *, min_impressions: int, limit: int) -> list[dict[str, Any]]:
    """The most-seen named queries of the current window, with the best position any page holds."""
    return await deps.db.query(tenant, lambda tx: tx.gsc.top_queries(min_impressions=min_impressions, limit=limit))


async def range_stats(deps: Deps, tenant: str, *, edges: tuple[float, ...]) -> list[dict[str, Any]]:
    """Per page and band of position between ``edges``: impressions and clicks of its named queries."""
    return await deps.db.query(tenant, lambda tx: tx.gsc.range_stats(edges=edges))


async def pairs_for_queries(deps: Deps, tenant: str, query_ids: list[int]) -> list[dict[str, Any]]:
    """Which pages of the store show for these queries, and where."""
    return await deps.db.query(tenant, lambda tx: tx.gsc.pairs_for_queries(query_ids))


@dataclass
class VisitData:
    source: dict[str, Any] | None
    stats: list[dict[str, Any]]
    orders: dict[str, float]
    #: per page (channels pooled) and per channel (pages pooled) and day, the last ``days`` days
    daily_pages: list[dict[str, Any]] = field(default_factory=list)
    daily_channels: list[dict[str, Any]] = field(default_factory=list)


async def visit_data(deps: Deps, tenant: str, *, days: int = 56) -> VisitData:
    async def q(tx: Tx) -> VisitData:
        source = await tx.telemetry.source("ga4")
        since = (source["watermark"] if source and source["watermark"] else deps.now()) - timedelta(days=90)
        newest = await tx.ga4.newest_day()
        if newest is None:
            return VisitData(source, await tx.ga4.stats(), await tx.commerce.order_value(since=since))
        first = newest - timedelta(days=days - 1)
        return VisitData(source, await tx.ga4.stats(), await tx.commerce.order_value(since=since),
                         await tx.ga4.daily_totals("page", first, newest),
                         await tx.ga4.daily_totals("channel", first, newest))

    return await deps.db.query(tenant, q)


@dataclass
class StockData:
    orders_source: dict[str, Any] | None
    products_source: dict[str, Any] | None
    variants: list[dict[str, Any]]
    daily_units: list[dict[str, Any]]
    on_order: dict[str, int]
    settings: list[dict[str, Any]]
    since: datetime


async def stock_data(deps: Deps, tenant: str, *, days: int = 90) -> StockData:
    async def q(tx: Tx) -> StockData:
        orders = await tx.telemetry.source("shopify-orders")
        until = orders["watermark"] if orders and orders["watermark"] else deps.now()
        since = until - timedelta(days=days)
        return StockData(orders, await tx.telemetry.source("shopify-products"), await tx.commerce.variants(),
                         await tx.commerce.daily_units(since=since), await tx.commerce.on_order(),
                         await tx.commerce.inventory_settings(), since)

    return await deps.db.query(tenant, q)


@dataclass
class OrderData:
    source: dict[str, Any] | None
    recent: list[dict[str, Any]]
    history: dict[str, dict[str, Any]]
    value: dict[str, float]
    refunds: list[dict[str, Any]]


async def order_data(deps: Deps, tenant: str, *, recent_days: int = 30, history_days: int = 90) -> OrderData:
    async def q(tx: Tx) -> OrderData:
        source = await tx.telemetry.source("shopify-orders")
        until = source["watermark"] if source and source["watermark"] else deps.now()
        recent = await tx.commerce.orders_since(until - timedelta(days=recent_days))
        refs = sorted({o["customer_ref"] for o in recent if o["customer_ref"]})
        since = until - timedelta(days=history_days)
        return OrderData(source, recent, await tx.commerce.customer_history(refs, before=until + timedelta(seconds=1)),
                         await tx.commerce.order_value(since=since), await tx.commerce.refunds_by_sku(since=since))

    return await deps.db.query(tenant, q)
