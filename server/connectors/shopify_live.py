"""The live store for delivery (``tools.delivery_types.LiveStore``) on the Shopify Admin GraphQL API
(products, variants and orders here; pages and collections in ``shopify_content``).

Reads go through the same client as the sync (the cost bucket, ``THROTTLED`` retried after
the refill, 429 and 5xx retried with backoff). A mutation is sent once per call: a 5xx
after it may mean it ran, so it is never retried blindly here; the relay's next attempt
reads the store first and finds out. Each mutation carries the outbox event's identity
as ``Idempotency-Key``. ``userErrors`` become coded, permanent failures.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from decimal import Decimal
from typing import Any

from server.connectors.http import Http
from server.connectors.shopify_content import ContentOps
from server.connectors.shopify import Shopify, TokenAuth
from tools.delivery_types import (
    DeliveryError,
    LiveFulfillmentOrder,
    LiveHold,
    LiveOrder,
    LiveProduct,
    LiveVariant,
)
from tools.records import StoreCredentials
from tools.sync import ConnectorError

PRODUCT_BY_HANDLE = """
query DeliveryProduct($identifier: ProductIdentifierInput!) {
  productByIdentifier(identifier: $identifier) { id descriptionHtml seo { title description } }
}"""
PRODUCT_BY_ID = """
query DeliveryProductById($id: ID!) { product(id: $id) { id descriptionHtml seo { title description } } }"""
VARIANT_BY_SKU = """
query DeliveryVariant($query: String) {
  products(first: 5, query: $query) {
    nodes { id variants(first: 100) { nodes { id sku price compareAtPrice } } }
  }
}"""
VARIANT_BY_ID = """
query DeliveryVariantById($id: ID!) { productVariant(id: $id) { id price compareAtPrice product { id } } }"""
UPDATE_SEO = """
mutation DeliverySeo($product: ProductUpdateInput!) {
  productUpdate(product: $product) { product { id seo { title description } } userErrors { field message } }
}"""
UPDATE_PRICES = """
mutation DeliveryPrices($productId: ID!, $variants: [ProductVariantsBulkInput!]!) {
  productVariantsBulkUpdate(productId: $productId, variants: $variants) {
    productVariants { id price compareAtPrice }
    userErrors { field message code }
  }
}"""
_ORDER_FIELDS = "id name fulfillmentOrders(first: 50) { nodes { id status fulfillmentHolds { id handle reason } } }"
ORDER_BY_NAME = """
query DeliveryOrder($query: String) { orders(first: 5, query: $query) { nodes { %s } } }""" % _ORDER_FIELDS
ORDER_BY_ID = """
query DeliveryOrderById($id: ID!) { order(id: $id) { %s } }""" % _ORDER_FIELDS
HOLD = """
mutation DeliveryHold($id: ID!, $hold: FulfillmentOrderHoldInput!) {
  fulfillmentOrderHold(id: $id, fulfillmentHold: $hold) {
    fulfillmentHold { id handle reason }
    fulfillmentOrder { id status }
    userErrors { field message code }
  }
}"""
RELEASE = """
mutation DeliveryRelease($id: ID!, $holdIds: [ID!]) {
  fulfillmentOrderReleaseHold(id: $id, holdIds: $holdIds) {
    fulfillmentOrder { id status }
    userErrors { field message code }
  }
}"""
#: ConnectorError codes after which another attempt may succeed
TRANSIENT = {"api_unreachable", "api_error", "rate_limited"}


class _Keyed:
    """The token, plus the idempotency key of the one mutation it is used for."""

    def __init__(self, auth: TokenAuth, key: str) -> None:
        self.auth, self.key = auth, key

    async def headers(self, client: Http) -> dict[str, str]:
        return {**await self.auth.headers(client), "Idempotency-Key": self.key}

    async def refresh(self, client: Http) -> None:
        await self.auth.refresh(client)


def _money(value: Any) -> float | None:
    return None if value in (None, "") else float(Decimal(str(value)))


def _order(node: dict[str, Any]) -> LiveOrder:
    fos = tuple(LiveFulfillmentOrder(fo["id"], fo["status"],
                                     tuple(LiveHold(h["id"], h.get("handle"), h["reason"])
                                           for h in fo.get("fulfillmentHolds") or []))
                for fo in node["fulfillmentOrders"]["nodes"])
    return LiveOrder(node["id"], node["name"], fos)


def _amount(value: float | None) -> str | None:
    return None if value is None else f"{Decimal(str(value)):.2f}"


class ShopifyLiveStore(ContentOps):
    def __init__(self, http: Http, credentials: StoreCredentials, *, api_version: str) -> None:
        fix = ("update GROWTH_SHOPIFY_TOKEN" if credentials.source == "settings"
               else "run `growth connect shopify` again")
        self.auth = TokenAuth(credentials.token, fix=fix)
        base = credentials.api_url.rstrip("/") if credentials.api_url else None
        self.shop, self.api_version, self.base = credentials.shop, api_version, base
        self.reads = Shopify(http, self.auth, credentials.shop, api_version, base, what="delivery")
        # one HTTP attempt per mutation (THROTTLED, which runs nothing, is still waited out and retried)
        self.once = Http(client=http.client, sleep=http.sleep, attempts=1)

    async def _read(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        try:
            return await self.reads.query(query, variables)
        except ConnectorError as exc:
            raise DeliveryError(exc.message, code=exc.code, transient=exc.code in TRANSIENT) from None

    async def _mutate(self, query: str, variables: dict[str, Any], root: str, key: str) -> dict[str, Any]:
        writer = Shopify(self.once, _Keyed(self.auth, key), self.shop, self.api_version,  # type: ignore[arg-type]
                         self.base, what="delivery", throttle=self.reads.throttle)
        try:
            data = await writer.query(query, variables)
        except ConnectorError as exc:
            raise DeliveryError(exc.message, code=exc.code, transient=exc.code in TRANSIENT) from None
        payload = data.get(root) or {}
        errors = payload.get("userErrors") or []
        summary = {"mutation": root, "idempotency_key": key, "user_errors": errors}
        if errors:
            codes = sorted({str(e.get("code") or "INVALID") for e in errors})
            words = "; ".join(f"{'.'.join(e.get('field') or []) or 'input'}: {e.get('message')}" for e in errors)
            raise DeliveryError(f"Shopify refused {root}: {words}", code=f"shopify_{codes[0].lower()}",
                                response=summary)
        return {**summary, "result": {k: v for k, v in payload.items() if k != "userErrors"}}

    async def product(self, *, handle: str | None = None, product_id: str | None = None) -> LiveProduct | None:
        if product_id is not None:
            node = (await self._read(PRODUCT_BY_ID, {"id": product_id})).get("product")
        else:
            node = (await self._read(PRODUCT_BY_HANDLE, {"identifier": {"handle": handle}})).get("productByIdentifier")
        if not node:
            return None
        seo = node.get("seo") or {}
        return LiveProduct(node["id"], seo.get("title") or "", seo.get("description") or "",
                           node.get("descriptionHtml") or "")

    async def set_product_seo(self, product_id: str, seo: dict[str, str], *, key: str) -> dict[str, Any]:
        return await self._mutate(UPDATE_SEO, {"product": {"id": product_id, "seo": seo}}, "productUpdate", key)

    async def variant(self, *, sku: str | None = None, variant_id: str | None = None) -> LiveVariant | None:
        if variant_id is not None:
            node = (await self._read(VARIANT_BY_ID, {"id": variant_id})).get("productVariant")
            if not node:
                return None
            return LiveVariant(node["id"], node["product"]["id"], float(_money(node["price"]) or 0.0),
                               _money(node.get("compareAtPrice")))
        quoted = (sku or "").replace("\\", "\\\\").replace('"', '\\"')
        products = (await self._read(VARIANT_BY_SKU, {"query": f'sku:"{quoted}"'}))["products"]["nodes"]
        for product in products:
            for v in product["variants"]["nodes"]:
                if v.get("sku") == sku:
                    return LiveVariant(v["id"], product["id"], float(_money(v["price"]) or 0.0),
                                       _money(v.get("compareAtPrice")))
        return None

    async def set_variant_prices(self, product_id: str, variant_id: str, *, price: float,
                                 compare_at_price: float | None, key: str) -> dict[str, Any]:
        variants = [{"id": variant_id, "price": _amount(price), "compareAtPrice": _amount(compare_at_price)}]
        return await self._mutate(UPDATE_PRICES, {"productId": product_id, "variants": variants},
                                  "productVariantsBulkUpdate", key)

    async def order(self, *, name: str | None = None, order_id: str | None = None) -> LiveOrder | None:
        if order_id is not None:
            node = (await self._read(ORDER_BY_ID, {"id": order_id})).get("order")
            return _order(node) if node else None
        quoted = (name or "").lstrip("#").replace("\\", "\\\\").replace('"', '\\"')
        nodes = (await self._read(ORDER_BY_NAME, {"query": f'name:"{quoted}"'}))["orders"]["nodes"]
        return next((_order(n) for n in nodes if n.get("name") == name), None)

    async def hold_fulfillment_order(self, fulfillment_order_id: str, *, reason: str, notes: str, handle: str,
                                     key: str) -> dict[str, Any]:
        hold = {"reason": reason, "reasonNotes": notes, "handle": handle}
        return await self._mutate(HOLD, {"id": fulfillment_order_id, "hold": hold}, "fulfillmentOrderHold", key)

    async def release_fulfillment_order(self, fulfillment_order_id: str, *, hold_ids: list[str],
                                        key: str) -> dict[str, Any]:
        return await self._mutate(RELEASE, {"id": fulfillment_order_id, "holdIds": hold_ids},
                                  "fulfillmentOrderReleaseHold", key)


class ShopifyLiveStores:
    """``tools.delivery_types.LiveStores``: one HTTP client per relay pass."""

    def __init__(self, *, api_version: str, http: Http | None = None) -> None:
        self.api_version = api_version
        self.http = http

    @asynccontextmanager
    async def open(self, credentials: StoreCredentials) -> AsyncIterator[ShopifyLiveStore]:
        http = self.http or Http(attempts=3, timeout_s=30.0)
        try:
            yield ShopifyLiveStore(http, credentials, api_version=self.api_version)
        finally:
            if self.http is None:
                await http.aclose()
