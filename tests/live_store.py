"""The live store for the delivery tests: the Shopify test server seeded with one product, one open
order, one Online Store page and one collection (the page and the collection also in the engine's
own copy, as landing pages), the tenant connected to it, and what the tests read back from it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from datetime import datetime, timezone

from sqlalchemy import insert

from policies.principal import Principal
from server.app import App
from server.connectors.shopify_live import ShopifyLiveStores
from server.demo.shopify_admin import ShopifyAdmin, serve
from server.persistence import models as m
from tests.factories import proposal, seed_store
from tools.actions import get_action, propose
from tools.connections import connect
from tools.decisions import decide
from tools.store_delivery import DeliveryReport, deliver_pending

OP = Principal.operator("demo")
SEED: dict[str, Any] = {
    "shop": {"name": "Northwind", "myshopifyDomain": "northwind.myshopify.com"},
    "products": [{"handle": "linen-tote", "title": "Linen Tote", "seo": {"title": "Linen Tote", "description": "A tote."},
                  "descriptionHtml": "<p>Handwoven linen.</p>",
                  "variants": [{"sku": "LIN-TOT-01", "title": "Default Title", "price": "40.00"}]}],
    "orders": [{"name": "#1042", "fulfillmentOrders": [{"status": "OPEN"}]}],
    "pages": [{"title": "Caring for linen", "handle": "linen-care", "body": "<p>Wash at 40°.</p>",
               "seo": {"title": "Linen care"}}],
    "collections": [{"title": "Bags", "handle": "bags", "descriptionHtml": "<p>All our bags.</p>",
                     "seo": {"title": "Bags", "description": "Every bag we make."}}],
}
#: the engine's own copy of the page and the collection: (path, title, SEO title, SEO description)
LOCAL_PAGES = (("/pages/linen-care", "Caring for linen", "Linen care", ""),
               ("/collections/bags", "Bags", "Bags", "Every bag we make."))


class Crash(Exception):
    """The worker dies here (nothing after this line of the attempt runs)."""


@dataclass
class Live:
    app: App
    admin: ShopifyAdmin
    stores: ShopifyLiveStores

    async def deliver(self) -> DeliveryReport:
        return await deliver_pending(self.app.deps, "demo", stores=self.stores)

    def product(self) -> Any:
        product = self.admin.store.product_by_handle("linen-tote")
        assert product is not None
        return product

    def variant(self) -> Any:
        variant = self.admin.store.variant_by_sku("LIN-TOT-01")
        assert variant is not None
        return variant

    def fulfillment_order(self) -> Any:
        order = self.admin.store.order_by_name("#1042")
        assert order is not None and len(order.fulfillment_order_ids) == 1
        return self.admin.store.fulfillment_orders[order.fulfillment_order_ids[0]]

    def page(self, handle: str = "linen-care") -> Any:
        page = self.admin.store.page_by_handle(handle)
        assert page is not None
        return page

    def collection(self) -> Any:
        collection = self.admin.store.collection_by_handle("bags")
        assert collection is not None
        return collection

    def mutations(self, action_id: int, op: str = "execute") -> int:
        return self.admin.mutation_count(f"demo:action:{action_id}:{op}:0")

    async def delivery(self, action_id: int) -> dict[str, Any]:
        return dict((await get_action(self.app.deps, OP, action_id=action_id))["delivery"])


async def approve(app: App, kind: str, who: Principal, **overrides: Any) -> int:
    """Propose ``kind`` as ``who`` (``target``, ``params`` to override the factory's) and approve it as the
    operator: executed locally, not yet delivered."""
    action = (await propose(app.deps, who, proposal(kind, **overrides))).action
    res = await decide(app.deps, OP, action_id=action.id, version=action.version, verdict="approve")
    assert res.execution and res.execution["status"] == "executed"
    return action.id


@asynccontextmanager
async def live_store(app: App) -> AsyncIterator[Live]:
    """The demo tenant's store seeded, the test server serving, the tenant connected to it."""
    await seed_store(app)
    now = datetime.now(timezone.utc)
    async with app.db.write("demo") as tx:
        conn = tx.conn  # type: ignore[attr-defined]
        for path, title, seo_title, seo_description in LOCAL_PAGES:
            await conn.execute(insert(m.LandingPage).values(
                tenant_id="demo", action_id=0, path=path, title=title, query="", outline=[], status="published",
                seo_title=seo_title, seo_description=seo_description, created_at=now))
    admin = ShopifyAdmin.seeded(SEED)
    async with serve(admin) as url:
        await connect(app.deps, OP, provider="shopify", shop="northwind.myshopify.com", token="shpat_test",
                      api_url=url)
        yield Live(app, admin, ShopifyLiveStores(api_version="2025-10"))
