"""``growth webhooks add|list|remove|deliveries|replay``: a tenant's webhook endpoints and their deliveries."""

from __future__ import annotations

from typing import Annotated, Any

import typer

from server.app import App
from server.cli_common import JsonOpt, TenantOpt, _json, app, operator, out, run

webhooks_app = typer.Typer(help="Signed webhooks (Standard Webhooks) for the tenant's events.",
                           no_args_is_help=True)
app.add_typer(webhooks_app, name="webhooks")


def _invoke(tenant: str | None, name: str, **kwargs: Any) -> Any:
    from tools.registry import invoke

    async def go(a: App) -> Any:
        if name == "webhooks.replay":
            from server.connectors.webhooks import HttpWebhookSender

            sender = HttpWebhookSender(allow_private=a.settings.webhook_private_networks)
            try:
                return await invoke(a.deps, operator(a, tenant), name, sender=sender, **kwargs)
            finally:
                await sender.aclose()
        return await invoke(a.deps, operator(a, tenant), name, **kwargs)

    return run(go)


@webhooks_app.command("add")
def add(url: Annotated[str, typer.Argument(help="Where to POST: https, or http on this machine.")],
        topic: Annotated[list[str], typer.Option(
            "--topic", help="An event topic (action.executed), a prefix (action.*) or *; repeatable.")],
        tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Subscribe URL to topics; prints the signing secret, this once."""
    added = _invoke(tenant, "webhooks.add", url=url, topics=topic)
    if as_json:
        _json(added)
        return
    out.print(f"webhook {added['id']}: {added['url']} for {', '.join(added['topics'])}", soft_wrap=True)
    out.print(f"signing secret (shown this once, stored encrypted): {added['secret']}", soft_wrap=True)


@webhooks_app.command("list")
def list_cmd(tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """The tenant's endpoints and their topics (never their secrets)."""
    rows = _invoke(tenant, "webhooks.list")
    if as_json:
        _json(rows)
        return
    if not rows:
        out.print("no webhooks: `growth webhooks add https://... --topic action.executed`")
    for r in rows:
        out.print(f"{r['id']}  {r['url']}  {', '.join(r['topics'])}  (added {r['created_at']:%Y-%m-%d %H:%M} by "
                  f"{r['created_by']})", soft_wrap=True)


@webhooks_app.command("remove")
def remove(endpoint_id: Annotated[int, typer.Argument(metavar="ID")], tenant: TenantOpt = None,
           as_json: JsonOpt = False) -> None:
    """Stop sending to an endpoint; its pending deliveries are cancelled."""
    gone = _invoke(tenant, "webhooks.remove", endpoint_id=endpoint_id)
    if as_json:
        _json(gone)
        return
    out.print(f"removed webhook {gone['id']} ({gone['url']})", soft_wrap=True)


@webhooks_app.command("deliveries")
def deliveries(dead: Annotated[bool, typer.Option("--dead", help="Only the dead letters.")] = False,
               status: Annotated[str | None, typer.Option(
                   "--status", help="pending, delivered, dead or cancelled.")] = None,
               limit: Annotated[int, typer.Option("--limit")] = 50,
               tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Recent deliveries, newest first, with their attempts and last error."""
    rows = _invoke(tenant, "webhooks.deliveries", status="dead" if dead else status, limit=limit)
    if as_json:
        _json(rows)
        return
    if not rows:
        out.print("no deliveries" + (" are dead" if dead else ""))
    for r in rows:
        due = f", next try {r['next_attempt_at']:%Y-%m-%d %H:%M:%S}" if r["status"] == "pending" and \
            r["next_attempt_at"] else ""
        last = f": {r['last_error']}" if r["last_error"] and r["status"] != "delivered" else ""
        out.print(f"{r['id']}  {r['topic']} → webhook {r['endpoint_id']}  {r['status']} after {r['attempts']} "
                  f"attempt(s){due}{last}", soft_wrap=True)
    if dead and rows:
        out.print("replay one with `growth webhooks replay ID`")


@webhooks_app.command("replay")
def replay(delivery_id: Annotated[int, typer.Argument(metavar="DELIVERY_ID")], tenant: TenantOpt = None,
           as_json: JsonOpt = False) -> None:
    """Send a dead (or delivered) delivery again now, with the same webhook-id; retried as usual if it fails."""
    done = _invoke(tenant, "webhooks.replay", delivery_id=delivery_id)
    if as_json:
        _json(done)
        return
    word = "delivered" if done["status"] == "delivered" else f"not delivered yet ({done['last_error']}); retrying"
    out.print(f"delivery {done['id']}: {word}", soft_wrap=True)
    if done["status"] != "delivered":
        raise typer.Exit(1)
