"""Telemetry tables: what the importers write and the rollups the specialists read.

Raw facts are kept at the grain a source gives them (Search Console per day, page
and query, summed over country and device; GA4 per day, landing page and channel).
Rollups are rebuilt at the end of every import for the windows anchored at the
source's watermark, so an analysis reads a few thousand aggregate rows, never the
raw ones.
"""

from __future__ import annotations

from datetime import date, datetime
from typing import Any

from sqlalchemy import BigInteger, Date, Float, ForeignKey, Index, Integer, String, UniqueConstraint
from sqlalchemy.orm import Mapped, mapped_column

from server.persistence.models import Base, Id


class TelemetrySource(Base):
    """One source of a tenant: its freshness watermark and the rollup windows."""

    __tablename__ = "telemetry_sources"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    source: Mapped[str] = mapped_column(String(40), primary_key=True)
    #: the newest day (or order time) the source holds
    watermark: Mapped[datetime | None]
    last_import_id: Mapped[int | None] = mapped_column(BigInteger)
    last_import_at: Mapped[datetime | None]
    rows: Mapped[int] = mapped_column(BigInteger, default=0)
    #: rollup windows and other facts about what the source holds
    details: Mapped[dict[str, Any]]


class TelemetryImport(Base):
    """One import of one file (or one sync); the digest makes re-importing a no-op."""

    __tablename__ = "telemetry_imports"
    id: Mapped[int] = mapped_column(Id, primary_key=True, autoincrement=True)
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"))
    source: Mapped[str] = mapped_column(String(40))
    format: Mapped[str] = mapped_column(String(40))
    origin: Mapped[str] = mapped_column(String(20))
    name: Mapped[str] = mapped_column(String(500))
    sha256: Mapped[str] = mapped_column(String(64))
    rows_read: Mapped[int] = mapped_column(BigInteger)
    rows_written: Mapped[int] = mapped_column(BigInteger)
    rows_skipped: Mapped[int] = mapped_column(BigInteger)
    first_day: Mapped[date | None] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)
    #: skipped lines (line number and reason) and other notes, capped
    report: Mapped[dict[str, Any]]
    imported_at: Mapped[datetime]
    __table_args__ = (UniqueConstraint("tenant_id", "source", "sha256"),)


class GscPage(Base):
    __tablename__ = "gsc_pages"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    url: Mapped[str] = mapped_column(String(2000))
    #: the URL's path, the key GA4 and the store tables share
    path: Mapped[str] = mapped_column(String(2000))
    __table_args__ = (UniqueConstraint("tenant_id", "url"),)


class GscQuery(Base):
    __tablename__ = "gsc_queries"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    #: "" is Google's anonymized queries, kept so page totals add up
    text: Mapped[str] = mapped_column(String(1000))
    __table_args__ = (UniqueConstraint("tenant_id", "text"),)


class GscDaily(Base):
    """Web search, per day, page and query, summed over country and device.

    ``position_sum`` is zero-based (the bulk export's ``sum_position``): average
    position = position_sum / impressions + 1.
    """

    __tablename__ = "gsc_daily"
    tenant_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    page_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    query_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    impressions: Mapped[int] = mapped_column(Integer)
    clicks: Mapped[int] = mapped_column(Integer)
    position_sum: Mapped[float] = mapped_column(Float)
    __table_args__ = ({"sqlite_with_rowid": False},)


class GscPairStat(Base):
    """Rollup: page × query over the current 28 days and the 28 before."""

    __tablename__ = "gsc_pair_stats"
    tenant_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    page_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    query_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    impressions: Mapped[int] = mapped_column(Integer)
    clicks: Mapped[int] = mapped_column(Integer)
    position_sum: Mapped[float] = mapped_column(Float)
    prev_impressions: Mapped[int] = mapped_column(Integer)
    prev_clicks: Mapped[int] = mapped_column(Integer)
    prev_position_sum: Mapped[float] = mapped_column(Float)
    __table_args__ = ({"sqlite_with_rowid": False},)


class GscPageStat(Base):
    """Rollup: one page over the current and previous windows (every query, anonymized too)."""

    __tablename__ = "gsc_page_stats"
    tenant_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    page_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    impressions: Mapped[int] = mapped_column(Integer)
    clicks: Mapped[int] = mapped_column(Integer)
    position_sum: Mapped[float] = mapped_column(Float)
    prev_impressions: Mapped[int] = mapped_column(Integer)
    prev_clicks: Mapped[int] = mapped_column(Integer)
    prev_position_sum: Mapped[float] = mapped_column(Float)
    queries: Mapped[int] = mapped_column(Integer)
    #: the four weeks before the previous window; None when the data does not reach back that far
    earlier_impressions: Mapped[int | None] = mapped_column(Integer, nullable=True)
    earlier_clicks: Mapped[int | None] = mapped_column(Integer, nullable=True)
    earlier_position_sum: Mapped[float | None] = mapped_column(Float, nullable=True)


