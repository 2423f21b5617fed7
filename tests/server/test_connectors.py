"""Live connectors against loopback servers: paging, retries, throttling and credential errors."""

from __future__ import annotations

import asyncio
import json
import re
import os
import subprocess
import sys
from datetime import date
from pathlib import Path
from typing import Any

import pytest
from cryptography.hazmat.primitives import serialization
from cryptography.hazmat.primitives.asymmetric import rsa
from pydantic import SecretStr

from server.app import App
from server.connectors import Http, connector_for
from server.persistence import models as m
from server.persistence import models_telemetry as t
from tests.conftest import TEST_SECRET
from tests.ingest.helpers import OPERATOR, nothing_written, rows
from tests.loopback import serve_asgi
from tests.server.api_stubs import PROPERTY, SITE, FakeClock, GoogleStub, ShopifyStub
from tools.registry import invoke
from tools.sync import ConnectorError

SINCE, UNTIL = date(2026, 10, 1), date(2026, 10, 28)


def gsc_rows(n: int) -> list[dict[str, Any]]:
    return [{"keys": [f"2026-10-{1 + i % 28:02d}", f"query {i}", f"https://shop.example/products/p{i % 50}"],
             "clicks": i % 3, "impressions": 10 + i % 7, "ctr": 0.1, "position": 1.0 + (i % 20)} for i in range(n)]


def ga4_rows(n: int) -> list[dict[str, Any]]:
    return [{"dimensionValues": [{"value": f"202610{1 + i % 28:02d}"}, {"value": f"/products/p{i}?utm=x"},
                                 {"value": "Organic Search"}],
             "metricValues": [{"value": "20"}, {"value": "12"}, {"value": "1"}, {"value": "50.00"}, {"value": "1"}]}
            for i in range(n)]


def credentials(tmp_path: Path, token_url: str, **extra: Any) -> Path:
    path = tmp_path / "google.json"
    path.write_text(json.dumps({"type": "authorized_user", "client_id": "cid", "client_secret": "cs",
                                "refresh_token": "refresh-1", "token_uri": token_url, **extra}))
    return path


def settings_for(app: App, **values: Any) -> Any:
    if isinstance(values.get("shopify_token"), str):
        values["shopify_token"] = SecretStr(values["shopify_token"])
    return app.settings.model_copy(update=values)


async def sync(app: App, source: str, clock: FakeClock, **settings: Any) -> dict[str, Any]:
    http = Http(sleep=clock.sleep)
    try:
        connector = connector_for(source, settings_for(app, **settings), http)
        if hasattr(connector, "page_size"):
            connector.page_size = 1000  # small pages, so a few thousand rows exercise the paging
        return await invoke(app.deps, OPERATOR, "telemetry.sync", connector=connector, since=SINCE, until=UNTIL)
    finally:
        await http.aclose()


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_search_console_pages_retries_after_429_refreshes_an_expired_token_and_imports(
        app: App, tmp_path: Path) -> None:
    clock = FakeClock()
    stub = GoogleStub(clock, gsc_rows=gsc_rows(2500), retry_after=7, expire_next=False)
    async with serve_asgi(stub.app()) as url:
        creds = credentials(tmp_path, f"{url}/token")
        settings = {"google_credentials": creds, "gsc_site": SITE, "gsc_api_url": f"{url}/webmasters/v3"}
        first = await sync(app, "gsc", clock, **settings)
        stub.expire_next = True
        again = await sync(app, "gsc", clock, **settings)
    # pages of 1,000 rows: 0, 1000, 2000; plus the repeated first call after the 429
    starts = [body["startRow"] for api, body in stub.requests if api == "gsc"]
    assert starts[:3] == [0, 1000, 2000] and len(starts) == 6
    assert stub.requests[0][1]["dimensions"] == ["date", "query", "page"] and stub.requests[0][1]["type"] == "web"
    assert 7 in clock.sleeps
    assert len(stub.tokens) >= 3  # one per sync, plus the refresh after the early expiry
    imported = first["imports"][0]
    assert (imported["status"], imported["rows_read"], imported["rows_written"]) == ("imported", 2500, 2500)
    assert again["imports"][0]["status"] == "unchanged"
    assert len(await rows(app, t.GscDaily)) == 2500


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_revoked_google_credentials_are_reported_and_nothing_is_written(app: App, tmp_path: Path) -> None:
    clock = FakeClock()
    stub = GoogleStub(clock, gsc_rows=gsc_rows(10), revoked=True)
    async with serve_asgi(stub.app()) as url:
        with pytest.raises(ConnectorError) as caught:
            await sync(app, "gsc", clock, google_credentials=credentials(tmp_path, f"{url}/token"), gsc_site=SITE,
                       gsc_api_url=f"{url}/webmasters/v3")
    assert caught.value.code == "credentials_invalid"
    assert "expired or revoked" in caught.value.message and "re-authorize" in caught.value.message
    assert await nothing_written(app)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_service_account_signs_its_token_request(app: App, tmp_path: Path) -> None:
    key = rsa.generate_private_key(public_exponent=65537, key_size=2048)
    pem = key.private_bytes(serialization.Encoding.PEM, serialization.PrivateFormat.PKCS8,
                            serialization.NoEncryption()).decode()
    clock = FakeClock()
    stub = GoogleStub(clock, gsc_rows=gsc_rows(5), public_key=key.public_key())
    async with serve_asgi(stub.app()) as url:
        path = tmp_path / "sa.json"
        path.write_text(json.dumps({"type": "service_account", "client_email": "bot@p.iam.gserviceaccount.com",
                                    "private_key": pem, "token_uri": f"{url}/token"}))
        result = await sync(app, "gsc", clock, google_credentials=path, gsc_site=SITE,
                            gsc_api_url=f"{url}/webmasters/v3")
    assert result["imports"][0]["rows_written"] == 5


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_ga4_pages_by_offset_and_backs_off_when_the_service_is_unavailable(app: App, tmp_path: Path) -> None:
    clock = FakeClock()
    stub = GoogleStub(clock, ga4_rows=ga4_rows(2300), unavailable=2)
    async with serve_asgi(stub.app()) as url:
        result = await sync(app, "ga4", clock, google_credentials=credentials(tmp_path, f"{url}/token"),
                            ga4_property=PROPERTY, ga4_api_url=f"{url}/v1beta")
    offsets = [body["offset"] for api, body in stub.requests if api == "ga4"]
    assert offsets == [0, 1000, 2000]
    assert clock.sleeps[:2] == [1.0, 2.0]  # exponential backoff on 503
    assert result["imports"][0]["rows_read"] == 2300
    assert len(await rows(app, t.Ga4Daily)) == 2300


