"""``telemetry.ingest``: parse a file, then write it whole in one transaction, or not at all.

The path of a row: the parser validates and aggregates it (off the event loop),
``ingest`` refuses the file if any row is bad (unless told to skip bad rows), and
the write transaction upserts the facts, rebuilds the rollups, moves the source's
watermark, records the import (its digest makes a re-import a no-op) and audits it.
"""

from __future__ import annotations

import asyncio
import time
from dataclasses import dataclass, field
from datetime import date, datetime, time as dtime, timezone
from typing import Any

from policies.pii import tenant_key
from tools.pii import forget_hints
from policies.principal import Principal
from tools.audit import record
from tools.deps import Deps, Tx
from tools.errors import InvalidInput
from tools.ingest import ga4, gsc_api, gsc_bulk, gsc_fast, gsc_ui, jsondoc, shopify_orders, shopify_products
from tools.ingest.batches import Batch, Ga4Batch, GscBatch, GscUiBatch, OrdersBatch, ProductsBatch, describe
from tools.ingest.orders_pii import tokenize
from tools.ingest.problems import FileRejected, Problem, Problems
from tools.ingest.table import Progress, first_undecodable_line, open_table
from tools.ingest.upload import Upload
from tools.ingest.windows import ga4_windows, gsc_earlier, gsc_windows
from tools.registry import operation

SOURCES = ("gsc", "ga4", "shopify-products", "shopify-orders")


@dataclass(frozen=True)
class IngestOptions:
    skip_bad_rows: bool = False
    #: Search Console API responses: the order of the keys, or the saved request body
    dimensions: list[str] | None = None
    request: dict[str, Any] | None = None
    #: Search Console UI export without Dates.csv: the period it covers
    period: tuple[date, date] | None = None
    #: "file", "sync" or "demo"
    origin: str = "file"

    def digest_parts(self) -> list[str]:
        parts = []
        if self.dimensions:
            parts.append("dims=" + ",".join(self.dimensions))
        if self.request:
            parts.append("dims=" + ",".join(self.request.get("dimensions") or []))
            parts.append(f"range={self.request.get('startDate')}..{self.request.get('endDate')}")
        if self.period:
            parts.append(f"period={self.period[0]}..{self.period[1]}")
        return parts


@dataclass
class Parsed:
    format: str
    batch: Batch
    problems: Problems = field(default_factory=Problems)


def parse(source: str, upload: Upload, options: IngestOptions, progress: Progress | None = None) -> Parsed:
    """Read and validate the whole upload (blocking: run it off the event loop)."""
    problems = Problems()
    size = upload.size()
    match source:
        case "gsc":
            return _parse_gsc(upload, options, problems, progress)
        case "ga4":
            if jsondoc.is_json(upload.head()):
                with upload.open() as f:
                    return Parsed("ga4-json", ga4.parse_json(f, name=upload.name, problems=problems), problems)
            with upload.open() as f:
                return Parsed("ga4-csv", ga4.parse_csv(f, name=upload.name, size=size, problems=problems,
                                                       progress=progress), problems)
        case "shopify-products":
            with upload.open() as f:
                return Parsed(source, shopify_products.parse(f, name=upload.name, size=size, problems=problems,
                                                             progress=progress), problems)
        case "shopify-orders":
            with upload.open() as f:
                return Parsed(source, shopify_orders.parse(f, name=upload.name, size=size, problems=problems,
                                                           progress=progress), problems)
    raise InvalidInput(f"unknown source {source!r}; sources: {', '.join(SOURCES)}", code="unknown_source")


def _parse_gsc(upload: Upload, options: IngestOptions, problems: Problems, progress: Progress | None) -> Parsed:
    if upload.is_folder or upload.is_zip():
        return Parsed("gsc-ui", gsc_ui.parse(upload.members(), problems=problems, period=options.period), problems)
    if jsondoc.is_json(upload.head()):
        with upload.open() as f:
            return Parsed("gsc-api", gsc_api.parse(f, name=upload.name, problems=problems,
                                                   dimensions=options.dimensions, request=options.request),
                          problems)
    with upload.open() as f:
        table = open_table(f, name=upload.name, size=upload.size(), progress=progress)
        keys = {" ".join(h.lower().replace("_", " ").split()) for h in table.header}
        if "data date" not in keys and len(table.header) == 5 and any(gsc_ui._metric(h) for h in table.header):
            return Parsed("gsc-ui", gsc_ui.parse(upload.members(), problems=problems, period=options.period),
                          problems)
        if "data date" in keys and upload.size() >= gsc_fast.MIN_BYTES:
            source = upload.path if upload.path is not None else upload.data
            assert source is not None
            fast = gsc_fast.parse(source, progress=progress)
            if fast is not None:
                return Parsed("gsc-bulk", fast, problems)
        return Parsed("gsc-bulk", gsc_bulk.parse(f, name=upload.name, size=upload.size(), problems=problems,
                                                 progress=progress, table=table), problems)


