"""The test store's state: products and variants, orders and their fulfillment orders, pages, collections.

Plain dataclasses keyed by numeric id; global ids (``gid://shopify/Product/1001``) are
made and parsed here. A store is seeded from a dict written in the Admin API's own
field names (``seed``) or from the demo store (``from_demo``).
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import datetime, timezone
from decimal import Decimal, InvalidOperation
from itertools import count
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from server.demo.build import DemoStore

GID = re.compile(r"^gid://shopify/([A-Za-z]+)/(\d+)$")
CENT = Decimal("0.01")


def gid(kind: str, number: int) -> str:
    return f"gid://shopify/{kind}/{number}"


def parse_gid(value: object, kind: str) -> int | None:
    """The number in a global id of ``kind``, or None when it is not one."""
    match = GID.match(str(value))
    return int(match.group(2)) if match and match.group(1) == kind else None


def money(value: object) -> Decimal:
    """A price as Shopify's ``Money`` scalar carries it (a decimal string or a number), to the cent."""
    try:
        return Decimal(str(value)).quantize(CENT)
    except InvalidOperation:
        raise ValueError(f"{value!r} is not a decimal amount") from None


def now() -> datetime:
    return datetime.now(timezone.utc)


@dataclass
class Variant:
    id: int
    product_id: int
    sku: str
    title: str
    price: Decimal
    compare_at_price: Decimal | None = None
    updated_at: datetime = field(default_factory=now)


@dataclass
class Product:
    id: int
    handle: str
    title: str
    description_html: str = ""
    vendor: str = ""
    product_type: str = ""
    tags: list[str] = field(default_factory=list)
    status: str = "ACTIVE"
    seo_title: str | None = None
    seo_description: str | None = None
    variant_ids: list[int] = field(default_factory=list)
    updated_at: datetime = field(default_factory=now)


@dataclass
class Hold:
    id: int
    reason: str
    handle: str | None = None
    reason_notes: str | None = None
    external_id: str | None = None


@dataclass
class FulfillmentOrder:
    id: int
    order_id: int
    status: str = "OPEN"
    holds: list[Hold] = field(default_factory=list)
    updated_at: datetime = field(default_factory=now)


@dataclass
class Order:
    id: int
    name: str
    fulfillment_order_ids: list[int] = field(default_factory=list)


@dataclass
class Metafield:
    id: int
    namespace: str
    key: str
    type: str
    value: str
    updated_at: datetime = field(default_factory=now)


@dataclass
class Page:
    id: int
    title: str
    handle: str
    body: str = ""
    is_published: bool = True
    published_at: datetime | None = None
    template_suffix: str | None = None
    created_at: datetime = field(default_factory=now)
    updated_at: datetime = field(default_factory=now)
    #: (namespace, key) -> metafield; a page's SEO title and description are ``global.title_tag`` / ``description_tag``
    metafields: dict[tuple[str, str], Metafield] = field(default_factory=dict)


@dataclass
class Collection:
    id: int
    title: str
    handle: str
    description_html: str = ""
    seo_title: str | None = None
    seo_description: str | None = None
    updated_at: datetime = field(default_factory=now)


def handleize(title: str) -> str:
    """Shopify's handle for a title: lowercase, runs of anything else become one hyphen."""
    return re.sub(r"[^a-z0-9]+", "-", title.lower()).strip("-") or "page"


@dataclass
class Store:
    name: str = "Test Store"
    domain: str = "test-store.myshopify.com"
    products: dict[int, Product] = field(default_factory=dict)
    variants: dict[int, Variant] = field(default_factory=dict)
    orders: dict[int, Order] = field(default_factory=dict)
    fulfillment_orders: dict[int, FulfillmentOrder] = field(default_factory=dict)
    pages: dict[int, Page] = field(default_factory=dict)
    collections: dict[int, Collection] = field(default_factory=dict)
    _ids: Any = field(default_factory=lambda: count(1001), repr=False)

    def next_id(self) -> int:
        return int(next(self._ids))

    # --- lookups -------------------------------------------------------------------------

    def product_by_handle(self, handle: str) -> Product | None:
        return next((p for p in self.products.values() if p.handle == handle), None)

    def variant_by_sku(self, sku: str) -> Variant | None:
        return next((v for v in self.variants.values() if v.sku == sku), None)

    def order_by_name(self, name: str) -> Order | None:
        return next((o for o in self.orders.values() if o.name == name), None)

    def page_by_handle(self, handle: str) -> Page | None:
        return next((p for p in self.pages.values() if p.handle == handle), None)

    def collection_by_handle(self, handle: str) -> Collection | None:
        return next((c for c in self.collections.values() if c.handle == handle), None)

    # --- building ------------------------------------------------------------------------

    def add_product(self, *, handle: str, title: str, variants: list[dict[str, Any]] | None = None,
                    description_html: str = "", vendor: str = "", product_type: str = "",
                    tags: list[str] | None = None, status: str = "ACTIVE", seo_title: str | None = None,
                    seo_description: str | None = None) -> Product:
        product = Product(self.next_id(), handle, title, description_html, vendor, product_type, list(tags or []),
                          status, seo_title, seo_description)
        self.products[product.id] = product
        for v in variants or [{"sku": "", "title": "Default Title", "price": "0.00"}]:
            compare_at = v.get("compareAtPrice")
            variant = Variant(self.next_id(), product.id, str(v.get("sku") or ""),
                              str(v.get("title") or "Default Title"), money(v.get("price", "0")),
                              money(compare_at) if compare_at not in (None, "") else None)
            self.variants[variant.id] = variant
            product.variant_ids.append(variant.id)
        return product

    def add_order(self, *, name: str, fulfillment_orders: list[str] | None = None) -> Order:
        """An order with one fulfillment order per status given (one OPEN by default)."""
        order = Order(self.next_id(), name)
        self.orders[order.id] = order
        for status in fulfillment_orders or ["OPEN"]:
            fo = FulfillmentOrder(self.next_id(), order.id, status)
            self.fulfillment_orders[fo.id] = fo
            order.fulfillment_order_ids.append(fo.id)
        return order

    def add_page(self, *, title: str, handle: str | None = None, body: str = "", is_published: bool = True,
                 seo_title: str | None = None, seo_description: str | None = None) -> Page:
        page = Page(self.next_id(), title, handle or handleize(title), body, is_published,
                    now() if is_published else None)
        for key, value in (("title_tag", seo_title), ("description_tag", seo_description)):
            if value:
                page.metafields[("global", key)] = Metafield(self.next_id(), "global", key, "single_line_text_field",
                                                             value)
        self.pages[page.id] = page
        return page

    def add_collection(self, *, title: str, handle: str | None = None, description_html: str = "",
                       seo_title: str | None = None, seo_description: str | None = None) -> Collection:
        collection = Collection(self.next_id(), title, handle or handleize(title), description_html, seo_title,
                                seo_description)
        self.collections[collection.id] = collection
        return collection


