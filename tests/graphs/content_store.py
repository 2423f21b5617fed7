"""A small synthetic store for the content agent's tests, written in the real export formats.

Fifty-six days of Search Console bulk-export rows (no randomness: clicks are the
impressions times a chosen share of the published CTR curve, so a test knows exactly
what each page earns) and a Shopify product export. Each ``Pair`` is one page showing
for one query at one position.
"""

from __future__ import annotations

import csv
import io
import json
from dataclasses import dataclass
from datetime import datetime, timedelta, timezone
from pathlib import Path

from policies.ctr import PUBLISHED_CURVE

SITE = "https://shop.example"
#: three days ago, as Search Console's final data is: the agents refuse data older than a week
END = datetime.now(timezone.utc).date() - timedelta(days=3)
DAYS = 56
BULK_HEADER = ["data_date", "site_url", "url", "query", "is_anonymized_query", "country", "search_type", "device",
               "impressions", "clicks", "sum_position"]
PRODUCT_HEADER = ["Handle", "Title", "Body (HTML)", "Vendor", "Type", "Tags", "Published", "Option1 Name",
                  "Option1 Value", "Variant SKU", "Variant Inventory Qty", "Variant Price", "Variant Compare At Price",
                  "Cost per item", "Image Src", "SEO Title", "SEO Description", "Status"]


@dataclass(frozen=True)
class Pair:
    path: str
    query: str
    impressions_per_day: int
    position: float
    #: the share of the curve's clicks this pair earns
    share: float = 1.0


@dataclass(frozen=True)
class Product:
    handle: str
    title: str
    product_type: str
    seo_title: str = ""
    seo_description: str = ""
    price: float = 48.0


def bulk_export(pairs: list[Pair]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(BULK_HEADER)
    for n in range(DAYS):
        day = (END - timedelta(days=DAYS - 1 - n)).isoformat()
        for p in pairs:
            imp = p.impressions_per_day
            rate = PUBLISHED_CURVE.expected(p.position) * p.share
            # whole clicks whose running total stays on the rate (no rounding drift on quiet pages)
            clicks = round(imp * rate * (n + 1)) - round(imp * rate * n)
            w.writerow([day, "sc-domain:shop.example", SITE + p.path, p.query, "false", "usa", "WEB", "MOBILE", imp,
                        min(clicks, imp), round((p.position - 1) * imp, 2)])
    return buf.getvalue()


def ga4_report(paths: list[str], *, sessions: int = 50, purchases: int = 1, order_value: float = 60.0) -> str:
    """A GA4 Data API runReport: every page, every day, the same organic sessions and purchases."""
    rows = []
    for n in range(DAYS):
        day = (END - timedelta(days=DAYS - 1 - n)).strftime("%Y%m%d")
        for path in paths:
            rows.append({"dimensionValues": [{"value": day}, {"value": path}, {"value": "Organic Search"}],
                         "metricValues": [{"value": str(v)} for v in (sessions, sessions // 2, purchases,
                                                                        purchases * order_value, purchases)]})
    return json.dumps({"dimensionHeaders": [{"name": "date"}, {"name": "landingPagePlusQueryString"},
                                            {"name": "sessionDefaultChannelGroup"}],
                       "metricHeaders": [{"name": "sessions"}, {"name": "engagedSessions"}, {"name": "keyEvents"},
                                         {"name": "purchaseRevenue"}, {"name": "ecommercePurchases"}],
                       "rows": rows, "rowCount": len(rows)})


def product_export(products: list[Product]) -> str:
    buf = io.StringIO()
    w = csv.writer(buf, lineterminator="\n")
    w.writerow(PRODUCT_HEADER)
    for n, p in enumerate(products):
        w.writerow([p.handle, p.title, f"<p>{p.title}, made to last. Woven by hand.</p>", "Atelier", p.product_type,
                    "", "TRUE", "Title", "Default Title", f"SKU-{n}", 20, f"{p.price:.2f}", "", "20.00", "",
                    p.seo_title, p.seo_description, "active"])
    return buf.getvalue()


def write_store(folder: Path, pairs: list[Pair], products: list[Product],
                ga4_only: tuple[str, ...] = ()) -> tuple[Path, Path, Path]:
    """The three exports; GA4 reports every page Search Console does, and ``ga4_only`` besides."""
    folder.mkdir(parents=True, exist_ok=True)
    gsc, shop, ga4 = folder / "searchdata_url_impression.csv", folder / "products_export.csv", folder / "ga4.json"
    gsc.write_text(bulk_export(pairs))
    shop.write_text(product_export(products))
    ga4.write_text(ga4_report(sorted({p.path for p in pairs} | set(ga4_only))))
    return gsc, shop, ga4
