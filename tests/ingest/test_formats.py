"""Golden imports, one per format: what each file becomes in the telemetry tables."""

from __future__ import annotations

import io
import json
import zipfile
from datetime import date, datetime, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from server.app import App
from server.persistence import models as m
from server.persistence import models_telemetry as t
from tests.ingest.helpers import OPERATOR, ingest, rows, write
from tools.registry import invoke

BULK = """\
data_date,site_url,url,query,is_anonymized_query,country,search_type,device,impressions,clicks,sum_position
2026-11-01,sc-domain:shop.example,https://shop.example/products/linen-tote,linen tote bag,false,usa,WEB,MOBILE,100,5,400
2026-11-01,sc-domain:shop.example,https://shop.example/products/linen-tote,linen tote bag,false,gbr,WEB,DESKTOP,50,3,250
2026-11-01,sc-domain:shop.example,https://shop.example/products/linen-tote,,true,usa,WEB,MOBILE,20,1,80
2026-11-01,sc-domain:shop.example,https://shop.example/products/linen-tote,linen tote bag,false,usa,IMAGE,MOBILE,30,0,90
2026-11-02,sc-domain:shop.example,https://shop.example/collections/bags,tote bags,false,usa,WEB,DESKTOP,10,0,119
"""


async def _gsc_cells(app: App) -> set[tuple[str, str, str, int, int, float]]:
    pages = dict(await rows(app, t.GscPage, "id", "path"))
    queries = dict(await rows(app, t.GscQuery, "id", "text"))
    return {(pages[p], queries[q], d.isoformat(), i, c, s)
            for p, q, d, i, c, s in await rows(app, t.GscDaily, "page_id", "query_id", "day", "impressions",
                                                "clicks", "position_sum")}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_a_bulk_export_is_summed_over_country_and_device_with_web_search_only(app: App, tmp_path: Path) -> None:
    result = await ingest(app, "gsc", write(tmp_path, "bulk.csv", BULK))
    assert (result["status"], result["format"], result["rows_read"], result["rows_written"]) == \
        ("imported", "gsc-bulk", 5, 3)
    assert result["notes"] == ["1 rows of search type IMAGE ignored: only web search is analysed"]
    assert await _gsc_cells(app) == {
        ("/products/linen-tote", "linen tote bag", "2026-11-01", 150, 8, 650.0),
        ("/products/linen-tote", "", "2026-11-01", 20, 1, 80.0),  # anonymized queries keep page totals whole
        ("/collections/bags", "tote bags", "2026-11-02", 10, 0, 119.0),
    }
    # the rollups the specialists read: page totals, and the CTR curve by rounded position (named queries only)
    pages = {p: (i, c, round(s / i + 1, 2)) for p, i, c, s in await rows(app, t.GscPageStat, "page_id",
                                                                          "impressions", "clicks", "position_sum")}
    assert sorted(pages.values()) == [(10, 0, 12.9), (170, 9, 5.29)]
    assert await rows(app, t.GscCtrBucket, "position", "impressions", "clicks", order=("position",)) == \
        [(5, 150, 8), (13, 10, 0)]
    status = await invoke(app.deps, OPERATOR, "telemetry.read")
    gsc = status["sources"][0]
    assert gsc["watermark"] == datetime(2026, 11, 2, tzinfo=timezone.utc)
    assert gsc["details"]["windows"]["current"] == {"start": "2026-10-06", "end": "2026-11-02", "days": 28}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_importing_the_same_file_again_changes_nothing_and_a_newer_day_replaces_the_old(
        app: App, tmp_path: Path) -> None:
    path = write(tmp_path, "bulk.csv", BULK)
    first = await ingest(app, "gsc", path)
    again = await ingest(app, "gsc", path)
    assert again["status"] == "unchanged" and again["import_id"] == first["import_id"]
    assert len(await rows(app, t.TelemetryImport)) == 1
    corrected = BULK.splitlines()[0] + "\n" + \
        "2026-11-02,sc-domain:shop.example,https://shop.example/collections/bags,tote bags,false,usa,WEB,DESKTOP,12,1,130\n"
    await ingest(app, "gsc", write(tmp_path, "fix.csv", corrected))
    cells = await _gsc_cells(app)
    assert ("/collections/bags", "tote bags", "2026-11-02", 12, 1, 130.0) in cells and len(cells) == 3


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_sum_top_position_is_read_as_sum_position(app: App, tmp_path: Path) -> None:
    text = BULK.replace("sum_position", "sum_top_position")
    assert (await ingest(app, "gsc", write(tmp_path, "top.csv", text)))["rows_written"] == 3


