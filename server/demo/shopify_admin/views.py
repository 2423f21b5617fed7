"""The store's objects as the Admin API shows them, and its paged connections.

Each view is a dict in the schema's field names; fields that take arguments or lead
to other objects are functions, which graphql-core's default resolver calls lazily.
"""

from __future__ import annotations

import base64
import re
import shlex
from collections.abc import Callable, Iterable
from typing import Any, TypeVar

from graphql import GraphQLError, GraphQLResolveInfo

from server.demo.shopify_admin.state import (Collection, FulfillmentOrder, Hold, Metafield, Order, Page, Product,
                                             Store, Variant, gid, parse_gid)

T = TypeVar("T")
MAX_PAGE = 250


def _cursor(index: int) -> str:
    return base64.b64encode(f"{{\"last_index\":{index}}}".encode()).decode()


def _index(cursor: str | None) -> int:
    if not cursor:
        return -1
    try:
        match = re.search(r"\d+", base64.b64decode(cursor).decode())
    except ValueError:
        match = None
    if match is None:
        raise GraphQLError(f"Invalid cursor for current pagination sort: {cursor}")
    return int(match.group())


def connection(items: list[T], view: Callable[[T], dict[str, Any]], *, first: int | None = None,
               after: str | None = None, last: int | None = None, before: str | None = None) -> dict[str, Any]:
    """One page of ``items`` with Relay's edges, nodes and pageInfo."""
    if first is None and last is None:
        raise GraphQLError("you must provide one of first or last")
    if (first or 0) > MAX_PAGE or (last or 0) > MAX_PAGE:
        raise GraphQLError(f"{'first' if first is not None else 'last'} cannot exceed {MAX_PAGE}.")
    start, stop = _index(after) + 1, len(items) if before is None else _index(before)
    window = list(enumerate(items))[start:stop]
    if first is not None:
        page, more_after, more_before = window[:first], len(window) > first, start > 0
    else:
        page = window[-last:] if last else []
        more_after, more_before = stop < len(items), len(window) > len(page)
    edges = [{"cursor": _cursor(i), "node": view(item)} for i, item in page]
    return {"edges": edges, "nodes": [e["node"] for e in edges],
            "pageInfo": {"hasNextPage": more_after, "hasPreviousPage": more_before,
                         "startCursor": edges[0]["cursor"] if edges else None,
                         "endCursor": edges[-1]["cursor"] if edges else None}}


def _matches(value: str | list[str], wanted: str) -> bool:
    return wanted in (v.lower() for v in value) if isinstance(value, list) else value.lower() == wanted


def search(items: Iterable[T], query: str | None, fields: dict[str, Callable[[T], Any]]) -> list[T]:
    """Shopify's search syntax, the part the engine uses: ``field:value`` terms and free text."""
    found = list(items)
    if not query:
        return found
    for term in shlex.split(query):
        name, colon, value = term.partition(":")
        if colon and name in fields:
            getter, wanted = fields[name], (value.lstrip("#") if name == "name" else value).lower()
            found = [item for item in found if _matches(getter(item), wanted)]
        else:
            found = [item for item in found if term.lower() in fields["title"](item).lower()]
    return found


def _paged(items: Callable[[], list[T]], view: Callable[[T], dict[str, Any]]) -> Callable[..., dict[str, Any]]:
    def resolve(_info: GraphQLResolveInfo, **args: Any) -> dict[str, Any]:
        return connection(items(), view, **args)

    return resolve


