"""The command line's security edges: the audit log, API tokens, and PII redaction."""

from __future__ import annotations

import sys
from typing import Annotated

import typer
from rich.table import Table

from server.cli_common import JsonOpt, TenantOpt, _json, audit_app, err, operator, out, pii_app, run, token_app

# --- audit ------------------------------------------------------------------------------

@audit_app.command("verify")
def audit_verify(tenant: TenantOpt = None, as_json: JsonOpt = False) -> None:
    """Check the hash chain end to end; names the first bad event."""
    from tools.audit import verify

    report = run(lambda a: verify(a.deps, tenant or a.settings.tenant))
    if as_json:
        _json(report)
    elif report.ok:
        out.print(f"audit chain intact: {report.events} events")
    else:
        out.print(f"audit chain BROKEN at event {report.first_bad_seq}: {report.problem}")
    if not report.ok:
        raise typer.Exit(1)


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
def pii_redact(as_json: JsonOpt = False) -> None:
    """Read text on stdin, write it with PII redacted (line structure unchanged)."""
    from policies.pii import redact

    text = sys.stdin.read()
    result = redact(text)
    if as_json:
        _json({"text": result.text, "findings": [
            {"entity": f.entity.value, "start": f.start, "end": f.end, "text": f.value} for f in result.findings]})
        return
    sys.stdout.write(result.text)