API_ROWS = [{"keys": ["linen tote bag", "https://shop.example/products/linen-tote"], "clicks": 4,
             "impressions": 80, "ctr": 0.05, "position": 3.5}]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_an_api_response_takes_its_day_and_dimension_order_from_the_saved_request(
        app: App, tmp_path: Path) -> None:
    path = write(tmp_path, "api.json", json.dumps({"rows": API_ROWS, "responseAggregationType": "byPage"}))
    request = {"startDate": "2026-11-03", "endDate": "2026-11-03", "dimensions": ["query", "page"], "type": "web"}
    result = await ingest(app, "gsc", path, request=request)
    assert result["format"] == "gsc-api"
    assert await _gsc_cells(app) == {("/products/linen-tote", "linen tote bag", "2026-11-03", 80, 4, 200.0)}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_paged_api_responses_with_a_dimensions_flag_are_summed_per_day_page_and_query(
        app: App, tmp_path: Path) -> None:
    page = "https://shop.example/products/linen-tote"
    pages = [{"rows": [{"keys": ["2026-11-04", "linen tote bag", page, "MOBILE"], "clicks": 2, "impressions": 40,
                        "ctr": 0.05, "position": 2.0}]},
             {"rows": [{"keys": ["2026-11-04", "linen tote bag", page, "DESKTOP"], "clicks": 1, "impressions": 10,
                        "ctr": 0.1, "position": 4.0}]}]
    await ingest(app, "gsc", write(tmp_path, "pages.json", json.dumps(pages)),
                 dimensions=["date", "query", "page", "device"])
    assert await _gsc_cells(app) == {("/products/linen-tote", "linen tote bag", "2026-11-04", 50, 3, 70.0)}


def _zip(files: dict[str, str]) -> bytes:
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        for name, text in files.items():
            z.writestr(name, text)
    return buf.getvalue()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_the_ui_export_zip_keeps_query_page_and_date_totals_for_its_period(app: App, tmp_path: Path) -> None:
    data = _zip({
        "Queries.csv": "Top queries,Clicks,Impressions,CTR,Position\nlinen tote bag,12,400,3%,6.2\n"
                       "tote bags,1,1000,0.1%,18\n",
        "Pages.csv": "Top pages,Clicks,Impressions,CTR,Position\nhttps://shop.example/products/linen-tote,13,1400,"
                     "0.93%,9.1\n",
        "Dates.csv": "Date,Clicks,Impressions,CTR,Position\n2026-10-30,6,700,0.86%,9\n2026-11-01,7,700,1%,9.2\n",
        "Countries.csv": "Country,Clicks,Impressions,CTR,Position\nUnited States,13,1400,0.93%,9.1\n",
        "Filters.csv": "Filter,Value\nSearch type,Web\nDate,Last 3 months\n",
    })
    result = await ingest(app, "gsc", write(tmp_path, "export.zip", data))
    assert (result["format"], result["counts"]) == ("gsc-ui", {"query": 2, "page": 1, "date": 2})
    stored = await rows(app, t.GscUiStat, "dimension", "key", "clicks", "impressions", "position", "first_day",
                        "last_day", order=("dimension", "key"))
    assert stored[0] == ("date", "2026-10-30", 6, 700, 9.0, date(2026, 10, 30), date(2026, 11, 1))
    assert ("query", "linen tote bag", 12, 400, 6.2, date(2026, 10, 30), date(2026, 11, 1)) in stored
    assert result["watermark"] == datetime(2026, 11, 1, tzinfo=timezone.utc)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_german_ui_export_with_decimal_commas_is_read_with_the_period_given(app: App, tmp_path: Path) -> None:
    text = ('\ufeff"Häufigste Suchanfragen","Klicks","Impressionen","CTR","Position"\n'
            '"leinentasche","12","1.400","0,86 %","6,2"\n"einkaufstasche leinen","3","250","1,2 %","11,75"\n')
    result = await ingest(app, "gsc", write(tmp_path, "Suchanfragen.csv", text),
                          period=(date(2026, 10, 1), date(2026, 10, 28)))
    assert result["format"] == "gsc-ui"
    assert await rows(app, t.GscUiStat, "key", "clicks", "impressions", "position", order=("key",)) == [
        ("einkaufstasche leinen", 3, 250, 11.75), ("leinentasche", 12, 1400, 6.2)]


