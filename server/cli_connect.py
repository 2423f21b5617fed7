"""``growth connect shopify``, ``growth connections``, ``growth disconnect shopify``: a tenant's store connections.

The Admin API token is read from stdin (hidden when typed at a terminal) or from
``--token-file``; there is deliberately no option that takes it on the command line,
where it would land in the shell's history and in every process listing.
"""

from __future__ import annotations

import getpass
import stat
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from server.app import App
from server.cli_common import JsonOpt, TenantOpt, _json, app, err, operator, out, run
from server.settings import Settings
from server.store_delivery import settings_credentials
from tools.records import StoreCredentials

connect_app = typer.Typer(help="Connect a tenant to the systems its actions are delivered to.", no_args_is_help=True)
disconnect_app = typer.Typer(help="Forget a tenant's connection and its credential.", no_args_is_help=True)
app.add_typer(connect_app, name="connect")
app.add_typer(disconnect_app, name="disconnect")

STATUS_WORDS = {"reachable": "reachable", "refused": "REFUSED", "unreachable": "UNREACHABLE", "error": "ERROR",
                "unchecked": "not checked"}


def _read_token(token_file: Path | None) -> str:
    if token_file is not None:
        path = token_file.expanduser()
        try:
            text = path.read_text()
            mode = path.stat().st_mode
        except (OSError, UnicodeDecodeError) as exc:
            raise typer.BadParameter(f"cannot read {token_file}: {getattr(exc, 'strerror', None) or exc}",
                                     param_hint="--token-file") from None
        if mode & (stat.S_IRWXG | stat.S_IRWXO):
            err.print(f"warning: {escape(str(path))} can be read by group or others; the token is stored encrypted "
                      "now, so delete the file (or chmod 600 it)")
        return text.strip()
    if sys.stdin.isatty():
        return getpass.getpass("Shopify Admin API access token (shpat_...): ").strip()
    return sys.stdin.readline().strip()


def _probe(settings: Settings) -> tuple[Any, Any]:
    from server.connectors.http import Http
    from server.connectors.shopify_probe import ShopifyProbe

    # a person is waiting: a few quick tries, then the error
    http = Http(attempts=3, backoff_s=0.5, timeout_s=15.0)
    return http, ShopifyProbe(http, api_version=settings.shopify_api_version)


def _fallback(settings: Settings, tenant: str) -> StoreCredentials | None:
    """The GROWTH_SHOPIFY_* shortcut, which connects the default tenant only."""
    return settings_credentials(settings, tenant)


@connect_app.command("shopify")
def connect_shopify(
    shop: Annotated[str, typer.Option("--shop", help="The store's own domain: your-store.myshopify.com.")],
    token_file: Annotated[Path | None, typer.Option(
        "--token-file", help="Read the Admin API access token from this file (default: stdin).")] = None,
    api_url: Annotated[str | None, typer.Option(
        "--api-url", help="Reach the API here instead of https://<shop> (a proxy or a test server).")] = None,
    check: Annotated[bool, typer.Option(
        "--check/--no-check", help="Check the token against the store before storing it.")] = True,
    tenant: TenantOpt = None, as_json: JsonOpt = False,
) -> None:
    """Store the tenant's Shopify Admin API token, encrypted; it is checked against the store first."""
    from tools.registry import invoke

    token = _read_token(token_file)
    if not token:
        err.print("[red]error[/red] no access token: pipe it on stdin or give --token-file")
        raise typer.Exit(2)

    async def go(a: App) -> dict[str, Any]:
        http, probe = _probe(a.settings) if check else (None, None)
        try:
            return dict(await invoke(a.deps, operator(a, tenant), "connections.connect", provider="shopify",
                                     shop=shop, token=token, api_url=api_url, probe=probe))
        finally:
            if http is not None:
                await http.aclose()

    done = run(go)
    if as_json:
        _json(done)
        return
    who = f" ({done['shop_name']})" if done["shop_name"] else ""
    verb = "replaced the connection to" if done["replaced"] else "connected to"
    out.print(f"{verb} {done['shop']}{who}; token {done['token']} stored encrypted", soft_wrap=True)
    if done["status"] == "unchecked":
        out.print("not checked: `growth connections` checks it and shows its access scopes")
    else:
        _print_scopes(done)


@disconnect_app.command("shopify")
def disconnect_shopify(tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Forget the tenant's Shopify connection and its token."""
    from tools.registry import invoke

    async def go(a: App) -> tuple[dict[str, Any], bool]:
        principal = operator(a, tenant)
        gone = await invoke(a.deps, principal, "connections.disconnect", provider="shopify")
        return gone, _fallback(a.settings, principal.tenant) is not None

    gone, shortcut = run(go)
    if as_json:
        _json(gone)
        return
    out.print(f"disconnected Shopify ({gone['shop']}); its token is deleted")
    if shortcut:
        out.print("note: the GROWTH_SHOPIFY_SHOP and GROWTH_SHOPIFY_TOKEN settings still connect this tenant")


@app.command("connections")
def connections_cmd(
    check: Annotated[bool, typer.Option("--check/--no-check", help="Reach each store now (default).")] = True,
    tenant: TenantOpt = None, as_json: JsonOpt = False,
) -> None:
    """Each connection's status, the access scopes its token really has, and what each action kind lacks.

    Exits 1 when a connection in use cannot reach its store.
    """
    from tools.registry import invoke

    async def go(a: App) -> list[dict[str, Any]]:
        principal = operator(a, tenant)
        http, probe = _probe(a.settings) if check else (None, None)
        try:
            return list(await invoke(a.deps, principal, "connections.read", probe=probe,
                                     fallback=_fallback(a.settings, principal.tenant)))
        finally:
            if http is not None:
                await http.aclose()

    rows = run(go)
    if as_json:
        _json(rows)
    elif not rows:
        out.print("no connections: `growth connect shopify --shop your-store.myshopify.com` (the token on stdin)")
    for row in [] if as_json else rows:
        _print_connection(row)
    if any(r["active"] and r["status"] not in ("reachable", "unchecked") for r in rows):
        raise typer.Exit(1)


def _print_connection(row: dict[str, Any]) -> None:
    source = "stored" if row["source"] == "stored" else "from settings"
    if not row["active"]:
        source += ", not used: a stored connection takes precedence"
    name = f" ({row['shop_name']})" if row["shop_name"] else ""
    status = STATUS_WORDS.get(row["status"], row["status"])
    out.print(f"{row['provider']}: {row['shop']}{name} [{source}] token {row['token']}: {status}", soft_wrap=True)
    if row["api_url"]:
        out.print(f"  reached at {row['api_url']}", soft_wrap=True)
    if row["error"]:
        out.print(f"  {row['error']}", soft_wrap=True)
    if row["status"] == "reachable":
        _print_scopes(row)


def _print_scopes(row: dict[str, Any]) -> None:
    out.print("  access scopes: " + (", ".join(row["scopes"]) or "none"), soft_wrap=True)
    missing = row.get("missing") or {}
    if not missing:
        out.print("  every action kind can reach the store")
        return
    # one line per missing scope, with the kinds that need it (several kinds share each one)
    kinds_by_need: dict[tuple[str, ...], list[str]] = {}
    for kind, needs in missing.items():
        for need in needs:
            kinds_by_need.setdefault((" or ".join(need["any_of"]), need["what"], need["only_if"]), []).append(kind)
    out.print("  missing:")
    for (scopes, what, only_if), kinds in kinds_by_need.items():
        when = f" (only if {only_if})" if only_if else ""
        out.print(f"    {scopes}{when}, for {what}: {', '.join(kinds)}", soft_wrap=True)
