"""The department charts: SVG for the console (valid XML, titled, its series named, the same bytes for the same
data), PNG for MCP; the ``chart`` tool and the ``weekly_report`` prompt over the official client and streamable
HTTP, on SQLite and PostgreSQL."""

from __future__ import annotations

import base64
import io
import xml.etree.ElementTree as ET
from typing import Any

import pytest
from PIL import Image

from server import charts
from server.app import App
from tests.conftest import Clock
from tests.server.conftest import MODES, Tokens, http_client
from tests.server.test_department import NOW, OP, seed_history
from tools.department import department_metrics

SVG = "{http://www.w3.org/2000/svg}"


async def metrics(app: App, weeks: int = 3) -> dict[str, Any]:
    app.deps.clock = Clock(NOW)
    await seed_history(app)
    return await department_metrics(app.deps, OP, weeks=weeks)


def texts(svg: bytes) -> str:
    root = ET.fromstring(svg)  # valid XML, or this raises
    assert root.tag == f"{SVG}svg"
    return " ".join("".join(e.itertext()) for e in root.iter() if e.tag in (f"{SVG}text", f"{SVG}title",
                                                                           f"{SVG}desc"))


@pytest.mark.parametrize(("name", "labels"), [
    ("proposals", ["content: proposals", "content: approval rate", "analytics: proposals", "Proposals (count)",
                   "Human approval rate (%)"]),
    ("revenue", ["Expected: every executed action", "Realised: measured outcomes", "Revenue ($)"]),
    ("store", ["Orders (count)", "Revenue ($)", "Conversion (%)", "Conversion (orders ÷ sessions)"]),
])
async def test_the_svg_is_titled_xml_with_its_series_named(app: App, name: charts.ChartName,
                                                         labels: list[str]) -> None:
    data = await metrics(app)
    svg = charts.render_chart(name, data, "svg")
    assert svg.startswith(b"<svg")  # inline-able: no XML prolog or doctype
    root = ET.fromstring(svg)
    assert root.find(f"{SVG}title") is not None and root.find(f"{SVG}title").text == charts.TITLES[name]
    assert root.get("role") == "img"
    words = texts(svg)
    for label in [charts.TITLES[name], *labels, "W45", "W47"]:
        assert label in words, (label, words[:500])
    assert b"dc:date" not in svg and b"<dc:date" not in svg
    # the same data, the same bytes (nothing time-dependent, no random ids)
    assert charts.render_chart(name, data, "svg") == svg


async def test_the_descriptions_carry_the_numbers(app: App) -> None:
    data = await metrics(app)
    assert "content: 5 proposals, 50% approved by people (2 of 4)" in charts.describe("proposals", data)
    assert "analytics: 1 proposal, no human decision yet" in charts.describe("proposals", data)
    assert ("3 actions executed, expected to bring $1,700. 2 measured so far: $350 realised against $1,200 "
            "expected of them.") in charts.describe("revenue", data)
    store = charts.describe("store", data)
    assert ("Last full week, 2026-W46: 0 orders (-100% on the week before), $0 revenue (-100% on the week before), "
            "conversion n/a.") in store
    assert "This week so far, 2026-W47: 4 orders, $200 revenue, conversion 4.0%." in store
    assert "Over the 3 weeks: 7 orders, $380." in store


@pytest.mark.parametrize("name", charts.CHART_NAMES)
async def test_the_png_decodes_at_a_sane_size(app: App, name: charts.ChartName) -> None:
    png = charts.render_chart(name, await metrics(app, weeks=12), "png")
    image = Image.open(io.BytesIO(png))
    image.load()
    assert image.format == "PNG" and image.width == 900 and 500 <= image.height <= 900
    assert len(image.convert("RGB").getcolors(maxcolors=1 << 20) or []) > 10  # something drawn, not a blank canvas