GA4_JSON = {
    "dimensionHeaders": [{"name": "date"}, {"name": "landingPagePlusQueryString"},
                         {"name": "sessionDefaultChannelGroup"}],
    "metricHeaders": [{"name": "sessions", "type": "TYPE_INTEGER"}, {"name": "engagedSessions"},
                      {"name": "conversions"}, {"name": "purchaseRevenue", "type": "TYPE_CURRENCY"},
                      {"name": "ecommercePurchases"}],
    "rowCount": 3,
}


def _ga4_row(d: str, page: str, channel: str, *metrics: str) -> dict[str, object]:
    return {"dimensionValues": [{"value": d}, {"value": page}, {"value": channel}],
            "metricValues": [{"value": v} for v in metrics]}


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_ga4_run_reports_merge_query_strings_and_accept_the_older_metric_names(
        app: App, tmp_path: Path) -> None:
    pages = [{**GA4_JSON, "rows": [_ga4_row("20261101", "/products/linen-tote", "Organic Search",
                                            "100", "60", "3", "150.5", "3"),
                                   _ga4_row("20261101", "/products/linen-tote?utm_source=x", "Organic Search",
                                            "20", "10", "1", "49.5", "1")]},
             {**GA4_JSON, "rows": [_ga4_row("20261102", "(not set)", "Direct", "5", "1", "0", "0", "0")]}]
    result = await ingest(app, "ga4", write(tmp_path, "report.json", json.dumps(pages)))
    assert result["format"] == "ga4-json"
    assert await rows(app, t.Ga4Daily, "landing_page", "channel", "day", "sessions", "engaged_sessions",
                      "key_events", "revenue", "purchases") == [
        ("/products/linen-tote", "Organic Search", date(2026, 11, 1), 120, 70, 4.0, 200.0, 4)]
    assert any("(not set)" in n for n in result["notes"])
    periods = {r[0]: r[1] for r in await rows(app, t.Ga4Stat, "period", "sessions")}
    assert periods == {"recent": 120, "last28": 120}


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_ga4_csv_with_its_comment_block_and_display_names_is_read(app: App, tmp_path: Path) -> None:
    text = ("# ----------------------------------------\n# Landing page\n# Start date: 20261101\n"
            "# End date: 20261107\n# ----------------------------------------\n\n"
            "Landing page,Session default channel group,Date,Sessions,Engaged sessions,Key events,Total revenue\n"
            "/products/linen-tote,Email,20261103,40,30,2,96.00\n"
            "/,Direct,20261103,200,120,1,40\n"
            "\n# Totals\nSessions,240\n")
    result = await ingest(app, "ga4", write(tmp_path, "ga4.csv", text))
    assert result["format"] == "ga4-csv" and result["rows_read"] == 2
    assert await rows(app, t.Ga4Daily, "landing_page", "key_events", "revenue", "purchases",
                      order=("landing_page",)) == [("/", 1.0, 40.0, 0), ("/products/linen-tote", 2.0, 96.0, 0)]


PRODUCTS = """\
Handle,Title,Body (HTML),Vendor,Type,Tags,Published,Option1 Name,Option1 Value,Variant SKU,Variant Inventory Qty,Variant Price,Variant Compare At Price,Cost per item,Image Src,SEO Title,SEO Description,Status
linen-tote,Linen Tote,"<p>Woven,
washable.</p>",Atelier Nord,Tote Bag,"bags, linen",TRUE,Color,Sand,LT-SAND,12,48.00,60.00,19.50,https://cdn/1.jpg,Linen Tote Bag | Shop,,active
linen-tote,,,,,,,,Black,LT-BLACK,3,48.00,,19.50,,,,
linen-tote,,,,,,,,,,,,,,https://cdn/2.jpg,,,
wool-beanie,Wool Beanie,,Fieldknit,Beanie,,FALSE,Title,Default Title,WB-1,,29.00,,,,,,active
"""


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_the_shopify_product_export_becomes_products_with_their_variants(app: App, tmp_path: Path) -> None:
    result = await ingest(app, "shopify-products", write(tmp_path, "products_export.csv", PRODUCTS))
    assert result["counts"] == {"products": 2, "variants": 3} and result["rows_read"] == 4
    products = await rows(app, m.Product, "handle", "title", "body_html", "vendor", "product_type", "status",
                          "seo_title", order=("handle",))
    assert products == [("linen-tote", "Linen Tote", "<p>Woven,\nwashable.</p>", "Atelier Nord", "Tote Bag", "active",
                         "Linen Tote Bag | Shop"),
                        ("wool-beanie", "Wool Beanie", "", "Fieldknit", "Beanie", "draft", "")]
    assert await rows(app, m.Variant, "sku", "title", "price", "compare_at_price", "cost", "inventory_qty",
                      order=("sku",)) == [("LT-BLACK", "Black", 48.0, None, 19.5, 3),
                                          ("LT-SAND", "Sand", 48.0, 60.0, 19.5, 12),
                                          ("WB-1", "Wool Beanie", 29.0, None, None, 0)]


