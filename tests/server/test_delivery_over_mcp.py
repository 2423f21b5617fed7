"""Must show: over MCP with the official client, approvals reach the live store and rollback undoes them.

The operator approves a title rewrite, a markdown and a fraud hold through the MCP tools; one
worker delivery pass (what ``growth serve`` runs) makes one mutation each in the Shopify test
server; ``get_action`` over MCP says ``delivered`` with the remote ids; ``rollback_action`` and
another pass put the store's previous values back, through the same path.
"""

from __future__ import annotations

from decimal import Decimal
from typing import Any

import pytest
from mcp import Client

from policies.principal import Principal
from server.app import App
from server.demo.shopify_admin import ShopifyAdmin, serve
from server.store_delivery import deliver_to_store
from tests.factories import proposal
from tests.server.conftest import MODES, Tokens, http_client
from tools.actions import propose
from tools.connections import connect

NEW_TITLE = "Linen Tote Bag – Handwoven, Washable"
SEED: dict[str, Any] = {
    "shop": {"name": "Northwind", "myshopifyDomain": "northwind.myshopify.com"},
    "products": [{"handle": "linen-tote", "title": "Linen Tote", "seo": {"title": "Linen Tote", "description": "A tote."},
                  "variants": [{"sku": "LIN-TOT-01", "title": "Default Title", "price": "40.00"}]}],
    "orders": [{"name": "#1042", "fulfillmentOrders": [{"status": "OPEN"}]}],
}
PROPOSERS = {"content.rewrite_title": "content", "inventory.markdown": "inventory", "risk.hold_order": "risk"}


def _store(admin: ShopifyAdmin) -> tuple[str | None, Decimal, Decimal | None, str, list[tuple[str, str | None]]]:
    product, variant = admin.store.product_by_handle("linen-tote"), admin.store.variant_by_sku("LIN-TOT-01")
    order = admin.store.order_by_name("#1042")
    assert product is not None and variant is not None and order is not None
    fo = admin.store.fulfillment_orders[order.fulfillment_order_ids[0]]
    return (product.seo_title, variant.price, variant.compare_at_price, fo.status,
            [(h.reason, h.handle) for h in fo.holds])


async def _delivery(client: Client, action_id: int) -> dict[str, Any]:
    shown = await client.call_tool("get_action", {"action_id": action_id})
    assert not shown.is_error, shown.content
    return dict(shown.structured_content["delivery"])


@pytest.mark.parametrize("mode", MODES)
async def test_approvals_over_mcp_reach_the_store_once_and_rollback_restores_it(
        served: tuple[App, str], tokens: Tokens, mode: str) -> None:
    app, url = served
    admin = ShopifyAdmin.seeded(SEED)
    before = _store(admin)
    ids = {kind: (await propose(app.deps, Principal.for_agent("demo", agent), proposal(kind))).action.id
           for kind, agent in PROPOSERS.items()}
    async with serve(admin) as shop_url:
        await connect(app.deps, Principal.operator("demo"), provider="shopify", shop="northwind.myshopify.com",
                      token="shpat_test", api_url=shop_url)
        async with http_client(url, tokens.operator, mode) as client:
            pending = (await client.call_tool("list_actions", {"status": "pending"})).structured_content["actions"]
            versions = {row["id"]: row["version"] for row in pending}
            for action_id in ids.values():
                approved = await client.call_tool("approve_action",
                                                  {"action_id": action_id, "version": versions[action_id]})
                assert not approved.is_error, approved.content
                assert approved.structured_content["execution"]["status"] == "executed"
            assert _store(admin) == before and admin.mutations == []  # executed: the engine's copy only

            report = await deliver_to_store(app, "demo")
            assert sorted(o.status for o in report.outcomes) == ["delivered"] * 3
            assert _store(admin) == (NEW_TITLE, Decimal("32.00"), Decimal("40.00"), "ON_HOLD",
                                     [("HIGH_RISK_OF_FRAUD", f"demo:action:{ids['risk.hold_order']}:execute")])
            assert {i: admin.mutation_count(f"demo:action:{i}:execute:0") for i in ids.values()} == \
                {i: 1 for i in ids.values()}
            assert len(admin.mutations) == 3

            shown = {kind: await _delivery(client, i) for kind, i in ids.items()}
            assert all(d["state"] == "delivered" for d in shown.values()), shown
            remote = {kind: d["deliveries"][0]["remote_ids"] for kind, d in shown.items()}
            assert remote["content.rewrite_title"]["product_id"].startswith("gid://shopify/Product/")
            assert remote["inventory.markdown"]["variant_id"].startswith("gid://shopify/ProductVariant/")
            assert remote["risk.hold_order"]["order_id"].startswith("gid://shopify/Order/")
            assert remote["risk.hold_order"]["hold_ids"][0].startswith("gid://shopify/FulfillmentHold/")

            for action_id in ids.values():
                rolled = await client.call_tool("rollback_action", {"action_id": action_id, "reason": "test"})
                assert not rolled.is_error, rolled.content
            report = await deliver_to_store(app, "demo")
            assert sorted(o.status for o in report.outcomes) == ["delivered"] * 3
            assert _store(admin) == before
            assert {i: admin.mutation_count(f"demo:action:{i}:rollback:0") for i in ids.values()} == \
                {i: 1 for i in ids.values()}
            after = {kind: await _delivery(client, i) for kind, i in ids.items()}
            assert all(d["state"] == "delivered" and d["deliveries"][-1]["op"] == "rollback"
                       for d in after.values()), after
