"""What a parser hands to the writer: typed, validated, aggregated batches."""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date, datetime
from typing import Any


class Interner:
    """Strings to dense indexes (pages and queries repeat on every row)."""

    __slots__ = ("index", "values")

    def __init__(self) -> None:
        self.index: dict[str, int] = {}
        self.values: list[str] = []

    def __call__(self, value: str) -> int:
        found = self.index.get(value)
        if found is None:
            found = self.index[value] = len(self.values)
            self.values.append(value)
        return found


#: a cell key packs (page, query, day) into one int, in primary-key order: page and
#: query indexes below 2**26 each, the day as days since 2000-01-01 below 2**14
DAY_BITS, QUERY_BITS = 14, 26
EPOCH = date(2000, 1, 1).toordinal()
MAX_INDEX = 1 << QUERY_BITS


@dataclass
class GscBatch:
    """Web search per (page, query, day), summed over country and device.

    Cells are kept as packed int keys and three parallel columns rather than a dict
    of tuples: a million-row export then allocates no object per row, which is what
    keeps parsing fast (and the garbage collector idle).
    """

    pages: Interner = field(default_factory=Interner)
    queries: Interner = field(default_factory=Interner)
    #: packed key -> slot in the columns below
    slots: dict[int, int] = field(default_factory=dict)
    impressions: list[int] = field(default_factory=list)
    clicks: list[int] = field(default_factory=list)
    #: zero-based, as the bulk export's sum_position
    position_sum: list[float] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    #: data rows read from the file
    read: int = 0

    def add(self, day_offset: int, page: str, query: str, impressions: int, clicks: int,
            position_sum: float) -> None:
        key = (self.pages(page) << (QUERY_BITS + DAY_BITS)) | (self.queries(query) << DAY_BITS) | day_offset
        slot = self.slots.get(key)
        if slot is None:
            self.slots[key] = len(self.impressions)
            self.impressions.append(impressions)
            self.clicks.append(clicks)
            self.position_sum.append(position_sum)
        else:
            self.impressions[slot] += impressions
            self.clicks[slot] += clicks
            self.position_sum[slot] += position_sum

    def days(self) -> tuple[date, date] | None:
        if not self.slots:
            return None
        mask = (1 << DAY_BITS) - 1
        offsets = {k & mask for k in self.slots}
        return date.fromordinal(EPOCH + min(offsets)), date.fromordinal(EPOCH + max(offsets))


def day_offset(d: date) -> int:
    offset = d.toordinal() - EPOCH
    if not 0 <= offset < (1 << DAY_BITS):
        raise ValueError(f"{d.isoformat()} is outside 2000-01-01 … 2044-11-09")
    return offset


@dataclass(frozen=True, slots=True)
class UiStat:
    clicks: int
    impressions: int
    #: one-based average position
    position: float


@dataclass
class GscUiBatch:
    """The Search Console UI export: totals per query, page and date over one period."""

    tables: dict[str, dict[str, UiStat]] = field(default_factory=dict)
    period: tuple[date, date] | None = None
    notes: list[str] = field(default_factory=list)
    read: int = 0

    def days(self) -> tuple[date, date] | None:
        return self.period


GA4_METRICS = ("sessions", "engaged_sessions", "key_events", "revenue", "purchases")


@dataclass
class Ga4Batch:
    """Per (ISO day, landing page path, channel): sessions, engaged sessions, key events,
    revenue, purchases."""

    cells: dict[tuple[str, str, str], list[float]] = field(default_factory=dict)
    #: which of GA4_METRICS the file carried (the others are zero, not measured)
    metrics: set[str] = field(default_factory=set)
    notes: list[str] = field(default_factory=list)
    read: int = 0

    def days(self) -> tuple[date, date] | None:
        if not self.cells:
            return None
        found = {k[0] for k in self.cells}
        return date.fromisoformat(min(found)), date.fromisoformat(max(found))


@dataclass(slots=True)
class VariantRow:
    sku: str
    title: str
    price: float
    compare_at_price: float | None
    cost: float | None
    inventory_qty: int | None


@dataclass(slots=True)
class ProductRow:
    handle: str
    title: str
    body_html: str = ""
    vendor: str = ""
    product_type: str = ""
    tags: str = ""
    status: str = "active"
    seo_title: str = ""
    seo_description: str = ""
    variants: list[VariantRow] = field(default_factory=list)


@dataclass
class ProductsBatch:
    products: list[ProductRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    read: int = 0

    def days(self) -> tuple[date, date] | None:
        return None


@dataclass(slots=True)
class LineRow:
    sku: str
    name: str
    quantity: int
    price: float


@dataclass(slots=True)
class OrderRow:
    """One order as exported, PII included: it lives only in memory until the broker
    swaps it for vault references inside the write transaction."""

    name: str
    created_at: datetime
    email: str = ""
    financial_status: str = ""
    fulfillment_status: str = ""
    currency: str = "USD"
    subtotal: float = 0.0
    shipping: float = 0.0
    taxes: float = 0.0
    total: float = 0.0
    discount_code: str = ""
    discount_amount: float = 0.0
    paid_at: datetime | None = None
    cancelled_at: datetime | None = None
    refunded_amount: float = 0.0
    external_id: str = ""
    tags: str = ""
    risk_level: str = ""
    source: str = ""
    payment_method: str = ""
    billing_name: str = ""
    phone: str = ""
    billing_address: str = ""
    shipping_address: str = ""
    billing_country: str = ""
    shipping_country: str = ""
    lines: list[LineRow] = field(default_factory=list)


@dataclass
class OrdersBatch:
    orders: list[OrderRow] = field(default_factory=list)
    notes: list[str] = field(default_factory=list)
    read: int = 0

    def days(self) -> tuple[date, date] | None:
        if not self.orders:
            return None
        times = [o.created_at for o in self.orders]
        return min(times).date(), max(times).date()


Batch = GscBatch | GscUiBatch | Ga4Batch | ProductsBatch | OrdersBatch


def describe(batch: Batch) -> dict[str, Any]:
    """Counts for the import report."""
    match batch:
        case GscBatch():
            return {"cells": len(batch.slots), "pages": len(batch.pages.values),
                    "queries": len(batch.queries.values)}
        case GscUiBatch():
            return {name: len(rows) for name, rows in batch.tables.items()}
        case Ga4Batch():
            return {"cells": len(batch.cells), "metrics": sorted(batch.metrics)}
        case ProductsBatch():
            return {"products": len(batch.products), "variants": sum(len(p.variants) for p in batch.products)}
        case OrdersBatch():
            return {"orders": len(batch.orders), "lines": sum(len(o.lines) for o in batch.orders)}