def shopify_products(n: int) -> list[dict[str, Any]]:
    return [{"handle": f"p{i}", "title": f"Product {i}", "descriptionHtml": "<p>Nice</p>", "vendor": "Acme",
             "productType": "Mug", "tags": ["kitchen"], "status": "ACTIVE", "seo": {"title": None, "description": ""},
             "variants": {"nodes": [{"sku": f"P{i}-A", "title": "Default Title", "price": "12.50",
                                     "compareAtPrice": None, "inventoryQuantity": 7,
                                     "inventoryItem": {"unitCost": {"amount": "4.10"}}}]}} for i in range(n)]


def shopify_orders() -> list[dict[str, Any]]:
    address = {"name": "Jane Roe", "address1": "12 Harbor Lane", "address2": None, "city": "Portland",
               "zip": "04101", "provinceCode": "ME", "countryCodeV2": "US", "phone": "+12075550143"}
    money = lambda a: {"shopMoney": {"amount": a}}  # noqa: E731
    return [{"legacyResourceId": str(5000 + i), "name": f"#{1001 + i}", "email": f"jane{i}@example.com",
             "createdAt": f"2026-10-0{1 + i}T10:00:00Z", "processedAt": f"2026-10-0{1 + i}T10:00:00Z",
             "cancelledAt": None, "displayFinancialStatus": "PAID", "displayFulfillmentStatus": "UNFULFILLED",
             "currencyCode": "USD", "discountCodes": [], "tags": [], "sourceName": "web",
             "paymentGatewayNames": ["shopify_payments"], "subtotalPriceSet": money("25.00"),
             "totalShippingPriceSet": money("0.00"), "totalTaxSet": money("2.00"), "totalPriceSet": money("27.00"),
             "totalDiscountsSet": money("0.00"), "totalRefundedSet": money("0.00"),
             "risk": {"assessments": [{"riskLevel": "LOW"}, {"riskLevel": "HIGH" if i == 2 else "NONE"}]},
             "billingAddress": address, "shippingAddress": address,
             "lineItems": {"nodes": [{"sku": "P0-A", "name": "Product 0", "quantity": 2,
                                      "originalUnitPriceSet": money("12.50")}]}} for i in range(3)]


