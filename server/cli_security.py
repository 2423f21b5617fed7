"""The command line's security edges: the audit log, API tokens, and PII redaction."""

from __future__ import annotations

import json
import os
import sys
import tempfile
from pathlib import Path
from typing import Annotated

import typer
from rich.markup import escape
from rich.table import Table

from server.cli_common import JsonOpt, TenantOpt, _json, audit_app, err, operator, out, pii_app, run, token_app
from tools.audit_chain import Anchor

# --- audit ------------------------------------------------------------------------------

@audit_app.command("verify")
def audit_verify(tenant: TenantOpt = None, as_json: JsonOpt = False,
                 anchor: Annotated[Path | None, typer.Option(
                     "--anchor", help="Also check the chain against an anchor from `growth audit anchor`.")] = None
                 ) -> None:
    """Check the hash chain end to end, its signed head and the database's guards; names the first bad event."""
    from tools.audit import verify

    held = _read_anchor(anchor) if anchor else None
    report = run(lambda a: verify(a.deps, tenant or a.settings.tenant, anchor=held))
    if as_json:
        _json(report)
    elif report.ok:
        vouched = f"; event {held.seq} is the one anchored at {held.at}" if held else ""
        out.print(f"audit chain intact: {report.events} events{vouched}", soft_wrap=True)
    else:
        where = f" at event {report.first_bad_seq}" if report.first_bad_seq is not None else ""
        out.print(f"audit chain BROKEN{where}: {report.problem}", soft_wrap=True)
    if not report.ok:
        raise typer.Exit(1)


@audit_app.command("anchor")
def audit_anchor(tenant: TenantOpt = None,
                 out_file: Annotated[Path | None, typer.Option(
                     "--out", help="Write the anchor to this file (mode 0600).")] = None,
                 webhook: Annotated[str | None, typer.Option(
                     "--webhook", help="POST the anchor as JSON to this http(s) URL.")] = None,
                 as_json: JsonOpt = False) -> None:
    """Export the signed head of a verified chain, to keep outside the database (check with verify --anchor)."""
    from tools.audit import take_anchor

    if out_file and webhook:
        raise typer.BadParameter("give --out or --webhook, not both")
    if webhook and not webhook.startswith(("https://", "http://")):
        raise typer.BadParameter("the webhook must be an http(s) URL", param_hint="--webhook")
    if out_file and not out_file.parent.is_dir():
        raise typer.BadParameter(f"no such folder: {out_file.parent}", param_hint="--out")
    held = run(lambda a: take_anchor(a.deps, tenant or a.settings.tenant))
    body = json.dumps(held.as_dict(), indent=2) + "\n"
    if out_file:
        _write_private(out_file, body)
        done = f"anchor of event {held.seq} ({held.tenant}) written to {out_file}"
    elif webhook:
        done = f"anchor of event {held.seq} ({held.tenant}) posted to {webhook} (HTTP {_post(webhook, held)})"
    else:
        sys.stdout.write(body)
        return
    if as_json:
        sys.stdout.write(body)
    else:
        out.print(done)


def _read_anchor(path: Path) -> Anchor:
    try:
        return Anchor.from_dict(json.loads(path.read_text()))
    except (OSError, UnicodeDecodeError, ValueError) as exc:  # JSONDecodeError is a ValueError
        raise typer.BadParameter(f"{path}: not an anchor ({exc})", param_hint="--anchor") from None


def _write_private(path: Path, body: str) -> None:
    """All or nothing, readable by the owner only: a temporary file beside it, then a rename."""
    fd, tmp = tempfile.mkstemp(dir=path.parent, prefix=f".{path.name}.", suffix=".tmp")
    try:
        with os.fdopen(fd, "w") as f:
            f.write(body)
            f.flush()
            os.fsync(f.fileno())
        os.replace(tmp, path)
    except BaseException:
        Path(tmp).unlink(missing_ok=True)
        raise


def _post(url: str, held: Anchor) -> int:
    import httpx

    try:
        response = httpx.post(url, json=held.as_dict(), timeout=15)
    except httpx.HTTPError as exc:
        err.print(f"[red]error[/red] the webhook could not be reached: {escape(str(exc) or type(exc).__name__)}")
        raise typer.Exit(1) from None
    if not response.is_success:
        err.print(f"[red]error[/red] the webhook answered HTTP {response.status_code}: the anchor was not accepted")
        raise typer.Exit(1)
    return response.status_code


