"""Sub-commands loaded on demand from a table, so each ``growth`` command imports only what it uses.

The table maps a command's name to the module that defines it and its one-line help. ``growth
--help`` lists the table without importing a single command module; ``growth status`` imports the
one module that defines ``status``. A command module registers its commands on ``server.cli_common.app``
(``@app.command("x")`` or ``app.add_typer(x_app, name="x")``) and keeps heavy imports inside the
command functions.
"""

from __future__ import annotations

import importlib
from collections.abc import Mapping
from typing import NamedTuple

import typer
from typer._click import Command, Context
from typer.core import TyperCommand, TyperGroup


class Lazy(NamedTuple):
    """Where a sub-command lives, and the line ``growth --help`` shows for it (its docstring's first line)."""

    module: str
    help: str


def lazy_group(table: Mapping[str, Lazy], board: typer.Typer) -> type[TyperGroup]:
    """A Typer group class whose sub-commands are the table's, each built from ``board`` once its module
    is imported."""

    class LazyGroup(TyperGroup):
        _listing = False

        def list_commands(self, ctx: Context) -> list[str]:
            return [*table, *(name for name in self.commands if name not in table)]

        def get_command(self, ctx: Context, cmd_name: str) -> Command | None:
            if cmd_name in self.commands:
                return self.commands[cmd_name]
            entry = table.get(cmd_name)
            if entry is None:
                return None
            if self._listing:  # the help screen needs a name and a line, not the command's module
                return TyperCommand(name=cmd_name, help=entry.help)
            command = load(cmd_name, entry, board)
            self.commands[cmd_name] = command
            return command

        def format_help(self, ctx: Context, formatter: typer._click.HelpFormatter) -> None:
            self._listing = True
            try:
                super().format_help(ctx, formatter)
            finally:
                self._listing = False

    return LazyGroup


def load(name: str, entry: Lazy, board: typer.Typer) -> Command:
    """Import the module that defines ``name`` and build that one command (or group) from ``board``."""
    importlib.import_module(entry.module)
    built = typer.main.get_group(board)
    command = built.commands.get(name)
    if command is None:
        raise RuntimeError(f"the command table says {name!r} is in {entry.module}, which does not register it "
                           "(with @app.command or app.add_typer on server.cli_common.app)")
    return command
