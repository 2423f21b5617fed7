"""``growth db``: apply the migrations, and say which schema revision a database is at."""

from __future__ import annotations

import asyncio
from pathlib import Path

import typer
from rich.markup import escape

from server.cli_common import app, err, load_settings, out, say

db_app = typer.Typer(help="Database schema.", no_args_is_help=True)
app.add_typer(db_app, name="db")


@db_app.command("upgrade")
def db_upgrade() -> None:
    """Apply every migration and restore the audit log's database guards (idempotent)."""
    from server.app import legacy_audit_key
    from server.persistence.migrate import UpgradeRefused, head_revision, upgrade
    from server.where import database_label, new_database_notice

    settings = load_settings()
    path = settings.sqlite_path()
    new = path is not None and (not path.exists() or path.stat().st_size == 0)
    try:
        restored = asyncio.run(upgrade(settings.database_url, audit_key=legacy_audit_key(settings)))
    except UpgradeRefused as exc:
        err.print(f"[red]error[/red] {escape(str(exc))}")
        if settings.secret_key is None:
            err.print("a database written under the old development default secret moves to your own secret "
                      "with `growth secret rotate --from-development-secret`")
        raise typer.Exit(1) from None
    if new and path is not None:
        say(new_database_notice(settings, path.expanduser().resolve(), cwd=Path.cwd()))
    for fault in restored:
        err.print(f"restored the audit guard {fault.name} (it was {fault.state})")
    say(f"database at {head_revision()} ({database_label(settings)})")


@db_app.command("current")
def db_current() -> None:
    """Show the schema revision of the database (and which database that is)."""
    from server.persistence.migrate import current_revision, head_revision
    from server.where import database_label

    settings = load_settings()
    path = settings.sqlite_path()
    if path is not None and not path.exists():  # looking must not create it
        out.print(f"current: (no database yet at {database_label(settings)})  head: {head_revision()}",
                  soft_wrap=True)
        return
    current = asyncio.run(current_revision(settings.database_url))
    out.print(f"current: {current or '(empty)'}  head: {head_revision()}  ({database_label(settings)})",
              soft_wrap=True)
