"""The demo's live store: the Shopify Admin GraphQL test server, seeded from the engine's own copy of a
store and connected to it, so approvals are delivered end to end without a real Shopify store.

``growth serve --demo-store`` (what ``make run`` starts) serves it in the server's own process on a
loopback port. The test store lives in memory: each start seeds it again from the engine's copy, which
already holds every executed change, so a delivery made before a restart is found in place, not made
twice. Fraud holds placed on it are not kept across restarts.
"""

from __future__ import annotations

import secrets
from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from sqlalchemy import select

from policies.principal import Principal
from server.app import App
from server.demo.shopify_admin import FULL_ACCESS, ShopifyAdmin, Store, serve
from server.persistence import models as m
from tools.connections import connect


@dataclass(frozen=True, slots=True)
class DemoLiveStore:
    admin: ShopifyAdmin
    url: str
    shop: str


async def store_from_engine(app: App, tenant: str) -> Store:
    """The live store as the engine's copy has it: products with their SEO and variants, open orders."""

    async def q(tx: Any) -> tuple[list[Any], list[Any], list[Any]]:
        conn = tx.conn
        P, V = m.Product, m.Variant
        products = (await conn.execute(select(P.id, P.handle, P.title, P.body_html, P.vendor, P.product_type, P.tags,
                                              P.seo_title, P.seo_description)
                                       .where(P.tenant_id == tenant).order_by(P.id))).all()
        variants = (await conn.execute(select(V.product_id, V.sku, V.title, V.price, V.compare_at_price)
                                       .where(V.tenant_id == tenant).order_by(V.id))).all()
        orders = (await conn.execute(select(m.Order.name, m.Order.fulfillment_status, m.Order.financial_status)
                                     .where(m.Order.tenant_id == tenant).order_by(m.Order.id))).all()
        return list(products), list(variants), list(orders)

    products, variants, orders = await app.db.query(tenant, q)
    by_product: dict[int, list[Any]] = {}
    for v in variants:
        by_product.setdefault(v.product_id, []).append(v)
    store = Store(name=f"{tenant} (demo)", domain=f"{tenant}-demo.myshopify.com")
    for p in products:
        store.add_product(handle=p.handle, title=p.title, description_html=p.body_html or "", vendor=p.vendor,
                          product_type=p.product_type,
                          tags=[t.strip() for t in (p.tags or "").split(",") if t.strip()],
                          seo_title=p.seo_title or None, seo_description=p.seo_description or None,
                          variants=[{"sku": v.sku, "title": v.title or "Default Title", "price": f"{v.price:.2f}",
                                     "compareAtPrice": f"{v.compare_at_price:.2f}" if v.compare_at_price else None}
                                    for v in by_product.get(p.id, [])])
    for o in orders:
        status = ("CLOSED" if (o.fulfillment_status or "").lower() == "fulfilled"
                  else "CANCELLED" if (o.financial_status or "").lower() in ("voided", "refunded") else "OPEN")
        store.add_order(name=o.name, fulfillment_orders=[status])
    return store


@asynccontextmanager
async def demo_live_store(app: App, tenant: str) -> AsyncIterator[DemoLiveStore]:
    """Serve the tenant's demo live store and connect the tenant to it until the block ends."""
    store = await store_from_engine(app, tenant)
    if not store.products:
        raise RuntimeError(f"store {tenant!r} has no products to serve as its demo live store: run `growth demo` "
                           "first")
    token = f"shpat_demo_{secrets.token_hex(12)}"
    admin = ShopifyAdmin(store=store, tokens={token: list(FULL_ACCESS)})
    async with serve(admin) as url:
        await connect(app.deps, Principal.operator(tenant, subject="operator:demo-store"), provider="shopify",
                      shop=store.domain, token=token, api_url=url)
        yield DemoLiveStore(admin, url, store.domain)
