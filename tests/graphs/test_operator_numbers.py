"""The store's numbers asked in the operator's words: sales, refunds, best sellers, what is on order, stock.

Found by a chat on the demo store: "what was revenue this month?" answered for the last 7 days; questions about
refunds, what is on order and one product's stock had no answer, or another product's.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone
from typing import Any

import pytest
from sqlalchemy import delete, insert

from graphs.language.dates import period_in
from graphs.language.intents import parse
from policies.principal import Principal
from server.app import App
from server.persistence import models as m
from tests.factories import proposal
from tools.actions import get_action, propose
from tools.decisions import decide
from tools.insights import sales, windows

OP = Principal.operator("demo")
NOW = datetime(2026, 11, 30, 8, 0, tzinfo=timezone.utc)  # a Monday morning


async def _detail(app: App, action_id: int) -> dict[str, Any]:
    return await get_action(app.deps, OP, action_id=action_id)


@pytest.mark.parametrize(("text", "period"), [
    ("what was revenue this month?", "this_month"), ("sales last month", "last_month"),
    ("how much did we make yesterday?", "yesterday"), ("how are sales today", "today"),
    ("how did last week go?", "last_week"), ("sales this week vs last", "this_week"),
    ("how's business", "7d"), ("revenue over the last 30 days", "30d"), ("sales in the past week", "7d"),
])
def test_a_question_about_sales_names_its_period(text: str, period: str) -> None:
    [intent] = parse(text, NOW)
    assert intent.name == "sales", intent
    assert period_in(intent.text or "") == period


@pytest.mark.parametrize(("period", "this", "before"), [
    ("this_month", ("2026-11-01", "2026-11-30"), ("2026-10-01", "2026-10-30")),
    ("last_month", ("2026-10-01", "2026-10-31"), ("2026-09-01", "2026-09-30")),
    ("today", ("2026-11-30", "2026-11-30"), ("2026-11-29", "2026-11-29")),
    ("yesterday", ("2026-11-29", "2026-11-29"), ("2026-11-28", "2026-11-28")),
    ("this_week", ("2026-11-30", "2026-11-30"), ("2026-11-23", "2026-11-23")),
    ("last_week", ("2026-11-23", "2026-11-29"), ("2026-11-16", "2026-11-22")),
])
def test_calendar_periods_compare_like_with_like(period: str, this: tuple[str, str], before: tuple[str, str]) -> None:
    w = windows(period, today=date(2026, 11, 30), newest=date(2026, 11, 29))
    assert (w.this[0].isoformat(), w.this[1].isoformat()) == this
    assert (w.before[0].isoformat(), w.before[1].isoformat()) == before


def test_rolling_periods_end_at_the_newest_order() -> None:
    w = windows("7d", today=date(2026, 11, 30), newest=date(2026, 11, 28))
    assert (w.this[0], w.this[1]) == (date(2026, 11, 22), date(2026, 11, 28))
    assert (w.before[0], w.before[1]) == (date(2026, 11, 15), date(2026, 11, 21))


async def _orders(app: App, days: list[tuple[date, float]]) -> None:
    async with app.db.write("demo") as tx:
        await tx.conn.execute(delete(m.Order).where(m.Order.tenant_id == "demo"))  # type: ignore[attr-defined]
        for n, (day, total) in enumerate(days):
            await tx.conn.execute(insert(m.Order).values(  # type: ignore[attr-defined]
                tenant_id="demo", name=f"#{5000 + n}", customer_ref="cus_x", financial_status="paid",
                total=total, created_at=datetime(day.year, day.month, day.day, 12, tzinfo=timezone.utc)))


async def test_revenue_this_month_answers_for_this_month(agents_app: App) -> None:
    today = agents_app.deps.now().date()
    first = today.replace(day=1)
    before = (first - timedelta(days=1)).replace(day=1)
    await _orders(agents_app, [(first, 100.0), (today, 50.0), (before, 70.0), (before - timedelta(days=20), 999.0)])
    result = await sales(agents_app.deps, OP, period="this_month")
    assert (result["current"]["revenue"], result["current"]["orders"]) == (150.0, 2)
    assert (result["previous"]["revenue"], result["previous"]["orders"]) == (70.0, 1)
    chat = await agents_app.agents()
    turn = await chat.send(OP, "what was revenue this month?", thread="w8")
    assert "7 days" not in turn.reply, turn.reply
    assert "this month" in turn.reply.lower() and "$150" in turn.reply and "$70" in turn.reply, turn.reply


@pytest.mark.parametrize(("text", "name", "period"), [
    ("revenue in october", "sales", "2026-10"), ("whats revenue for november", "sales", "2026-11"),
    ("how did september go", "sales", "2026-09"), ("whats the aov this month", "sales", "this_month"),
    ("how many orders today", "sales", "today"), ("top products this week", "top_products", "this_week"),
    ("best sellers last month", "top_products", "last_month"), ("top products", "top_products", "28d"),
])
def test_data_questions_name_their_period(text: str, name: str, period: str) -> None:
    [intent] = parse(text, NOW)
    assert intent.name == name, intent
    assert period_in(intent.text or "", NOW, default="28d" if name == "top_products" else "7d") == period


def test_a_named_month_is_compared_with_the_month_before() -> None:
    w = windows("2026-10", today=date(2026, 11, 30), newest=date(2026, 11, 29))
    assert (w.this, w.before) == ((date(2026, 10, 1), date(2026, 10, 31)), (date(2026, 9, 1), date(2026, 9, 30)))
    assert w.label == "October 2026"


@pytest.mark.parametrize("text", ["whats on order", "what do we have on order?", "how much is tied up in purchase "
                                  "orders?", "show me the open purchase orders", "what's on order from loom & hearth"])
def test_what_is_on_order_is_a_question_about_purchase_orders(text: str) -> None:
    assert parse(text, NOW)[0].name == "on_order"


async def test_what_is_on_order_lists_open_purchase_orders_and_waiting_reorders(agents_app: App) -> None:
    inventory = Principal.for_agent("demo", "inventory")
    placed = (await propose(agents_app.deps, inventory, proposal("inventory.reorder"))).action
    await decide(agents_app.deps, OP, action_id=placed.id, verdict="approve", version=placed.version)
    waiting = (await propose(agents_app.deps, inventory, proposal("inventory.reorder", target="sku:LIN-TOT-02",
                                                                  params={"quantity": 30, "unit_cost": 10.0,
                                                                          "supplier": "Atelier Nord"}))).action
    detail = await _detail(agents_app, placed.id)
    assert detail["action"]["status"] == "executed"
    quantity = detail["action"]["params"]["quantity"]
    chat = await agents_app.agents()
    turn = await chat.send(OP, "whats on order?", thread="w13")
    assert f"PO-{placed.id:06d}" in turn.reply and f"{quantity}" in turn.reply, turn.reply
    assert f"#{waiting.id}" in turn.reply and "$300" in turn.reply, turn.reply


@pytest.mark.parametrize(("text", "words"), [
    ("how many pebble tshirts xl do we have left", "pebble tshirts xl"),
    ("stock of prairie alpaca throw blanket rust", "prairie alpaca throw blanket rust"),
    ("is the linen tote in stock?", "linen tote"),
])
def test_a_stock_question_names_its_product(text: str, words: str) -> None:
    from graphs.language.data_questions import product_words
    [intent] = parse(text, NOW)
    assert intent.name == "stock" and product_words(intent.text or "") == words, intent


def test_checking_stock_levels_is_still_the_inventory_agents_work() -> None:
    assert parse("can you check stock levels", NOW)[0].name == "delegate"


async def test_stock_is_answered_for_the_product_named_and_never_for_another(agents_app: App) -> None:
    chat = await agents_app.agents()
    said = " ".join((await chat.send(OP, "how many linen totes do we have left?", thread="w14")).reply.split())
    assert "Linen Tote" in said and "LIN-TOT-01): 8 in stock" in said, said
    said = " ".join((await chat.send(OP, "is the linen unicorn in stock?", thread="w14")).reply.split())
    assert "No product in the catalogue is called “linen unicorn”" in said and "8 in stock" not in said, said


async def test_a_hyphenated_name_is_found_written_without_its_hyphen(agents_app: App) -> None:
    """"how many tshirts do we have left" said no product was called that while the store sold T-Shirts."""
    async with agents_app.db.write("demo") as tx:
        pid = (await tx.conn.execute(insert(m.Product).values(  # type: ignore[attr-defined]
            tenant_id="demo", handle="pebble-t-shirt", title="Pebble T-Shirt", vendor="Harbor", updated_at=NOW)
            .returning(m.Product.id))).scalar_one()
        await tx.conn.execute(insert(m.Variant).values(  # type: ignore[attr-defined]
            tenant_id="demo", product_id=pid, sku="PEB-TS-XL", title="XL", price=30.0, inventory_qty=7, updated_at=NOW))
    chat = await agents_app.agents()
    said = " ".join((await chat.send(OP, "how many tshirts do we have left?", thread="w16")).reply.split())
    assert "Pebble T-Shirt" in said and "PEB-TS-XL): 7 in stock" in said, said


@pytest.mark.parametrize(("text", "period"), [("how many refunds this month", "this_month"),
                                              ("refunds last month", "last_month"),
                                              ("how much did we refund this week", "this_week")])
def test_a_refunds_question_names_its_period(text: str, period: str) -> None:
    [intent] = parse(text, NOW)
    assert intent.name == "sales" and "refund" in (intent.text or "") and period_in(intent.text or "", NOW) == period


async def test_refunds_this_month_are_counted_on_the_months_orders(agents_app: App) -> None:
    today = agents_app.deps.now().date()
    first = today.replace(day=1)
    await _orders(agents_app, [(first, 100.0), (first, 80.0), ((first - timedelta(days=1)).replace(day=1), 70.0)])
    async with agents_app.db.write("demo") as tx:
        await tx.conn.execute(m.Order.__table__.update().where(  # type: ignore[attr-defined]
            m.Order.tenant_id == "demo", m.Order.total == 80.0).values(refunded_amount=80.0))
    chat = await agents_app.agents()
    said = " ".join((await chat.send(OP, "how many refunds this month?", thread="w15")).reply.split())
    assert "1 of 2 orders refunded, $80" in said and "0 of 1, $0" in said, said


@pytest.mark.parametrize(("text", "name", "words"), [
    ("how much did the linen tote sell last week", "product_sales", "linen tote"),
    ("how many linen totes did we sell in october", "product_sales", "linen totes"),
    ("sales of the prairie alpaca throw blanket rust this month", "product_sales", "prairie alpaca throw blanket rust"),
    ("how is the pebble tshirt selling?", "product_sales", "pebble tshirt"),
    ("how much did we sell last week", "sales", ""), ("how is business", "sales", ""),
    ("how much did we sell on black friday", "sales", ""),
])
def test_a_question_about_one_products_sales_names_it(text: str, name: str, words: str) -> None:
    from graphs.language.data_questions import sales_product_words
    [intent] = parse(text, NOW)
    assert intent.name == name, intent
    assert name == "sales" or sales_product_words(intent.text or "") == words


async def test_one_products_sales_count_its_own_lines_in_the_period_and_the_one_before(agents_app: App) -> None:
    """Two weeks of orders with the tote and a scarf on them: the tote's units and revenue, this week against the
    week before, never the scarf's, never the whole store's."""
    newest = agents_app.deps.now() - timedelta(hours=1)
    async with agents_app.db.write("demo") as tx:
        conn = tx.conn  # type: ignore[attr-defined]
        await conn.execute(delete(m.Order).where(m.Order.tenant_id == "demo"))
        lines = [(newest - timedelta(days=1), "LIN-TOT-01", 3), (newest - timedelta(days=2), "LIN-TOT-01", 2),
                 (newest - timedelta(days=2), "SCARF-01", 40), (newest - timedelta(days=9), "LIN-TOT-01", 1),
                 (newest, "SCARF-01", 1)]
        for n, (at, sku, qty) in enumerate(lines):
            order = (await conn.execute(insert(m.Order).values(
                tenant_id="demo", name=f"#{6000 + n}", customer_ref="cus_x", financial_status="paid",
                total=qty * 40.0, created_at=at).returning(m.Order.id))).scalar_one()
            await conn.execute(insert(m.OrderLine).values(tenant_id="demo", order_id=order, line_no=1, sku=sku,
                                                          name=sku, quantity=qty, price=40.0))
    chat = await agents_app.agents()
    said = " ".join((await chat.send(OP, "how many linen totes did we sell in the last 7 days", thread="w16")).reply
                    .split())
    assert said.startswith("Linen Tote") and "5 sold in 2 orders, $200" in said and "1 sold, $40" in said, said
    said = " ".join((await chat.send(OP, "how much did the linen unicorn sell last week", thread="w16")).reply.split())
    assert "No product in the catalogue is called “linen unicorn”" in said, said


async def test_a_sku_names_its_product_and_variant(agents_app: App) -> None:
    chat = await agents_app.agents()
    said = " ".join((await chat.send(OP, "how much stock of LIN-TOT-01 is left?", thread="w17")).reply.split())
    assert "Linen Tote" in said and "LIN-TOT-01): 8 in stock" in said, said
    said = " ".join((await chat.send(OP, "how much stock of ZZ-9999-9 is left?", thread="w17")).reply.split())
    assert "No product in the catalogue" in said and "8 in stock" not in said, said
