"""Tools for the store's data: import an export, see what data there is, set lead times."""

import asyncio
import base64
import binascii
from collections.abc import Awaitable, Callable
from datetime import date
from pathlib import Path
from typing import Annotated, Any, Literal

from mcp.server.mcpserver import Context
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from server.app import App
from server.mcp.identity import current
from server.mcp.results import ok
from server.mcp.tools.base import READ, Body, ToolSpec, ann, dump
from tools.errors import Forbidden, InvalidInput
from tools.ingest.ingest import IngestOptions, ingest
from tools.ingest.status import telemetry_status
from tools.ingest.upload import Upload
from tools.inventory_settings import set_inventory_setting

Source = Literal["gsc", "ga4", "shopify-products", "shopify-orders"]
#: inline content larger than this should be put in the import folder instead
MAX_INLINE_BYTES = 32 * 1024 * 1024


class IngestOut(BaseModel):
    result: dict[str, Any]


class TelemetryOut(BaseModel):
    telemetry: dict[str, Any]


class InventorySettingOut(BaseModel):
    setting: dict[str, Any]


def _upload(app: App, *, path: str | None, content: str | None, content_base64: str | None,
            name: str) -> Upload:
    given = [x for x in (path, content, content_base64) if x is not None]
    if len(given) != 1:
        raise InvalidInput("give exactly one of path, content or content_base64", code="invalid_input")
    if path is not None:
        target = Path(path).expanduser()
        if not current().local:
            # Remote callers may only name files in the import folder (no escaping it by .. or links).
            folder = app.settings.import_dir.expanduser().resolve()
            target = (folder / path).resolve()
            if folder != target and folder not in target.parents:
                raise Forbidden(f"over HTTP only files in the import folder ({folder}) can be imported; send the "
                                "file as content instead", code="path_not_allowed")
        return Upload.from_path(target)
    if content is not None:
        data = content.encode("utf-8")
    else:
        try:
            data = base64.b64decode(content_base64 or "", validate=True)
        except (binascii.Error, ValueError):
            raise InvalidInput("content_base64 is not valid base64", code="invalid_input") from None
    if len(data) > MAX_INLINE_BYTES:
        raise InvalidInput(f"inline content is {len(data):,} bytes; the limit is {MAX_INLINE_BYTES:,}: put the file "
                           "in the import folder and pass its path", code="payload_too_large")
    return Upload.inline(name, data)


async def _with_progress(ctx: Context, work: Callable[[Callable[[str, float], None]], Awaitable[Any]]) -> Any:
    """Run ``work`` while forwarding its (thread-side) progress to the client every half second."""
    latest: list[Any] = ["reading", 0.0]
    done = asyncio.Event()

    async def reporter() -> None:
        sent = None
        while not done.is_set():
            now = (latest[0], round(latest[1], 2))
            if now != sent:
                await ctx.report_progress(now[1] * 100, 100, now[0])
                sent = now
            try:
                await asyncio.wait_for(done.wait(), 0.5)
            except TimeoutError:
                pass

    def update(stage: str, fraction: float) -> None:
        latest[0], latest[1] = stage, fraction

    result: Any = None
    failure: Exception | None = None
    async with asyncio.TaskGroup() as group:
        group.create_task(reporter())
        try:
            result = await work(update)
        except Exception as exc:  # raised again below as itself, not wrapped in the group's ExceptionGroup
            failure = exc
        finally:
            done.set()
    if failure is not None:
        raise failure
    return result


def ingest_tool(app: App) -> Body:
    async def ingest_tool(source: Source, ctx: Context, path: str | None = None, content: str | None = None,
                          content_base64: str | None = None,
                          name: Annotated[str, Field(max_length=200)] = "upload",
                          skip_bad_rows: bool = False, dimensions: list[str] | None = None,
                          request: dict[str, Any] | None = None,
                          period: Annotated[str | None, Field(description="GSC UI export without Dates.csv: "
                                                                          "START..END")] = None,
                          ) -> Annotated[CallToolResult, IngestOut]:
        upload = _upload(app, path=path, content=content, content_base64=content_base64, name=name)
        span = None
        if period:
            start, _, end = period.partition("..")
            try:
                span = (date.fromisoformat(start), date.fromisoformat(end))
            except ValueError:
                raise InvalidInput(f"period {period!r} is not START..END", code="invalid_input") from None
        options = IngestOptions(skip_bad_rows=skip_bad_rows, dimensions=dimensions, request=request, period=span)
        result = await _with_progress(ctx, lambda progress: ingest(app.deps, current(), source, upload,
                                                                   options=options, progress=progress))
        out = IngestOut(result=dump(result))
        r = out.result
        text = (f"{r['name']}: {r['status']}" + (f" as import #{r['import_id']}: {r['rows_read']:,} rows read, "
                                                  f"{r['rows_written']:,} written, {r['rows_skipped']:,} skipped"
                                                  if r["status"] == "imported" else f" — {r['notes'][0]}"))
        return ok(out, text)

    return ingest_tool


def telemetry_status_tool(app: App) -> Body:
    async def telemetry_status_tool(imports: Annotated[int, Field(ge=1, le=100)] = 10
                                    ) -> Annotated[CallToolResult, TelemetryOut]:
        data = dump(await telemetry_status(app.deps, current(), imports=imports))
        lines = [f"{s['source']}: newest data {s['watermark']}, {s['rows']:,} rows" for s in data["sources"]]
        return ok(TelemetryOut(telemetry=data), "\n".join(lines) or "no data yet")

    return telemetry_status_tool


def inventory_tool(app: App) -> Body:
    async def inventory_tool(scope: Literal["product", "vendor", "store"],
                             lead_time_days: Annotated[int, Field(ge=0, le=365)], key: str = "",
                             safety_days: Annotated[int | None, Field(ge=0, le=365)] = None,
                             cover_days: Annotated[int | None, Field(ge=0, le=365)] = None,
                             holding_cost_pct: Annotated[float | None, Field(ge=0, le=100)] = None,
                             ) -> Annotated[CallToolResult, InventorySettingOut]:
        setting = await set_inventory_setting(app.deps, current(), scope=scope, key=key,
                                              lead_time_days=lead_time_days, safety_days=safety_days,
                                              cover_days=cover_days, holding_cost_pct=holding_cost_pct)
        return ok(InventorySettingOut(setting=setting),
                  f"{scope} {key}: lead time {setting['lead_time_days']} days")

    return inventory_tool


TOOLS = (
    ToolSpec("ingest", "telemetry.ingest", ann("Import store data"),
             "Import a store export: source gsc (bulk-export CSV, Search Analytics API JSON or the UI export ZIP), "
             "ga4 (runReport JSON or CSV), shopify-products or shopify-orders (CSV exports). Give a path (over "
             "HTTP: a file in the server's import folder) or the file itself as content (text) or content_base64 "
             "(ZIP). A bad file is refused whole with line-numbered reasons unless skip_bad_rows; importing the "
             "same file again changes nothing.", ingest_tool),
    ToolSpec("telemetry_status", "telemetry.read", ann("Store data and freshness", **READ),
             "Which sources the store has (Search Console, GA4, Shopify), how fresh each is, and the recent "
             "imports.", telemetry_status_tool),
    ToolSpec("set_inventory_setting", "inventory.settings", ann("Set lead time and safety stock", idempotent=True),
             "Lead time in days (and safety days, order cover, the yearly holding cost in percent of the stock's "
             "cost) for one product (scope product, key = handle), one "
             "vendor (scope vendor, key = vendor name) or the whole store (scope store).", inventory_tool),
)
