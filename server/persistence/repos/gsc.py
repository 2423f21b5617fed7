"""Search Console facts: the bulk write, the rollups rebuilt after it, and the reads
the content specialist makes (aggregates only)."""

from __future__ import annotations

from datetime import date
from itertools import repeat
from operator import and_, rshift
from typing import Any
from urllib.parse import urlsplit

from sqlalchemy import Date, String, bindparam, case, delete, func, insert, select, text
from sqlalchemy.ext.asyncio import AsyncConnection

from server.persistence import models_telemetry as t
from server.persistence.repos.bulk import upsert_rows
from server.persistence.sqlite_sync import SyncConnection
from tools.ingest.batches import DAY_BITS, EPOCH, QUERY_BITS, GscBatch, GscUiBatch
from tools.ingest.windows import Window

PG, QY, PAIRS, PAGES, QUERIES, CTR, UI = (t.GscPage.__table__, t.GscQuery.__table__, t.GscPairStat.__table__,
                                          t.GscPageStat.__table__, t.GscQueryStat.__table__,
                                          t.GscCtrBucket.__table__, t.GscUiStat.__table__)
_DAY_MASK = (1 << DAY_BITS) - 1
_QUERY_MASK = (1 << QUERY_BITS) - 1
_PAGE_SHIFT = QUERY_BITS + DAY_BITS

_PAIR_ROLLUP = """
INSERT INTO gsc_pair_stats (tenant_id, page_id, query_id, impressions, clicks, position_sum,
                            prev_impressions, prev_clicks, prev_position_sum)
SELECT :tenant, page_id, query_id,
       SUM(CASE WHEN day >= :cur THEN impressions ELSE 0 END),
       SUM(CASE WHEN day >= :cur THEN clicks ELSE 0 END),
       SUM(CASE WHEN day >= :cur THEN position_sum ELSE 0 END),
       SUM(CASE WHEN day < :cur THEN impressions ELSE 0 END),
       SUM(CASE WHEN day < :cur THEN clicks ELSE 0 END),
       SUM(CASE WHEN day < :cur THEN position_sum ELSE 0 END)
FROM gsc_daily WHERE tenant_id = :tenant AND day >= :prev AND day <= :end
GROUP BY page_id, query_id
"""
_PAGE_ROLLUP = """
INSERT INTO gsc_page_stats (tenant_id, page_id, impressions, clicks, position_sum, prev_impressions,
                            prev_clicks, prev_position_sum, queries)
SELECT :tenant, page_id, SUM(impressions), SUM(clicks), SUM(position_sum), SUM(prev_impressions),
       SUM(prev_clicks), SUM(prev_position_sum), SUM(CASE WHEN impressions > 0 THEN 1 ELSE 0 END)
FROM gsc_pair_stats WHERE tenant_id = :tenant GROUP BY page_id
"""
_QUERY_ROLLUP = """
INSERT INTO gsc_query_stats (tenant_id, query_id, impressions, clicks, position_sum, pages, best_position)
SELECT :tenant, query_id, SUM(impressions), SUM(clicks), SUM(position_sum), COUNT(*),
       MIN(position_sum / impressions + 1)
FROM gsc_pair_stats WHERE tenant_id = :tenant AND impressions > 0 GROUP BY query_id
"""
#: each page's totals over the earlier window, straight from the daily cells (its pages are the rollup's)
_EARLIER = """
UPDATE gsc_page_stats SET earlier_impressions = e.imp, earlier_clicks = e.clk, earlier_position_sum = e.pos
FROM (SELECT page_id, SUM(impressions) AS imp, SUM(clicks) AS clk, SUM(position_sum) AS pos
      FROM gsc_daily WHERE tenant_id = :tenant AND day >= :earlier AND day < :prev GROUP BY page_id) AS e
WHERE gsc_page_stats.tenant_id = :tenant AND gsc_page_stats.page_id = e.page_id
"""
_NO_EARLIER = """
UPDATE gsc_page_stats SET earlier_impressions = 0, earlier_clicks = 0, earlier_position_sum = 0
WHERE tenant_id = :tenant AND earlier_impressions IS NULL
"""
#: the CTR curve counts real queries only; anonymized rows have no position of their own
_CTR_ROLLUP = """
INSERT INTO gsc_ctr_buckets (tenant_id, position, impressions, clicks, pairs)
SELECT :tenant, {bucket} AS bucket, SUM(impressions), SUM(clicks), COUNT(*)
FROM gsc_pair_stats WHERE tenant_id = :tenant AND impressions > 0 AND query_id <> :anonymized
GROUP BY {bucket}
"""
_BUCKET = {"sqlite": "CAST(position_sum / impressions + 1.5 AS INTEGER)",
           "postgresql": "CAST(FLOOR(position_sum / impressions + 1.5) AS INTEGER)"}

