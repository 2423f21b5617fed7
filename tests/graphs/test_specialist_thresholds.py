"""The analytics and inventory specialists at their thresholds, on stores imported from real export formats.

Each threshold gets a case just above and one just below it; the stores are written as the exports a
store owner downloads (GA4 runReport JSON, Shopify product and order CSVs), imported, and the specialist
is run the way the operator runs it.
"""

from __future__ import annotations

import json
from collections.abc import Collection
from datetime import date, datetime, time, timedelta, timezone
from pathlib import Path
from typing import Any

import pytest

from graphs.runs import run_specialist
from policies import inventory as inv
from policies.principal import Principal
from server.app import App
from server.demo.files import ORDER_COLUMNS, PRODUCT_COLUMNS, _csv
from tests.ingest.helpers import OPERATOR, ingest
from tools.registry import invoke

SYSTEM = Principal.operator("demo", subject="operator:test")


async def _inputs(app: App, action: Any) -> list[dict[str, Any]]:
    """The expected-revenue arithmetic of an action, as ``get_action`` shows it."""
    detail = await invoke(app.deps, OPERATOR, "actions.get", action_id=action.id)
    return list(detail["explanation"]["expected_revenue"]["inputs"])


def _yesterday() -> date:
    return datetime.now(timezone.utc).date() - timedelta(days=1)


def _runreport(path: Path, cells: dict[tuple[date, str, str], tuple[int, int, int]]) -> Path:
    rows = [{"dimensionValues": [{"value": d.strftime("%Y%m%d")}, {"value": page}, {"value": channel}],
             "metricValues": [{"value": str(s)}, {"value": str(e)}, {"value": str(o)}, {"value": f"{o * 50:.2f}"},
                              {"value": str(o)}]}
            for (d, page, channel), (s, e, o) in sorted(cells.items())]
    body = {"dimensionHeaders": [{"name": n} for n in ("date", "landingPagePlusQueryString",
                                                       "sessionDefaultChannelGroup")],
            "metricHeaders": [{"name": n, "type": "TYPE_CURRENCY" if n == "totalRevenue" else "TYPE_INTEGER"}
                              for n in ("sessions", "engagedSessions", "keyEvents", "totalRevenue",
                                        "ecommercePurchases")],
            "rows": rows, "rowCount": len(rows), "metadata": {"currencyCode": "USD"}, "kind": "analyticsData#runReport"}
    path.write_text(json.dumps(body), encoding="utf-8")
    return path


def _page(cells: dict[tuple[date, str, str], tuple[int, int, int]], path: str, *, sessions: int, rate: float,
          drop: float, days_since: int, channels: tuple[str, ...] = ("Direct",), days: int = 56) -> None:
    """A page's daily traffic, split evenly over ``channels``, its conversion rate down by ``drop`` since."""
    end = _yesterday()
    owed = 0.0
    for n in range(days):
        day = end - timedelta(days=days - 1 - n)
        r = rate * (1 - drop) if n >= days - days_since else rate
        for channel in channels:
            s = sessions // len(channels)
            owed += s * r
            orders = int(owed)  # the expected count, carried day to day: no noise, exact rates
            owed -= orders
            cells[(day, path, channel)] = (s, int(s * 0.6), orders)


async def _analytics(app: App, tmp_path: Path, cells: dict[tuple[date, str, str], tuple[int, int, int]]
                     ) -> tuple[dict[str, Any], list[Any]]:
    await ingest(app, "ga4", _runreport(tmp_path / "ga4.json", cells))
    result = await run_specialist(app.deps, SYSTEM, "analytics")
    queue = await invoke(app.deps, OPERATOR, "actions.list", status="live", limit=100)
    return result, queue


