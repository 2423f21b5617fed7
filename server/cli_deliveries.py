"""``growth deliveries list|retry``, ``growth po show`` and ``growth vendors set|list|remove``: where executed
actions stand in the outside world (the store, the vendors' and the operator's mailboxes), and the
operator's hand on them."""

from __future__ import annotations

from pathlib import Path
from typing import Annotated, Any, cast

import typer

from server.app import App
from server.cli_common import JsonOpt, TenantOpt, _json, app, operator, out, run

deliveries_app = typer.Typer(help="Deliveries of executed actions to the store, vendors and the operator.",
                             no_args_is_help=True)
po_app = typer.Typer(help="Purchase orders raised by executed reorders.", no_args_is_help=True)
vendors_app = typer.Typer(help="Where each vendor's purchase orders are e-mailed.", no_args_is_help=True)
app.add_typer(deliveries_app, name="deliveries")
app.add_typer(po_app, name="po")
app.add_typer(vendors_app, name="vendors")


def _invoke(tenant: str | None, name: str, **kwargs: Any) -> Any:
    from tools.registry import invoke

    async def go(a: App) -> Any:
        return await invoke(a.deps, operator(a, tenant), name, **kwargs)

    return run(go)


async def _attempt_now(a: App, tenant: str, delivery_id: int, channel: str) -> Any:
    """Take the reopened delivery through at once (the worker would on its next pass)."""
    from server.connectors.shopify_live import ShopifyLiveStores
    from server.store_delivery import settings_credentials
    from tools.connections import credentials
    from tools.delivery_message_plan import CHANNELS
    from tools.delivery_types import LiveStore
    from tools.store_delivery import NO_CONNECTION, DeliveryOutcome, deliver

    if channel in CHANNELS:
        return await deliver(a.deps, tenant, delivery_id, cast(LiveStore, None))
    found = await credentials(a.deps, tenant, channel, fallback=settings_credentials(a.settings, tenant))
    if found is None:
        return DeliveryOutcome(delivery_id, 0, "held", NO_CONNECTION)
    async with ShopifyLiveStores(api_version=a.settings.shopify_api_version).open(found) as store:
        return await deliver(a.deps, tenant, delivery_id, store)


def _line(d: dict[str, Any]) -> str:
    return (f"#{d['id']}  action {d['action_id']}  {d['channel']}  {d['op']}  {d['state']}"
            + (f" ({d['error_code']})" if d.get("error_code") else "") + f"  {d['summary']}")


@deliveries_app.command("list")
def list_cmd(
    state: Annotated[str | None, typer.Option("--state", help="pending | delivering | delivered | "
                                                              "delivery_failed | conflict | cancelled | skipped")] = None,
    channel: Annotated[str | None, typer.Option("--channel", help="shopify | email | task")] = None,
    action: Annotated[int | None, typer.Option("--action", min=1, help="Only this action's deliveries.")] = None,
    limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 50,
    tenant: TenantOpt = None, as_json: JsonOpt = False,
) -> None:
    """Deliveries, newest first, with where each stands and what to do about a stopped one."""
    rows = _invoke(tenant, "deliveries.list", state=state, channel=channel, action_id=action, limit=limit)
    if as_json:
        _json(rows)
        return
    if not rows:
        out.print("no deliveries" + (" match" if state or channel or action else " yet"))
    for d in rows:
        out.print(_line(d), soft_wrap=True)
        if d["retry"]:
            out.print(f"    → {d['retry']}", soft_wrap=True)


