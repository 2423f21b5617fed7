"""``growth secret``: where the master secret comes from, and rotating it.

Rotation is an offline operation: stop the servers and workers that use the database
first. One that is still running keeps its references and audit chain (the root key
does not change) but refuses to write to the PII vault until restarted with the new
secret, so no row is ever sealed with a key the database no longer holds.
"""

from __future__ import annotations

import asyncio
import getpass
import sys
from pathlib import Path
from typing import Annotated, Any

import typer
from rich.markup import escape

from server.cli_common import JsonOpt, _json, app, err, load_settings, out
from server.persistence.keyring import KeyringError, KeyringState, Rotation
from server.secret import (MasterSecret, SecretRefused, generate, pending_path, permissions, promote, resolve,
                           secret_path, stage)
from server.settings import DEFAULT_SECRET, Settings, secret_problem

secret_app = typer.Typer(help="The master secret that unlocks the database's keys.", no_args_is_help=True)
app.add_typer(secret_app, name="secret")


def _fail(message: str) -> typer.Exit:
    err.print(f"[red]error[/red] {escape(message)}")
    return typer.Exit(2)


# --- status --------------------------------------------------------------------------------------

@secret_app.command("status")
def secret_status(as_json: JsonOpt = False) -> None:
    """Where the secret comes from, its file's permissions, and the keyring (never the secret)."""
    settings = load_settings()
    path = secret_path(settings)
    report: dict[str, Any] = {"source": "environment" if settings.secret_key is not None else "file",
                              "file": str(path) if path else None,
                              "file_exists": bool(path and path.exists()),
                              "permissions": permissions(path) if path and path.exists() else None,
                              "pending_rotation": bool(path and pending_path(path).exists()), "problem": None}
    master: MasterSecret | None = None
    try:
        master = resolve(settings, create=False)
    except SecretRefused as exc:
        report["problem"] = str(exc)
    state = asyncio.run(_describe(settings, master))
    if isinstance(state, str):
        report["keyring"] = None
        report["problem"] = report["problem"] or state
    else:
        report["keyring"] = {"entries": state.entries, "vault_rows": state.vault_rows, "opens": state.opens,
                             "has_data": state.has_data}
    if as_json:
        _json(report)
        return
    where = "GROWTH_SECRET_KEY" if report["source"] == "environment" else f"the file {report['file']}"
    out.print(f"master secret: {where}" + (f" ({report['permissions']})" if report["permissions"] else ""))
    if report["source"] == "environment" and report["file_exists"]:
        out.print(f"  (the file {report['file']} exists too; GROWTH_SECRET_KEY takes precedence)")
    if report["pending_rotation"]:
        out.print(f"  {pending_path(Path(report['file']))} holds the secret of an unfinished rotation: the next "
                  "start uses it if the database had switched to it, and ignores it otherwise")
    if report["problem"]:
        out.print(f"problem: {report['problem']}")
    if not isinstance(state, str):
        _print_keyring(state)


def _print_keyring(state: KeyringState) -> None:
    if not state.entries:
        out.print("keyring: not created yet (the first start creates it"
                  + (", adopting the keys this database's data was written with)" if state.has_data else ")"))
    for e in state.entries:
        when = f"created {e['created_at']:%Y-%m-%d %H:%M}"
        if e["rotated_at"]:
            when += f", re-wrapped {e['rotated_at']:%Y-%m-%d %H:%M}"
        out.print(f"keyring: {e['name']} key, generation {e['generation']}, {e['origin']}, {when}")
    if any(e["origin"] == "legacy-development" for e in state.entries if e["name"] == "root"):
        out.print("  warning: the root key is derived from the public development secret (see the README, Secrets)")
    out.print(f"vault rows: {state.vault_rows}")
    if state.opens is not None:
        out.print(f"this secret opens the database: {'yes' if state.opens else 'NO'}")


async def _describe(settings: Settings, master: MasterSecret | None) -> KeyringState | str:
    from server.persistence.db import connect_database
    from server.persistence.keyring import describe
    from server.persistence.migrate import SchemaOutOfDate, check

    path = settings.sqlite_path()
    if path is not None and not path.exists():
        return f"no database yet at {path}"
    try:
        await check(settings.database_url)
    except SchemaOutOfDate as exc:
        return str(exc)
    db = connect_database(settings.database_url)
    try:
        return await describe(db, master.value if master else None)
    finally:
        await db.close()