async def test_a_three_quarter_conversion_drop_over_ten_days_on_a_mid_traffic_page_is_found(
        app: App, tmp_path: Path) -> None:
    cells: dict[tuple[date, str, str], tuple[int, int, int]] = {}
    # the miss: ~90 sessions a day over six channels, conversion down three quarters for ten days
    channels = ("Direct", "Organic Search", "Paid Search", "Email", "Referral", "Organic Social")
    _page(cells, "/products/dropped", sessions=90, rate=0.03, drop=0.75, days_since=10, channels=channels)
    for i in range(20):
        _page(cells, f"/products/steady-{i}", sessions=90, rate=0.03, drop=0.0, days_since=10, channels=channels)
    result, queue = await _analytics(app, tmp_path, cells)
    found = [a for a in queue if a.target == "page:/products/dropped"]
    assert [a.kind for a in found] == ["analytics.investigate"]
    assert found[0].params["window_days"] == 10  # the whole affected window, not the last 7 days
    assert not [a for a in queue if "steady" in a.target]
    screened = result["screened"]["drop"]
    assert screened["considered"] == 21 + len(channels)
    assert screened["rejected"]["no significant drop (false discovery rate 5 %)"] >= 20


async def test_a_significant_conversion_drop_is_proposed_just_above_30_percent_and_not_just_below(
        app: App, tmp_path: Path) -> None:
    cells: dict[tuple[date, str, str], tuple[int, int, int]] = {}
    _page(cells, "/products/above", sessions=4000, rate=0.03, drop=0.32, days_since=7)
    _page(cells, "/products/below", sessions=4000, rate=0.03, drop=0.28, days_since=7)
    result, queue = await _analytics(app, tmp_path, cells)
    targets = {a.target for a in queue}
    assert "page:/products/above" in targets and "page:/products/below" not in targets
    assert result["screened"]["drop"]["rejected"]["drop too small to matter"] >= 1


async def test_the_worth_of_a_conversion_drop_is_the_orders_lost_at_the_traffic_since(
        app: App, tmp_path: Path) -> None:
    cells: dict[tuple[date, str, str], tuple[int, int, int]] = {}
    _page(cells, "/products/halved", sessions=1000, rate=0.04, drop=0.5, days_since=14)
    # what the store keeps of a sale: mugs cost $20 of their $50; the totes' cost was never exported
    end = _yesterday()
    await ingest(app, "shopify-products", _products(tmp_path / "products.csv", [("MUG", 50, 50.0, 20.0),
                                                                                ("TOTE", 50, 50.0, 0.0)]))
    await ingest(app, "shopify-orders", _orders(tmp_path / "orders.csv", [
        (sku, 50.0, end - timedelta(days=n)) for n in range(1, 11) for sku in ("MUG", "TOTE")]))
    _, queue = await _analytics(app, tmp_path, cells)
    (action,) = [a for a in queue if a.target == "page:/products/halved"]
    inputs = {i["name"]: i for i in await _inputs(app, action)}
    # 4 % → 2 % on 1,000 sessions a day over 28 days: 560 orders lost, at $50, a 60 % margin, half recovered
    assert inputs["orders lost per 4 weeks"]["value"] == pytest.approx(560, rel=0.01)
    assert inputs["average order value"]["value"] == pytest.approx(50.0)
    margin = inputs["gross margin"]
    assert margin["value"] == pytest.approx(0.6)
    assert margin["working"] == "($500.00 sold − $200.00 cost of goods) ÷ $500.00 sold"
    assert "the 50% of sales whose products have a cost" in margin["source"]
    assert action.expected_revenue == pytest.approx(560 * 50 * 0.6 * 0.5, rel=0.01)


def _engagement_fall(cells: dict[tuple[date, str, str], tuple[int, int, int]], path: str, *, orders_since: int
                     ) -> None:
    """100 sessions a day for 56 days, engaged 70 % before and 50 % over the last 28; one order a day before and
    ``orders_since`` in all over the last 28 days: the drop costs 28 - orders_since orders per 4 weeks."""
    end = _yesterday()
    for n in range(56):
        day = end - timedelta(days=55 - n)
        since = n - 28
        orders = 1 if since < 0 else int(since < orders_since)
        cells[(day, path, "Direct")] = (100, 50 if since >= 0 else 70, orders)