ORDERS = """\
Name,Email,Financial Status,Paid at,Fulfillment Status,Currency,Subtotal,Shipping,Taxes,Total,Discount Code,Discount Amount,Created at,Lineitem quantity,Lineitem name,Lineitem price,Lineitem sku,Billing Name,Billing Address1,Billing City,Billing Zip,Billing Country,Billing Phone,Shipping Name,Shipping Address1,Shipping City,Shipping Zip,Shipping Country,Cancelled at,Refunded Amount,Id,Tags,Risk Level,Source,Payment Method
#1001,Jane.Roe@Example.com,paid,2026-11-03 14:22:10 -0500,fulfilled,USD,96.00,0.00,7.68,103.68,,0.00,2026-11-03 14:22:10 -0500,1,Linen Tote - Sand,48.00,LT-SAND,Jane Roe,12 Harbor Lane,Portland,04101,US,+1 207 555 0143,Jane Roe,12 Harbor Lane,Portland,04101,US,,0.00,5001,vip,Low,web,Shopify Payments
#1001,Jane.Roe@Example.com,,,,,,,,,,,,1,Linen Tote - Black,48.00,LT-BLACK,,,,,,,,,,,,,,,,,,
#1002,k.ward@mailinator.com,paid,2026-11-04 02:10:00 +0000,unfulfilled,USD,240.00,0.00,0.00,240.00,,0.00,2026-11-04 02:10:00 +0000,5,Wool Beanie,48.00,WB-1,K Ward,1 Elm St,Dover,19901,US,,Kim Ward,14 Adeola Odeku Street,Lagos,101241,NG,,0.00,5002,,High,web,Shopify Payments
"""


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_orders_keep_tokenized_customers_and_derived_features_and_the_raw_values_only_in_the_vault(
        app: App, tmp_path: Path) -> None:
    result = await ingest(app, "shopify-orders", write(tmp_path, "orders_export.csv", ORDERS))
    assert result["counts"] == {"orders": 2, "lines": 3}
    orders = await rows(app, m.Order, "name", "email_domain", "email_disposable", "billing_country",
                        "shipping_country", "total", "risk_level", "created_at", "fulfillment_status",
                        order=("name",))
    assert orders == [
        ("#1001", "example.com", False, "US", "US", 103.68, "low", datetime(2026, 11, 3, 19, 22, 10, tzinfo=timezone.utc),
         "fulfilled"),
        ("#1002", "mailinator.com", True, "US", "NG", 240.0, "high", datetime(2026, 11, 4, 2, 10, tzinfo=timezone.utc),
         "unfulfilled")]
    assert await rows(app, m.OrderLine, "line_no", "sku", "quantity", "price", order=("order_id", "line_no")) == [
        (1, "LT-SAND", 1, 48.0), (2, "LT-BLACK", 1, 48.0), (1, "WB-1", 5, 48.0)]
    stored = json.dumps([list(r) for r in await rows(app, m.Order) + await rows(app, m.OrderLine)], default=str)
    for raw in ("jane.roe", "jane roe", "harbor lane", "555 0143", "adeola", "k.ward@", "kim ward"):
        assert raw not in stored.lower()
    refs = (await rows(app, m.Order, "email_ref", "name_ref", "shipping_address_ref", order=("name",)))[0]
    assert all(refs) and refs[0].startswith("em_") and refs[1].startswith("nm_") and refs[2].startswith("ad_")
    revealed = await invoke(app.deps, OPERATOR, "pii.reveal", ref=refs[0], reason="checking an import")
    assert revealed["value"] == "Jane.Roe@Example.com"
    customer = (await rows(app, m.Order, "customer_ref", order=("name",)))[0][0]
    assert customer.startswith("cus_")