# --- rotate --------------------------------------------------------------------------------------

@secret_app.command("rotate")
def secret_rotate(
        from_old_secret_file: Annotated[Path | None, typer.Option(
            "--from-old-secret-file", metavar="PATH",
            help="Move a database written under the secret in this file to the current secret.")] = None,
        from_development_secret: Annotated[bool, typer.Option(
            "--from-development-secret",
            help="Move a database written under the old public development default to the current secret.")] = False,
        as_json: JsonOpt = False) -> None:
    """A new master secret: the keys re-wrapped, a new vault key, every vault row re-encrypted at once.

    With a secret file, the new secret is generated and replaces the file. With GROWTH_SECRET_KEY,
    the new secret is read from stdin; put it in the environment afterwards. Stop the servers first.
    """
    settings = load_settings()
    if from_old_secret_file and from_development_secret:
        raise _fail("give --from-old-secret-file or --from-development-secret, not both")
    moving = from_old_secret_file is not None or from_development_secret
    try:
        current = resolve(settings, create=moving)
    except SecretRefused as exc:
        raise _fail(str(exc)) from None
    staged: Path | None = None
    if moving:
        old = DEFAULT_SECRET if from_development_secret else _read_old(from_old_secret_file)
        new = current.value.decode()
    else:
        old = current.value.decode()
        if current.source == "environment":
            new = _read_new()
        else:
            assert current.path is not None
            new = generate()
            staged = stage(current.path, new)
    origin = "legacy-development" if old == DEFAULT_SECRET else "legacy"
    try:
        result = asyncio.run(_rotate(settings, old.encode(), new.encode(), origin))
    except BaseException as exc:
        # nothing was sealed with a secret staged or created here: leave none behind
        for unused in (staged, current.path if current.created else None):
            if unused is not None:
                unused.unlink(missing_ok=True)
        if isinstance(exc, (KeyringError, SecretRefused)):
            raise _fail(f"{exc}; nothing was changed") from None
        raise
    if staged is not None and current.path is not None:
        promote(current.path)
    _report(result, current, moving=moving, as_json=as_json)


def _read_old(path: Path | None) -> str:
    assert path is not None
    try:
        text = path.expanduser().read_text().strip()
    except OSError as exc:
        raise _fail(f"cannot read {path}: {exc.strerror}") from None
    if not text:
        raise _fail(f"{path} is empty")
    return text


def _read_new() -> str:
    """The new secret from stdin (GROWTH_SECRET_KEY cannot be written for the user)."""
    if sys.stdin.isatty():
        text = getpass.getpass("new secret (at least 32 characters): ")
    else:
        text = sys.stdin.readline()
    text = text.strip()
    if problem := secret_problem(text):
        raise _fail(f"the new secret is refused: {problem}")
    return text


async def _rotate(settings: Settings, old: bytes, new: bytes, origin: str) -> Rotation:
    from server.persistence.db import connect_database
    from server.persistence.keyring import rotate
    from server.persistence.migrate import current_revision, head_revision, upgrade
    from tools.audit_chain import chain_key

    if await current_revision(settings.database_url) != head_revision():
        # A database from before the keyring: the old secret is also what signs its audit heads (0005).
        await upgrade(settings.database_url, audit_key=chain_key(old))
    db = connect_database(settings.database_url, busy_timeout_ms=settings.sqlite_busy_timeout_ms)
    try:
        return await rotate(db, old=old, new=new, legacy_origin=origin)
    finally:
        await db.close()


def _report(result: Rotation, current: MasterSecret, *, moving: bool, as_json: bool) -> None:
    if as_json:
        _json({"reencrypted": result.reencrypted, "vault_generation": result.vault_generation,
               "root_origin": result.root_origin, "adopted": result.adopted, "secret": current.describe()})
        return
    out.print(f"vault rows re-encrypted: {result.reencrypted} (vault key generation {result.vault_generation})")
    if moving:
        out.print(f"the database now opens with {current.describe()}; the old secret no longer opens it")
    elif current.source == "environment":
        out.print("put the new secret in GROWTH_SECRET_KEY wherever this database is used: the old one no longer "
                  "opens it")
    else:
        out.print(f"new secret written to {current.path}; the old one no longer opens the database")
    if result.root_origin == "legacy-development":
        err.print("[yellow]warning[/yellow] references and the audit chain stay keyed by the root key this "
                  "database was created with, derived from the public development secret (see the README, Secrets)")
