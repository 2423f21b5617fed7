"""The store's catalogue and orders as imported, and the aggregates the inventory,
risk and content specialists read."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import case, delete, func, select
from sqlalchemy.dialects import postgresql, sqlite
from sqlalchemy.ext.asyncio import AsyncConnection

from policies.inventory import COST_SHARE_FALLBACK
from server.persistence import models as m
from server.persistence import models_telemetry as t
from server.persistence.repos.weeks import week_index, within
from server.persistence.sqlite_sync import SyncConnection
from tools.ingest.batches import ProductsBatch

P, V, O, OL, PO, LP = (m.Product.__table__, m.Variant.__table__, m.Order.__table__, m.OrderLine.__table__,
                       m.PurchaseOrder.__table__, m.LandingPage.__table__)
SETTINGS = t.InventorySetting.__table__


def goods_cost(order_id: Any) -> Any:
    """What the goods of an order (``order_id``: its id column) cost the store, as a scalar subquery: each
    line's quantity × its variant's Cost per item, or ``COST_SHARE_FALLBACK`` of its price where there is none
    (as the inventory agent assumes). What a fraudulent order really costs when it ships: the goods, not the
    payment, which the chargeback only takes back."""
    unit = func.coalesce(func.nullif(V.c.cost, 0.0), OL.c.price * COST_SHARE_FALLBACK)
    return (select(func.coalesce(func.sum(OL.c.quantity * unit), 0.0))
            .select_from(OL.outerjoin(V, (V.c.sku == OL.c.sku) & (V.c.tenant_id == OL.c.tenant_id)))
            .where(OL.c.order_id == order_id).scalar_subquery())


#: columns the orders import owns; the engine's own (on_hold, hold_reason) are never overwritten
ORDER_FIELDS = ("customer_ref", "financial_status", "fulfillment_status", "currency", "total", "created_at",
                "external_id", "email_ref", "email_domain", "email_disposable", "name_ref", "phone_ref",
                "billing_address_ref", "shipping_address_ref", "billing_country", "shipping_country", "subtotal",
                "shipping", "taxes", "discount_amount", "discount_code", "paid_at", "cancelled_at",
                "refunded_amount", "risk_level", "source", "payment_method", "tags", "import_id")
PRODUCT_FIELDS = ("title", "body_html", "vendor", "product_type", "tags", "status", "seo_title",
                  "seo_description", "updated_at")
_CHUNK = 500


def _insert(table: Any, dialect: str) -> Any:
    return postgresql.insert(table) if dialect == "postgresql" else sqlite.insert(table)


def _day(column: Any, dialect: str) -> Any:
    """The UTC day of a timestamp column, as text on SQLite and a date on PostgreSQL."""
    if dialect == "sqlite":
        return func.substr(column, 1, 10)
    return func.date(func.timezone("UTC", column))


class SqlCommerceRepo:
    def __init__(self, conn: AsyncConnection | SyncConnection, tenant: str, dialect: str) -> None:
        self.conn = conn
        self.tenant = tenant
        self.dialect = dialect

    # --- writes -----------------------------------------------------------------------

    async def write_products(self, batch: ProductsBatch, *, now: datetime) -> int:
        if not batch.products:
            return 0
        ins = _insert(P, self.dialect)
        stmt = ins.on_conflict_do_update(index_elements=["tenant_id", "handle"],
                                         set_={f: ins.excluded[f] for f in PRODUCT_FIELDS})
        await self.conn.execute(stmt, [
            {"tenant_id": self.tenant, "handle": p.handle, "title": p.title, "body_html": p.body_html,
             "vendor": p.vendor, "product_type": p.product_type, "tags": p.tags, "status": p.status,
             "seo_title": p.seo_title, "seo_description": p.seo_description, "updated_at": now}
            for p in batch.products])
        ids = await self._ids(P, P.c.handle, [p.handle for p in batch.products])
        counted, unknown_qty = [], []
        for p in batch.products:
            for v in p.variants:
                row = {"tenant_id": self.tenant, "product_id": ids[p.handle], "sku": v.sku, "title": v.title,
                       "price": v.price, "compare_at_price": v.compare_at_price, "cost": v.cost,
                       "inventory_qty": v.inventory_qty or 0, "updated_at": now}
                (counted if v.inventory_qty is not None else unknown_qty).append(row)
        fields = ["product_id", "title", "price", "compare_at_price", "cost", "updated_at"]
        for rows, with_qty in ((counted, True), (unknown_qty, False)):
            if rows:
                ins = _insert(V, self.dialect)
                sets = {f: ins.excluded[f] for f in fields + (["inventory_qty"] if with_qty else [])}
                await self.conn.execute(ins.on_conflict_do_update(index_elements=["tenant_id", "sku"], set_=sets),
                                        rows)
        return len(batch.products)

    async def _ids(self, table: Any, column: Any, keys: list[str]) -> dict[str, int]:
        out: dict[str, int] = {}
        for i in range(0, len(keys), _CHUNK):
            rows = (await self.conn.execute(select(column, table.c.id).where(
                table.c.tenant_id == self.tenant, column.in_(keys[i:i + _CHUNK])))).all()
            out.update({r[0]: r[1] for r in rows})
        return out

    async def write_orders(self, orders: list[dict[str, Any]], lines: dict[str, list[dict[str, Any]]]) -> int:
        """Upsert orders (by name) and replace their line items."""
        if not orders:
            return 0
        ins = _insert(O, self.dialect)
        stmt = ins.on_conflict_do_update(index_elements=["tenant_id", "name"],
                                         set_={f: ins.excluded[f] for f in ORDER_FIELDS})
        await self.conn.execute(stmt, [{"tenant_id": self.tenant, "on_hold": False, "hold_reason": "", **o}
                                       for o in orders])
        ids = await self._ids(O, O.c.name, [o["name"] for o in orders])
        id_list = list(ids.values())
        for i in range(0, len(id_list), _CHUNK):
            await self.conn.execute(delete(OL).where(OL.c.tenant_id == self.tenant,
                                                     OL.c.order_id.in_(id_list[i:i + _CHUNK])))
        rows = [{"tenant_id": self.tenant, "order_id": ids[name], "line_no": n, **line}
                for name, items in lines.items() for n, line in enumerate(items, 1)]
        if rows:
            await self.conn.execute(OL.insert(), rows)
        return len(orders)

    async def reset(self) -> None:
        """Forget the imported catalogue, orders and telemetry (the demo store rebuilds this way)."""
        for table in (OL, O, V, P, *(tb.__table__ for tb in (
                t.GscDaily, t.GscPairStat, t.GscPageStat, t.GscQueryStat, t.GscCtrBucket, t.GscUiStat, t.GscPage,
                t.GscQuery, t.Ga4Daily, t.Ga4Stat, t.TelemetrySource, t.TelemetryImport))):
            await self.conn.execute(delete(table).where(table.c.tenant_id == self.tenant))

    async def set_inventory_setting(self, *, scope: str, key: str, lead_time_days: int, safety_days: int,
                                    cover_days: int, now: datetime, holding_cost_pct: float | None = None) -> None:
        ins = _insert(SETTINGS, self.dialect)
        values: dict[str, Any] = {"lead_time_days": lead_time_days, "safety_days": safety_days,
                                  "cover_days": cover_days, "updated_at": now}
        if holding_cost_pct is not None:  # not given: a rate set earlier stays
            values["holding_cost_pct"] = holding_cost_pct
        await self.conn.execute(ins.values(tenant_id=self.tenant, scope=scope, key=key, **values)
                                .on_conflict_do_update(index_elements=["tenant_id", "scope", "key"], set_=values))

    # --- reads --------------------------------------------------------------------------

    async def catalogue(self) -> list[dict[str, Any]]:
        """Every product with its cheapest price and total stock (the pages the engine can edit)."""
        price = select(func.min(V.c.price)).where(V.c.product_id == P.c.id).scalar_subquery()
        stock = select(func.coalesce(func.sum(V.c.inventory_qty), 0)).where(V.c.product_id == P.c.id).scalar_subquery()
        rows = (await self.conn.execute(select(P.c.id, P.c.handle, P.c.title, P.c.body_html, P.c.vendor,
                                               P.c.product_type, P.c.tags, P.c.status, P.c.seo_title,
                                               P.c.seo_description, price.label("price"), stock.label("stock"))
                                        .where(P.c.tenant_id == self.tenant))).all()
        return [dict(r._mapping) for r in rows]

    async def landing_pages(self) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(select(LP.c.path, LP.c.title, LP.c.query, LP.c.status, LP.c.seo_title,
                                               LP.c.seo_description).where(LP.c.tenant_id == self.tenant))).all()
        return [dict(r._mapping) for r in rows]

    async def variants(self) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(
            select(V.c.sku, V.c.title, V.c.price, V.c.compare_at_price, V.c.cost, V.c.inventory_qty,
                   P.c.handle, P.c.title.label("product_title"), P.c.vendor, P.c.status)
            .join(P, P.c.id == V.c.product_id).where(V.c.tenant_id == self.tenant))).all()
        return [dict(r._mapping) for r in rows]

    async def daily_units(self, *, since: datetime) -> list[dict[str, Any]]:
        """Units sold per SKU and day (cancelled orders excluded)."""
        day = _day(O.c.created_at, self.dialect).label("day")
        stmt = (select(OL.c.sku, day, func.sum(OL.c.quantity).label("units"))
                .join(O, O.c.id == OL.c.order_id)
                .where(OL.c.tenant_id == self.tenant, O.c.created_at >= since, O.c.cancelled_at.is_(None),
                       OL.c.sku != "")
                .group_by(OL.c.sku, day))
        return [dict(r._mapping) for r in (await self.conn.execute(stmt)).all()]

    async def on_order(self) -> dict[str, int]:
        """Units on open (draft) purchase orders, per SKU."""
        rows = (await self.conn.execute(select(PO.c.sku, func.sum(PO.c.quantity)).where(
            PO.c.tenant_id == self.tenant, PO.c.status == "draft").group_by(PO.c.sku))).all()
        return {r[0]: int(r[1]) for r in rows}

    async def open_purchase_orders(self) -> list[dict[str, Any]]:
        """Draft purchase orders (placed by an executed reorder, not cancelled), newest first, with the product."""
        stmt = (select(PO.c.action_id, PO.c.sku, PO.c.quantity, PO.c.unit_cost, PO.c.supplier, PO.c.created_at,
                       P.c.title)
                .select_from(PO.outerjoin(V, (V.c.sku == PO.c.sku) & (V.c.tenant_id == PO.c.tenant_id))
                             .outerjoin(P, P.c.id == V.c.product_id))
                .where(PO.c.tenant_id == self.tenant, PO.c.status == "draft")
                .order_by(PO.c.created_at.desc(), PO.c.id.desc()))
        return [dict(r._mapping) for r in (await self.conn.execute(stmt)).all()]

    async def inventory_settings(self) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(select(SETTINGS).where(SETTINGS.c.tenant_id == self.tenant))).all()
        return [dict(r._mapping) for r in rows]

    async def orders_since(self, since: datetime) -> list[dict[str, Any]]:
        """Orders placed since ``since`` with their tokenized features (no raw PII is stored) and what their
        goods cost (``goods_cost``)."""
        cols = [O.c.id, O.c.name, O.c.customer_ref, O.c.financial_status, O.c.fulfillment_status, O.c.total,
                O.c.created_at, O.c.email_ref, O.c.email_domain, O.c.email_disposable, O.c.billing_address_ref,
                O.c.shipping_address_ref, O.c.billing_country, O.c.shipping_country, O.c.cancelled_at,
                O.c.refunded_amount, O.c.risk_level, O.c.on_hold, O.c.payment_method, O.c.currency,
                goods_cost(O.c.id).label("goods_cost")]
        rows = (await self.conn.execute(select(*cols).where(O.c.tenant_id == self.tenant, O.c.created_at >= since)
                                        .order_by(O.c.created_at))).all()
        return [dict(r._mapping) for r in rows]

    async def customer_history(self, refs: list[str], *, before: datetime) -> dict[str, dict[str, Any]]:
        """Per customer: orders placed before ``before`` and what they spent."""
        out: dict[str, dict[str, Any]] = {}
        for i in range(0, len(refs), _CHUNK):
            rows = (await self.conn.execute(
                select(O.c.customer_ref, func.count().label("orders"), func.sum(O.c.total).label("spent"))
                .where(O.c.tenant_id == self.tenant, O.c.customer_ref.in_(refs[i:i + _CHUNK]),
                       O.c.created_at < before).group_by(O.c.customer_ref))).all()
            out.update({r.customer_ref: {"orders": int(r.orders), "spent": float(r.spent or 0)} for r in rows})
        return out

    async def order_value(self, *, since: datetime) -> dict[str, float]:
        """Orders, revenue and average order value since ``since`` (cancelled excluded)."""
        row = (await self.conn.execute(select(func.count(), func.sum(O.c.total)).where(
            O.c.tenant_id == self.tenant, O.c.created_at >= since, O.c.cancelled_at.is_(None)))).one()
        orders, revenue = int(row[0]), float(row[1] or 0.0)
        return {"orders": orders, "revenue": revenue, "aov": revenue / orders if orders else 0.0,
                **await self.cost_of_sales(since=since)}

    async def cost_of_sales(self, *, since: datetime) -> dict[str, float]:
        """What the goods sold since ``since`` sold for and cost (cancelled excluded), over the lines whose
        variant has a cost per item (``costed_sales``, ``cost_of_goods``) and over all lines (``line_sales``):
        the store's gross margin is worked out from them (``policies.inventory.gross_margin``)."""
        sold = OL.c.quantity * OL.c.price
        costed = V.c.cost.is_not(None) & (V.c.cost > 0)
        row = (await self.conn.execute(
            select(func.sum(sold), func.sum(case((costed, sold), else_=0.0)),
                   func.sum(case((costed, OL.c.quantity * V.c.cost), else_=0.0)))
            .select_from(OL.join(O, O.c.id == OL.c.order_id)
                         .outerjoin(V, (V.c.sku == OL.c.sku) & (V.c.tenant_id == OL.c.tenant_id)))
            .where(OL.c.tenant_id == self.tenant, O.c.created_at >= since, O.c.cancelled_at.is_(None)))).one()
        return {"line_sales": float(row[0] or 0.0), "costed_sales": float(row[1] or 0.0),
                "cost_of_goods": float(row[2] or 0.0)}

    async def order_value_between(self, start: datetime, end: datetime) -> dict[str, float]:
        """Orders, revenue, average order value and refunds of the orders placed in [start, end) (cancelled
        excluded)."""
        refunded = func.coalesce(O.c.refunded_amount, 0.0)
        row = (await self.conn.execute(select(func.count(), func.sum(O.c.total), func.sum(refunded),
                                              func.sum(case((refunded > 0, 1), else_=0))).where(
            O.c.tenant_id == self.tenant, O.c.created_at >= start, O.c.created_at < end,
            O.c.cancelled_at.is_(None)))).one()
        orders, revenue = int(row[0]), float(row[1] or 0.0)
        return {"orders": orders, "revenue": revenue, "aov": revenue / orders if orders else 0.0,
                "refunded": round(float(row[2] or 0.0), 2), "refunded_orders": int(row[3] or 0)}

    async def orders_by_week(self, edges: list[datetime]) -> list[dict[str, Any]]:
        """Orders and revenue per week (cancelled excluded); ``edges`` are week starts and the last week's end."""
        inner = (select(week_index(O.c.created_at, edges).label("week"), O.c.total)
                 .where(O.c.tenant_id == self.tenant, within(O.c.created_at, edges), O.c.cancelled_at.is_(None))
                 .subquery())
        rows = (await self.conn.execute(select(inner.c.week, func.count().label("orders"),
                                               func.sum(inner.c.total).label("revenue")).group_by(inner.c.week))).all()
        return [dict(r._mapping) for r in rows]

    async def newest_order_at(self) -> datetime | None:
        return (await self.conn.execute(select(func.max(O.c.created_at)).where(
            O.c.tenant_id == self.tenant))).scalar_one()

    async def top_products(self, *, since: datetime, limit: int, until: datetime | None = None) -> list[dict[str, Any]]:
        """Products by revenue in [since, until): units and revenue (cancelled orders excluded)."""
        revenue = func.sum(OL.c.quantity * OL.c.price).label("revenue")
        stmt = (select(P.c.title, P.c.handle, func.sum(OL.c.quantity).label("units"), revenue)
                .select_from(OL.join(O, O.c.id == OL.c.order_id).join(V, (V.c.sku == OL.c.sku)
                                                                       & (V.c.tenant_id == OL.c.tenant_id))
                             .join(P, P.c.id == V.c.product_id))
                .where(OL.c.tenant_id == self.tenant, O.c.created_at >= since, O.c.cancelled_at.is_(None),
                       *([O.c.created_at < until] if until is not None else []))
                .group_by(P.c.title, P.c.handle).order_by(revenue.desc()).limit(limit))
        return [dict(r._mapping) for r in (await self.conn.execute(stmt)).all()]

    async def sku_sales_between(self, skus: list[str], start: datetime, end: datetime) -> dict[str, dict[str, float]]:
        """Units, revenue and orders per SKU of the orders placed in [start, end) (cancelled excluded)."""
        stmt = (select(OL.c.sku, func.sum(OL.c.quantity), func.sum(OL.c.quantity * OL.c.price),
                       func.count(func.distinct(O.c.id)))
                .join(O, O.c.id == OL.c.order_id)
                .where(OL.c.tenant_id == self.tenant, OL.c.sku.in_(skus), O.c.created_at >= start,
                       O.c.created_at < end, O.c.cancelled_at.is_(None))
                .group_by(OL.c.sku))
        return {r[0]: {"units": int(r[1] or 0), "revenue": float(r[2] or 0.0), "orders": int(r[3] or 0)}
                for r in (await self.conn.execute(stmt)).all()}

    async def refunds_by_sku(self, *, since: datetime) -> list[dict[str, Any]]:
        refunded = O.c.refunded_amount > 0
        stmt = (select(OL.c.sku, func.count().label("orders"),
                       func.sum(case((refunded, 1), else_=0)).label("refunded_orders"),
                       func.sum(OL.c.quantity * OL.c.price).label("revenue"),
                       func.sum(case((refunded, OL.c.quantity * OL.c.price), else_=0)).label("refunded_revenue"))
                .join(O, O.c.id == OL.c.order_id)
                .where(OL.c.tenant_id == self.tenant, O.c.created_at >= since, O.c.cancelled_at.is_(None),
                       OL.c.sku != "")
                .group_by(OL.c.sku))
        return [dict(r._mapping) for r in (await self.conn.execute(stmt)).all()]