def _decoded(batch: object) -> dict[tuple[str, str, int], tuple[int, int, float]]:
    from tools.ingest.batches import DAY_BITS, QUERY_BITS

    b: Any = batch
    out = {}
    for key, slot in b.slots.items():
        page, query, day = key >> (QUERY_BITS + DAY_BITS), (key >> DAY_BITS) & ((1 << QUERY_BITS) - 1), \
            key & ((1 << DAY_BITS) - 1)
        out[(b.pages.values[page], b.queries.values[query], day)] = (b.impressions[slot], b.clicks[slot],
                                                                     round(b.position_sum[slot], 6))
    return out


def test_the_column_fast_path_reads_a_big_export_exactly_as_the_row_parser_does(tmp_path: Path) -> None:
    import random

    from tools.ingest import gsc_bulk, gsc_fast
    from tools.ingest.problems import Problems

    rng = random.Random(3)
    lines = [BULK.splitlines()[0]]
    for n in range(6000):
        url = f"https://shop.example/products/p{rng.randrange(40)}"
        anonymized = rng.random() < 0.1
        kind = "IMAGE" if rng.random() < 0.03 else "WEB"
        imp = rng.randint(1, 30)
        lines.append(f"2026-11-{1 + n % 20:02d},sc-domain:shop.example,{url},{'' if anonymized else f'q{rng.randrange(300)}'},"
                     f"{str(anonymized).lower()},{rng.choice(['usa', 'gbr'])},{kind},MOBILE,{imp},"
                     f"{rng.randint(0, imp)},{imp * rng.uniform(0, 20):.2f}")
    path = write(tmp_path, "big.csv", "\n".join(lines) + "\n")
    with path.open("rb") as f:
        slow = gsc_bulk.parse(f, name="big.csv", size=path.stat().st_size, problems=Problems())
    fast = gsc_fast.parse(path)
    assert fast is not None
    assert _decoded(fast) == _decoded(slow) and fast.read == slow.read == 6000
    assert fast.notes == slow.notes
    # at the first doubt the fast path steps aside, so the row parser can say which line is wrong
    bad = write(tmp_path, "bad.csv", "\n".join(lines[:100] + [lines[100].replace(",MOBILE,", ",MOBILE,x")]) + "\n")
    assert gsc_fast.parse(bad) is None


def _days(start: date, days: int, rows_for: Any) -> str:
    """A bulk export over ``days`` days from ``start``: ``rows_for(day_number)`` gives each day's rows."""
    lines = [BULK.splitlines()[0]]
    for n in range(days):
        day = (start + timedelta(days=n)).isoformat()
        lines += [f"{day},sc-domain:shop.example,https://shop.example{path},{query},false,usa,WEB,MOBILE,"
                  f"{imp},{clk},{pos}" for path, query, imp, clk, pos in rows_for(n)]
    return "\n".join(lines) + "\n"


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_pages_carry_the_earlier_window_only_when_the_data_reaches_back_over_it(app: App, tmp_path: Path
                                                                                    ) -> None:
    start = date(2026, 8, 1)

    def rows_for(n: int) -> list[tuple[str, str, int, int, float]]:
        out = [("/products/linen-tote", "linen tote", 100, 10, 300.0)]  # position 4 every day
        if n < 10:
            out.append(("/collections/bags", "tote bags", 20, 2, 20.0))  # seen only in the first days
        return out

    # 83 days: the earlier window is not all there, and nothing is read into it (a part would read as a drop)
    await ingest(app, "gsc", write(tmp_path, "83.csv", _days(start + timedelta(days=1), 83, rows_for)))
    windows = (await invoke(app.deps, OPERATOR, "telemetry.read"))["sources"][0]["details"]["windows"]
    assert "earlier" not in windows
    assert {tuple(r) for r in await rows(app, t.GscPageStat, "earlier_impressions", "earlier_clicks")} == \
        {(None, None)}

    # 84 days: the current window, the previous one and the earlier one exactly
    await ingest(app, "gsc", write(tmp_path, "84.csv", _days(start, 84, rows_for)))
    windows = (await invoke(app.deps, OPERATOR, "telemetry.read"))["sources"][0]["details"]["windows"]
    assert windows["earlier"] == {"start": "2026-08-01", "end": "2026-08-28", "days": 28}
    pages = dict(await rows(app, t.GscPage, "id", "path"))
    stats = {pages[p]: rest for p, *rest in await rows(app, t.GscPageStat, "page_id", "earlier_impressions",
                                                         "earlier_clicks", "earlier_position_sum")}
    # the collection was seen in the earlier window only, so it has no rollup row of its own
    assert stats == {"/products/linen-tote": [2800, 280, 8400.0]}