def seed(data: dict[str, Any]) -> Store:
    """A store from a dict in the Admin API's field names::

        {"shop": {"name": ..., "myshopifyDomain": ...},
         "products": [{"handle", "title", "descriptionHtml", "seo": {"title", "description"},
                       "variants": [{"sku", "title", "price", "compareAtPrice"}]}],
         "orders": [{"name": "#1001", "fulfillmentOrders": [{"status": "OPEN"}]}],
         "pages": [{"title", "handle", "body", "isPublished", "seo": {"title", "description"}}],
         "collections": [{"title", "handle", "descriptionHtml", "seo": {"title", "description"}}]}

    A page's ``seo`` becomes its ``global.title_tag`` / ``global.description_tag`` metafields, as Shopify keeps them.
    """
    shop = data.get("shop") or {}
    store = Store(name=shop.get("name", "Test Store"), domain=shop.get("myshopifyDomain", "test-store.myshopify.com"))
    for p in data.get("products") or []:
        seo = p.get("seo") or {}
        store.add_product(handle=p["handle"], title=p.get("title") or p["handle"], variants=p.get("variants"),
                          description_html=p.get("descriptionHtml") or "", vendor=p.get("vendor") or "",
                          product_type=p.get("productType") or "", tags=p.get("tags"),
                          status=p.get("status") or "ACTIVE", seo_title=seo.get("title"),
                          seo_description=seo.get("description"))
    for o in data.get("orders") or []:
        store.add_order(name=o["name"], fulfillment_orders=[f.get("status", "OPEN")
                                                            for f in o.get("fulfillmentOrders") or [{}]])
    for page in data.get("pages") or []:
        seo = page.get("seo") or {}
        store.add_page(title=page["title"], handle=page.get("handle"), body=page.get("body") or "",
                       is_published=bool(page.get("isPublished", True)), seo_title=seo.get("title"),
                       seo_description=seo.get("description"))
    for c in data.get("collections") or []:
        seo = c.get("seo") or {}
        store.add_collection(title=c["title"], handle=c.get("handle"), description_html=c.get("descriptionHtml") or "",
                             seo_title=seo.get("title"), seo_description=seo.get("description"))
    return store


def from_demo(demo: DemoStore, *, name: str = "Northwind Goods",
              domain: str = "northwind-goods.myshopify.com") -> Store:
    """The demo store's catalogue, orders and collections as the live store would hold them."""
    store = Store(name=name, domain=domain)
    for p in demo.products:
        store.add_product(handle=p.handle, title=p.title, description_html=p.body_html, vendor=p.vendor,
                          product_type=p.product_type, tags=[t.strip() for t in p.tags.split(",") if t.strip()],
                          seo_title=p.seo_title or None, seo_description=p.seo_description or None,
                          variants=[{"sku": v.sku, "title": v.title, "price": v.price, "compareAtPrice": v.compare_at}
                                    for v in p.variants])
    for o in demo.visits.orders:
        status = "CANCELLED" if o.cancelled_at else "CLOSED" if o.fulfilled else "OPEN"
        store.add_order(name=o.name, fulfillment_orders=[status])
    from server.demo.search import collection_path, plural

    # one collection per product type, at the path the demo's search traffic lands on
    for kind in sorted({p.product_type for p in demo.products if p.product_type}):
        handle = collection_path(kind).removeprefix("/collections/")
        if store.collection_by_handle(handle) is None:
            store.add_collection(title=plural(kind).title(), handle=handle)
    return store
