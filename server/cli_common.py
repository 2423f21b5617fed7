"""What every ``growth`` command shares: the board commands register on, consoles, options, and ``run``.

Imported by every command, so it imports nothing heavy at module level: the engine (``server.app``)
and the settings load inside ``run`` and ``load_settings``.
"""

from __future__ import annotations

import json
import shutil
import sys
from collections.abc import Awaitable, Callable
from datetime import date, datetime
from pathlib import Path
from typing import TYPE_CHECKING, Annotated, Any, TypeVar

import typer
from rich.console import Console
from rich.markup import escape

from policies.principal import Principal
from tools.errors import ToolError

if TYPE_CHECKING:
    from server.app import App
    from server.settings import Settings

T = TypeVar("T")

#: where command modules register their commands; ``growth`` (server.cli) loads each from its module
#: through the table there, when it is called
app = typer.Typer(pretty_exceptions_enable=False, add_completion=False)
audit_app = typer.Typer(help="The tamper-evident audit log.", no_args_is_help=True)
token_app = typer.Typer(help="API tokens for MCP over HTTP.", no_args_is_help=True)
pii_app = typer.Typer(help="The PII broker.", no_args_is_help=True)
app.add_typer(audit_app, name="audit")
app.add_typer(token_app, name="token")
app.add_typer(pii_app, name="pii")

# Data is printed as is, never as markup; as wide as the terminal (or COLUMNS), and when piped wide
# enough for the tables.
out = Console(markup=False, highlight=False, width=shutil.get_terminal_size((120, 24)).columns)
err = Console(stderr=True)


TenantOpt = Annotated[str | None, typer.Option("--tenant", help="Tenant (store); default GROWTH_TENANT.")]
JsonOpt = Annotated[bool, typer.Option("--json", help="Print JSON for scripts.")]


def _json(data: Any) -> None:
    sys.stdout.write(json.dumps(data, indent=2, default=_default, ensure_ascii=False) + "\n")


def _default(value: Any) -> Any:
    if isinstance(value, (datetime, date)):
        return value.isoformat()
    if hasattr(value, "model_dump"):
        return value.model_dump(mode="json")
    if hasattr(value, "as_dict"):
        return value.as_dict()
    if hasattr(value, "__dataclass_fields__"):
        from dataclasses import asdict
        return asdict(value)
    raise TypeError(f"cannot serialise {type(value).__name__}")


def load_settings() -> Settings:
    """Settings from the environment; a refused value (the development secret...) is a clean exit 2."""
    from pydantic import ValidationError

    from server.settings import Settings

    try:
        settings = Settings()
    except ValidationError as exc:
        for e in exc.errors():
            err.print(f"[red]error[/red] {escape(str(e['msg']).removeprefix('Value error, '))}")
        raise typer.Exit(2) from None
    params = _command_params()
    if params.get("where"):
        from server.where import where_line

        say(where_line(settings, params.get("tenant")))
    return settings


def _command_params() -> dict[str, Any]:
    """The options given to the running command and to ``growth`` itself (--where), as parsed."""
    try:  # Typer keeps click's context stack in its own copy of click, with no public accessor
        from typer._click.globals import get_current_context
    except ImportError:  # pragma: no cover - another Typer layout: --where then names the default tenant
        return {}
    ctx = get_current_context(silent=True)
    return {} if ctx is None else {**ctx.find_root().params, **ctx.params}


def say(line: str) -> None:
    """A plain line on stderr: never markup, never wrapped (paths stay whole when copied)."""
    err.print(line, markup=False, highlight=False, soft_wrap=True)


def run(fn: Callable[[App], Awaitable[T]], *, check_schema: bool = True) -> T:
    """Build the app, run one coroutine, close; tool errors become a clean exit code 1."""
    import asyncio  # not at module level: `growth --help` runs no event loop

    from server.app import create_app
    from server.persistence.keyring import KeyringError
    from server.secret import SecretRefused

    settings = load_settings()

    async def main() -> T:
        application = await create_app(settings, check_schema=check_schema)
        if application.new_database is not None:
            from server.where import new_database_notice

            say(new_database_notice(settings, application.new_database, cwd=Path.cwd()))
        try:
            return await fn(application)
        finally:
            await application.close()

    try:
        return asyncio.run(main())
    except ToolError as exc:
        err.print(f"[red]error[/red] {escape(f'[{exc.code}]')} {escape(exc.message)}")
        raise typer.Exit(1) from None
    except (SecretRefused, KeyringError) as exc:
        err.print(f"[red]error[/red] {escape(str(exc))}")
        raise typer.Exit(2) from None
    except RuntimeError as exc:
        if type(exc).__name__ == "SchemaOutOfDate":
            err.print(f"[red]error[/red] {escape(str(exc))}")
            raise typer.Exit(2) from None
        raise


def operator(application: App, tenant: str | None) -> Principal:
    return Principal.operator(tenant or application.settings.tenant, subject="operator:cli")