@dataclass
class Written:
    rows: int
    watermark: datetime | None
    total: int
    details: dict[str, Any]


def _midnight(d: date | None) -> datetime | None:
    return None if d is None else datetime.combine(d, dtime.min, tzinfo=timezone.utc)


async def _write(tx: Tx, deps: Deps, batch: Batch, import_id: int) -> Written:
    match batch:
        case GscBatch():
            rows = await tx.gsc.write(batch)
            return await _gsc_rollups(tx, rows)
        case GscUiBatch():
            rows = await tx.gsc.write_ui(batch)
            assert batch.period is not None
            if await tx.gsc.newest_day() is not None:
                written = await _gsc_rollups(tx, rows)
                written.details["ui_period"] = [d.isoformat() for d in batch.period]
                return written
            return Written(rows, _midnight(batch.period[1]), rows,
                           {"ui_period": [d.isoformat() for d in batch.period], "tables": sorted(batch.tables)})
        case Ga4Batch():
            rows = await tx.ga4.write(batch)
            newest = await tx.ga4.newest_day()
            assert newest is not None
            windows = ga4_windows(newest)
            stats = await tx.ga4.refresh(windows)
            return Written(rows, _midnight(newest), await tx.ga4.daily_rows(),
                           {"windows": {w.name: w.as_dict() for w in windows}, "rollup_rows": stats,
                            "metrics": sorted(batch.metrics)})
        case ProductsBatch():
            rows = await tx.commerce.write_products(batch, now=deps.now())
            coverage = await tx.store.coverage()
            return Written(rows, deps.now(), coverage["products"], {"variants": coverage["variants"]})
        case OrdersBatch():
            orders, lines, vault = tokenize(batch, tenant_key(deps.config.secret, tx.tenant), import_id=import_id)
            await tx.pii.store_many(vault, now=deps.now())
            rows = await tx.commerce.write_orders(orders, lines)
            coverage = await tx.store.coverage()
            newest = max(o.created_at for o in batch.orders) if batch.orders else None
            previous = await tx.telemetry.source("shopify-orders")
            if previous and previous["watermark"] and (newest is None or previous["watermark"] > newest):
                newest = previous["watermark"]
            return Written(rows, newest, coverage["orders"], {"order_lines": coverage["order_lines"],
                                                               "vaulted": len(vault)})
    raise AssertionError(f"no writer for {type(batch).__name__}")


async def _gsc_rollups(tx: Tx, rows: int) -> Written:
    newest = await tx.gsc.newest_day()
    assert newest is not None
    cur, prev = gsc_windows(newest)
    oldest, earlier = await tx.gsc.oldest_day(), gsc_earlier(prev)
    if oldest is None or oldest > earlier.start:
        earlier = None  # only when the data covers all of it: a part of it would read as a drop
    counts = await tx.gsc.refresh(cur, prev, earlier)
    windows = {"current": cur.as_dict(), "previous": prev.as_dict()}
    if earlier is not None:
        windows["earlier"] = earlier.as_dict()
    return Written(rows, _midnight(newest), await tx.gsc.daily_rows(), {"windows": windows, "rollups": counts})


