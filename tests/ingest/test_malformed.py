"""Bad files are refused whole, with reasons that name the line, and nothing is written."""

from __future__ import annotations

import codecs
import json
from pathlib import Path

import pytest

from server.app import App
from server.persistence import models_telemetry as t
from tests.ingest.helpers import ingest, nothing_written, rows, write
from tests.ingest.test_formats import BULK, ORDERS, PRODUCTS
from tools.ingest.problems import FileRejected

HEADER = BULK.splitlines()[0]
GOOD = BULK.splitlines()[1]


def bulk(*lines: str) -> str:
    return "\n".join([HEADER, *lines]) + "\n"


CASES = [
    # (name, source, file content, code, lines named in the problems, words in the message)
    ("wrong header", "gsc", "page,clicks\n/x,3\n", "bad_header", [], "lacks the columns"),
    ("no header: data on line 1", "ga4", "20261101,/products/x,Direct,5,2,1,10.0,1\n", "bad_header", [],
     "lacks the columns"),
    ("a word for a number", "gsc", bulk(GOOD, GOOD.replace(",100,5,", ",many,5,")), "import_rejected", [3],
     "impressions 'many' is not a number"),
    ("a decimal comma", "gsc", bulk(GOOD.replace(",400", ',"3,5"')), "import_rejected", [2], "decimal comma"),
    ("clicks above impressions", "gsc", bulk(GOOD, GOOD.replace(",100,5,", ",4,5,")), "import_rejected", [3],
     "exceed impressions"),
    ("a bad date", "gsc", bulk(GOOD.replace("2026-11-01", "2026-13-01")), "import_rejected", [2], "not a date"),
    ("a ragged row", "gsc", bulk(GOOD, GOOD, "2026-11-01,sc-domain:x,https://shop.example/a,q,false"),
     "import_rejected", [4], "5 fields where the header has 11"),
    ("a byte-order mark and a bad row", "gsc", "\ufeff" + bulk(GOOD, GOOD.replace(",5,400", ",5,lots")),
     "import_rejected", [3], "sum_position 'lots'"),
    ("an empty file", "gsc", "", "empty_file", [], "is empty"),
    ("only blank lines", "shopify-orders", "\n\n  \n", "empty_file", [], "is empty"),
    ("a header and no rows", "gsc", HEADER + "\n", "no_rows", [], "no usable rows"),
    ("products given as orders", "shopify-orders", PRODUCTS, "wrong_source", [], "growth ingest shopify-products"),
    ("orders given as products", "shopify-products", ORDERS, "wrong_source", [], "growth ingest shopify-orders"),
    ("search console given as GA4", "ga4", BULK, "wrong_source", [], "growth ingest gsc"),
    ("GA4 JSON given as search console", "gsc", json.dumps({"dimensionHeaders": [], "metricHeaders": [], "rows": []}),
     "wrong_source", [], "growth ingest ga4"),
    ("an order with a bad total", "shopify-orders", ORDERS.replace(",103.68,", ",1O3.68,"), "import_rejected",
     [2, 3], "Total '1O3.68' is not a number; line 3: part of order #1001, refused on line 2"),
    ("an order with a decimal comma", "shopify-orders", ORDERS.replace(",103.68,", ',"103,68",'), "import_rejected",
     [2, 3], "decimal comma"),
    ("a time without a zone", "shopify-orders", ORDERS.replace("2026-11-04 02:10:00 +0000,5", "2026-11-04 02:10:00,5"),
     "import_rejected", [4], "no time zone"),
    ("a variant without a SKU", "shopify-products", PRODUCTS.replace("LT-BLACK", ""), "import_rejected", [4],
     "Variant SKU is empty"),
    ("an API response without its dimensions", "gsc", json.dumps({"rows": []}), "dimensions_required", [],
     "--dimensions"),
    ("broken JSON", "ga4", '{"dimensionHeaders": [', "bad_json", [], "line 1 column"),
]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
@pytest.mark.parametrize(("name", "source", "content", "code", "lines", "words"), CASES, ids=[c[0] for c in CASES])
async def test_a_malformed_file_is_refused_with_reasons_and_nothing_is_written(
        app: App, tmp_path: Path, name: str, source: str, content: str, code: str, lines: list[int],
        words: str) -> None:
    suffix = ".json" if content.lstrip().startswith(("{", "[")) else ".csv"
    with pytest.raises(FileRejected) as caught:
        await ingest(app, source, write(tmp_path, "export" + suffix, content), dimensions=None)
    exc = caught.value
    assert exc.code == code
    assert words in exc.message
    assert [p.line for p in exc.problems] == lines
    assert await nothing_written(app)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_file_that_is_not_utf8_is_refused_with_the_line(app: App, tmp_path: Path) -> None:
    data = (bulk(GOOD, GOOD.replace("linen tote bag", "linen tote b\u00e4g"))).encode("utf-8")
    data = data.replace("b\u00e4g".encode(), b"b\xe4g")  # Latin-1, as a spreadsheet may save it
    with pytest.raises(FileRejected) as caught:
        await ingest(app, "gsc", write(tmp_path, "latin1.csv", data))
    assert caught.value.code == "bad_encoding" and "line 3: byte 0xe4" in caught.value.message
    assert await nothing_written(app)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_utf16_excel_export_with_a_byte_order_mark_is_read(app: App, tmp_path: Path) -> None:
    data = codecs.BOM_UTF16_LE + BULK.replace(",", "\t").encode("utf-16-le")
    result = await ingest(app, "gsc", write(tmp_path, "excel.txt", data))
    assert result["rows_written"] == 3


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_skip_bad_rows_imports_the_good_rows_and_reports_every_skipped_line(app: App, tmp_path: Path) -> None:
    content = bulk(GOOD, GOOD.replace(",100,5,", ",x,5,"), "2026-11-02,sc-domain:x,https://shop.example/b,q,false,"
                   "usa,WEB,MOBILE,10,1,20", "short,row")
    result = await ingest(app, "gsc", write(tmp_path, "mixed.csv", content), skip_bad_rows=True)
    assert result["status"] == "imported" and result["rows_skipped"] == 2
    assert [(p["line"], p["reason"]) for p in result["skipped"]] == [
        (3, "impressions 'x' is not a number"), (5, "2 fields where the header has 11")]
    assert len(await rows(app, t.GscDaily)) == 2
    report = (await rows(app, t.TelemetryImport, "rows_skipped", "report"))[0]
    assert report[0] == 2 and report[1]["skipped"][0]["line"] == 3


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_refused_file_is_audited_without_its_content(app: App, tmp_path: Path) -> None:
    from tools.audit import recent

    content = ORDERS.replace(",103.68,", ",oops,").replace("Jane.Roe@Example.com", "jane@secret.example")
    with pytest.raises(FileRejected):
        await ingest(app, "shopify-orders", write(tmp_path, "orders.csv", content))
    events = await recent(app.deps, "demo", event_prefix="telemetry.")
    assert [e["event"] for e in events] == ["telemetry.rejected"]
    assert events[0]["data"]["lines"] == [2, 3] and "secret.example" not in json.dumps(events)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_api_rows_that_do_not_fit_the_dimensions_are_named_by_row(app: App, tmp_path: Path) -> None:
    doc = {"rows": [{"keys": ["2026-11-01", "q", "https://shop.example/a"], "clicks": 1, "impressions": 2,
                     "position": 3}, {"keys": ["a"], "clicks": 1, "impressions": 2, "position": 3}]}
    with pytest.raises(FileRejected) as caught:
        await ingest(app, "gsc", write(tmp_path, "api.json", json.dumps(doc)), dimensions=["date", "query", "page"])
    assert [(p.unit, p.line) for p in caught.value.problems] == [("row", 2)]
    assert "do not match the 3 requested dimensions" in caught.value.message
    assert await nothing_written(app)