class Views:
    def __init__(self, store: Store) -> None:
        self.store = store

    def product(self, p: Product) -> dict[str, Any]:
        s = self.store
        return {"id": gid("Product", p.id), "legacyResourceId": p.id, "title": p.title, "handle": p.handle,
                "descriptionHtml": p.description_html, "vendor": p.vendor, "productType": p.product_type,
                "tags": p.tags, "status": p.status, "updatedAt": p.updated_at,
                "seo": {"title": p.seo_title, "description": p.seo_description},
                "variants": _paged(lambda: [s.variants[i] for i in p.variant_ids], self.variant)}

    def variant(self, v: Variant) -> dict[str, Any]:
        return {"id": gid("ProductVariant", v.id), "legacyResourceId": v.id, "sku": v.sku, "title": v.title,
                "price": v.price, "compareAtPrice": v.compare_at_price, "updatedAt": v.updated_at,
                "product": lambda _info: self.product(self.store.products[v.product_id])}

    def order(self, o: Order) -> dict[str, Any]:
        s = self.store
        return {"id": gid("Order", o.id), "legacyResourceId": o.id, "name": o.name,
                "fulfillmentOrders": _paged(lambda: [s.fulfillment_orders[i] for i in o.fulfillment_order_ids],
                                            self.fulfillment_order)}

    def fulfillment_order(self, fo: FulfillmentOrder) -> dict[str, Any]:
        return {"id": gid("FulfillmentOrder", fo.id), "status": fo.status, "updatedAt": fo.updated_at,
                "fulfillmentHolds": [self.hold(h) for h in fo.holds],
                "order": lambda _info: self.order(self.store.orders[fo.order_id])}

    def hold(self, h: Hold) -> dict[str, Any]:
        return {"id": gid("FulfillmentHold", h.id), "handle": h.handle, "reason": h.reason,
                "reasonNotes": h.reason_notes, "displayReason": h.reason.replace("_", " ").capitalize(),
                "heldByRequestingApp": True}

    def page(self, p: Page) -> dict[str, Any]:
        text = re.sub(r"\s+", " ", re.sub(r"<[^>]+>", " ", p.body)).strip()
        return {"id": gid("Page", p.id), "title": p.title, "handle": p.handle, "body": p.body,
                "bodySummary": text if len(text) <= 150 else text[:150] + "...", "isPublished": p.is_published,
                "publishedAt": p.published_at, "templateSuffix": p.template_suffix, "createdAt": p.created_at,
                "updatedAt": p.updated_at, "metafield": lambda _info, key, namespace=None: self._metafield(
                    p.metafields.get((namespace or "$app", key)))}

    def _metafield(self, m: Metafield | None) -> dict[str, Any] | None:
        return None if m is None else {"id": gid("Metafield", m.id), "namespace": m.namespace, "key": m.key,
                                       "type": m.type, "value": m.value, "updatedAt": m.updated_at}

    def collection(self, c: Collection) -> dict[str, Any]:
        return {"id": gid("Collection", c.id), "legacyResourceId": c.id, "title": c.title, "handle": c.handle,
                "descriptionHtml": c.description_html, "updatedAt": c.updated_at,
                "seo": {"title": c.seo_title, "description": c.seo_description}}

    # --- the query root --------------------------------------------------------------------

    def query_root(self, scopes: list[str]) -> dict[str, Any]:
        s = self.store

        def by_id(kind: str, table: dict[int, Any], view: Callable[[Any], dict[str, Any]]) -> Callable[..., Any]:
            def resolve(_info: GraphQLResolveInfo, id: str) -> dict[str, Any] | None:  # noqa: A002
                number = parse_gid(id, kind)
                return view(table[number]) if number in table else None

            return resolve

        def by_identifier(_info: GraphQLResolveInfo, identifier: dict[str, Any]) -> dict[str, Any] | None:
            if identifier.get("id"):
                found = s.products.get(parse_gid(identifier["id"], "Product") or -1)
            else:
                found = s.product_by_handle(identifier.get("handle") or "")
            return self.product(found) if found else None

        def collection_by_identifier(_info: GraphQLResolveInfo, identifier: dict[str, Any]) -> dict[str, Any] | None:
            if identifier.get("id"):
                found = s.collections.get(parse_gid(identifier["id"], "Collection") or -1)
            else:
                found = s.collection_by_handle(identifier.get("handle") or "")
            return self.collection(found) if found else None

        def by_handle(_info: GraphQLResolveInfo, handle: str) -> dict[str, Any] | None:
            found = s.product_by_handle(handle)
            return self.product(found) if found else None

        def listing(items: Callable[[], Iterable[T]], view: Callable[[T], dict[str, Any]],
                    fields: dict[str, Callable[[T], Any]]) -> Callable[..., dict[str, Any]]:
            def resolve(_info: GraphQLResolveInfo, query: str | None = None, **args: Any) -> dict[str, Any]:
                return connection(search(items(), query, fields), view, **args)

            return resolve

        def skus(p: Product) -> list[str]:
            return [s.variants[i].sku for i in p.variant_ids]

        return {
            "shop": {"id": gid("Shop", 1), "name": s.name, "myshopifyDomain": s.domain},
            "currentAppInstallation": {"id": gid("AppInstallation", 1), "accessScopes": [
                {"handle": h, "description": h.replace("_", " ").capitalize()} for h in scopes]},
            "product": by_id("Product", s.products, self.product),
            "productByIdentifier": by_identifier,
            "productByHandle": by_handle,
            "products": listing(lambda: s.products.values(), self.product,
                                {"title": lambda p: p.title, "handle": lambda p: p.handle, "sku": skus,
                                 "status": lambda p: p.status, "vendor": lambda p: p.vendor}),
            "productVariant": by_id("ProductVariant", s.variants, self.variant),
            "order": by_id("Order", s.orders, self.order),
            "orders": listing(lambda: s.orders.values(), self.order,
                              {"title": lambda o: o.name, "name": lambda o: o.name.lstrip("#")}),
            "fulfillmentOrder": by_id("FulfillmentOrder", s.fulfillment_orders, self.fulfillment_order),
            "page": by_id("Page", s.pages, self.page),
            "pages": listing(lambda: s.pages.values(), self.page,
                             {"title": lambda p: p.title, "handle": lambda p: p.handle}),
            "collection": by_id("Collection", s.collections, self.collection),
            "collectionByIdentifier": collection_by_identifier,
            "collections": listing(lambda: s.collections.values(), self.collection,
                                   {"title": lambda c: c.title, "handle": lambda c: c.handle}),
        }