async def test_an_empty_store_still_draws_every_chart(app: App) -> None:
    data = await department_metrics(app.deps, OP, weeks=52)
    for name in charts.CHART_NAMES:
        said = texts(charts.render_chart(name, data, "svg"))
        assert {"proposals": "Nothing in these weeks yet", "revenue": "No action executed in these weeks yet",
                "store": "No orders in these weeks yet"}[name] in said
        assert "$-0" not in said and "$−0" not in said  # an empty money axis has a plain scale
        assert Image.open(io.BytesIO(charts.render_chart(name, data, "png"))).width == 900


def test_the_palette_keeps_its_contrast() -> None:
    def luminance(colour: str) -> float:
        channels = [int(colour[i:i + 2], 16) / 255 for i in (1, 3, 5)]
        lin = [c / 12.92 if c <= 0.03928 else ((c + 0.055) / 1.055) ** 2.4 for c in channels]
        return 0.2126 * lin[0] + 0.7152 * lin[1] + 0.0722 * lin[2]

    white = luminance(charts.BACKGROUND)
    for colour in charts.PALETTE:
        assert (white + 0.05) / (luminance(colour) + 0.05) >= 3.0, colour
    assert (white + 0.05) / (luminance(charts.INK) + 0.05) >= 7.0


def test_unknown_names_and_formats_are_refused() -> None:
    data = {"weeks": [], "agents": [], "store": []}
    with pytest.raises(ValueError, match="unknown chart"):
        charts.render_chart("pie", data)  # type: ignore[arg-type]
    with pytest.raises(ValueError, match="unknown chart format"):
        charts.render_chart("store", data, "gif")  # type: ignore[arg-type]


@pytest.mark.parametrize("mode", MODES)
async def test_the_chart_tool_returns_a_png_and_its_numbers(served: tuple[App, str], tokens: Tokens,
                                                            mode: str) -> None:
    app, url = served
    app.deps.clock = Clock(NOW)
    await seed_history(app)
    async with http_client(url, tokens.operator, mode) as client:
        tool = {t.name: t for t in (await client.list_tools()).tools}["chart"]
        assert tool.annotations is not None and tool.annotations.read_only_hint is True
        assert tool.input_schema["properties"]["name"]["enum"] == ["proposals", "revenue", "store"]
        result = await client.call_tool("chart", {"name": "revenue", "weeks": 3})
        assert not result.is_error, result.content
        text, image = result.content
        assert text.type == "text" and "$350 realised against $1,200" in text.text
        assert image.type == "image" and image.mime_type == "image/png"
        png = Image.open(io.BytesIO(base64.b64decode(image.data)))
        assert png.format == "PNG" and png.width == 900
        assert result.structured_content["name"] == "revenue"
        assert [w["week"] for w in result.structured_content["data"]["weeks"]] == ["2026-W45", "2026-W46",
                                                                                  "2026-W47"]
        refused = await client.call_tool("chart", {"name": "store", "weeks": 500})
        assert refused.is_error
    async with http_client(url, tokens.assistant_read, mode) as client:
        assert not (await client.call_tool("chart", {"name": "store"})).is_error
    async with http_client(url, tokens.customer, mode) as client:
        assert "chart" not in {t.name for t in (await client.list_tools()).tools}
        denied = await client.call_tool("chart", {"name": "store"})
        assert denied.is_error and "[forbidden]" in denied.content[0].text


@pytest.mark.parametrize("mode", MODES)
async def test_the_weekly_report_carries_the_charts(served: tuple[App, str], tokens: Tokens, mode: str) -> None:
    app, url = served
    app.deps.clock = Clock(NOW)
    await seed_history(app)
    async with http_client(url, tokens.operator, mode) as client:
        report = await client.get_prompt("weekly_report", {})
    first, *images = report.messages
    assert first.content.type == "text" and "demo" in first.content.text
    assert len(images) == len(charts.CHART_NAMES)
    for message in images:
        assert message.role == "user" and message.content.type == "image"
        assert message.content.mime_type == "image/png"
        assert Image.open(io.BytesIO(base64.b64decode(message.content.data))).format == "PNG"