async def ingest(deps: Deps, principal: Principal, source: str, upload: Upload, *,
                 options: IngestOptions = IngestOptions(), progress: Progress | None = None) -> dict[str, Any]:
    """Import one upload for the principal's tenant; returns the import report."""
    if source not in SOURCES:
        raise InvalidInput(f"unknown source {source!r}; sources: {', '.join(SOURCES)}", code="unknown_source")
    started = time.perf_counter()
    tenant = principal.tenant
    digest = await asyncio.to_thread(upload.sha256, *options.digest_parts())
    seen = await deps.db.query(tenant, lambda tx: tx.telemetry.find_import(source, digest))
    if seen is not None:
        return _unchanged(source, upload, seen)
    try:
        parsed = await asyncio.to_thread(parse, source, upload, options, progress)
    except UnicodeDecodeError:
        exc = await asyncio.to_thread(_not_utf8, upload)
        await _audit_rejection(deps, principal, source, upload, exc)
        raise exc from None
    except FileRejected as exc:
        await _audit_rejection(deps, principal, source, upload, exc)
        raise
    problems, batch = parsed.problems, parsed.batch
    if problems and not options.skip_bad_rows:
        exc = FileRejected(f"{upload.name} was not imported ({problems.count} bad row"
                           f"{'s' if problems.count != 1 else ''}; nothing was written; fix them or pass "
                           "--skip-bad-rows)", problems.kept, total=problems.count)
        await _audit_rejection(deps, principal, source, upload, exc)
        raise exc
    if _written(describe(batch)) == 0:
        exc = FileRejected(f"{upload.name} has a header but no usable rows; nothing was written",
                           problems.kept, total=problems.count, code="no_rows")
        await _audit_rejection(deps, principal, source, upload, exc)
        raise exc
    if progress is not None:
        progress("writing", 0.0)
    days = batch.days()
    counts = describe(batch)
    report_body = {"counts": counts, "notes": batch.notes, "skipped": problems.as_list(),
                   "format": parsed.format}

    async def txn(tx: Tx) -> dict[str, Any]:
        now = deps.now()
        await tx.tenants.ensure(name=tenant, now=now)
        await tx.telemetry.lock(source)
        again = await tx.telemetry.find_import(source, digest)
        if again is not None:
            return _unchanged(source, upload, again)
        import_id = await tx.telemetry.add_import(
            source=source, format=parsed.format, origin=options.origin, name=upload.name, sha256=digest,
            rows_read=batch.read, rows_written=_written(counts), rows_skipped=problems.count,
            first_day=days[0] if days else None, last_day=days[1] if days else None, report=report_body, now=now)
        written = await _write(tx, deps, batch, import_id)
        await tx.telemetry.set_source(source, watermark=written.watermark, import_id=import_id, now=now,
                                      rows=written.total, details=written.details)
        await record(tx, deps, actor=principal.subject, event="telemetry.imported", subject=f"import:{import_id}",
                     data={"source": source, "format": parsed.format, "name": upload.name, "rows": batch.read,
                           "written": written.rows, "skipped": problems.count, "sha256": digest})
        return {"status": "imported", "import_id": import_id, "source": source, "format": parsed.format,
                "name": upload.name, "rows_read": batch.read, "rows_written": written.rows,
                "rows_skipped": problems.count, "skipped": problems.as_list(), "notes": batch.notes,
                "counts": counts, "first_day": days[0] if days else None, "last_day": days[1] if days else None,
                "watermark": written.watermark, "source_rows": written.total, "details": written.details}

    result = await deps.db.transact(tenant, txn, attempts=2)
    if source in ("shopify-orders", "shopify-products"):
        forget_hints(deps, tenant)  # new customers' names and countries, new products: read them again
    if progress is not None:
        progress("writing", 1.0)
    result["duration_s"] = round(time.perf_counter() - started, 3)
    return result


def _not_utf8(upload: Upload) -> FileRejected:
    if upload.is_folder or upload.is_zip():
        return FileRejected(f"a file in {upload.name} is not UTF-8 text; save it as UTF-8", code="bad_encoding")
    with upload.open() as f:
        line, reason = first_undecodable_line(f)
    return FileRejected(f"{upload.name} is not UTF-8 text: line {line}: {reason}; save it as UTF-8",
                        [Problem(line, reason)], code="bad_encoding")


def _written(counts: dict[str, Any]) -> int:
    for key in ("cells", "orders", "products"):
        if key in counts:
            return int(counts[key])
    return sum(v for v in counts.values() if isinstance(v, int))


def _unchanged(source: str, upload: Upload, seen: dict[str, Any]) -> dict[str, Any]:
    return {"status": "unchanged", "import_id": seen["id"], "source": source, "format": seen["format"],
            "name": upload.name, "rows_read": 0, "rows_written": 0, "rows_skipped": 0, "skipped": [],
            "notes": [f"the same content was imported as import #{seen['id']} on "
                      f"{seen['imported_at']:%Y-%m-%d %H:%M} UTC; nothing changed"]}


async def _audit_rejection(deps: Deps, principal: Principal, source: str, upload: Upload, exc: FileRejected) -> None:
    await deps.db.transact(principal.tenant, lambda tx: _rejected(tx, deps, principal, source, upload, exc))


async def _rejected(tx: Tx, deps: Deps, principal: Principal, source: str, upload: Upload,
                    exc: FileRejected) -> None:
    await tx.tenants.ensure(name=principal.tenant, now=deps.now())
    await record(tx, deps, actor=principal.subject, event="telemetry.rejected", subject=f"file:{upload.name}",
                 data={"source": source, "code": exc.code, "problems": exc.total,
                       "lines": [p.line for p in exc.problems[:20]]})


@operation("telemetry.ingest")
async def ingest_operation(deps: Deps, principal: Principal, *, source: str, upload: Upload,
                           options: IngestOptions = IngestOptions(),
                           progress: Progress | None = None) -> dict[str, Any]:
    return await ingest(deps, principal, source, upload, options=options, progress=progress)