@audit_app.command("tail")
def audit_tail(tenant: TenantOpt = None, limit: Annotated[int, typer.Option(min=1, max=1000)] = 20,
               as_json: JsonOpt = False) -> None:
    """The most recent audit events."""
    from tools.audit import recent

    events = run(lambda a: recent(a.deps, tenant or a.settings.tenant, limit=limit))
    if as_json:
        _json(events)
        return
    for e in reversed(events):
        out.print(f"{e['seq']:>6} {e['at']} {e['actor']:<22} {e['event']:<24} {e['subject']}")


# --- tokens --------------------------------------------------------------------------------

@token_app.command("create")
def token_create(role: Annotated[str, typer.Option(help="operator | assistant | customer | viewer")],
                 tenant: TenantOpt = None,
                 scope: Annotated[list[str] | None, typer.Option(help="read, propose, decide (repeatable)")] = None,
                 label: Annotated[str, typer.Option()] = "",
                 customer: Annotated[str | None, typer.Option(help="customer reference, for customer tokens")] = None,
                 as_json: JsonOpt = False) -> None:
    """Create an API token. The token is printed once and stored only as a hash."""
    from tools.tokens import create_token, token_view

    secret, rec = run(lambda a: create_token(a.deps, operator(a, tenant), tenant=tenant or a.settings.tenant,
                                             role=role, scopes=scope or [], label=label, customer_ref=customer))
    if as_json:
        _json({"token": secret, **token_view(rec)})
        return
    err.print(f"token for {rec.role} on {rec.tenant_id} (scopes: {', '.join(rec.scopes) or '-'}); "
              "it is shown only once:")
    sys.stdout.write(secret + "\n")


@token_app.command("list")
def token_list(tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """The store's tokens (never their secrets)."""
    from tools.tokens import list_tokens

    rows = run(lambda a: list_tokens(a.deps, operator(a, tenant)))
    if as_json:
        _json(rows)
        return
    table = Table(title=f"tokens ({len(rows)})")
    for col in ("id", "prefix", "role", "scopes", "label", "created", "revoked"):
        table.add_column(col)
    for r in rows:
        table.add_row(str(r["id"]), r["prefix"], r["role"], ", ".join(r["scopes"]) or "-", r["label"] or "-",
                      str(r["created_at"])[:16], "yes" if r["revoked"] else "no")
    out.print(table)


@token_app.command("revoke")
def token_revoke(token_id: int, tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Revoke a token: from the next request on it opens nothing."""
    from tools.tokens import revoke_token

    row = run(lambda a: revoke_token(a.deps, operator(a, tenant), token_id=token_id))
    if as_json:
        _json(row)
        return
    out.print(f"token {row['id']} ({row['prefix']}…, {row['role']}) revoked")


# --- pii ----------------------------------------------------------------------------------------

@pii_app.command("redact")
def pii_redact(as_json: JsonOpt = False,
               region: Annotated[list[str] | None, typer.Option(
                   "--region", help="a country (ISO code, e.g. FR) whose national phone formats to read; "
                                    "repeatable; default: the store's countries")] = None,
               offline: Annotated[bool, typer.Option(
                   "--offline", help="do not read the store: only what the text itself shows")] = False) -> None:
    """Read text on stdin, write it with PII redacted (line structure unchanged).

    By default it reads with what the store knows (its countries, its customers' names, its
    catalogue), as the engine does; ``--offline`` needs no database."""
    from policies.pii import Hints, redact
    from policies.pii.phones import region_ok

    bad = [r for r in region or [] if not region_ok(r)]
    if bad:
        err.print(f"[red]error[/red] not a country code libphonenumber knows: {', '.join(bad)}")
        raise typer.Exit(2)
    text = sys.stdin.read()
    if offline:
        hints = Hints(regions=tuple(r.upper() for r in region or ()))
    else:
        from tools.pii import hints_for

        hints = run(lambda a: hints_for(a.deps, a.settings.tenant))
        if region:
            hints = Hints(regions=tuple(r.upper() for r in region), names=hints.names, catalog=hints.catalog)
    result = redact(text, hints=hints)
    if as_json:
        _json({"text": result.text, "findings": [
            {"entity": f.entity.value, "start": f.start, "end": f.end, "text": f.value} for f in result.findings]})
        return
    sys.stdout.write(result.text)