@pytest.mark.parametrize("backend", ["sqlite", "postgres"], indirect=True)
async def test_shopify_waits_for_its_query_cost_bucket_and_retries_when_throttled(app: App) -> None:
    clock = FakeClock()
    stub = ShopifyStub(clock, products=shopify_products(5), orders=shopify_orders())
    async with serve_asgi(stub.app()) as url:
        settings = {"shopify_shop": "demo.myshopify.com", "shopify_token": "shpat_test", "shopify_api_url": url}
        products = await sync(app, "shopify-products", clock, **settings)
        stub.available = 0.0  # another app drained the bucket: the next query is THROTTLED
        orders = await sync(app, "shopify-orders", clock, **settings)
    assert products["imports"][0]["counts"] == {"products": 5, "variants": 5}
    assert orders["imports"][0]["counts"] == {"orders": 3, "lines": 3}
    # a bucket of 100 refilling 50 a second, 60 a query: later pages wait for the refill, never fail
    assert clock.sleeps and all(s > 0 for s in clock.sleeps) and stub.throttled >= 1
    assert len(stub.queries) == 3 + 2 + stub.throttled  # 3 product pages, 2 order pages, the throttled retries
    variants = await rows(app, m.Variant, "sku", "price", "cost", "inventory_qty", order=("sku",))
    assert variants[0] == ("P0-A", 12.5, 4.1, 7)
    stored = await rows(app, m.Order, "name", "risk_level", "email_domain", "financial_status", order=("name",))
    assert stored[2] == ("#1003", "high", "example.com", "paid")
    assert "Harbor Lane" not in json.dumps([list(r) for r in await rows(app, m.Order)], default=str)


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_shopify_pages_stay_under_the_query_cost_limit_and_nothing_is_cut(app: App) -> None:
    """Shopify refuses a document whose requested cost is over 1,000 points (a connection costs
    2 plus ``first`` times its items): pages are small, and a product with 60 variants or an
    order with 40 line items is completed by follow-up pages instead of being cut short."""
    clock = FakeClock()
    products = shopify_products(3)
    products[1]["id"] = "gid://shopify/Product/2"
    products[1]["variants"]["nodes"] = [{**products[1]["variants"]["nodes"][0], "sku": f"P1-{n}"} for n in range(60)]
    orders = shopify_orders()
    orders[0]["id"] = "gid://shopify/Order/1"
    orders[0]["lineItems"]["nodes"] = [{**orders[0]["lineItems"]["nodes"][0], "sku": f"L{n}"} for n in range(40)]
    stub = ShopifyStub(clock, products=products, orders=orders, maximum=10_000.0, available=10_000.0)
    async with serve_asgi(stub.app()) as url:
        settings = {"shopify_shop": "demo.myshopify.com", "shopify_token": "shpat_test", "shopify_api_url": url}
        synced = await sync(app, "shopify-products", clock, **settings)
        ordered = await sync(app, "shopify-orders", clock, **settings)
    assert synced["imports"][0]["counts"] == {"products": 3, "variants": 62}
    assert ordered["imports"][0]["counts"] == {"orders": 3, "lines": 42}
    for q in stub.queries:
        firsts = [int(n) for n in re.findall(r"\(first: (\d+)", q["query"])]
        assert firsts and (firsts[0] * max(firsts[1:] or [1]) <= 300 or firsts == [100]), q["query"][:80]


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_a_refused_shopify_token_is_a_clear_error(app: App) -> None:
    clock = FakeClock()
    stub = ShopifyStub(clock, token="the-real-one", products=shopify_products(1))
    async with serve_asgi(stub.app()) as url:
        with pytest.raises(ConnectorError) as caught:
            await sync(app, "shopify-products", clock, shopify_shop="demo.myshopify.com", shopify_token="stale",
                       shopify_api_url=url)
    assert caught.value.code == "credentials_invalid" and "GROWTH_SHOPIFY_TOKEN" in caught.value.message


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_an_unconfigured_source_names_the_setting_to_set(app: App) -> None:
    for source, setting in (("gsc", "GROWTH_GOOGLE_CREDENTIALS"), ("shopify-orders", "GROWTH_SHOPIFY_TOKEN")):
        with pytest.raises(ConnectorError) as caught:
            await sync(app, source, FakeClock())
        assert caught.value.code == "not_configured" and setting in caught.value.message


@pytest.mark.parametrize("backend", ["sqlite"], indirect=True)
async def test_growth_sync_imports_from_the_command_line(app: App, db_url: str, tmp_path: Path) -> None:
    stub = GoogleStub(FakeClock(), gsc_rows=gsc_rows(40))
    async with serve_asgi(stub.app()) as url:
        env = os.environ | {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET,
                            "GROWTH_GOOGLE_CREDENTIALS": str(credentials(tmp_path, f"{url}/token")),
                            "GROWTH_GSC_SITE": SITE, "GROWTH_GSC_API_URL": f"{url}/webmasters/v3"}
        done = await asyncio.to_thread(subprocess.run, [sys.executable, "-m", "server.cli", "sync", "gsc", "--days",
                                                        "28", "--until", "2026-10-28"],
                                       env=env, capture_output=True, text=True, timeout=120)
    assert done.returncode == 0, done.stderr
    assert "40 rows read, 40 written" in done.stdout
    assert stub.requests[0][1]["startDate"] == "2026-10-01" and stub.requests[0][1]["endDate"] == "2026-10-28"
