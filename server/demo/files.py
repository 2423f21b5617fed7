"""Writing the demo store as the files real stores export (the importers' formats exactly)."""

from __future__ import annotations

import csv
import io
import json
import zipfile
from collections import defaultdict
from datetime import date, datetime
from pathlib import Path
from typing import Any

from server.demo.catalog import BRAND, Product
from server.demo.search import HEADER
from server.demo.traffic import Order, Visits

PRODUCT_COLUMNS = [
    "Handle", "Title", "Body (HTML)", "Vendor", "Product Category", "Type", "Tags", "Published", "Option1 Name",
    "Option1 Value", "Option2 Name", "Option2 Value", "Option3 Name", "Option3 Value", "Variant SKU",
    "Variant Grams", "Variant Inventory Tracker", "Variant Inventory Qty", "Variant Inventory Policy",
    "Variant Fulfillment Service", "Variant Price", "Variant Compare At Price", "Variant Requires Shipping",
    "Variant Taxable", "Variant Barcode", "Image Src", "Image Position", "Image Alt Text", "Gift Card",
    "SEO Title", "SEO Description", "Variant Image", "Variant Weight Unit", "Variant Tax Code", "Cost per item",
    "Status"]
ORDER_COLUMNS = [
    "Name", "Email", "Financial Status", "Paid at", "Fulfillment Status", "Fulfilled at", "Accepts Marketing",
    "Currency", "Subtotal", "Shipping", "Taxes", "Total", "Discount Code", "Discount Amount", "Shipping Method",
    "Created at", "Lineitem quantity", "Lineitem name", "Lineitem price", "Lineitem compare at price",
    "Lineitem sku", "Lineitem requires shipping", "Lineitem taxable", "Lineitem fulfillment status",
    "Billing Name", "Billing Street", "Billing Address1", "Billing Address2", "Billing Company", "Billing City",
    "Billing Zip", "Billing Province", "Billing Country", "Billing Phone", "Shipping Name", "Shipping Street",
    "Shipping Address1", "Shipping Address2", "Shipping Company", "Shipping City", "Shipping Zip",
    "Shipping Province", "Shipping Country", "Shipping Phone", "Notes", "Note Attributes", "Cancelled at",
    "Payment Method", "Payment Reference", "Refunded Amount", "Vendor", "Outstanding Balance", "Employee",
    "Location", "Device ID", "Id", "Tags", "Risk Level", "Source", "Lineitem discount", "Phone",
    "Receipt Number"]
GA4_DIMENSIONS = ["date", "landingPagePlusQueryString", "sessionDefaultChannelGroup"]
GA4_METRICS = ["sessions", "engagedSessions", "keyEvents", "totalRevenue", "ecommercePurchases"]
GA4_DISPLAY = ["Date", "Landing page + query string", "Session default channel group", "Sessions",
               "Engaged sessions", "Key events", "Total revenue", "Ecommerce purchases"]
COUNTRY_NAMES = {"usa": "United States", "gbr": "United Kingdom", "can": "Canada", "aus": "Australia",
                 "deu": "Germany"}


def _csv(path: Path, header: list[str], rows: Any, *, preamble: list[str] | None = None) -> None:
    path.parent.mkdir(parents=True, exist_ok=True)
    with path.open("w", newline="", encoding="utf-8") as f:
        for line in preamble or []:
            f.write(f"# {line}\n")
        w = csv.writer(f)
        w.writerow(header)
        w.writerows(rows)


def _money(value: float) -> str:
    return f"{value:.2f}"


def _stamp(value: datetime | None) -> str:
    return value.strftime("%Y-%m-%d %H:%M:%S %z") if value else ""