class GscQueryStat(Base):
    """Rollup: one query over the current window, with the page that ranks best for it."""

    __tablename__ = "gsc_query_stats"
    tenant_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    query_id: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    impressions: Mapped[int] = mapped_column(Integer)
    clicks: Mapped[int] = mapped_column(Integer)
    position_sum: Mapped[float] = mapped_column(Float)
    pages: Mapped[int] = mapped_column(Integer)
    #: the best average position any one page holds for the query
    best_position: Mapped[float] = mapped_column(Float)
    __table_args__ = (Index("ix_gsc_query_stats_impressions", "tenant_id", "impressions"),)


class GscCtrBucket(Base):
    """Rollup: clicks and impressions by rounded position, for the store's own CTR curve."""

    __tablename__ = "gsc_ctr_buckets"
    tenant_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    position: Mapped[int] = mapped_column(Integer, primary_key=True, autoincrement=False)
    impressions: Mapped[int] = mapped_column(BigInteger)
    clicks: Mapped[int] = mapped_column(BigInteger)
    pairs: Mapped[int] = mapped_column(Integer)


class GscUiStat(Base):
    """The Search Console UI export: totals per query, page or date over its period."""

    __tablename__ = "gsc_ui_stats"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    dimension: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(2000), primary_key=True)
    clicks: Mapped[int] = mapped_column(Integer)
    impressions: Mapped[int] = mapped_column(Integer)
    #: one-based average position, as the UI shows it
    position: Mapped[float] = mapped_column(Float)
    first_day: Mapped[date | None] = mapped_column(Date)
    last_day: Mapped[date | None] = mapped_column(Date)


class Ga4Daily(Base):
    __tablename__ = "ga4_daily"
    tenant_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    landing_page: Mapped[str] = mapped_column(String(2000), primary_key=True)
    channel: Mapped[str] = mapped_column(String(100), primary_key=True)
    day: Mapped[date] = mapped_column(Date, primary_key=True)
    sessions: Mapped[int] = mapped_column(Integer)
    engaged_sessions: Mapped[int] = mapped_column(Integer)
    key_events: Mapped[float] = mapped_column(Float)
    revenue: Mapped[float] = mapped_column(Float)
    purchases: Mapped[int] = mapped_column(Integer)
    __table_args__ = ({"sqlite_with_rowid": False},)


class Ga4Stat(Base):
    """Rollup: landing page × channel over a named period (recent, baseline, last 28 days)."""

    __tablename__ = "ga4_stats"
    tenant_id: Mapped[str] = mapped_column(String(63), primary_key=True)
    landing_page: Mapped[str] = mapped_column(String(2000), primary_key=True)
    channel: Mapped[str] = mapped_column(String(100), primary_key=True)
    period: Mapped[str] = mapped_column(String(20), primary_key=True)
    sessions: Mapped[int] = mapped_column(Integer)
    engaged_sessions: Mapped[int] = mapped_column(Integer)
    key_events: Mapped[float] = mapped_column(Float)
    revenue: Mapped[float] = mapped_column(Float)
    purchases: Mapped[int] = mapped_column(Integer)


class InventorySetting(Base):
    """Lead time and safety stock for one product, one vendor, or the store default."""

    __tablename__ = "inventory_settings"
    tenant_id: Mapped[str] = mapped_column(ForeignKey("tenants.id"), primary_key=True)
    #: "product" (key = handle), "vendor" (key = vendor name) or "store" (key = "")
    scope: Mapped[str] = mapped_column(String(20), primary_key=True)
    key: Mapped[str] = mapped_column(String(255), primary_key=True)
    lead_time_days: Mapped[int] = mapped_column(Integer)
    #: days of sales kept as safety stock on top of the lead-time demand
    safety_days: Mapped[int] = mapped_column(Integer)
    #: how many days of sales a purchase order should cover once it lands
    cover_days: Mapped[int] = mapped_column(Integer)
    #: what holding stock costs a year, in percent of its cost; None: the next wider scope's (or the default)
    holding_cost_pct: Mapped[float | None] = mapped_column(Float, nullable=True)
    updated_at: Mapped[datetime]