#: typed, so PostgreSQL sees one type for the tenant in both the select list and the filter
_TENANT = bindparam("tenant", type_=String)


def path_of(url: str) -> str:
    return urlsplit(url).path or "/"


class SqlGscRepo:
    def __init__(self, conn: AsyncConnection | SyncConnection, tenant: str, dialect: str) -> None:
        self.conn = conn
        self.tenant = tenant
        self.dialect = dialect

    async def _ids(self, table: Any, column: str, values: list[str]) -> tuple[list[int], bool]:
        """DB ids for ``values`` (new ones added); True when they rise with the values' order."""
        known = {row[1]: row[0] for row in (await self.conn.execute(
            select(table.c.id, table.c[column]).where(table.c.tenant_id == self.tenant))).all()}
        next_id = max(known.values(), default=0) + 1
        ids: list[int] = []
        new_rows = []
        for value in values:
            found = known.get(value)
            if found is None:
                found = known[value] = next_id
                next_id += 1
                new_rows.append((self.tenant, found, value, path_of(value)) if column == "url"
                                else (self.tenant, found, value))
            ids.append(found)
        if new_rows:
            columns = ("tenant_id", "id", "url", "path") if column == "url" else ("tenant_id", "id", "text")
            await upsert_rows(self.conn, table.name, columns, new_rows, conflict=("tenant_id", "id"))
        return ids, all(a < b for a, b in zip(ids, ids[1:]))

    async def write(self, batch: GscBatch) -> int:
        """Upsert the batch's cells (a later import of a day replaces it); returns cells written."""
        page_ids, pages_rise = await self._ids(PG, "url", batch.pages.values)
        query_ids, queries_rise = await self._ids(QY, "text", batch.queries.values)
        keys = sorted(batch.slots)
        if not (pages_rise and queries_rise):
            # re-key by database ids so rows still arrive in primary-key order
            remap = {((page_ids[k >> _PAGE_SHIFT] << _PAGE_SHIFT)
                      | (query_ids[(k >> DAY_BITS) & _QUERY_MASK] << DAY_BITS) | (k & _DAY_MASK)): k for k in keys}
            order = [remap[k] for k in sorted(remap)]
        else:
            order = keys
        as_text = self.dialect == "sqlite"
        days = {k & _DAY_MASK for k in batch.slots}
        day_value = {o: (date.fromordinal(EPOCH + o).isoformat() if as_text else date.fromordinal(EPOCH + o))
                     for o in days}
        # Built from C-level iterators (map, zip): no Python frame per row.
        slot = list(map(batch.slots.__getitem__, order))
        rows = zip(repeat(self.tenant),
                   map(page_ids.__getitem__, map(rshift, order, repeat(_PAGE_SHIFT))),
                   map(query_ids.__getitem__, map(and_, map(rshift, order, repeat(DAY_BITS)), repeat(_QUERY_MASK))),
                   map(day_value.__getitem__, map(and_, order, repeat(_DAY_MASK))),
                   map(batch.impressions.__getitem__, slot), map(batch.clicks.__getitem__, slot),
                   map(batch.position_sum.__getitem__, slot))
        await upsert_rows(self.conn, "gsc_daily", ("tenant_id", "page_id", "query_id", "day", "impressions",
                                                   "clicks", "position_sum"), rows,
                          conflict=("tenant_id", "page_id", "query_id", "day"),
                          update=("impressions", "clicks", "position_sum"))
        return len(order)

    async def newest_day(self) -> date | None:
        return (await self.conn.execute(select(func.max(t.GscDaily.day)).where(
            t.GscDaily.tenant_id == self.tenant))).scalar_one()

    async def oldest_day(self) -> date | None:
        return (await self.conn.execute(select(func.min(t.GscDaily.day)).where(
            t.GscDaily.tenant_id == self.tenant))).scalar_one()

    async def refresh(self, cur: Window, prev: Window, earlier: Window | None = None) -> dict[str, int]:
        """Rebuild every rollup for these windows; returns the rollups' row counts. Pages get their totals over
        ``earlier`` too when it is given (the data reaches back over it): zero where nothing was seen then."""
        for table in (PAIRS, PAGES, QUERIES, CTR):
            await self.conn.execute(delete(table).where(table.c.tenant_id == self.tenant))
        params = {"tenant": self.tenant, "cur": cur.start, "prev": prev.start, "end": cur.end}
        typed = [_TENANT, bindparam("cur", type_=Date), bindparam("prev", type_=Date), bindparam("end", type_=Date)]
        await self.conn.execute(text(_PAIR_ROLLUP).bindparams(*typed), params)
        await self.conn.execute(text(_PAGE_ROLLUP).bindparams(_TENANT), {"tenant": self.tenant})
        if earlier is not None:
            await self.conn.execute(text(_EARLIER).bindparams(_TENANT, bindparam("earlier", type_=Date),
                                                              bindparam("prev", type_=Date)),
                                    {"tenant": self.tenant, "earlier": earlier.start, "prev": prev.start})
            await self.conn.execute(text(_NO_EARLIER).bindparams(_TENANT), {"tenant": self.tenant})
        await self.conn.execute(text(_QUERY_ROLLUP).bindparams(_TENANT), {"tenant": self.tenant})
        anonymized = (await self.conn.execute(select(QY.c.id).where(QY.c.tenant_id == self.tenant,
                                                                     QY.c.text == ""))).scalar()
        await self.conn.execute(text(_CTR_ROLLUP.format(bucket=_BUCKET[self.dialect])).bindparams(_TENANT),
                                {"tenant": self.tenant, "anonymized": anonymized if anonymized is not None else -1})
        counts = {}
        for name, table in (("pairs", PAIRS), ("pages", PAGES), ("queries", QUERIES)):
            counts[name] = int((await self.conn.execute(select(func.count()).select_from(table).where(
                table.c.tenant_id == self.tenant))).scalar_one())
        return counts

    async def daily_rows(self) -> int:
        return int((await self.conn.execute(select(func.count()).select_from(t.GscDaily).where(
            t.GscDaily.tenant_id == self.tenant))).scalar_one())

    async def write_ui(self, batch: GscUiBatch) -> int:
        """The UI export replaces the tables it carries (each is a snapshot of its period)."""
        assert batch.period is not None
        first, last = batch.period
        written = 0
        for dimension, stats in batch.tables.items():
            await self.conn.execute(delete(UI).where(UI.c.tenant_id == self.tenant, UI.c.dimension == dimension))
            if stats:
                await self.conn.execute(insert(UI), [
                    {"tenant_id": self.tenant, "dimension": dimension, "key": key, "clicks": s.clicks,
                     "impressions": s.impressions, "position": s.position, "first_day": first, "last_day": last}
                    for key, s in stats.items()])
            written += len(stats)
        return written

    # --- reads for the content specialist ---------------------------------------------

    async def page_stats(self) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(
            select(PAGES, PG.c.url, PG.c.path).join(PG, (PG.c.tenant_id == PAGES.c.tenant_id)
                                                    & (PG.c.id == PAGES.c.page_id))
            .where(PAGES.c.tenant_id == self.tenant))).all()
        return [dict(r._mapping) for r in rows]

    async def ctr_buckets(self) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(select(CTR).where(CTR.c.tenant_id == self.tenant)
                                        .order_by(CTR.c.position))).all()
        return [dict(r._mapping) for r in rows]

    async def pairs_for_pages(self, page_ids: list[int]) -> list[dict[str, Any]]:
        if not page_ids:
            return []
        stmt = (select(PAIRS, QY.c.text.label("query"))
                .join(QY, (QY.c.tenant_id == PAIRS.c.tenant_id) & (QY.c.id == PAIRS.c.query_id))
                .where(PAIRS.c.tenant_id == self.tenant, PAIRS.c.page_id.in_(page_ids))
                .order_by(PAIRS.c.page_id, PAIRS.c.impressions.desc()))
        return [dict(r._mapping) for r in (await self.conn.execute(stmt)).all()]

    async def top_queries(self, *, min_impressions: int, limit: int) -> list[dict[str, Any]]:
        """Named queries with at least ``min_impressions``, most seen first (index-ordered)."""
        stmt = (select(QUERIES, QY.c.text.label("query"))
                .join(QY, (QY.c.tenant_id == QUERIES.c.tenant_id) & (QY.c.id == QUERIES.c.query_id))
                .where(QUERIES.c.tenant_id == self.tenant, QUERIES.c.impressions >= min_impressions,
                       QY.c.text != "")
                .order_by(QUERIES.c.impressions.desc(), QUERIES.c.query_id).limit(limit))
        return [dict(r._mapping) for r in (await self.conn.execute(stmt)).all()]

    async def range_stats(self, *, edges: tuple[float, ...]) -> list[dict[str, Any]]:
        """Per page and band of position (``edges[i] <= position < edges[i + 1]``, the last band closed), the
        impressions and clicks of its named queries; ``band`` is the band's index."""
        position = PAIRS.c.position_sum / PAIRS.c.impressions + 1
        band = case(*[(position < e, i) for i, e in enumerate(edges[1:-1])], else_=len(edges) - 2)
        anonymized = (await self.conn.execute(select(QY.c.id).where(QY.c.tenant_id == self.tenant,
                                                                     QY.c.text == ""))).scalar()
        stmt = (select(PAIRS.c.page_id, band.label("band"), func.sum(PAIRS.c.impressions).label("impressions"),
                       func.sum(PAIRS.c.clicks).label("clicks"))
                .where(PAIRS.c.tenant_id == self.tenant, PAIRS.c.impressions > 0,
                       PAIRS.c.query_id != (anonymized if anonymized is not None else -1),
                       position >= edges[0], position <= edges[-1])
                .group_by(PAIRS.c.page_id, band).order_by(PAIRS.c.page_id, band))
        return [dict(r._mapping) for r in (await self.conn.execute(stmt)).all()]

    async def pairs_for_queries(self, query_ids: list[int]) -> list[dict[str, Any]]:
        """Every page that showed for these queries in the current window, with its path."""
        if not query_ids:
            return []
        stmt = (select(PAIRS.c.page_id, PAIRS.c.query_id, PAIRS.c.impressions, PAIRS.c.clicks, PAIRS.c.position_sum,
                       PG.c.path, PG.c.url)
                .join(PG, (PG.c.tenant_id == PAIRS.c.tenant_id) & (PG.c.id == PAIRS.c.page_id))
                .where(PAIRS.c.tenant_id == self.tenant, PAIRS.c.query_id.in_(query_ids), PAIRS.c.impressions > 0)
                .order_by(PAIRS.c.query_id, PAIRS.c.page_id))
        return [dict(r._mapping) for r in (await self.conn.execute(stmt)).all()]

    async def ui_stats(self, dimension: str) -> list[dict[str, Any]]:
        rows = (await self.conn.execute(select(UI).where(UI.c.tenant_id == self.tenant,
                                                         UI.c.dimension == dimension))).all()
        return [dict(r._mapping) for r in rows]
