"""Shopify's product CSV export: one row per variant (and per extra image).

A product's fields are on its first row; the rows after it that repeat the
``Handle`` add variants (``Variant SKU``, ``Variant Price``, ``Variant Inventory
Qty``, ``Variant Compare At Price``, ``Cost per item``, ``Option1 Value`` …) or only
images, which are skipped. The engine knows variants by SKU, so a variant without
one is reported.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from tools.ingest.batches import ProductRow, ProductsBatch, VariantRow
from tools.ingest.headers import col, locate
from tools.ingest.problems import Problems
from tools.ingest.table import Progress, open_table
from tools.ingest.values import BadValue, boolean, integer, number, optional_number

COLUMNS = {
    "handle": col("Handle"), "title": col("Title"), "body": col("Body (HTML)", required=False),
    "vendor": col("Vendor", required=False),
    "type": col("Type", "Product Type", "Product Category", required=False),
    "tags": col("Tags", required=False), "published": col("Published", required=False),
    "status": col("Status", required=False),
    "sku": col("Variant SKU"), "price": col("Variant Price"),
    "qty": col("Variant Inventory Qty", required=False),
    "compare_at": col("Variant Compare At Price", required=False),
    "cost": col("Cost per item", required=False),
    "seo_title": col("SEO Title", required=False), "seo_description": col("SEO Description", required=False),
    "option1": col("Option1 Value", required=False), "option2": col("Option2 Value", required=False),
    "option3": col("Option3 Value", required=False),
}
STATUSES = {"active", "draft", "archived"}
Getter = Callable[[list[str], str], str]


def parse(stream: IO[bytes], *, name: str, size: int, problems: Problems,
          progress: Progress | None = None) -> ProductsBatch:
    table = open_table(stream, name=name, size=size, progress=progress)
    at = locate(name, table.header, COLUMNS, source="shopify-products", what="a Shopify product export",
                line=table.offset)

    def get(row: list[str], key: str) -> str:
        return row[at[key]].strip() if key in at else ""

    batch = ProductsBatch()
    by_handle: dict[str, ProductRow] = {}
    skus: dict[str, int] = {}
    for line, row in table.records(problems):
        batch.read += 1
        handle = get(row, "handle")
        if not handle:
            problems.add(line, "Handle is empty")
            continue
        product = by_handle.get(handle)
        try:
            if product is None:
                if not get(row, "title"):
                    raise BadValue(f"the first row of product {handle!r} has no Title")
                product = _product(handle, row, get)
            variant = _variant(row, get, product.title)
        except BadValue as exc:
            problems.add(line, str(exc))
            continue
        if handle not in by_handle:
            by_handle[handle] = product
            batch.products.append(product)
        if variant is None:
            continue
        if variant.sku in skus:
            problems.add(line, f"Variant SKU {variant.sku!r} is also on line {skus[variant.sku]}")
            continue
        skus[variant.sku] = line
        product.variants.append(variant)
    return batch


def _product(handle: str, row: list[str], get: Getter) -> ProductRow:
    status = get(row, "status").lower() or "active"
    if status not in STATUSES:
        raise BadValue(f"Status {get(row, 'status')!r} is not active, draft or archived")
    if get(row, "published") and not boolean("Published", get(row, "published")) and status == "active":
        status = "draft"
    return ProductRow(handle=handle, title=get(row, "title"), body_html=get(row, "body"),
                      vendor=get(row, "vendor"), product_type=get(row, "type"), tags=get(row, "tags"),
                      status=status, seo_title=get(row, "seo_title"),
                      seo_description=get(row, "seo_description"))


def _variant(row: list[str], get: Getter, product_title: str) -> VariantRow | None:
    sku, price = get(row, "sku"), get(row, "price")
    if not sku and not price:
        return None  # an image row
    if not sku:
        raise BadValue("Variant SKU is empty; the engine identifies variants by SKU")
    options = [get(row, k) for k in ("option1", "option2", "option3")]
    title = " / ".join(o for o in options if o and o != "Default Title") or product_title
    qty = get(row, "qty")
    return VariantRow(sku=sku, title=title, price=number("Variant Price", price),
                      compare_at_price=optional_number("Variant Compare At Price", get(row, "compare_at")),
                      cost=optional_number("Cost per item", get(row, "cost")),
                      inventory_qty=integer("Variant Inventory Qty", qty, minimum=None) if qty else None)
