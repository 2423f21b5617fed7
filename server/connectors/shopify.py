"""Shopify Admin GraphQL: products with variants and stock, and orders, with cost-based throttling.

Shopify meters GraphQL by query cost: each response reports ``extensions.cost``
(requested and actual cost, and the bucket's ``throttleStatus``: maximum, currently
available, restore rate per second). Before each page the connector waits until the
bucket holds the last page's cost; a ``THROTTLED`` error waits for the refill and
tries again. The pages are rendered as Shopify's own CSV exports, so the same
importers read them.
"""

from __future__ import annotations

import csv
import io
import math
from dataclasses import dataclass, field
from datetime import date
from typing import Any

from server.connectors.http import Http
from tools.ingest.ingest import IngestOptions
from tools.sync import ConnectorError, Fetched

# Page sizes keep each document's requested cost under Shopify's single-query maximum (1,000 points:
# a connection costs 2 plus ``first`` times what each item costs): 10 products x 25 variants is about
# 800 points, 8 orders x 25 line items about 770. Products with more variants and orders with more line
# items are completed by follow-up pages (about 300 points each).
_VARIANT = "sku title price compareAtPrice inventoryQuantity inventoryItem { unitCost { amount } }"
PRODUCTS = """
query Products($cursor: String) {
  products(first: 10, after: $cursor) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id handle title descriptionHtml vendor productType tags status seo { title description }
      variants(first: 25) { pageInfo { hasNextPage endCursor } nodes { %s } }
    }
  }
}""" % _VARIANT
MORE_VARIANTS = """
query MoreVariants($id: ID!, $cursor: String) {
  product(id: $id) { variants(first: 100, after: $cursor) { pageInfo { hasNextPage endCursor } nodes { %s } } }
}""" % _VARIANT
_LINE = "sku name quantity originalUnitPriceSet { shopMoney { amount } }"
ORDERS = """
query Orders($cursor: String, $query: String) {
  orders(first: 8, after: $cursor, query: $query, sortKey: CREATED_AT) {
    pageInfo { hasNextPage endCursor }
    nodes {
      id legacyResourceId name email createdAt processedAt cancelledAt displayFinancialStatus
      displayFulfillmentStatus currencyCode discountCodes tags sourceName paymentGatewayNames
      subtotalPriceSet { shopMoney { amount } } totalShippingPriceSet { shopMoney { amount } }
      totalTaxSet { shopMoney { amount } } totalPriceSet { shopMoney { amount } }
      totalDiscountsSet { shopMoney { amount } } totalRefundedSet { shopMoney { amount } }
      risk { assessments { riskLevel } }
      billingAddress { name address1 address2 city zip provinceCode countryCodeV2 phone }
      shippingAddress { name address1 address2 city zip provinceCode countryCodeV2 phone }
      lineItems(first: 25) { pageInfo { hasNextPage endCursor } nodes { %s } }
    }
  }
}""" % _LINE
MORE_LINES = """
query MoreLines($id: ID!, $cursor: String) {
  order(id: $id) { lineItems(first: 100, after: $cursor) { pageInfo { hasNextPage endCursor } nodes { %s } } }
}""" % _LINE
PRODUCT_COLUMNS = ["Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Option1 Value", "Variant SKU",
                   "Variant Inventory Qty", "Variant Price", "Variant Compare At Price", "Cost per item", "SEO Title",
                   "SEO Description", "Status"]
ADDRESS = ("Name", "Address1", "Address2", "City", "Zip", "Province", "Country", "Phone")
ORDER_COLUMNS = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Currency", "Subtotal",
                 "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount", "Created at", "Lineitem quantity",
                 "Lineitem name", "Lineitem price", "Lineitem sku", *(f"Billing {a}" for a in ADDRESS),
                 *(f"Shipping {a}" for a in ADDRESS), "Cancelled at", "Refunded Amount", "Id", "Tags", "Risk Level",
                 "Source", "Payment Method"]
RISK_ORDER = {"NONE": 0, "LOW": 1, "MEDIUM": 2, "HIGH": 3}


class TokenAuth:
    """The Admin API access token: static, so a 401 means it was revoked or mistyped."""

    def __init__(self, token: str, *, fix: str = "update GROWTH_SHOPIFY_TOKEN") -> None:
        if not token:
            raise ConnectorError("no Shopify access token: set GROWTH_SHOPIFY_TOKEN (an Admin API token with "
                                 "read_products, read_inventory and read_orders)", code="not_configured")
        self.token = token
        #: how the operator replaces the token (it depends on where it came from)
        self.fix = fix

    async def headers(self, client: Http) -> dict[str, str]:
        return {"x-shopify-access-token": self.token}

    async def refresh(self, client: Http) -> None:
        raise ConnectorError("Shopify refused the Admin API access token (401): it was revoked or is wrong; "
                             f"create a new one and {self.fix}", code="credentials_invalid")