def write_products(path: Path, products: list[Product]) -> None:
    rows = []
    for p in sorted(products, key=lambda p: p.handle):
        option = "Size" if p.category in ("apparel", "home", "kitchen") else "Color"
        for i, v in enumerate(p.variants):
            row = dict.fromkeys(PRODUCT_COLUMNS, "")
            row.update({"Handle": p.handle, "Option1 Value": v.title, "Variant SKU": v.sku, "Variant Grams": "450",
                        "Variant Inventory Tracker": "shopify", "Variant Inventory Qty": str(v.stock),
                        "Variant Inventory Policy": "deny", "Variant Fulfillment Service": "manual",
                        "Variant Price": _money(v.price),
                        "Variant Compare At Price": _money(v.compare_at) if v.compare_at else "",
                        "Variant Requires Shipping": "TRUE", "Variant Taxable": "TRUE", "Variant Weight Unit": "g",
                        "Cost per item": _money(v.cost)})
            if i == 0:
                row.update({"Title": p.title, "Body (HTML)": p.body_html, "Vendor": p.vendor, "Type": p.product_type,
                            "Product Category": p.category.title(), "Tags": p.tags, "Published": "TRUE",
                            "Option1 Name": option, "Gift Card": "FALSE", "SEO Title": p.seo_title,
                            "SEO Description": p.seo_description, "Status": "active",
                            "Image Src": f"https://cdn.shop.example/{p.handle}-1.jpg", "Image Position": "1"})
            rows.append([row[c] for c in PRODUCT_COLUMNS])
        extra = dict.fromkeys(PRODUCT_COLUMNS, "")
        extra.update({"Handle": p.handle, "Image Src": f"https://cdn.shop.example/{p.handle}-2.jpg",
                      "Image Position": "2"})
        rows.append([extra[c] for c in PRODUCT_COLUMNS])
    _csv(path, PRODUCT_COLUMNS, rows)


def write_orders(path: Path, orders: list[Order], *, end: date) -> None:
    rows = []
    for o in sorted(orders, key=lambda o: o.created_at, reverse=True):
        c, s = o.customer, o.ship_to
        financial = ("voided" if o.cancelled_at else "refunded" if o.refunded >= o.total - 0.005
                     else "partially_refunded" if o.refunded else "paid")
        for n, (product, variant, qty) in enumerate(o.lines):
            row = dict.fromkeys(ORDER_COLUMNS, "")
            row.update({"Name": o.name, "Email": c.email, "Lineitem quantity": str(qty), "Lineitem name":
                        f"{product.title} - {variant.title}", "Lineitem price": _money(variant.price),
                        "Lineitem sku": variant.sku, "Lineitem requires shipping": "true", "Lineitem taxable": "true",
                        "Lineitem fulfillment status": "fulfilled" if o.fulfilled else "pending"})
            if n == 0:
                row.update({
                    "Financial Status": financial, "Paid at": _stamp(o.created_at),
                    "Fulfillment Status": "fulfilled" if o.fulfilled else "unfulfilled",
                    "Accepts Marketing": "no", "Currency": "USD", "Subtotal": _money(o.subtotal),
                    "Shipping": _money(o.shipping), "Taxes": _money(o.taxes), "Total": _money(o.total),
                    "Discount Code": o.discount_code, "Discount Amount": _money(o.discount),
                    "Shipping Method": "Standard", "Created at": _stamp(o.created_at),
                    "Billing Name": c.name, "Billing Street": c.address1, "Billing Address1": c.address1,
                    "Billing City": c.city, "Billing Zip": c.zip, "Billing Province": c.province,
                    "Billing Country": c.country, "Billing Phone": c.phone, "Shipping Name": s.name,
                    "Shipping Street": s.address1, "Shipping Address1": s.address1, "Shipping City": s.city,
                    "Shipping Zip": s.zip, "Shipping Province": s.province, "Shipping Country": s.country,
                    "Shipping Phone": s.phone, "Cancelled at": _stamp(o.cancelled_at), "Payment Method": o.payment,
                    "Payment Reference": f"pay-{o.name[1:]}",
                    "Refunded Amount": _money(o.refunded), "Vendor": product.vendor, "Outstanding Balance": "0.00",
                    "Id": str(5_600_000_000 + int(o.name[1:])), "Tags": o.tags, "Risk Level": o.risk,
                    "Source": "web", "Phone": c.phone})
            rows.append([row[k] for k in ORDER_COLUMNS])
    _csv(path, ORDER_COLUMNS, rows)


def write_gsc_bulk(path: Path, rows: list[list[object]]) -> None:
    _csv(path, HEADER, rows)


def _aggregate(rows: list[list[object]], key: Any) -> dict[Any, list[float]]:
    """Clicks, impressions and zero-based position sum per key, web search and named queries only."""
    out: dict[Any, list[float]] = defaultdict(lambda: [0, 0, 0.0])
    for r in rows:
        if r[6] != "WEB":
            continue
        k = key(r)
        if k is None:
            continue
        cell = out[k]
        cell[0] += int(r[9])  # type: ignore[call-overload]
        cell[1] += int(r[8])  # type: ignore[call-overload]
        cell[2] += float(r[10])  # type: ignore[arg-type]
    return out


