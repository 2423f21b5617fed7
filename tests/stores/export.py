"""A random store written as the files real stores export: Shopify CSVs, Search Console bulk CSV, GA4 JSON."""

from __future__ import annotations

import csv
import json
from pathlib import Path
from typing import Any

from tests.stores.simulate import Order
from tests.stores.world import Store

PRODUCTS = ["Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published",
            "Option1 Name", "Option1 Value", "Variant SKU", "Variant Grams", "Variant Inventory Tracker",
            "Variant Inventory Qty", "Variant Inventory Policy", "Variant Fulfillment Service", "Variant Price",
            "Variant Compare At Price", "Variant Requires Shipping", "Variant Taxable", "Image Src",
            "Image Position", "Gift Card", "SEO Title", "SEO Description", "Variant Weight Unit", "Cost per item",
            "Status"]
ORDERS = ["Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at", "Accepts Marketing",
          "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount",
          "Shipping Method", "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem sku",
          "Lineitem requires shipping", "Lineitem taxable", "Lineitem fulfillment status", "Billing Name",
          "Billing Address1", "Billing City", "Billing Zip", "Billing Province", "Billing Country",
          "Billing Phone", "Shipping Name", "Shipping Address1", "Shipping City", "Shipping Zip",
          "Shipping Province", "Shipping Country", "Shipping Phone", "Cancelled at", "Payment Method",
          "Refunded Amount", "Vendor", "Id", "Tags", "Risk Level", "Source"]
GSC = ["data_date", "site_url", "url", "query", "is_anonymized_query", "country", "search_type", "device",
       "impressions", "clicks", "sum_position"]
GA4_DIMENSIONS = ["date", "landingPagePlusQueryString", "sessionDefaultChannelGroup"]
GA4_METRICS = ["sessions", "engagedSessions", "keyEvents", "totalRevenue", "ecommercePurchases"]


def _csv(path: Path, header: list[str], rows: Any) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def products_csv(store: Store, path: Path) -> None:
    rows = []
    for p in store.products:
        for i, v in enumerate(p.variants):
            row = dict.fromkeys(PRODUCTS, "")
            row.update({"Handle": p.handle, "Option1 Value": v.title, "Variant SKU": v.sku, "Variant Grams": "900",
                        "Variant Inventory Tracker": "shopify", "Variant Inventory Qty": str(v.stock),
                        "Variant Inventory Policy": "deny", "Variant Fulfillment Service": "manual",
                        "Variant Price": f"{v.price:.2f}", "Variant Requires Shipping": "TRUE",
                        "Variant Taxable": "TRUE", "Variant Weight Unit": "kg", "Cost per item": f"{v.cost:.2f}"})
            if i == 0:
                row.update({"Title": p.title, "Body (HTML)": f"<p>{p.title}: {p.material}, made to last.</p>",
                            "Vendor": p.vendor, "Type": p.product_type, "Product Category": "Home & Garden",
                            "Tags": p.material, "Published": "TRUE", "Option1 Name": "Option", "Gift Card": "FALSE",
                            "SEO Title": p.seo_title, "SEO Description": p.seo_description, "Status": "active",
                            "Image Src": f"https://cdn.store.test/{p.handle}.jpg", "Image Position": "1"})
            rows.append([row[c] for c in PRODUCTS])
    _csv(path, PRODUCTS, rows)


def _stamp(at: Any) -> str:
    return at.strftime("%Y-%m-%d %H:%M:%S %z") if at else ""


def orders_csv(store: Store, path: Path) -> None:
    rows = []
    for o in sorted(store.orders, key=lambda o: o.created_at, reverse=True):
        rows += _order_rows(o)
    _csv(path, ORDERS, rows)


