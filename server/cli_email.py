"""``growth email``: the e-mail channel's mode, suppression list, log and a test message.

The log shows recipients as PII references, never addresses (``growth pii reveal`` shows one, audited).
"""

from __future__ import annotations

from typing import Annotated, Any

import typer

from server.app import App
from server.cli_common import JsonOpt, TenantOpt, _json, app, operator, out, run

email_app = typer.Typer(help="The e-mail channel: send mode, suppression list, log.", no_args_is_help=True)
app.add_typer(email_app, name="email")


def _call(tenant: str | None, name: str, **kwargs: Any) -> Any:
    from tools.registry import invoke

    async def go(a: App) -> Any:
        return await invoke(a.deps, operator(a, tenant), name, **kwargs)

    return run(go)


@email_app.command("mode")
def email_mode(
    mode: Annotated[str, typer.Argument(help="dry_run | internal_only | limited_live | live")],
    cap: Annotated[int | None, typer.Option("--cap", help="limited_live: messages per UTC day.")] = None,
    tenant: TenantOpt = None, as_json: JsonOpt = False,
) -> None:
    """Choose the tenant's send mode (it overrides GROWTH_EMAIL_MODE)."""
    done = _call(tenant, "email.configure", mode=mode, daily_cap=cap)
    if as_json:
        _json(done)
        return
    out.print(f"e-mail mode: {done['mode']} (daily cap {done['daily_cap']})")


@email_app.command("suppress")
def email_suppress(
    address: str,
    reason: Annotated[str, typer.Option("--reason", help="bounce | unsubscribe | manual")] = "manual",
    note: Annotated[str, typer.Option("--note", help="Why, for the record.")] = "",
    tenant: TenantOpt = None, as_json: JsonOpt = False,
) -> None:
    """Never send to ADDRESS again (until unsuppressed)."""
    done = _call(tenant, "email.suppress", address=address, reason=reason, note=note)
    if as_json:
        _json(done)
        return
    out.print(f"suppressed {done['ref']} ({done['reason']})" if done["added"] else f"{done['ref']} was already suppressed")


@email_app.command("unsuppress")
def email_unsuppress(address: str, tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Take ADDRESS off the suppression list."""
    done = _call(tenant, "email.unsuppress", address=address)
    if as_json:
        _json(done)
        return
    out.print(f"{done['ref']} may receive mail again" if done["removed"] else f"{done['ref']} was not suppressed")


@email_app.command("log")
def email_log(limit: Annotated[int, typer.Option("--limit", min=1, max=500)] = 20,
              tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """The latest messages and their status (recipients as references)."""
    seen = _call(tenant, "email.read", limit=limit)
    if as_json:
        _json(seen)
        return
    out.print(f"mode {seen['mode']}; limited_live cap {seen['cap_used_today']}/{seen['daily_cap']} used today")
    for m in seen["messages"]:
        why = f" ({m['reason']})" if m["reason"] else ""
        err = f" error: {m['error']}" if m["error"] else ""
        out.print(f"#{m['id']} {m['created_at']:%Y-%m-%d %H:%M} {m['status']}{why} {m['kind']} "
                  f"to {', '.join(m['recipients'])}: {m['subject']}{err}", soft_wrap=True)
    if not seen["messages"]:
        out.print("no messages yet")


@email_app.command("test")
def email_test(address: str, tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Send a test message to ADDRESS through the tenant's send mode (dry_run only stores it)."""
    done = _call(tenant, "email.test", address=address)
    if as_json:
        _json(done)
        return
    why = f" ({done['reason']})" if done["reason"] else ""
    out.print(f"#{done['id']} {done['status']}{why} in mode {done['mode']}"
              + (f": {done['error']}" if done["error"] else ""), soft_wrap=True)
    if done["status"] == "failed":
        raise typer.Exit(1)
