"""The mutations: each validates as Shopify does, answers ``userErrors`` in Shopify's shape, and
changes the store only when it has none (``productVariantsBulkUpdate`` with
``allowPartialUpdates`` applies the valid variants)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime, timezone
from decimal import Decimal
from typing import Any

from graphql import GraphQLResolveInfo

from server.demo.shopify_admin.content import apply_metafields, content_root, metafield_errors
from server.demo.shopify_admin.state import Hold, Page, Store, handleize, now, parse_gid
from server.demo.shopify_admin.views import Views

#: called once per mutation that ran: (name, arguments, applied)
Record = Callable[[str, dict[str, Any], bool], None]
MAX_HOLDS = 10
HOLDABLE = {"OPEN", "ON_HOLD", "SCHEDULED"}


def _error(field: list[str] | None, message: str, code: str | None = None, *, coded: bool = True) -> dict[str, Any]:
    return {"field": field, "message": message, "code": code} if coded else {"field": field, "message": message}


def mutation_root(store: Store, views: Views, record: Record) -> dict[str, Any]:
    """Resolvers for the mutation root, bound to ``store``; each reports itself to ``record``."""

    def product_update(_info: GraphQLResolveInfo, product: dict[str, Any] | None = None) -> dict[str, Any]:
        args = product or {}
        target = store.products.get(parse_gid(args.get("id"), "Product") or -1)
        errors: list[dict[str, Any]] = []
        if target is None:
            errors.append(_error(["id"], "Product does not exist", coded=False))
        else:
            if "title" in args and not (args["title"] or "").strip():
                errors.append(_error(["title"], "Title can't be blank", coded=False))
            taken = args.get("handle") and store.product_by_handle(args["handle"])
            if taken and taken is not target:
                errors.append(_error(["handle"], f"Handle '{args['handle']}' has already been taken", coded=False))
        if target is not None and not errors:
            for key, attr in (("title", "title"), ("handle", "handle"), ("descriptionHtml", "description_html"),
                              ("vendor", "vendor"), ("productType", "product_type"), ("tags", "tags"),
                              ("status", "status")):
                if key in args and args[key] is not None:
                    setattr(target, attr, args[key])
            seo = args.get("seo") or {}
            if "title" in seo:
                target.seo_title = seo["title"] or None
            if "description" in seo:
                target.seo_description = seo["description"] or None
            target.updated_at = now()
        record("productUpdate", args, not errors)
        return {"product": views.product(target) if target is not None and not errors else None,
                "userErrors": errors}

    def variants_bulk_update(_info: GraphQLResolveInfo, productId: str, variants: list[dict[str, Any]],  # noqa: N803
                             allowPartialUpdates: bool = False) -> dict[str, Any]:  # noqa: N803
        args = {"productId": productId, "variants": variants, "allowPartialUpdates": allowPartialUpdates}
        target = store.products.get(parse_gid(productId, "Product") or -1)
        if target is None:
            record("productVariantsBulkUpdate", args, False)
            return {"product": None, "productVariants": None, "userErrors": [
                _error(["productId"], "Product does not exist", "PRODUCT_DOES_NOT_EXIST")]}
        errors: list[dict[str, Any]] = []
        valid: list[tuple[int, dict[str, Any]]] = []
        for i, change in enumerate(variants):
            at = ["variants", str(i)]
            number = parse_gid(change.get("id"), "ProductVariant")
            bad = None
            if not change.get("id"):
                bad = _error([*at, "id"], "Product variant is missing ID attribute", "PRODUCT_VARIANT_ID_MISSING")
            elif number not in store.variants:
                bad = _error([*at, "id"], "Product variant does not exist", "PRODUCT_VARIANT_DOES_NOT_EXIST")
            elif store.variants[number].product_id != target.id:
                bad = _error([*at, "id"], "Product variant is not for this product", "MUST_BE_FOR_THIS_PRODUCT")
            else:
                for key in ("price", "compareAtPrice"):
                    amount = change.get(key)
                    if isinstance(amount, Decimal) and amount < 0:
                        bad = _error([*at, key], "Price must be greater than or equal to 0", "GREATER_THAN_OR_EQUAL_TO")
            if bad:
                errors.append(bad)
            elif number is not None:
                valid.append((number, change))
        if errors and not allowPartialUpdates:
            valid = []
        for number, change in valid:
            variant = store.variants[number]
            if change.get("price") is not None:
                variant.price = change["price"]
            if "compareAtPrice" in change:
                variant.compare_at_price = change["compareAtPrice"]
            variant.updated_at = now()
        record("productVariantsBulkUpdate", args, bool(valid))
        return {"product": views.product(target) if valid else None,
                "productVariants": [views.variant(store.variants[n]) for n, _ in valid] if valid else None,
                "userErrors": errors}

    def hold(_info: GraphQLResolveInfo, id: str, fulfillmentHold: dict[str, Any]) -> dict[str, Any]:  # noqa: A002,N803
        args = {"id": id, "fulfillmentHold": fulfillmentHold}
        fo = store.fulfillment_orders.get(parse_gid(id, "FulfillmentOrder") or -1)
        handle = fulfillmentHold.get("handle")
        error = None
        if fo is None:
            error = _error(["id"], "Fulfillment order does not exist.", "FULFILLMENT_ORDER_NOT_FOUND")
        elif fo.status not in HOLDABLE:
            error = _error(["id"], f"The fulfillment order's status ({fo.status}) does not allow a hold.")
        elif handle and any(h.handle == handle for h in fo.holds):
            error = _error(["fulfillmentHold", "handle"], "The handle provided for the fulfillment hold is already "
                           "in use by this app for another hold on this fulfillment order.",
                           "DUPLICATE_FULFILLMENT_HOLD_HANDLE")
        elif len(fo.holds) >= MAX_HOLDS:
            error = _error(None, "The maximum number of fulfillment holds for this fulfillment order has been "
                           "reached for this app.", "FULFILLMENT_ORDER_HOLD_LIMIT_REACHED")
        if error or fo is None:
            record("fulfillmentOrderHold", args, False)
            return {"fulfillmentHold": None, "fulfillmentOrder": None, "remainingFulfillmentOrder": None,
                    "userErrors": [error]}
        held = Hold(store.next_id(), fulfillmentHold["reason"], handle, fulfillmentHold.get("reasonNotes"),
                    fulfillmentHold.get("externalId"))
        fo.holds.append(held)
        fo.status, fo.updated_at = "ON_HOLD", now()
        record("fulfillmentOrderHold", args, True)
        return {"fulfillmentHold": views.hold(held), "fulfillmentOrder": views.fulfillment_order(fo),
                "remainingFulfillmentOrder": None, "userErrors": []}

    def release(_info: GraphQLResolveInfo, id: str, holdIds: list[str] | None = None,  # noqa: A002,N803
                externalId: str | None = None) -> dict[str, Any]:  # noqa: N803
        args = {"id": id, "holdIds": holdIds, "externalId": externalId}
        fo = store.fulfillment_orders.get(parse_gid(id, "FulfillmentOrder") or -1)
        if fo is None or fo.status != "ON_HOLD":
            error = (_error(["id"], "Fulfillment order does not exist.", "FULFILLMENT_ORDER_NOT_FOUND") if fo is None
                     else _error(["id"], "The fulfillment order is not on hold."))
            record("fulfillmentOrderReleaseHold", args, False)
            return {"fulfillmentOrder": None, "userErrors": [error]}
        # holds that are not this fulfillment order's are ignored, as Shopify documents
        wanted = None if holdIds is None else {parse_gid(h, "FulfillmentHold") for h in holdIds}
        fo.holds = [] if wanted is None else [h for h in fo.holds if h.id not in wanted]
        if not fo.holds:
            fo.status = "OPEN"
        fo.updated_at = now()
        record("fulfillmentOrderReleaseHold", args, True)
        return {"fulfillmentOrder": views.fulfillment_order(fo), "userErrors": []}

    def page_errors(args: dict[str, Any], existing: Page | None, *, creating: bool) -> list[dict[str, Any]]:
        errors = []
        if (creating or "title" in args) and not (args.get("title") or "").strip():
            errors.append(_error(["page", "title"], "Title can't be blank", "BLANK"))
        elif len(args.get("title") or "") > 255:
            errors.append(_error(["page", "title"], "Title is too long (maximum is 255 characters)", "TOO_LONG"))
        handle = args.get("handle")
        taken = handle and store.page_by_handle(handle)
        if taken and taken is not existing:
            errors.append(_error(["page", "handle"], "Handle has already been taken", "TAKEN"))
        publish = args.get("publishDate")
        if args.get("isPublished") and isinstance(publish, datetime) and publish > datetime.now(timezone.utc):
            errors.append(_error(["page", "isPublished"], "Can’t set isPublished to true and also set a future "
                                 "publish date.", "INVALID_PUBLISH_DATE"))
        return errors + metafield_errors(existing, args.get("metafields"))

    def publish(page: Page, args: dict[str, Any]) -> None:
        when = args.get("publishDate")
        if args.get("isPublished") is not None:
            page.is_published = bool(args["isPublished"])
        elif isinstance(when, datetime):
            page.is_published = when <= now()
        if isinstance(when, datetime):
            page.published_at = when
        else:
            page.published_at = (page.published_at or now()) if page.is_published else None

    def page_create(_info: GraphQLResolveInfo, page: dict[str, Any]) -> dict[str, Any]:
        errors = page_errors(page, None, creating=True)
        if errors:
            record("pageCreate", page, False)
            return {"page": None, "userErrors": errors}
        # a page is published unless told otherwise or given a publish date (Shopify's default)
        created = Page(store.next_id(), page["title"], page.get("handle") or handleize(page["title"]),
                       page.get("body") or "", is_published=True, template_suffix=page.get("templateSuffix"))
        publish(created, page)
        apply_metafields(store, created, page.get("metafields"))
        store.pages[created.id] = created
        record("pageCreate", page, True)
        return {"page": views.page(created), "userErrors": []}

    def page_update(_info: GraphQLResolveInfo, id: str, page: dict[str, Any]) -> dict[str, Any]:  # noqa: A002
        args = {"id": id, "page": page}
        existing = store.pages.get(parse_gid(id, "Page") or -1)
        errors = ([_error(["id"], "Page does not exist", "NOT_FOUND")] if existing is None
                  else page_errors(page, existing, creating=False))
        if errors or existing is None:
            record("pageUpdate", args, False)
            return {"page": None, "userErrors": errors}
        for key, attr in (("title", "title"), ("handle", "handle"), ("body", "body"),
                          ("templateSuffix", "template_suffix")):
            if key in page and page[key] is not None:
                setattr(existing, attr, page[key])
        publish(existing, page)
        apply_metafields(store, existing, page.get("metafields"))
        existing.updated_at = now()
        record("pageUpdate", args, True)
        return {"page": views.page(existing), "userErrors": []}

    return {"productUpdate": product_update, "productVariantsBulkUpdate": variants_bulk_update,
            "fulfillmentOrderHold": hold, "fulfillmentOrderReleaseHold": release, "pageCreate": page_create,
            "pageUpdate": page_update, **content_root(store, views, record)}
