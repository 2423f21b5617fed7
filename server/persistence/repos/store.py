"""The engine's own store tables: what the local executor reads and changes."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import bindparam, case, func, insert, literal, or_, select, update
from sqlalchemy.ext.asyncio import AsyncConnection

from server.persistence import models as m
from server.persistence.statements import shaped

P = m.Product.__table__
V = m.Variant.__table__
LP = m.LandingPage.__table__
IL = m.InternalLinkRow.__table__
PO = m.PurchaseOrder.__table__
OR = m.Order.__table__
TK = m.Task.__table__
_PRODUCT = select(P).where(P.c.tenant_id == bindparam("w_tenant"), P.c.handle == bindparam("w_handle"))
_VARIANT = select(V).where(V.c.tenant_id == bindparam("w_tenant"), V.c.sku == bindparam("w_sku"))


class SqlStoreRepo:
    def __init__(self, conn: AsyncConnection, tenant: str) -> None:
        self.conn = conn
        self.tenant = tenant

    async def _one(self, stmt: Any, params: dict[str, Any] | None = None) -> dict[str, Any] | None:
        row = (await self.conn.execute(stmt, params)).first()
        return dict(row._mapping) if row else None

    async def product_by_handle(self, handle: str) -> dict[str, Any] | None:
        return await self._one(_PRODUCT, {"w_tenant": self.tenant, "w_handle": handle})

    async def product_by_id(self, product_id: int) -> dict[str, Any] | None:
        return await self._one(select(P).where(P.c.tenant_id == self.tenant, P.c.id == product_id))

    async def set_product_seo(self, handle: str, *, seo_title: str | None = None,
                              seo_description: str | None = None, now: datetime) -> None:
        values: dict[str, Any] = {"updated_at": now}
        if seo_title is not None:
            values["seo_title"] = seo_title
        if seo_description is not None:
            values["seo_description"] = seo_description
        stmt = shaped(("products.seo", tuple(sorted(values))), lambda: update(P).where(
            P.c.tenant_id == bindparam("w_tenant"), P.c.handle == bindparam("w_handle")).values(
            **{k: bindparam(f"v_{k}") for k in values}))
        await self.conn.execute(stmt, {"w_tenant": self.tenant, "w_handle": handle,
                                       **{f"v_{k}": v for k, v in values.items()}})

    async def landing_page(self, path: str) -> dict[str, Any] | None:
        return await self._one(select(LP).where(LP.c.tenant_id == self.tenant, LP.c.path == path))

    async def set_landing_page_seo(self, path: str, *, seo_title: str | None = None,
                                   seo_description: str | None = None) -> None:
        values: dict[str, Any] = {}
        if seo_title is not None:
            values["seo_title"] = seo_title
        if seo_description is not None:
            values["seo_description"] = seo_description
        if values:
            await self.conn.execute(update(LP).where(LP.c.tenant_id == self.tenant, LP.c.path == path).values(**values))

    async def create_landing_page(self, *, action_id: int, path: str, title: str, query: str,
                                  outline: list[str], now: datetime) -> int:
        res = await self.conn.execute(insert(LP).values(
            tenant_id=self.tenant, action_id=action_id, path=path, title=title, query=query, outline=outline,
            status="published", seo_title=title, seo_description="", created_at=now).returning(LP.c.id))
        return int(res.scalar_one())

    async def set_landing_page_status(self, page_id: int, status: str) -> None:
        await self.conn.execute(update(LP).where(LP.c.tenant_id == self.tenant, LP.c.id == page_id).values(status=status))

    async def add_links(self, *, action_id: int, page_url: str, links: list[dict[str, str]],
                        now: datetime) -> list[int]:
        ids = []
        for link in links:
            res = await self.conn.execute(insert(IL).values(
                tenant_id=self.tenant, action_id=action_id, page_url=page_url, anchor=link["anchor"],
                to_url=link["to_url"], status="active", created_at=now).returning(IL.c.id))
            ids.append(int(res.scalar_one()))
        return ids

    async def set_links_status(self, link_ids: list[int], status: str) -> None:
        await self.conn.execute(update(IL).where(IL.c.tenant_id == self.tenant, IL.c.id.in_(link_ids)).values(status=status))

    async def names(self, *, skus: list[str], handles: list[str], paths: list[str]) -> dict[str, dict[str, Any]]:
        """What targets are called, in three queries: ``sku:X`` / ``handle:X`` -> title, option, vendor, type;
        ``path:X`` -> a landing page's title."""
        out: dict[str, dict[str, Any]] = {}
        if skus:
            rows = (await self.conn.execute(
                select(V.c.sku, V.c.title.label("option"), P.c.title, P.c.vendor, P.c.product_type, P.c.handle)
                .join(P, P.c.id == V.c.product_id).where(V.c.tenant_id == self.tenant, V.c.sku.in_(skus)))).all()
            out.update({f"sku:{r.sku}": dict(r._mapping) for r in rows})
        if handles:
            rows = (await self.conn.execute(select(P.c.handle, P.c.title, P.c.vendor, P.c.product_type).where(
                P.c.tenant_id == self.tenant, P.c.handle.in_(handles)))).all()
            out.update({f"handle:{r.handle}": dict(r._mapping) for r in rows})
        if paths:
            rows = (await self.conn.execute(select(LP.c.path, LP.c.title).where(
                LP.c.tenant_id == self.tenant, LP.c.path.in_(paths)))).all()
            out.update({f"path:{r.path}": dict(r._mapping) for r in rows})
        return out

    async def variant(self, sku: str) -> dict[str, Any] | None:
        return await self._one(_VARIANT, {"w_tenant": self.tenant, "w_sku": sku})

    async def set_variant_price(self, sku: str, *, price: float, compare_at_price: float | None,
                                now: datetime) -> None:
        await self.conn.execute(update(V).where(V.c.tenant_id == self.tenant, V.c.sku == sku)
                                .values(price=price, compare_at_price=compare_at_price, updated_at=now))

    async def create_purchase_order(self, *, action_id: int, sku: str, quantity: int, unit_cost: float,
                                    supplier: str, now: datetime) -> int:
        res = await self.conn.execute(insert(PO).values(
            tenant_id=self.tenant, action_id=action_id, sku=sku, quantity=quantity, unit_cost=unit_cost,
            supplier=supplier, status="draft", created_at=now).returning(PO.c.id))
        return int(res.scalar_one())

    async def set_purchase_order_status(self, po_id: int, status: str, *, now: datetime) -> None:
        values: dict[str, Any] = {"status": status}
        if status == "cancelled":
            values["cancelled_at"] = now
        await self.conn.execute(update(PO).where(PO.c.tenant_id == self.tenant, PO.c.id == po_id).values(**values))

    async def order(self, name: str) -> dict[str, Any] | None:
        return await self._one(select(OR).where(OR.c.tenant_id == self.tenant, OR.c.name == name))

    async def set_order_hold(self, name: str, *, on_hold: bool, reason: str) -> None:
        await self.conn.execute(update(OR).where(OR.c.tenant_id == self.tenant, OR.c.name == name)
                                .values(on_hold=on_hold, hold_reason=reason))

    async def create_task(self, *, action_id: int, assignee: str, kind: str, title: str, body: dict[str, Any],
                          now: datetime) -> int:
        res = await self.conn.execute(insert(TK).values(
            tenant_id=self.tenant, action_id=action_id, assignee=assignee, kind=kind, title=title, body=body,
            status="open", created_at=now).returning(TK.c.id))
        return int(res.scalar_one())

    async def set_task_status(self, task_id: int, status: str, *, now: datetime) -> None:
        await self.conn.execute(update(TK).where(TK.c.tenant_id == self.tenant, TK.c.id == task_id)
                                .values(status=status, closed_at=now if status != "open" else None))

    async def search_products(self, tokens: list[str], *, max_price: float | None,
                              limit: int) -> list[dict[str, Any]]:
        """Products whose text matches the most tokens, with their price range and stock."""
        haystack = func.lower(P.c.title + " " + P.c.tags + " " + P.c.product_type + " " + P.c.vendor + " "
                              + P.c.handle)
        # "tshirts" finds "T-Shirt": a token matches the text as written or with its hyphens closed up
        closed = func.replace(haystack, "-", "")
        score = sum((case((or_(haystack.like(f"%{_like(t)}%", escape="\\"), closed.like(f"%{_like(t)}%", escape="\\")),
                           1), else_=0) for t in tokens), start=literal(0))
        price = (select(func.min(V.c.price)).where(V.c.product_id == P.c.id).scalar_subquery())
        stock = (select(func.coalesce(func.sum(V.c.inventory_qty), 0)).where(V.c.product_id == P.c.id)
                 .scalar_subquery())
        stmt = (select(P.c.handle, P.c.title, P.c.vendor, P.c.product_type, price.label("price"),
                       stock.label("stock"), score.label("score"))
                .where(P.c.tenant_id == self.tenant, P.c.status == "active"))
        if tokens:
            stmt = stmt.where(score > 0)
        if max_price is not None:
            stmt = stmt.where(price <= max_price)
        rows = (await self.conn.execute(stmt.order_by(score.desc(), P.c.title).limit(limit))).all()
        return [dict(r._mapping) for r in rows]

    async def product_detail(self, handle: str) -> dict[str, Any] | None:
        product = await self.product_by_handle(handle)
        if product is None:
            return None
        rows = (await self.conn.execute(select(V.c.sku, V.c.title, V.c.price, V.c.compare_at_price,
                                               V.c.inventory_qty)
                                        .where(V.c.tenant_id == self.tenant, V.c.product_id == product["id"])
                                        .order_by(V.c.id))).all()
        return {**product, "variants": [dict(r._mapping) for r in rows]}

    async def coverage(self) -> dict[str, int]:
        """Row counts of the store tables the specialists read."""
        from server.persistence import models_telemetry as t

        out = {}
        for name, table in (("products", P), ("variants", V), ("orders", OR), ("order_lines", m.OrderLine.__table__),
                            ("gsc_rows", t.GscDaily.__table__), ("gsc_ui_rows", t.GscUiStat.__table__),
                            ("ga4_rows", t.Ga4Daily.__table__)):
            out[name] = int((await self.conn.execute(
                select(func.count()).select_from(table).where(table.c.tenant_id == self.tenant))).scalar_one())
        return out

    async def orders_for_customer(self, customer_ref: str, *, name: str | None, limit: int) -> list[dict[str, Any]]:
        stmt = select(OR).where(OR.c.tenant_id == self.tenant, OR.c.customer_ref == customer_ref)
        if name is not None:
            stmt = stmt.where(OR.c.name == name)
        rows = (await self.conn.execute(stmt.order_by(OR.c.created_at.desc()).limit(limit))).all()
        return [dict(r._mapping) for r in rows]


def _like(token: str) -> str:
    return token.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
