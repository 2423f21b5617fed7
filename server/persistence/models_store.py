"""The engine's own copy of the store: products, variants, orders and their lines, purchase
orders, landing pages and internal links (what the local executor changes, and what the
specialists read). Registered on ``Base`` through ``models``, which re-exports them."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from sqlalchemy import BigInteger, Boolean, Float, ForeignKey, Index, Integer, String, Text, UniqueConstraint, text
from sqlalchemy.orm import Mapped, mapped_column

from server.persistence.models import Base, Id


class Product(Base):
    __tablename__ = "products"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    handle: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(500))
    body_html: Mapped[str] = mapped_column(Text, default="")
    vendor: Mapped[str] = mapped_column(String(200), default="")
    product_type: Mapped[str] = mapped_column(String(200), default="")
    tags: Mapped[str] = mapped_column(Text, default="")
    status: Mapped[str] = mapped_column(String(20), default="active")
    seo_title: Mapped[str] = mapped_column(String(500), default="")
    seo_description: Mapped[str] = mapped_column(Text, default="")
    updated_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("tenant_id", "handle"),)


class Variant(Base):
    __tablename__ = "variants"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    product_id: Mapped[int] = mapped_column(ForeignKey("products.id"), index=True)
    sku: Mapped[str] = mapped_column(String(200))
    title: Mapped[str] = mapped_column(String(500), default="")
    price: Mapped[float] = mapped_column(Float)
    compare_at_price: Mapped[float | None] = mapped_column(Float)
    cost: Mapped[float | None] = mapped_column(Float)
    inventory_qty: Mapped[int] = mapped_column(Integer, default=0)
    updated_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("tenant_id", "sku"),)


class Order(Base):
    __tablename__ = "orders"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    name: Mapped[str] = mapped_column(String(50))
    customer_ref: Mapped[str] = mapped_column(String(64), index=True)
    financial_status: Mapped[str] = mapped_column(String(30), default="")
    fulfillment_status: Mapped[str] = mapped_column(String(30), default="")
    currency: Mapped[str] = mapped_column(String(3), default="USD")
    total: Mapped[float] = mapped_column(Float, default=0.0)
    created_at: Mapped[datetime]
    on_hold: Mapped[bool] = mapped_column(Boolean, default=False)
    hold_reason: Mapped[str] = mapped_column(Text, default="")
    # From the orders import: customer PII as vault references and derived features only.
    external_id: Mapped[str] = mapped_column(String(40), default="", server_default="")
    email_ref: Mapped[str | None] = mapped_column(String(64))
    email_domain: Mapped[str] = mapped_column(String(255), default="", server_default="")
    email_disposable: Mapped[bool] = mapped_column(Boolean, default=False, server_default=text("false"))
    name_ref: Mapped[str | None] = mapped_column(String(64))
    phone_ref: Mapped[str | None] = mapped_column(String(64))
    billing_address_ref: Mapped[str | None] = mapped_column(String(64))
    shipping_address_ref: Mapped[str | None] = mapped_column(String(64))
    billing_country: Mapped[str] = mapped_column(String(60), default="", server_default="")
    shipping_country: Mapped[str] = mapped_column(String(60), default="", server_default="")
    subtotal: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))
    shipping: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))
    taxes: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))
    discount_amount: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))
    discount_code: Mapped[str] = mapped_column(String(200), default="", server_default="")
    paid_at: Mapped[datetime | None]
    cancelled_at: Mapped[datetime | None]
    refunded_amount: Mapped[float] = mapped_column(Float, default=0.0, server_default=text("0"))
    risk_level: Mapped[str] = mapped_column(String(20), default="", server_default="")
    source: Mapped[str] = mapped_column(String(100), default="", server_default="")
    payment_method: Mapped[str] = mapped_column(String(200), default="", server_default="")
    tags: Mapped[str] = mapped_column(Text, default="", server_default="")
    import_id: Mapped[int | None] = mapped_column(BigInteger)
    __table_args__ = (UniqueConstraint("tenant_id", "name"), Index("ix_orders_created", "tenant_id", "created_at"))


class OrderLine(Base):
    __tablename__ = "order_lines"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    order_id: Mapped[int] = mapped_column(ForeignKey("orders.id", ondelete="CASCADE"), index=True)
    line_no: Mapped[int] = mapped_column(Integer)
    sku: Mapped[str] = mapped_column(String(200), default="")
    name: Mapped[str] = mapped_column(String(500), default="")
    quantity: Mapped[int] = mapped_column(Integer)
    price: Mapped[float] = mapped_column(Float)
    __table_args__ = (Index("ix_order_lines_sku", "tenant_id", "sku"),)


class PurchaseOrder(Base):
    __tablename__ = "purchase_orders"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    action_id: Mapped[int] = mapped_column(BigInteger, index=True)
    sku: Mapped[str] = mapped_column(String(200))
    quantity: Mapped[int] = mapped_column(Integer)
    unit_cost: Mapped[float] = mapped_column(Float, default=0.0)
    supplier: Mapped[str] = mapped_column(String(200), default="")
    status: Mapped[str] = mapped_column(String(20), default="draft")
    created_at: Mapped[datetime]
    cancelled_at: Mapped[datetime | None]


class LandingPage(Base):
    __tablename__ = "landing_pages"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    action_id: Mapped[int] = mapped_column(BigInteger)
    path: Mapped[str] = mapped_column(String(255))
    title: Mapped[str] = mapped_column(String(500))
    query: Mapped[str] = mapped_column(String(500))
    outline: Mapped[list[Any]]
    status: Mapped[str] = mapped_column(String(20), default="draft")
    seo_title: Mapped[str] = mapped_column(String(500), default="")
    seo_description: Mapped[str] = mapped_column(Text, default="")
    created_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("tenant_id", "path"),)


class InternalLinkRow(Base):
    __tablename__ = "internal_links"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    action_id: Mapped[int] = mapped_column(BigInteger, index=True)
    page_url: Mapped[str] = mapped_column(String(2000))
    anchor: Mapped[str] = mapped_column(String(200))
    to_url: Mapped[str] = mapped_column(String(2000))
    status: Mapped[str] = mapped_column(String(20), default="active")
    created_at: Mapped[datetime]