def write_gsc_api(folder: Path, rows: list[list[object]], *, days: list[str]) -> tuple[Path, Path]:
    """searchAnalytics.query responses for ``days`` (dimensions date, query, page), paged by 25,000 rows."""
    wanted = set(days)
    cells = _aggregate(rows, lambda r: (r[0], r[3], r[2]) if r[0] in wanted and r[4] == "false" else None)
    api_rows = [{"keys": list(k), "clicks": c, "impressions": i, "ctr": c / i if i else 0.0,
                 "position": round(p / i + 1, 4) if i else 0.0} for k, (c, i, p) in sorted(cells.items())]
    pages = [{"rows": api_rows[n:n + 25_000], "responseAggregationType": "byPage"}
             for n in range(0, max(len(api_rows), 1), 25_000)]
    request = {"startDate": min(days), "endDate": max(days), "dimensions": ["date", "query", "page"],
               "type": "web", "rowLimit": 25_000, "dataState": "final"}
    folder.mkdir(parents=True, exist_ok=True)
    response_path, request_path = folder / "search-analytics.json", folder / "search-analytics-request.json"
    response_path.write_text(json.dumps(pages, indent=1), encoding="utf-8")
    request_path.write_text(json.dumps(request, indent=2), encoding="utf-8")
    return response_path, request_path


def write_gsc_ui(path: Path, rows: list[list[object]]) -> None:
    """The Search Console UI's ZIP: Queries, Pages, Dates, Countries, Devices and Filters."""
    tables = {
        "Queries.csv": ("Top queries", _aggregate(rows, lambda r: r[3] if r[4] == "false" else None)),
        "Pages.csv": ("Top pages", _aggregate(rows, lambda r: r[2])),
        "Dates.csv": ("Date", _aggregate(rows, lambda r: r[0])),
        "Countries.csv": ("Country", _aggregate(rows, lambda r: COUNTRY_NAMES.get(str(r[5]), str(r[5])))),
        "Devices.csv": ("Device", _aggregate(rows, lambda r: str(r[7]).title())),
    }
    path.parent.mkdir(parents=True, exist_ok=True)
    with zipfile.ZipFile(path, "w", zipfile.ZIP_DEFLATED) as z:
        for name, (first, cells) in tables.items():
            ordered = sorted(cells.items(), key=lambda kv: (kv[0],) if first == "Date" else (-kv[1][0], kv[0]))
            buf = io.StringIO()
            w = csv.writer(buf)
            w.writerow([first, "Clicks", "Impressions", "CTR", "Position"])
            for key, (c, i, p) in ordered[:1000]:
                w.writerow([key, int(c), int(i), f"{c / i:.2%}" if i else "0%", f"{p / i + 1:.2f}" if i else "0"])
            z.writestr(name, buf.getvalue())
        z.writestr("Filters.csv", "Filter,Value\r\nSearch type,Web\r\nDate,Last 3 months\r\n")


def write_ga4(folder: Path, visits: Visits, *, recent: list[str]) -> tuple[Path, Path]:
    """A paged runReport response (JSON) for the whole period, and the UI's CSV of the last week."""
    cells = sorted(visits.ga4.items())
    rows = [{"dimensionValues": [{"value": d.replace("-", "")}, {"value": page}, {"value": channel}],
             "metricValues": [{"value": str(int(v[0]))}, {"value": str(int(v[1]))}, {"value": str(int(v[2]))},
                              {"value": f"{v[3]:.2f}"}, {"value": str(int(v[4]))}]}
            for (d, page, channel), v in cells]
    header = {"dimensionHeaders": [{"name": n} for n in GA4_DIMENSIONS],
              "metricHeaders": [{"name": n, "type": "TYPE_CURRENCY" if n == "totalRevenue" else "TYPE_INTEGER"}
                                for n in GA4_METRICS]}
    pages = [{**header, "rows": rows[n:n + 50_000], "rowCount": len(rows),
              "metadata": {"currencyCode": "USD", "timeZone": "America/New_York"}, "kind": "analyticsData#runReport"}
             for n in range(0, max(len(rows), 1), 50_000)]
    folder.mkdir(parents=True, exist_ok=True)
    json_path, csv_path = folder / "landing-pages-runreport.json", folder / "landing-pages-last-7-days.csv"
    json_path.write_text(json.dumps(pages), encoding="utf-8")
    wanted = set(recent)
    _csv(csv_path, GA4_DISPLAY,
         ([d.replace("-", ""), page, channel, int(v[0]), int(v[1]), int(v[2]), f"{v[3]:.2f}", int(v[4])]
          for (d, page, channel), v in cells if d in wanted),
         preamble=["----------------------------------------", BRAND, "Landing page",
                   f"Start date: {min(recent).replace('-', '')}", f"End date: {max(recent).replace('-', '')}",
                   "----------------------------------------"])
    return json_path, csv_path
