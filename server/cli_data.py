"""Data commands: ``growth ingest``, ``growth telemetry``, ``growth run``, ``growth inventory``."""

from __future__ import annotations

import json
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import date
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.progress import BarColumn, Progress, TaskProgressColumn, TextColumn, TimeRemainingColumn
from rich.table import Table

from server.app import App
from server.cli_common import JsonOpt, TenantOpt, _json, app, err, operator, out, run
from tools.ingest.ingest import SOURCES, IngestOptions
from tools.ingest.upload import Upload
from tools.registry import invoke

#: files smaller than this import before a progress bar would be worth drawing
PROGRESS_BYTES = 8 << 20


@contextmanager
def progress_bar(label: str, *, enabled: bool) -> Iterator[Any]:
    if not enabled:
        yield None
        return
    with Progress(TextColumn("{task.description}"), BarColumn(), TaskProgressColumn(), TimeRemainingColumn(),
                  console=err, transient=True) as bar:
        task = bar.add_task(f"{label}: reading", total=1.0)

        def update(stage: str, fraction: float) -> None:
            bar.update(task, description=f"{label}: {stage}", completed=fraction)

        yield update


def _period(text: str | None) -> tuple[date, date] | None:
    if not text:
        return None
    start, sep, end = text.partition("..")
    try:
        return date.fromisoformat(start), date.fromisoformat(end)
    except ValueError:
        raise typer.BadParameter(f"{text!r} is not START..END (for example 2026-08-01..2026-10-31)") from None


def _report(result: dict[str, Any]) -> None:
    if result["status"] == "unchanged":
        out.print(f"{result['name']}: unchanged — {result['notes'][0]}")
        return
    days = f", {result['first_day']} … {result['last_day']}" if result.get("first_day") else ""
    out.print(f"{result['name']}: imported as #{result['import_id']} ({result['format']}): "
              f"{result['rows_read']:,} rows read, {result['rows_written']:,} written, "
              f"{result['rows_skipped']:,} skipped{days}; {result['duration_s']}s")
    for note in result["notes"]:
        out.print(f"  note: {note}")
    for problem in result["skipped"][:50]:
        where = "line" if "line" in problem else "row"
        out.print(f"  skipped {where} {problem[where]}: {problem['reason']}")
    if result["rows_skipped"] > 50:
        out.print(f"  … and {result['rows_skipped'] - 50} more skipped (all listed with --json)")


@app.command("ingest")
def ingest_cmd(
    source: Annotated[str, typer.Argument(help="gsc | ga4 | shopify-products | shopify-orders")],
    path: Annotated[Path, typer.Argument(help="The export: a CSV or JSON file, a ZIP, or a folder (GSC UI).")],
    tenant: TenantOpt = None,
    skip_bad_rows: Annotated[bool, typer.Option("--skip-bad-rows", help="Import the good rows, report the bad.")]
    = False,
    dimensions: Annotated[str | None, typer.Option(help="GSC API JSON: the requested dimensions, in order "
                                                        "(e.g. date,query,page).")] = None,
    request: Annotated[Path | None, typer.Option(help="GSC API JSON: the saved request body.")] = None,
    period: Annotated[str | None, typer.Option(help="GSC UI export without Dates.csv: START..END.")] = None,
    as_json: JsonOpt = False,
) -> None:
    """Import a store export; a bad file is refused whole with line-numbered reasons."""
    if source not in SOURCES:
        raise typer.BadParameter(f"unknown source {source!r}; sources: {', '.join(SOURCES)}")
    body = None
    if request is not None:
        try:
            body = json.loads(request.read_text(encoding="utf-8-sig"))
        except (OSError, ValueError) as exc:
            raise typer.BadParameter(f"cannot read the request body {request}: {exc}") from None
    options = IngestOptions(skip_bad_rows=skip_bad_rows, request=body, period=_period(period),
                            dimensions=[d.strip() for d in dimensions.split(",")] if dimensions else None)

    async def go(a: App) -> dict[str, Any]:
        upload = Upload.from_path(path)
        big = not as_json and not upload.is_folder and upload.size() >= PROGRESS_BYTES
        with progress_bar(f"{source} {path.name}", enabled=big) as progress:
            return await invoke(a.deps, operator(a, tenant), "telemetry.ingest", source=source, upload=upload,
                                options=options, progress=progress)

    result = run(go)
    _json(result) if as_json else _report(result)