async def test_a_significant_drop_must_cost_two_orders_per_four_weeks(app: App, tmp_path: Path) -> None:
    from graphs.specialists.analytics import TOO_FEW_ORDERS

    cells: dict[tuple[date, str, str], tuple[int, int, int]] = {}
    _engagement_fall(cells, "/products/two-lost", orders_since=26)
    _engagement_fall(cells, "/products/one-lost", orders_since=27)
    result, queue = await _analytics(app, tmp_path, cells)
    (action,) = [a for a in queue if a.target.startswith("page:/products/")]
    assert (action.kind, action.target) == ("perf.repair_page", "page:/products/two-lost")
    inputs = {i["name"]: i["value"] for i in await _inputs(app, action)}
    assert inputs["orders lost per 4 weeks"] == pytest.approx(2.0, abs=0.05)  # shown from the rounded rates
    assert result["screened"]["drop"]["rejected"][TOO_FEW_ORDERS] == 1


@pytest.mark.parametrize(("orders", "tested"), [(25, True), (24, False)])
async def test_a_page_is_tested_for_a_conversion_drop_from_25_orders_in_the_series(
        app: App, tmp_path: Path, orders: int, tested: bool) -> None:
    from graphs.specialists.analytics import TOO_FEW_TO_TEST

    cells: dict[tuple[date, str, str], tuple[int, int, int]] = {}
    end = _yesterday()
    # 40 sessions a day, none engaged (so no engagement test); an order a day, then none for the last 31 days:
    # a drop to nothing either way, found with 25 orders and not even tested with 24
    for n in range(56):
        cells[(end - timedelta(days=55 - n), "/products/quiet", "Direct")] = (40, 0, 1 if n < orders else 0)
    result, queue = await _analytics(app, tmp_path, cells)
    rejected = result["screened"]["drop"]["rejected"]
    assert ([a.kind for a in queue if a.target == "page:/products/quiet"] == ["analytics.investigate"]) is tested
    assert rejected == ({} if tested else {TOO_FEW_TO_TEST: 2})  # the page, and its one channel


# --- inventory ------------------------------------------------------------------------------------


def _products(path: Path, variants: list[tuple[str, int, float, float]]) -> Path:
    rows = []
    for sku, stock, price, cost in variants:
        row = dict.fromkeys(PRODUCT_COLUMNS, "")
        row.update({"Handle": sku.lower(), "Title": sku.title(), "Vendor": "Atelier Nord", "Published": "TRUE",
                    "Option1 Name": "Title", "Option1 Value": "Default Title", "Variant SKU": sku,
                    "Variant Inventory Tracker": "shopify", "Variant Inventory Qty": str(stock),
                    "Variant Inventory Policy": "deny", "Variant Fulfillment Service": "manual",
                    "Variant Price": f"{price:.2f}", "Variant Requires Shipping": "TRUE", "Variant Taxable": "TRUE",
                    "Gift Card": "FALSE", "Cost per item": f"{cost:.2f}" if cost else "", "Status": "active"})
        rows.append([row[c] for c in PRODUCT_COLUMNS])
    _csv(path, PRODUCT_COLUMNS, rows)
    return path


def _orders(path: Path, sales: list[tuple[str, float, date]], refunded: Collection[int] = ()) -> Path:
    """One order per sale; the sales numbered in ``refunded`` were refunded in full."""
    rows = []
    for n, (sku, price, day) in enumerate(sales):
        at = datetime.combine(day, time(12, 0), tzinfo=timezone.utc)
        row = dict.fromkeys(ORDER_COLUMNS, "")
        row.update({"Name": f"#{1000 + n}", "Email": f"c{n}@example.com", "Financial Status": "paid",
                    "Paid at": at.strftime("%Y-%m-%d %H:%M:%S %z"), "Fulfillment Status": "fulfilled",
                    "Currency": "USD", "Subtotal": f"{price:.2f}", "Shipping": "0.00", "Taxes": "0.00",
                    "Total": f"{price:.2f}", "Created at": at.strftime("%Y-%m-%d %H:%M:%S %z"),
                    "Lineitem quantity": "1", "Lineitem name": sku, "Lineitem price": f"{price:.2f}",
                    "Lineitem sku": sku, "Lineitem requires shipping": "true", "Lineitem taxable": "true",
                    "Lineitem fulfillment status": "fulfilled", "Billing Country": "US", "Shipping Country": "US",
                    "Id": str(5_000_000 + n), "Risk Level": "Low", "Source": "web",
                    "Refunded Amount": f"{price:.2f}" if n in refunded else "0.00"})
        if n in refunded:
            row["Financial Status"] = "refunded"
        rows.append([row[c] for c in ORDER_COLUMNS])
    _csv(path, ORDER_COLUMNS, rows)
    return path