def _order_rows(o: Order) -> list[list[str]]:
    c, s = o.customer, o.ship_to
    sub = sum(v.price * q for _, v, q in o.lines)
    financial = "voided" if o.cancelled_at else "refunded" if o.refunded else "paid"
    out = []
    for n, (product, variant, qty) in enumerate(o.lines):
        row = dict.fromkeys(ORDERS, "")
        row.update({"Name": o.name, "Email": c.email, "Lineitem quantity": str(qty),
                    "Lineitem name": f"{product.title} - {variant.title}", "Lineitem price": f"{variant.price:.2f}",
                    "Lineitem sku": variant.sku, "Lineitem requires shipping": "true", "Lineitem taxable": "true",
                    "Lineitem fulfillment status": "fulfilled" if o.fulfilled else "pending"})
        if n == 0:
            row.update({
                "Financial Status": financial, "Paid at": _stamp(o.created_at),
                "Fulfillment Status": "fulfilled" if o.fulfilled else "unfulfilled", "Accepts Marketing": "no",
                "Currency": "USD", "Subtotal": f"{sub:.2f}", "Shipping": f"{0.0 if sub >= 80 else 7.5:.2f}",
                "Taxes": f"{sub * 0.07:.2f}", "Total": f"{o.total:.2f}", "Discount Amount": "0.00",
                "Shipping Method": "Standard", "Created at": _stamp(o.created_at), "Billing Name": c.name,
                "Billing Address1": c.address1, "Billing City": c.city, "Billing Zip": c.zip,
                "Billing Province": c.province, "Billing Country": c.country, "Billing Phone": c.phone,
                "Shipping Name": s.name, "Shipping Address1": s.address1, "Shipping City": s.city,
                "Shipping Zip": s.zip, "Shipping Province": s.province, "Shipping Country": s.country,
                "Shipping Phone": s.phone, "Cancelled at": _stamp(o.cancelled_at),
                "Payment Method": "Shopify Payments", "Refunded Amount": f"{o.total if o.refunded else 0:.2f}",
                "Vendor": product.vendor, "Id": str(7_100_000_000 + int(o.name[1:])), "Tags": o.tags,
                "Risk Level": o.risk, "Source": "web"})
        out.append([row[k] for k in ORDERS])
    return out


def gsc_csv(store: Store, path: Path) -> None:
    _csv(path, GSC, store.search_rows)


def ga4_json(store: Store, path: Path) -> None:
    rows = [{"dimensionValues": [{"value": d.replace("-", "")}, {"value": page}, {"value": channel}],
             "metricValues": [{"value": str(int(v[0]))}, {"value": str(int(v[1]))}, {"value": str(int(v[2]))},
                              {"value": f"{v[3]:.2f}"}, {"value": str(int(v[4]))}]}
            for (d, page, channel), v in sorted(store.ga4.items())]
    header = {"dimensionHeaders": [{"name": n} for n in GA4_DIMENSIONS],
              "metricHeaders": [{"name": n, "type": "TYPE_CURRENCY" if n == "totalRevenue" else "TYPE_INTEGER"}
                                for n in GA4_METRICS]}
    pages = [{**header, "rows": rows[n:n + 50_000], "rowCount": len(rows), "kind": "analyticsData#runReport",
              "metadata": {"currencyCode": "USD", "timeZone": "America/New_York"}}
             for n in range(0, max(len(rows), 1), 50_000)]
    path.parent.mkdir(parents=True, exist_ok=True)
    path.write_text(json.dumps(pages), encoding="utf-8")


def write(store: Store, folder: Path) -> list[tuple[str, Path]]:
    """Every export, as (importer source, path), in the order a new user would import them."""
    files = [("shopify-products", folder / "products_export.csv"), ("shopify-orders", folder / "orders_export.csv"),
             ("gsc", folder / "searchdata_url_impression.csv"), ("ga4", folder / "landing-pages.json")]
    products_csv(store, files[0][1])
    orders_csv(store, files[1][1])
    gsc_csv(store, files[2][1])
    ga4_json(store, files[3][1])
    return files
