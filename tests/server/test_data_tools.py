"""Importing store data through MCP: inline content, the import folder, local paths, and refusals."""

from __future__ import annotations

import base64
import io
import zipfile
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from mcp import Client

from policies.principal import Principal
from server.app import App, create_app
from tests.conftest import make_settings
from tests.ingest.test_formats import BULK, PRODUCTS
from tests.server.conftest import MODES, http_client, serve_http
from tests.server.test_stdio import server_params
from tools.tokens import create_token


@pytest.fixture
async def remote(db_url: str, tmp_path: Path) -> AsyncIterator[tuple[App, str, dict[str, str]]]:
    app = await create_app(make_settings(db_url, import_dir=tmp_path / "imports"))
    (tmp_path / "imports").mkdir()
    op = Principal.operator("demo")
    tokens = {role: (await create_token(app.deps, op, tenant="demo", role=r, scopes=s))[0]
              for role, r, s in (("operator", "operator", []), ("assistant", "assistant", ["read", "propose"]))}
    async with serve_http(app) as url:
        yield app, url, tokens
    await app.close()


@pytest.mark.parametrize("mode", MODES)
async def test_a_remote_operator_imports_inline_content_and_files_from_the_import_folder(
        remote: tuple[App, str, dict[str, str]], tmp_path: Path, mode: str) -> None:
    _, url, tokens = remote
    (tmp_path / "imports" / "bulk.csv").write_text(BULK)
    (tmp_path / "outside.csv").write_text(BULK)
    async with http_client(url, tokens["operator"], mode) as client:
        products = await client.call_tool("ingest", {"source": "shopify-products", "content": PRODUCTS,
                                                     "name": "products_export.csv"})
        assert not products.is_error, products.content
        assert products.structured_content["result"]["counts"] == {"products": 2, "variants": 3}
        bulk = await client.call_tool("ingest", {"source": "gsc", "path": "bulk.csv"})
        assert bulk.structured_content["result"]["rows_written"] == 3
        again = await client.call_tool("ingest", {"source": "gsc", "path": "bulk.csv"})
        assert again.structured_content["result"]["status"] == "unchanged"
        for escape in ("../outside.csv", str(tmp_path / "outside.csv")):
            refused = await client.call_tool("ingest", {"source": "gsc", "path": escape})
            assert refused.is_error and "[path_not_allowed]" in refused.content[0].text
        status = await client.call_tool("telemetry_status", {})
        assert {s["source"] for s in status.structured_content["telemetry"]["sources"]} == {"gsc",
                                                                                           "shopify-products"}


@pytest.mark.parametrize("mode", ["2026-07-28"])
async def test_a_zip_travels_as_base64_and_a_bad_file_comes_back_as_a_tool_error_with_lines(
        remote: tuple[App, str, dict[str, str]], mode: str) -> None:
    _, url, tokens = remote
    buf = io.BytesIO()
    with zipfile.ZipFile(buf, "w") as z:
        z.writestr("Queries.csv", "Top queries,Clicks,Impressions,CTR,Position\nlinen tote,3,90,3.3%,5.1\n")
        z.writestr("Dates.csv", "Date,Clicks,Impressions,CTR,Position\n2026-11-01,3,90,3.3%,5.1\n")
    async with http_client(url, tokens["operator"], mode) as client:
        ui = await client.call_tool("ingest", {"source": "gsc", "content_base64": base64.b64encode(buf.getvalue())
                                               .decode(), "name": "export.zip"})
        assert ui.structured_content["result"]["format"] == "gsc-ui"
        bad = await client.call_tool("ingest", {"source": "gsc", "content": BULK.replace(",100,5,", ",1OO,5,")})
        assert bad.is_error and "[import_rejected]" in bad.content[0].text and "line 2" in bad.content[0].text


async def test_an_assistant_token_cannot_import(remote: tuple[App, str, dict[str, str]]) -> None:
    _, url, tokens = remote
    async with http_client(url, tokens["assistant"], "legacy") as client:
        assert "ingest" not in {t.name for t in (await client.list_tools()).tools}
        refused = await client.call_tool("ingest", {"source": "gsc", "content": BULK})
        assert refused.is_error


async def test_the_local_operator_over_stdio_imports_any_path(db_url: str, tmp_path: Path) -> None:
    path = tmp_path / "anywhere" / "products_export.csv"
    path.parent.mkdir()
    path.write_text(PRODUCTS)
    async with Client(server_params(db_url, tmp_path), mode="legacy") as client:
        result = await client.call_tool("ingest", {"source": "shopify-products", "path": str(path)})
        assert not result.is_error, result.content
        assert result.structured_content["result"]["status"] == "imported"
        setting = await client.call_tool("set_inventory_setting", {"scope": "vendor", "key": "Atelier Nord",
                                                                   "lead_time_days": 21})
        assert setting.structured_content["setting"]["lead_time_days"] == 21