@deliveries_app.command("retry")
def retry_cmd(
    delivery_id: Annotated[int, typer.Argument(min=1, help="The delivery's number (growth deliveries list).")],
    overwrite: Annotated[bool, typer.Option("--overwrite", help="For a conflict: replace the value the store "
                                                                "holds now (the one the conflict showed).")] = False,
    later: Annotated[bool, typer.Option("--later", help="Only queue it; the worker delivers it on its "
                                                        "next pass.")] = False,
    tenant: TenantOpt = None, as_json: JsonOpt = False,
) -> None:
    """Retry a failed or conflicting delivery, after fixing its cause."""
    from tools.registry import invoke

    async def go(a: App) -> dict[str, Any]:
        who = operator(a, tenant)
        reopened = await invoke(a.deps, who, "deliveries.retry", delivery_id=delivery_id, overwrite=overwrite)
        if later:
            return {"delivery": reopened, "outcome": None}
        outcome = await _attempt_now(a, who.tenant, delivery_id, reopened["channel"])
        done = await invoke(a.deps, who, "deliveries.list", action_id=reopened["action_id"], limit=500)
        now = next((d for d in done if d["id"] == delivery_id), reopened)
        return {"delivery": now, "outcome": {"status": outcome.status, "message": outcome.message}}

    result = run(go)
    if as_json:
        _json(result)
        return
    d = result["delivery"]
    if result["outcome"] is None:
        out.print(f"delivery #{delivery_id} queued again; the worker takes it on its next pass", soft_wrap=True)
        return
    out.print(f"delivery #{delivery_id}: {d['state'].replace('_', ' ')} — {d['summary']}", soft_wrap=True)
    if d.get("retry"):
        out.print(f"    → {d['retry']}", soft_wrap=True)


@po_app.command("show")
def po_show(
    ref: Annotated[str, typer.Argument(help="The purchase order's number (PO-000012) or its action id.")],
    csv_file: Annotated[Path | None, typer.Option("--csv", help="Write the CSV document here.")] = None,
    pdf_file: Annotated[Path | None, typer.Option("--pdf", help="Write the PDF document here.")] = None,
    tenant: TenantOpt = None, as_json: JsonOpt = False,
) -> None:
    """A purchase order: vendor, lines, total, where it was sent; --csv/--pdf write its documents."""
    po = _invoke(tenant, "purchase_orders.read", ref=ref)
    for path, data in ((csv_file, po["csv"].encode("utf-8")), (pdf_file, po["pdf"])):
        if path is not None:
            path.write_bytes(data)
    if as_json:
        _json({k: v for k, v in po.items() if k not in ("pdf",)})
        return
    out.print(f"{po['number']} to {po['vendor'] or '(no vendor named)'} from {po['store']}, "
              f"{po['issued_at']:%Y-%m-%d} (action {po['action_id']})", soft_wrap=True)
    for line in po["lines"]:
        out.print(f"  {line['sku']}  {line['description']}: {line['quantity']} × {line['unit_cost']} = "
                  f"{line['total']}", soft_wrap=True)
    out.print(f"  total {po['total']}")
    for m in po["messages"]:
        out.print(f"  e-mail #{m['id']} {m['status']}" + (f" ({m['reason']})" if m["reason"] else "")
                  + f" {m['created_at']:%Y-%m-%d %H:%M}: {m['subject']}", soft_wrap=True)
    if not po["messages"]:
        out.print("  not e-mailed yet (growth deliveries list --action " + str(po["action_id"]) + ")")
    for path in (csv_file, pdf_file):
        if path is not None:
            out.print(f"wrote {path}", soft_wrap=True)


@vendors_app.command("set")
def vendors_set(
    vendor: Annotated[str, typer.Argument(help="The vendor's name, as the products' Vendor column has it.")],
    address: Annotated[str, typer.Argument(help="The e-mail address its purchase orders go to.")],
    tenant: TenantOpt = None, as_json: JsonOpt = False,
) -> None:
    """E-mail VENDOR's purchase orders to ADDRESS."""
    done = _invoke(tenant, "vendors.set_address", vendor=vendor, address=address)
    if as_json:
        _json(done)
        return
    out.print(f"purchase orders for {done['vendor']} go to {done['address']} (the address is kept in the vault)",
              soft_wrap=True)


@vendors_app.command("remove")
def vendors_remove(vendor: str, tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Forget VENDOR's purchase-order address."""
    done = _invoke(tenant, "vendors.remove_address", vendor=vendor)
    if as_json:
        _json(done)
        return
    out.print(f"{done['vendor']}: address removed" if done["removed"] else f"{done['vendor']} had no address")


@vendors_app.command("list")
def vendors_list(tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Vendors with a purchase-order address (as references), and the store's vendors without one."""
    seen = _invoke(tenant, "vendors.list")
    if as_json:
        _json(seen)
        return
    for v in seen["vendors"]:
        out.print(f"{v['vendor']}  {v['address']}", soft_wrap=True)
    if seen["missing"]:
        out.print("no address yet: " + ", ".join(seen["missing"]), soft_wrap=True)
    if not seen["vendors"] and not seen["missing"]:
        out.print("no vendors: import the catalogue first")