async def _inventory(app: App, tmp_path: Path, variants: list[tuple[str, int, float, float]],
                     sales: list[tuple[str, float, date]]) -> tuple[dict[str, Any], dict[str, Any]]:
    await ingest(app, "shopify-products", _products(tmp_path / "products.csv", variants))
    await ingest(app, "shopify-orders", _orders(tmp_path / "orders.csv", sales))
    result = await run_specialist(app.deps, SYSTEM, "inventory")
    queue = await invoke(app.deps, OPERATOR, "actions.list", status="live", limit=100)
    return result, {a.target.removeprefix("sku:"): a for a in queue}


async def test_dead_stock_is_worth_its_capital_and_carrying_cost_and_outranks_a_slow_seller(
        app: App, tmp_path: Path) -> None:
    end = _yesterday()
    variants = [("DEAD", 300, 40.0, 20.0), ("SLOW", 1260, 30.0, 12.0), ("BRISK", 10, 30.0, 12.0)]
    sales = [("DEAD", 40.0, end - timedelta(days=60))]
    sales += [("SLOW", 30.0, end - timedelta(days=n // 3)) for n in range(3 * 90)]  # 3 a day: 420 days of stock
    sales += [("BRISK", 30.0, end - timedelta(days=n // 2)) for n in range(2 * 28)]  # 2 a day, 10 left
    result, by_sku = await _inventory(app, tmp_path, variants, sales)
    dead = by_sku["DEAD"]
    assert dead.kind == "inventory.markdown" and dead.params["percent_off"] == 30.0
    p = inv.pace([0.0] * 29 + [1.0] + [0.0] * 60)
    expected = inv.markdown_gain(inv.markdown(300, p), price=40.0, cost=20.0,  # type: ignore[arg-type]
                                 holding_rate=inv.HOLDING_COST_RATE)
    assert dead.expected_revenue == pytest.approx(expected, rel=0.01) and dead.expected_revenue > 2000
    sources = " ".join(i["source"] for i in await _inputs(app, dead))
    assert "holding cost 25% a year" in sources and "assumption: clearance" in sources
    assert by_sku["SLOW"].kind == "inventory.markdown" and dead.score > 5 * by_sku["SLOW"].score
    # the reorder is worth the margin ($30 - $12) on the sales the stock-out would lose, not their revenue
    brisk = by_sku["BRISK"]
    inputs = {i["name"]: i["value"] for i in await _inputs(app, brisk)}
    assert brisk.kind == "inventory.reorder" and inputs["margin per unit"] == 18.0
    assert result["screened"]["markdown"]["considered"] >= 2


@pytest.mark.parametrize(("stock", "cost", "proposed"), [
    (10, 100.0, True), (9, 100.0, False),  # at least 10 excess units (worth at least $500 either way)
    (50, 10.02, True), (50, 9.98, False),  # at least $500 of excess at cost (50 units either way)
])
async def test_a_markdown_needs_ten_excess_units_worth_500_at_cost(
        app: App, tmp_path: Path, stock: int, cost: float, proposed: bool) -> None:
    end = _yesterday()
    # a second SKU that sells makes the orders export current; the one under test has not sold in 90 days
    _, by_sku = await _inventory(app, tmp_path, [("UNDER", stock, cost * 2, cost), ("OTHER", 5, 20.0, 8.0)],
                                 [("OTHER", 20.0, end)])
    assert ("UNDER" in by_sku) is proposed


# --- risk: refund rates ---------------------------------------------------------------------------


async def _refunds(app: App, tmp_path: Path, skus: list[tuple[str, int, int]]) -> tuple[dict[str, Any], set[str]]:
    """Each SKU with ``orders`` orders over the last 60 days, ``refunded`` of them refunded."""
    end = _yesterday()
    sales: list[tuple[str, float, date]] = []
    refunded: set[int] = set()
    for sku, orders, back in skus:
        for k in range(orders):
            if k < back:
                refunded.add(len(sales))
            sales.append((sku, 25.0, end - timedelta(days=k % 60)))
    await ingest(app, "shopify-products", _products(tmp_path / "products.csv",
                                                    [(sku, 500, 25.0, 10.0) for sku, _, _ in skus]))
    await ingest(app, "shopify-orders", _orders(tmp_path / "orders.csv", sales, refunded))
    result = await run_specialist(app.deps, SYSTEM, "risk")
    queue = await invoke(app.deps, OPERATOR, "actions.list", status="live", limit=100)
    return result, {a.target.removeprefix("sku:") for a in queue if a.kind == "analytics.investigate"}


@pytest.mark.parametrize(("refunded", "proposed"), [(36, True), (35, False)])
async def test_a_sku_is_investigated_at_twice_the_rest_of_the_stores_refund_rate_and_not_just_under(
        app: App, tmp_path: Path, refunded: int, proposed: bool) -> None:
    # the rest of the store: 40 of 2,000 = 2 %; twice it is 36 of 900 (4.0 %), and 35 of 900 is 3.89 %
    # (both significant, p = 0.0001 and 0.0002: only the size decides)
    result, flagged = await _refunds(app, tmp_path, [("BASE", 2000, 40), ("SKU", 900, refunded)])
    assert ("SKU" in flagged) is proposed and "BASE" not in flagged
    if not proposed:
        assert result["screened"]["refund rate"]["rejected"]["less than twice the rest of the store's rate"] == 1


async def test_one_product_refunded_far_too_often_does_not_hide_another(app: App, tmp_path: Path) -> None:
    # store-wide, 149 of 2,500 orders were refunded (6 %), and 9 of 100 would pass for ordinary (p = 0.17);
    # against the rest of the store without the product already found (40 of 2,000: 2 %) it is 4.5 times that
    result, flagged = await _refunds(app, tmp_path, [("BASE", 2000, 40), ("BAD", 400, 100), ("ALSO", 100, 9)])
    assert flagged == {"BAD", "ALSO"}


@pytest.mark.parametrize(("orders", "proposed"), [(20, True), (19, False)])
async def test_a_sku_needs_20_orders_before_its_refund_rate_is_judged(
        app: App, tmp_path: Path, orders: int, proposed: bool) -> None:
    result, flagged = await _refunds(app, tmp_path, [("BASE", 1000, 20), ("SKU", orders, 10)])
    assert ("SKU" in flagged) is proposed
    if not proposed:
        assert result["screened"]["refund rate"]["rejected"]["too few orders to judge"] == 1


def test_a_new_description_names_the_product_once() -> None:
    from graphs.specialists.content_striking import _description

    page = {"title": "Rowan Jute Tote Bag", "price": 24.0,
            "body_html": "<p>Meet the Rowan Jute Tote Bag: jute, made in small batches.</p>"}
    told = _description(page, "jute tote", "Northwind Goods")
    assert told.lower().count("rowan jute tote bag") == 1 and told.startswith("Meet the Rowan Jute Tote Bag: jute")
    plain = _description(page | {"body_html": "<p>Sturdy jute, made in small batches.</p>"}, "jute tote", "")
    assert plain.startswith("Rowan Jute Tote Bag: Sturdy jute, made in small batches. Shop jute tote from $24.00")