@dataclass
class Throttle:
    """The query-cost bucket as Shopify last reported it."""

    available: float = 1000.0
    restore_rate: float = 50.0
    last_cost: float = 0.0
    waited_s: float = 0.0

    def update(self, cost: dict[str, Any] | None) -> None:
        if not cost:
            return
        status = cost.get("throttleStatus") or {}
        self.available = float(status.get("currentlyAvailable", self.available))
        self.restore_rate = float(status.get("restoreRate", self.restore_rate)) or 1.0
        self.last_cost = float(cost.get("requestedQueryCost", self.last_cost))

    def wait_for(self, cost: float) -> float:
        # rounded up to a tenth of a second, so the bucket surely holds the cost when the query lands
        return max(0.0, math.ceil((cost - self.available) / self.restore_rate * 10) / 10)


@dataclass
class Shopify:
    http: Http
    auth: TokenAuth
    shop: str
    api_version: str = "2025-10"
    base_url: str | None = None
    what: str = "products"
    throttle: Throttle = field(default_factory=Throttle)
    attempts: int = 6

    @property
    def source(self) -> str:
        return f"shopify-{self.what}"

    @property
    def url(self) -> str:
        if not (self.shop or self.base_url):
            raise ConnectorError("no Shopify store: set GROWTH_SHOPIFY_SHOP (your-store.myshopify.com)",
                                 code="not_configured")
        base = self.base_url or f"https://{self.shop.removeprefix('https://').rstrip('/')}"
        return f"{base}/admin/api/{self.api_version}/graphql.json"

    async def query(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        """One GraphQL document's ``data``, waiting on the cost bucket; errors become a ConnectorError."""
        return await self._query(query, variables)

    async def _query(self, query: str, variables: dict[str, Any]) -> dict[str, Any]:
        for _ in range(self.attempts):
            wait = self.throttle.wait_for(self.throttle.last_cost)
            if wait:
                self.throttle.waited_s += wait
                await self.http.sleep(wait)
            body = (await self.http.request("POST", self.url, what=f"Shopify {self.what}", auth=self.auth,
                                            json={"query": query, "variables": variables})).json()
            cost = (body.get("extensions") or {}).get("cost")
            self.throttle.update(cost)
            errors = body.get("errors") or []
            if any((e.get("extensions") or {}).get("code") == "THROTTLED" for e in errors):
                # the bucket cannot pay for this query: wait for it to refill, then ask again
                if not cost:
                    self.throttle.available = 0.0
                continue
            if errors:
                raise ConnectorError(f"Shopify {self.what}: {'; '.join(str(e.get('message')) for e in errors)[:300]}",
                                     code="api_error")
            return dict(body["data"])
        raise ConnectorError(f"Shopify {self.what}: still throttled after {self.attempts} tries", code="rate_limited")

    async def nodes(self, query: str, root: str, variables: dict[str, Any]) -> list[dict[str, Any]]:
        out: list[dict[str, Any]] = []
        cursor = None
        while True:
            page = (await self._query(query, {**variables, "cursor": cursor}))[root]
            out += page["nodes"]
            if not page["pageInfo"]["hasNextPage"]:
                return out
            cursor = page["pageInfo"]["endCursor"]

    async def complete(self, nodes: list[dict[str, Any]], field: str, query: str, root: str) -> None:
        """Fetch the rest of each node's ``field`` connection where its first page was not all of it."""
        for node in nodes:
            conn = node.get(field) or {}
            info = conn.get("pageInfo") or {}
            while info.get("hasNextPage") and node.get("id"):
                more = (await self._query(query, {"id": node["id"], "cursor": info.get("endCursor")}))[root][field]
                conn["nodes"] = [*(conn.get("nodes") or []), *more["nodes"]]
                info = more.get("pageInfo") or {}

    async def fetch(self, *, since: date, until: date) -> list[Fetched]:
        if self.what == "products":
            products = await self.nodes(PRODUCTS, "products", {})
            await self.complete(products, "variants", MORE_VARIANTS, "product")
            return [Fetched("shopify-products", "shopify-products.csv", products_csv(products),
                            IngestOptions(origin="sync"))]
        query = f"created_at:>={since.isoformat()} created_at:<={until.isoformat()}T23:59:59Z"
        orders = await self.nodes(ORDERS, "orders", {"query": query})
        await self.complete(orders, "lineItems", MORE_LINES, "order")
        return [Fetched("shopify-orders", f"shopify-orders-{since}..{until}.csv", orders_csv(orders),
                        IngestOptions(origin="sync"))]


def _csv(columns: list[str], rows: list[dict[str, str]]) -> bytes:
    buf = io.StringIO()
    w = csv.DictWriter(buf, fieldnames=columns, extrasaction="ignore")
    w.writeheader()
    w.writerows(rows)
    return buf.getvalue().encode("utf-8")


def _money(node: dict[str, Any] | None) -> str:
    return str(((node or {}).get("shopMoney") or {}).get("amount") or "0")


def products_csv(products: list[dict[str, Any]]) -> bytes:
    rows = []
    for p in products:
        for i, v in enumerate((p.get("variants") or {}).get("nodes") or []):
            row = {"Handle": p["handle"], "Option1 Value": v.get("title") or "", "Variant SKU": v.get("sku") or "",
                   "Variant Inventory Qty": "" if v.get("inventoryQuantity") is None else str(v["inventoryQuantity"]),
                   "Variant Price": str(v.get("price") or "0"), "Variant Compare At Price": v.get("compareAtPrice") or "",
                   "Cost per item": str((((v.get("inventoryItem") or {}).get("unitCost")) or {}).get("amount") or "")}
            if i == 0:
                seo = p.get("seo") or {}
                row.update({"Title": p["title"], "Body (HTML)": p.get("descriptionHtml") or "",
                            "Vendor": p.get("vendor") or "", "Type": p.get("productType") or "",
                            "Tags": ", ".join(p.get("tags") or []), "SEO Title": seo.get("title") or "",
                            "SEO Description": seo.get("description") or "",
                            "Status": str(p.get("status") or "ACTIVE").lower()})
            rows.append(row)
    return _csv(PRODUCT_COLUMNS, rows)


def _address(prefix: str, a: dict[str, Any] | None) -> dict[str, str]:
    a = a or {}
    return {f"{prefix} Name": a.get("name") or "", f"{prefix} Address1": a.get("address1") or "",
            f"{prefix} Address2": a.get("address2") or "", f"{prefix} City": a.get("city") or "",
            f"{prefix} Zip": a.get("zip") or "", f"{prefix} Province": a.get("provinceCode") or "",
            f"{prefix} Country": a.get("countryCodeV2") or "", f"{prefix} Phone": a.get("phone") or ""}


def orders_csv(orders: list[dict[str, Any]]) -> bytes:
    rows = []
    for o in orders:
        levels = [a.get("riskLevel") or "NONE" for a in ((o.get("risk") or {}).get("assessments") or [])]
        risk = max(levels, key=lambda lv: RISK_ORDER.get(lv, 0), default="NONE")
        head = {"Name": o["name"], "Email": o.get("email") or "",
                "Financial Status": str(o.get("displayFinancialStatus") or "").lower(),
                "Paid at": o.get("processedAt") or "",
                "Fulfillment Status": str(o.get("displayFulfillmentStatus") or "").lower(),
                "Currency": o.get("currencyCode") or "USD", "Subtotal": _money(o.get("subtotalPriceSet")),
                "Shipping": _money(o.get("totalShippingPriceSet")), "Taxes": _money(o.get("totalTaxSet")),
                "Total": _money(o.get("totalPriceSet")), "Discount Code": ", ".join(o.get("discountCodes") or []),
                "Discount Amount": _money(o.get("totalDiscountsSet")), "Created at": o["createdAt"],
                "Cancelled at": o.get("cancelledAt") or "", "Refunded Amount": _money(o.get("totalRefundedSet")),
                "Id": str(o.get("legacyResourceId") or ""), "Tags": ", ".join(o.get("tags") or []),
                "Risk Level": "" if risk == "NONE" else risk.title(), "Source": o.get("sourceName") or "",
                "Payment Method": ", ".join(o.get("paymentGatewayNames") or []),
                **_address("Billing", o.get("billingAddress")), **_address("Shipping", o.get("shippingAddress"))}
        for n, li in enumerate((o.get("lineItems") or {}).get("nodes") or []):
            line = {"Name": o["name"], "Email": o.get("email") or "", "Lineitem quantity": str(li.get("quantity") or 0),
                    "Lineitem name": li.get("name") or "", "Lineitem price": _money(li.get("originalUnitPriceSet")),
                    "Lineitem sku": li.get("sku") or ""}
            rows.append({**head, **line} if n == 0 else line)
    return _csv(ORDER_COLUMNS, rows)