@app.command("telemetry")
def telemetry_cmd(tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """What data the store has, how fresh each source is, and the recent imports."""
    data = run(lambda a: invoke(a.deps, operator(a, tenant), "telemetry.read"))
    if as_json:
        _json(data)
        return
    table = Table(title=f"telemetry of {data['tenant']}")
    for col in ("source", "newest data", "age (days)", "rows", "last import"):
        table.add_column(col)
    for s in data["sources"]:
        table.add_row(s["source"], f"{s['watermark']:%Y-%m-%d %H:%M}" if s["watermark"] else "-",
                      str(s["age_days"]), f"{s['rows']:,}", f"#{s['last_import_id']} {s['last_import_at']:%Y-%m-%d %H:%M}")
    out.print(table)
    if not data["sources"]:
        out.print("no data yet: growth ingest SOURCE PATH, or growth demo")



@app.command("demo")
def demo_cmd(
    tenant: TenantOpt = None,
    folder: Annotated[Path | None, typer.Option(help="Where to write the export files (default GROWTH_DEMO_DIR).")]
    = None,
    seed: Annotated[int, typer.Option(help="The same seed and end date build the same store.")] = 7,
    end: Annotated[str | None, typer.Option(help="The last day of data, YYYY-MM-DD (default: yesterday).")] = None,
    no_opportunities: Annotated[bool, typer.Option("--no-opportunities", help="Plant nothing: a store "
                                                                               "with nothing to fix.")] = False,
    if_missing: Annotated[bool, typer.Option("--if-missing", help="Do nothing if the store already has "
                                                                  "data.")] = False,
    as_json: JsonOpt = False,
) -> None:
    """Build the demo store: generate, write its exports, import them, run every specialist."""
    from server.demo.build import build

    try:
        last = date.fromisoformat(end) if end else None
    except ValueError:
        raise typer.BadParameter(f"{end!r} is not a date (YYYY-MM-DD)") from None

    async def go(a: App) -> dict[str, Any] | None:
        principal = operator(a, tenant)
        if if_missing:
            status = await invoke(a.deps, principal, "telemetry.read")
            if status["sources"]:
                return None
        say = (lambda _m: None) if as_json else (lambda m: err.print(m, markup=False, highlight=False))
        return await build(a.deps, principal, folder or a.settings.demo_dir, seed=seed, end=last,
                           opportunities=not no_opportunities, say=say)

    result = run(go)
    if result is None:
        err.print("the store already has data; nothing to do (run `growth demo` without --if-missing to rebuild)")
        return
    if as_json:
        _json(result)
        return
    out.print(f"demo store “{result['tenant']}”: {result['products']} products, {result['orders']:,} orders, "
              f"{result['gsc_rows']:,} Search Console rows, 90 days to {result['end']} (files in {result['folder']})")
    out.print(f"{len(result['planted'])} opportunities planted (listed in {result['folder']}/planted.json); "
              "see the queue with `growth actions list`")


@app.command("run")
def run_cmd(agent: Annotated[str, typer.Argument(help="analytics | inventory | content | risk | all")],
            tenant: TenantOpt = None, as_json: JsonOpt = False,
            explain: Annotated[bool, typer.Option("--explain", help="Also print, per check, how many candidates "
                                                  "were considered and how many were rejected for which reason.")]
            = False) -> None:
    """Run a specialist (or all of them) now and print what it found and proposed."""
    import graphs.runs  # noqa: F401  (registers runs.start)
    from graphs.registry import SPECIALISTS

    names = list(SPECIALISTS) if agent == "all" else [agent]
    if agent != "all" and agent not in SPECIALISTS:
        raise typer.BadParameter(f"unknown specialist {agent!r}; specialists: {', '.join(SPECIALISTS)}, all")

    async def go(a: App) -> tuple[list[dict[str, Any]], list[Any]]:
        from graphs.runs import run_all
        from tools.registry import enforce

        principal = operator(a, tenant)
        if agent == "all":
            # one agent switched off does not stop the others: its row says so (graphs.runs.run_all)
            await enforce(a.deps, principal, "runs.start", principal.tenant)
            results = await run_all(a.deps, principal)
        else:
            results = [await invoke(a.deps, principal, "runs.start", agent=name) for name in names]
        top = await invoke(a.deps, principal, "actions.list", status="pending", limit=10)
        return results, top

    results, top = run(go)
    if as_json:
        _json({"runs": results, "top": top})
        return
    table = Table(title="specialist runs")
    for col in ("agent", "run", "status", "proposed", "summary"):
        table.add_column(col, overflow="fold")
    for r in results:
        table.add_row(r["agent"], f"#{r['run_id']}" if r["run_id"] else "—", r["status"], str(len(r["action_ids"])),
                      r["summary"])
    out.print(table)
    for r in results:
        for finding in r["findings"][:5]:
            out.print(f"  {r['agent']}: {finding}")
    if explain:
        out.print(screened_table(results))
    from server.cli_views import queue_table

    out.print(queue_table(top, width=out.width, title="top of the queue (pending approval)"))


def screened_table(results: list[dict[str, Any]]) -> Table:
    """Per agent and check: candidates considered, proposed-or-kept, and each reason for rejecting the rest."""
    table = Table(title="what each check considered and rejected (--explain)")
    for col in ("agent", "check", "considered", "rejected", "reason"):
        table.add_column(col, overflow="fold")
    for r in results:
        for check, tally in (r.get("screened") or {}).items():
            reasons = sorted(tally["rejected"].items(), key=lambda kv: (-kv[1], kv[0]))
            table.add_row(r["agent"], check, f"{tally['considered']:,}", f"{sum(tally['rejected'].values()):,}",
                          "; ".join(f"{n:,} {reason}" for reason, n in reasons) or "—")
        if not r.get("screened"):
            table.add_row(r["agent"], "—", "—", "—", "this agent does not report its checks yet")
    return table


inventory_app = typer.Typer(help="Inventory settings: lead times and safety stock.", no_args_is_help=True)
app.add_typer(inventory_app, name="inventory")


@inventory_app.command("set")
def inventory_set(
    lead_time: Annotated[int, typer.Option("--lead-time", help="Days from ordering to stock on the shelf.")],
    product: Annotated[str | None, typer.Option(help="A product handle.")] = None,
    vendor: Annotated[str | None, typer.Option(help="A vendor (supplier) name.")] = None,
    safety_days: Annotated[int | None, typer.Option(help="Days of sales kept as safety stock.")] = None,
    cover_days: Annotated[int | None, typer.Option(help="Days of sales an order should cover.")] = None,
    holding_cost: Annotated[float | None, typer.Option(
        "--holding-cost", help="What holding stock costs a year, in percent of its cost (default 25).")] = None,
    tenant: TenantOpt = None,
) -> None:
    """Set the lead time (and safety days, order cover) for a product, a vendor, or the whole store."""
    if product and vendor:
        raise typer.BadParameter("give --product or --vendor, not both")
    scope, key = ("product", product) if product else ("vendor", vendor) if vendor else ("store", "")
    result = run(lambda a: invoke(a.deps, operator(a, tenant), "inventory.settings", scope=scope, key=key or "",
                                  lead_time_days=lead_time, safety_days=safety_days, cover_days=cover_days,
                                  holding_cost_pct=holding_cost))
    out.print(f"{scope} {result['key'] or ''}: lead time {result['lead_time_days']} days, safety "
              f"{result['safety_days']} days, orders cover {result['cover_days']} days"
              + (f", holding cost {result['holding_cost_pct']:g}% a year" if result["holding_cost_pct"] is not None
                 else ""))


#: how far behind today each API's data is final
SYNC_LAG_DAYS = {"gsc": 3, "ga4": 1, "shopify-products": 0, "shopify-orders": 0}


@app.command("sync")
def sync_cmd(
    source: Annotated[str, typer.Argument(help="gsc | ga4 | shopify-products | shopify-orders")],
    days: Annotated[int, typer.Option(min=1, max=500, help="How many days to fetch, ending at --until.")] = 90,
    until: Annotated[str | None, typer.Option(help="The last day, YYYY-MM-DD (default: the newest final day).")]
    = None,
    tenant: TenantOpt = None, as_json: JsonOpt = False,
) -> None:
    """Fetch from the live API (settings GROWTH_GSC_SITE, GROWTH_GA4_PROPERTY, GROWTH_SHOPIFY_*) and import."""
    from datetime import datetime, timedelta, timezone

    from server.connectors import SOURCES as SYNCABLE
    from server.connectors import Http, connector_for

    if source not in SYNCABLE:
        raise typer.BadParameter(f"unknown source {source!r}; sources: {', '.join(SYNCABLE)}")
    try:
        last = date.fromisoformat(until) if until else (datetime.now(timezone.utc).date()
                                                        - timedelta(days=SYNC_LAG_DAYS[source]))
    except ValueError:
        raise typer.BadParameter(f"{until!r} is not a date (YYYY-MM-DD)") from None
    first = last - timedelta(days=days - 1)

    async def go(a: App) -> dict[str, Any]:
        http = Http()
        try:
            connector = connector_for(source, a.settings, http)
            return await invoke(a.deps, operator(a, tenant), "telemetry.sync", connector=connector, since=first,
                                until=last)
        finally:
            await http.aclose()

    result = run(go)
    if as_json:
        _json(result)
        return
    for imported in result["imports"]:
        _report(imported)
