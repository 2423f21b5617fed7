"""The Shopify Admin GraphQL test server answers as Shopify documents it (2025-10 shapes).

Most tests call it in-process through httpx's ASGI transport; one serves it on a real
loopback port and talks to it with the engine's own Shopify client.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from dataclasses import dataclass
from datetime import date
from typing import Any

import httpx
import pytest

from server.connectors import Http
from server.connectors.shopify_probe import ShopifyProbe
from server.demo.shopify_admin import FULL_ACCESS, ShopifyAdmin, from_demo, gid, serve
from server.demo.shopify_admin.cost import Bucket
from tools.records import StoreCredentials

TOKEN = "shpat_0123456789abcdef0123456789abcdef"
SEED: dict[str, Any] = {
    "shop": {"name": "Acme Goods", "myshopifyDomain": "acme.myshopify.com"},
    "products": [
        {"handle": "canvas-tote", "title": "Canvas Tote", "descriptionHtml": "<p>Sturdy.</p>",
         "seo": {"title": "Canvas Tote | Acme", "description": "A sturdy canvas tote."},
         "variants": [{"sku": "TOTE-S", "title": "Small", "price": "24.00"},
                      {"sku": "TOTE-L", "title": "Large", "price": "29.50", "compareAtPrice": "35"}]},
        {"handle": "walnut-tray", "title": "Walnut Tray", "variants": [{"sku": "TRAY-1", "price": 48}]},
    ],
    "orders": [{"name": "#1001"}, {"name": "#1002", "fulfillmentOrders": [{"status": "CLOSED"}]}],
    "pages": [{"title": "About us", "body": "<p>We make bags.</p>"}],
    "collections": [{"title": "Totes", "handle": "totes", "seo": {"title": "Totes | Acme"}}],
}

UPDATE = "mutation($p: ProductUpdateInput) { productUpdate(product: $p) { userErrors { message } } }"


class FakeClock:
    def __init__(self) -> None:
        self.now = 0.0

    def __call__(self) -> float:
        return self.now


@dataclass
class Store:
    admin: ShopifyAdmin
    client: httpx.AsyncClient
    clock: FakeClock

    async def post(self, query: str, variables: dict[str, Any] | None = None, *, token: str = TOKEN,
                   key: str | None = None, version: str = "2025-10") -> httpx.Response:
        headers = {"X-Shopify-Access-Token": token, **({"Idempotency-Key": key} if key else {})}
        return await self.client.post(f"/admin/api/{version}/graphql.json", headers=headers,
                                      json={"query": query, "variables": variables or {}})

    async def gql(self, query: str, variables: dict[str, Any] | None = None, **kw: Any) -> dict[str, Any]:
        response = await self.post(query, variables, **kw)
        assert response.status_code == 200, response.text
        return dict(response.json())

    def ids(self) -> dict[str, str]:
        s = self.admin.store
        tote, tray = s.product_by_handle("canvas-tote"), s.product_by_handle("walnut-tray")
        assert tote and tray
        order = s.order_by_name("#1001")
        assert order
        return {"tote": gid("Product", tote.id), "tray": gid("Product", tray.id),
                "small": gid("ProductVariant", tote.variant_ids[0]),
                "large": gid("ProductVariant", tote.variant_ids[1]),
                "tray_variant": gid("ProductVariant", tray.variant_ids[0]), "order": gid("Order", order.id),
                "fo": gid("FulfillmentOrder", order.fulfillment_order_ids[0]),
                "page": gid("Page", next(iter(s.pages)))}


@pytest.fixture
async def store() -> AsyncIterator[Store]:
    clock = FakeClock()
    admin = ShopifyAdmin.seeded(SEED, tokens={TOKEN: list(FULL_ACCESS)}, bucket=Bucket(clock=clock), clock=clock)
    async with httpx.AsyncClient(transport=httpx.ASGITransport(app=admin.app), base_url="http://shop.test") as client:
        yield Store(admin, client, clock)


async def test_queries_answer_in_the_documented_shapes(store: Store) -> None:
    ids = store.ids()
    body = await store.gql("""
      query($product: ID!, $order: ID!, $page: ID!) {
        shop { name myshopifyDomain }
        currentAppInstallation { accessScopes { handle } }
        product(id: $product) { title handle descriptionHtml seo { title description }
          variants(first: 10) { nodes { id sku price compareAtPrice } } }
        byHandle: productByIdentifier(identifier: {handle: "walnut-tray"}) { id }
        search: products(first: 5, query: "sku:TRAY-1") { edges { cursor node { handle } } pageInfo { hasNextPage } }
        order(id: $order) { name fulfillmentOrders(first: 5) { nodes { id status } } }
        page(id: $page) { title handle body isPublished }
      }""", {"product": ids["tote"], "order": ids["order"], "page": ids["page"]})
    data = body["data"]
    assert data["shop"] == {"name": "Acme Goods", "myshopifyDomain": "acme.myshopify.com"}
    assert {s["handle"] for s in data["currentAppInstallation"]["accessScopes"]} == set(FULL_ACCESS)
    assert data["product"] == {
        "title": "Canvas Tote", "handle": "canvas-tote", "descriptionHtml": "<p>Sturdy.</p>",
        "seo": {"title": "Canvas Tote | Acme", "description": "A sturdy canvas tote."},
        "variants": {"nodes": [{"id": ids["small"], "sku": "TOTE-S", "price": "24.00", "compareAtPrice": None},
                               {"id": ids["large"], "sku": "TOTE-L", "price": "29.50", "compareAtPrice": "35.00"}]}}
    assert data["byHandle"] == {"id": ids["tray"]}
    assert [e["node"]["handle"] for e in data["search"]["edges"]] == ["walnut-tray"]
    assert data["order"] == {"name": "#1001", "fulfillmentOrders": {"nodes": [{"id": ids["fo"], "status": "OPEN"}]}}
    assert data["page"] == {"title": "About us", "handle": "about-us", "body": "<p>We make bags.</p>",
                            "isPublished": True}
    cost = body["extensions"]["cost"]
    assert set(cost) == {"requestedQueryCost", "actualQueryCost", "throttleStatus"}
    assert set(cost["throttleStatus"]) == {"maximumAvailable", "currentlyAvailable", "restoreRate"}
    # shop 1, installation 1 + scopes 1, product 1 + seo 1 + variants (2 + 10), byHandle 1,
    # products (2 + 5 x 1), order 1 + fulfillment orders (2 + 5), page 1
    assert cost["requestedQueryCost"] == 1 + 2 + 14 + 1 + 7 + 8 + 1
    # what came back: 2 variants, 1 product found, 1 fulfillment order
    assert cost["actualQueryCost"] == 1 + 2 + (2 + 2 + 2) + 1 + (2 + 1) + (1 + 2 + 1) + 1
    assert cost["throttleStatus"]["currentlyAvailable"] == 1000 - cost["actualQueryCost"]


async def test_paging_follows_the_cursor_and_refuses_an_unbounded_connection(store: Store) -> None:
    first = (await store.gql("{ products(first: 1) { nodes { handle } pageInfo { hasNextPage endCursor } } }"))
    page = first["data"]["products"]
    assert page["nodes"] == [{"handle": "canvas-tote"}] and page["pageInfo"]["hasNextPage"] is True
    after = await store.gql("query($c: String) { products(first: 1, after: $c) { nodes { handle } "
                            "pageInfo { hasNextPage } } }", {"c": page["pageInfo"]["endCursor"]})
    assert after["data"]["products"] == {"nodes": [{"handle": "walnut-tray"}], "pageInfo": {"hasNextPage": False}}
    unbounded = await store.gql("{ products { nodes { handle } } }")
    assert "first or last" in unbounded["errors"][0]["message"]
    wrong = await store.gql("query($n: Int) { products(first: $n) { nodes { handle } } }", {"n": "ten"})
    assert "$n" in wrong["errors"][0]["message"] and "data" not in wrong


async def test_product_update_sets_the_seo_and_a_bad_id_is_a_user_error(store: Store) -> None:
    update = """mutation($p: ProductUpdateInput) { productUpdate(product: $p) {
                  product { id seo { title description } } userErrors { field message } } }"""
    ids = store.ids()
    done = await store.gql(update, {"p": {"id": ids["tote"], "seo": {"title": "Canvas Tote Bag — Acme"}}})
    assert done["data"]["productUpdate"] == {"product": {"id": ids["tote"], "seo": {
        "title": "Canvas Tote Bag — Acme", "description": "A sturdy canvas tote."}}, "userErrors": []}
    assert done["extensions"]["cost"]["requestedQueryCost"] == 10
    bad = await store.gql(update, {"p": {"id": "gid://shopify/Product/999999", "seo": {"title": "x"}}})
    assert bad["data"]["productUpdate"] == {"product": None, "userErrors": [
        {"field": ["id"], "message": "Product does not exist"}]}
    # productUpdate's errors are plain UserError: Shopify gives them no code
    coded = await store.gql("mutation { productUpdate(product: {id: \"x\"}) { userErrors { code } } }")
    assert "data" not in coded and "code" in coded["errors"][0]["message"]


async def test_variant_prices_change_in_bulk_and_bad_input_changes_nothing(store: Store) -> None:
    bulk = """mutation($id: ID!, $v: [ProductVariantsBulkInput!]!) {
                productVariantsBulkUpdate(productId: $id, variants: $v) {
                  productVariants { id price compareAtPrice } userErrors { field message code } } }"""
    ids = store.ids()
    done = await store.gql(bulk, {"id": ids["tote"], "v": [{"id": ids["small"], "price": "19.20",
                                                             "compareAtPrice": "24.00"}]})
    assert done["data"]["productVariantsBulkUpdate"] == {"productVariants": [
        {"id": ids["small"], "price": "19.20", "compareAtPrice": "24.00"}], "userErrors": []}
    missing = await store.gql(bulk, {"id": "gid://shopify/Product/1", "v": [{"id": ids["small"], "price": "1"}]})
    assert missing["data"]["productVariantsBulkUpdate"]["userErrors"] == [
        {"field": ["productId"], "message": "Product does not exist", "code": "PRODUCT_DOES_NOT_EXIST"}]
    mixed = await store.gql(bulk, {"id": ids["tote"], "v": [
        {"id": ids["large"], "price": "1.00"}, {"id": ids["tray_variant"], "price": "2"},
        {"id": ids["small"], "price": "-1"}]})
    assert [(e["field"], e["code"]) for e in mixed["data"]["productVariantsBulkUpdate"]["userErrors"]] == [
        (["variants", "1", "id"], "MUST_BE_FOR_THIS_PRODUCT"), (["variants", "2", "price"], "GREATER_THAN_OR_EQUAL_TO")]
    variant = store.admin.store.variant_by_sku("TOTE-L")
    assert variant is not None and str(variant.price) == "29.50"  # nothing applied without allowPartialUpdates
    assert store.admin.mutation_count(name="productVariantsBulkUpdate") == 1


async def test_fraud_holds_are_placed_by_handle_and_released(store: Store) -> None:
    hold = """mutation($id: ID!, $h: FulfillmentOrderHoldInput!) { fulfillmentOrderHold(id: $id, fulfillmentHold: $h) {
                fulfillmentHold { id handle reason reasonNotes } fulfillmentOrder { status }
                userErrors { field message code } } }"""
    ids = store.ids()
    held = await store.gql(hold, {"id": ids["fo"], "h": {"reason": "HIGH_RISK_OF_FRAUD", "handle": "action-12",
                                                          "reasonNotes": "risk score 0.91"}})
    payload = held["data"]["fulfillmentOrderHold"]
    assert payload["fulfillmentOrder"] == {"status": "ON_HOLD"} and payload["userErrors"] == []
    hold_seen = payload["fulfillmentHold"]
    assert hold_seen["handle"] == "action-12" and hold_seen["reason"] == "HIGH_RISK_OF_FRAUD"
    again = await store.gql(hold, {"id": ids["fo"], "h": {"reason": "HIGH_RISK_OF_FRAUD", "handle": "action-12"}})
    assert again["data"]["fulfillmentOrderHold"]["userErrors"][0]["code"] == "DUPLICATE_FULFILLMENT_HOLD_HANDLE"
    nowhere = await store.gql(hold, {"id": "gid://shopify/FulfillmentOrder/5", "h": {"reason": "OTHER"}})
    assert nowhere["data"]["fulfillmentOrderHold"]["userErrors"] == [
        {"field": ["id"], "message": "Fulfillment order does not exist.", "code": "FULFILLMENT_ORDER_NOT_FOUND"}]
    release = """mutation($id: ID!, $holds: [ID!]) { fulfillmentOrderReleaseHold(id: $id, holdIds: $holds) {
                   fulfillmentOrder { status fulfillmentHolds { handle } } userErrors { code message } } }"""
    released = await store.gql(release, {"id": ids["fo"], "holds": [payload["fulfillmentHold"]["id"]]})
    assert released["data"]["fulfillmentOrderReleaseHold"] == {
        "fulfillmentOrder": {"status": "OPEN", "fulfillmentHolds": []}, "userErrors": []}


async def test_a_missing_scope_is_access_denied_and_nothing_runs(store: Store) -> None:
    store.admin.grant("shpat_reader", ["read_products"])
    ids = store.ids()
    denied = await store.gql(UPDATE, {"p": {"id": ids["tote"], "seo": {"title": "Hacked"}}}, token="shpat_reader")
    assert denied["data"] is None
    error = denied["errors"][0]
    assert error["extensions"]["code"] == "ACCESS_DENIED" and error["path"] == ["productUpdate"]
    assert "write_products" in error["message"] and "write_products" in error["extensions"]["requiredAccess"]
    tote = store.admin.store.product_by_handle("canvas-tote")
    assert tote is not None and tote.seo_title == "Canvas Tote | Acme"
    assert store.admin.mutation_count(applied_only=False) == 0
    pages = await store.gql("{ pages(first: 1) { nodes { title } } products(first: 1) { nodes { title } } }",
                            token="shpat_reader")
    assert [e["path"] for e in pages["errors"]] == [["pages"]]
    assert "read_online_store_pages" in pages["errors"][0]["message"]
    # a write scope grants read access to the same resource
    store.admin.grant("shpat_writer", ["write_orders", "write_merchant_managed_fulfillment_orders"])
    nested = await store.gql("query($id: ID!) { order(id: $id) { fulfillmentOrders(first: 1) { nodes { status } } } }",
                             {"id": ids["order"]}, token="shpat_writer")
    assert "errors" not in nested


async def test_a_wrong_token_is_refused_before_anything_else(store: Store) -> None:
    response = await store.post("{ shop { name } }", token="shpat_wrong")
    assert response.status_code == 401 and "Invalid API key or access token" in response.json()["errors"]


async def test_a_tiny_bucket_throttles_and_refills_with_time(store: Store) -> None:
    store.admin.throttle(maximum=20, restore_rate=1, available=20)
    query = "{ products(first: 10) { nodes { handle } } }"  # requests 12, costs 2 + 2 products = 4
    answers = [await store.gql(query) for _ in range(4)]
    assert [("errors" in a) for a in answers] == [False, False, False, True]
    throttled = answers[3]
    assert throttled["errors"][0]["extensions"]["code"] == "THROTTLED" and "data" not in throttled
    assert throttled["extensions"]["cost"] == {"requestedQueryCost": 12, "actualQueryCost": None, "throttleStatus": {
        "maximumAvailable": 20.0, "currentlyAvailable": 8.0, "restoreRate": 1.0}}
    store.clock.now += 4  # four points come back
    assert "errors" not in await store.gql(query)
    assert store.admin.throttled == 1
    store.admin.throttle(available=0, http_status=429)
    assert (await store.post(query)).status_code == 429
    too_big = await store.gql("{ products(first: 250) { nodes { variants(first: 250) { nodes { id } } } } }")
    assert too_big["errors"][0]["extensions"]["code"] == "MAX_COST_EXCEEDED"


async def test_mutations_are_counted_per_idempotency_key(store: Store) -> None:
    ids = store.ids()
    for key in ("delivery-1", "delivery-1", "delivery-2", None):
        await store.gql(UPDATE, {"p": {"id": ids["tote"], "seo": {"title": f"t {key}"}}}, key=key)
    await store.gql(UPDATE, {"p": {"id": "gid://shopify/Product/1"}}, key="delivery-3")
    assert store.admin.mutation_count("delivery-1") == 2  # a duplicate delivery is visible, not hidden
    assert store.admin.mutation_count("delivery-2") == 1
    assert store.admin.mutation_count("delivery-3") == 0
    assert store.admin.mutation_count("delivery-3", applied_only=False) == 1
    assert store.admin.counts_by_key() == {"delivery-1": 2, "delivery-2": 1, None: 1}
    # Shopify's @idempotent directive is not part of these 2025-10 mutations: refused as on a store
    directive = await store.gql('mutation { productUpdate(product: {id: "x"}) @idempotent(key: "k") '
                                "{ userErrors { message } } }")
    assert "idempotent" in directive["errors"][0]["message"] and "data" not in directive


async def test_values_drift_behind_the_engines_back(store: Store) -> None:
    store.admin.drift_product("canvas-tote", seo_title="Edited in the Shopify admin")
    store.admin.drift_variant("TOTE-S", price="21.00")
    store.admin.drift_order("#1001", status="CLOSED")
    ids = store.ids()
    seen = await store.gql("query($p: ID!, $o: ID!) { product(id: $p) { seo { title } "
                           "variants(first: 1) { nodes { price } } } "
                           "order(id: $o) { fulfillmentOrders(first: 1) { nodes { status } } } }",
                           {"p": ids["tote"], "o": ids["order"]})
    assert seen["data"]["product"] == {"seo": {"title": "Edited in the Shopify admin"},
                                       "variants": {"nodes": [{"price": "21.00"}]}}
    assert seen["data"]["order"]["fulfillmentOrders"]["nodes"] == [{"status": "CLOSED"}]
    assert [d[0] for d in store.admin.drifts] == ["product", "variant", "fulfillment_order"]
    with pytest.raises(TypeError, match="cannot drift"):
        store.admin.drift_product("canvas-tote", price="1")


async def test_it_fails_and_slows_down_when_told(store: Store) -> None:
    slept: list[float] = []

    async def sleep(seconds: float) -> None:
        slept.append(seconds)

    store.admin.sleep = sleep
    store.admin.slow(0.05)
    store.admin.fail(1, status=503)
    assert (await store.post("{ shop { name } }")).status_code == 503
    assert (await store.post("{ shop { name } }")).status_code == 200
    assert slept == [0.05, 0.05]
    # the change is made but the answer is lost: the case that makes idempotency matter
    store.admin.fail(1, status=502, after_apply=True, mutations_only=True)
    assert (await store.post("{ shop { name } }")).status_code == 200
    lost = await store.post(UPDATE, {"p": {"id": store.ids()["tray"], "title": "Walnut Serving Tray"}}, key="d-9")
    assert lost.status_code == 502
    assert store.admin.mutation_count("d-9") == 1
    tray = store.admin.store.product_by_handle("walnut-tray")
    assert tray is not None and tray.title == "Walnut Serving Tray"


async def test_served_on_loopback_it_answers_the_engines_own_client() -> None:
    admin = ShopifyAdmin.seeded(SEED, tokens={TOKEN: ["read_products", "write_products"]})
    async with serve(admin) as url:
        assert url.startswith("http://127.0.0.1:")
        http = Http(attempts=1)
        try:
            probe = ShopifyProbe(http, api_version="2025-10")
            seen = await probe.check(StoreCredentials("shopify", "acme.myshopify.com", url, TOKEN))
            refused = await probe.check(StoreCredentials("shopify", "acme.myshopify.com", url, "shpat_nope1234"))
        finally:
            await http.aclose()
    assert seen.status == "reachable" and seen.shop_name == "Acme Goods"
    assert sorted(seen.scopes) == ["read_products", "write_products"]
    assert refused.status == "refused" and refused.error_code == "credentials_invalid"
    assert [r.version for r in admin.requests] == ["2025-10", "2025-10"]


def test_the_demo_store_seeds_it() -> None:
    from server.demo.build import generate

    demo = generate(end=date(2026, 11, 1), products=40)
    store = from_demo(demo)
    assert len(store.products) == 40 and len(store.orders) == len(demo.visits.orders)
    first = demo.products[0]
    seeded = store.product_by_handle(first.handle)
    assert seeded is not None and seeded.seo_title == (first.seo_title or None)
    assert [store.variants[v].sku for v in seeded.variant_ids] == [v.sku for v in first.variants]
    statuses = {fo.status for fo in store.fulfillment_orders.values()}
    assert "OPEN" in statuses and "CLOSED" in statuses
    from server.demo.search import collection_path

    assert store.collection_by_handle(collection_path(first.product_type).removeprefix("/collections/")) is not None
