"""Shopify's orders CSV export: one row per line item, order fields on the first row.

The rows of one order follow each other under its ``Name`` (``#1001``). Customer
fields (email, names, addresses, phones) are read here and handed on as they are;
the writer swaps them for PII-vault references inside the import transaction, so
only references and derived features (email domain, disposable or not,
countries) reach the telemetry tables.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import IO

from tools.ingest.batches import LineRow, OrderRow, OrdersBatch
from tools.ingest.headers import col, locate
from tools.ingest.problems import Problems
from tools.ingest.table import Progress, open_table
from tools.ingest.values import BadValue, integer, number, optional_number, optional_timestamp, timestamp

ADDRESS = ("Address1", "Address2", "City", "Zip", "Province", "Country")
COLUMNS = {
    "name": col("Name"), "email": col("Email", required=False),
    "financial": col("Financial Status", required=False), "paid_at": col("Paid at", required=False),
    "fulfillment": col("Fulfillment Status", required=False), "currency": col("Currency", required=False),
    "subtotal": col("Subtotal", required=False), "shipping": col("Shipping", required=False),
    "taxes": col("Taxes", required=False), "total": col("Total"),
    "discount_code": col("Discount Code", required=False), "discount": col("Discount Amount", required=False),
    "created_at": col("Created at"), "qty": col("Lineitem quantity"), "line_name": col("Lineitem name",
                                                                                      required=False),
    "line_price": col("Lineitem price"), "line_sku": col("Lineitem sku", required=False),
    "cancelled_at": col("Cancelled at", required=False), "refunded": col("Refunded Amount", required=False),
    "id": col("Id", required=False), "tags": col("Tags", required=False),
    "risk": col("Risk Level", required=False), "source": col("Source", required=False),
    "payment": col("Payment Method", required=False), "phone": col("Phone", required=False),
    "billing_name": col("Billing Name", required=False), "billing_phone": col("Billing Phone", required=False),
    "shipping_phone": col("Shipping Phone", required=False),
    **{f"billing_{p.lower()}": col(f"Billing {p}", required=False) for p in ADDRESS},
    **{f"shipping_{p.lower()}": col(f"Shipping {p}", required=False) for p in ADDRESS},
}
RISK_LEVELS = {"", "low", "medium", "high"}
Getter = Callable[[list[str], str], str]


def parse(stream: IO[bytes], *, name: str, size: int, problems: Problems,
          progress: Progress | None = None) -> OrdersBatch:
    table = open_table(stream, name=name, size=size, progress=progress)
    at = locate(name, table.header, COLUMNS, source="shopify-orders", what="a Shopify orders export",
                line=table.offset)

    def get(row: list[str], key: str) -> str:
        return row[at[key]].strip() if key in at else ""

    batch = OrdersBatch()
    seen: dict[str, int] = {}
    refused: dict[str, int] = {}
    current: OrderRow | None = None
    for line, row in table.records(problems):
        batch.read += 1
        order_name = get(row, "name")
        if not order_name:
            problems.add(line, "Name (the order number) is empty")
            continue
        if order_name in refused:
            problems.add(line, f"part of order {order_name}, refused on line {refused[order_name]}")
            continue
        try:
            if current is None or current.name != order_name:
                if order_name in seen:
                    raise BadValue(f"order {order_name} continues here but started on line {seen[order_name]} "
                                   "with other orders in between")
                current = _order(order_name, row, get)
                seen[order_name] = line
                batch.orders.append(current)
            current.lines.append(LineRow(
                sku=get(row, "line_sku"), name=get(row, "line_name"),
                quantity=integer("Lineitem quantity", get(row, "qty"), minimum=1),
                price=number("Lineitem price", get(row, "line_price"))))
        except BadValue as exc:
            problems.add(line, str(exc))
            if current is None or current.name != order_name:
                refused[order_name] = line
            elif not current.lines:
                batch.orders.remove(current)
                refused[order_name] = line
                current = None
            continue
    return batch


def _order(order_name: str, row: list[str], get: Getter) -> OrderRow:
    if not get(row, "created_at"):
        raise BadValue(f"the first row of order {order_name} has no Created at")
    risk = get(row, "risk").lower()
    if risk not in RISK_LEVELS:
        raise BadValue(f"Risk Level {get(row, 'risk')!r} is not Low, Medium or High")
    money = {k: optional_number(label, get(row, k)) or 0.0
             for k, label in (("subtotal", "Subtotal"), ("shipping", "Shipping"), ("taxes", "Taxes"),
                              ("discount", "Discount Amount"), ("refunded", "Refunded Amount"))}
    return OrderRow(
        name=order_name, created_at=timestamp("Created at", get(row, "created_at")),
        email=get(row, "email"), financial_status=get(row, "financial").lower(),
        fulfillment_status=get(row, "fulfillment").lower(), currency=(get(row, "currency") or "USD")[:3].upper(),
        subtotal=money["subtotal"], shipping=money["shipping"], taxes=money["taxes"],
        total=number("Total", get(row, "total")), discount_code=get(row, "discount_code"),
        discount_amount=money["discount"], paid_at=optional_timestamp("Paid at", get(row, "paid_at")),
        cancelled_at=optional_timestamp("Cancelled at", get(row, "cancelled_at")),
        refunded_amount=money["refunded"], external_id=get(row, "id"), tags=get(row, "tags"), risk_level=risk,
        source=get(row, "source"), payment_method=get(row, "payment"), billing_name=get(row, "billing_name"),
        phone=get(row, "phone") or get(row, "billing_phone") or get(row, "shipping_phone"),
        billing_address=_address(row, get, "billing"), shipping_address=_address(row, get, "shipping"),
        billing_country=get(row, "billing_country").upper(), shipping_country=get(row, "shipping_country").upper())


def _address(row: list[str], get: Getter, prefix: str) -> str:
    return ", ".join(v for v in (get(row, f"{prefix}_{p.lower()}") for p in ADDRESS) if v)
