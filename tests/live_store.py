"""The live store for the delivery tests: the Shopify test server seeded with one product and one
open order, the tenant connected to it, and what the tests read back from it."""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from dataclasses import dataclass
from typing import Any

from policies.principal import Principal
from server.app import App
from server.connectors.shopify_live import ShopifyLiveStores
from server.demo.shopify_admin import ShopifyAdmin, serve
from tests.factories import proposal, seed_store
from tools.actions import get_action, propose
from tools.connections import connect
from tools.decisions import decide
from tools.store_delivery import DeliveryReport, deliver_pending

OP = Principal.operator("demo")
SEED: dict[str, Any] = {
    "shop": {"name": "Northwind", "myshopifyDomain": "northwind.myshopify.com"},
    "products": [{"handle": "linen-tote", "title": "Linen Tote", "seo": {"title": "Linen Tote", "description": "A tote."},
                  "variants": [{"sku": "LIN-TOT-01", "title": "Default Title", "price": "40.00"}]}],
    "orders": [{"name": "#1042", "fulfillmentOrders": [{"status": "OPEN"}]}],
}


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

    def mutations(self, action_id: int, op: str = "execute") -> int:
        return self.admin.mutation_count(f"demo:action:{action_id}:{op}:0")

    async def delivery(self, action_id: int) -> dict[str, Any]:
        return dict((await get_action(self.app.deps, OP, action_id=action_id))["delivery"])


async def approve(app: App, kind: str, who: Principal) -> int:
    """Propose ``kind`` as ``who`` and approve it as the operator: executed locally, not yet delivered."""
    action = (await propose(app.deps, who, proposal(kind))).action
    res = await decide(app.deps, OP, action_id=action.id, version=action.version, verdict="approve")
    assert res.execution and res.execution["status"] == "executed"
    return action.id


@asynccontextmanager
async def live_store(app: App) -> AsyncIterator[Live]:
    """The demo tenant's store seeded, the test server serving, the tenant connected to it."""
    await seed_store(app)
    admin = ShopifyAdmin.seeded(SEED)
    async with serve(admin) as url:
        await connect(app.deps, OP, provider="shopify", shop="northwind.myshopify.com", token="shpat_test",
                      api_url=url)
        yield Live(app, admin, ShopifyLiveStores(api_version="2025-10"))
