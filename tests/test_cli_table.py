"""The command table: every ``growth`` sub-command loads from the module it names, with the help line
its own docstring gives, and a command imports only its own module."""

from __future__ import annotations

import json
import shutil
import subprocess
import sys
from pathlib import Path

import pytest
import typer
from typer.testing import CliRunner

from server.cli import COMMANDS, app
from server.cli_lazy import Lazy, lazy_group
from tests.conftest import TEST_SECRET

#: what no everyday command needs: the ~1 s of statistics, PDF, HTTP and migration machinery
HEAVY = ("scipy", "fpdf", "httpx", "alembic", "graphs", "langgraph", "duckdb", "matplotlib")


@pytest.mark.parametrize("name", sorted(COMMANDS))
def test_each_table_line_loads_its_command_with_the_help_its_docstring_gives(name: str) -> None:
    group = typer.main.get_command(app)
    ctx = typer._click.Context(group)
    command = group.get_command(ctx, name)
    assert command is not None and command.name == name
    first = (command.short_help or command.help or "").split("\n\n")[0].replace("\n", " ").strip()
    assert first == COMMANDS[name].help


def test_the_help_screen_lists_every_command_in_table_order() -> None:
    result = CliRunner().invoke(app, ["--help"], env={"COLUMNS": "200"})
    assert result.exit_code == 0
    listed = [line.split()[1] for line in result.stdout.splitlines()
              if line.startswith("│ ") and not line.startswith("│ --") and len(line.split()) > 2]
    assert listed == list(COMMANDS)


def _loaded_after(*argv: str, env: dict[str, str] | None = None) -> dict[str, object]:
    probe = ("import json, sys\n"
             f"sys.argv = ['growth', *{list(argv)!r}]\n"
             "from server.cli import app\n"
             "try:\n    app()\nexcept SystemExit as exc:\n    code = exc.code\n"
             "print(json.dumps({'code': code, 'modules': sorted(m for m in sys.modules if m.startswith("
             f"('server.', 'sqlalchemy', *{HEAVY!r})))}}))\n")
    done = subprocess.run([sys.executable, "-c", probe], capture_output=True, text=True, check=True,
                          env={"COLUMNS": "120", "PATH": "", **(env or {})})
    return json.loads(done.stdout.splitlines()[-1])


def test_the_help_screen_imports_no_command_module_and_not_the_engine() -> None:
    seen = _loaded_after("--help")
    assert seen["code"] == 0
    assert [m for m in seen["modules"] if m.startswith("server.cli_")] == ["server.cli_common", "server.cli_lazy"]
    assert not [m for m in seen["modules"] if m.startswith(("server.app", "sqlalchemy", "graphs", "alembic"))]


def test_a_group_help_imports_only_the_module_that_defines_it() -> None:
    seen = _loaded_after("actions", "--help")
    assert seen["code"] == 0
    assert [m for m in seen["modules"] if m.startswith("server.cli_")] == [
        "server.cli_actions", "server.cli_common", "server.cli_lazy"]


@pytest.mark.parametrize("argv", [("status",), ("actions", "list")])
def test_everyday_commands_load_no_statistics_pdf_http_or_migration_machinery(
        argv: tuple[str, ...], sqlite_template: Path, tmp_path: Path) -> None:
    shutil.copy(sqlite_template, tmp_path / "growth.db")
    seen = _loaded_after(*argv, env={"GROWTH_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'growth.db'}",
                                     "GROWTH_SECRET_KEY": TEST_SECRET})
    assert seen["code"] in (0, None)
    assert {m for m in seen["modules"] if m.startswith("server.cli_")} <= {
        "server.cli_actions", "server.cli_common", "server.cli_lazy", "server.cli_views"}
    assert [m for m in seen["modules"] if m.split(".")[0] in HEAVY] == []


def test_an_unknown_command_is_a_usage_error_naming_it() -> None:
    result = CliRunner().invoke(app, ["no-such-command"])
    assert result.exit_code == 2
    assert "no-such-command" in result.output


def test_a_table_line_whose_module_does_not_register_the_command_fails_naming_both() -> None:
    board = typer.Typer()
    broken = typer.Typer(cls=lazy_group({"ghost": Lazy("server.cli_db", "Nothing.")}, board))

    @broken.callback()
    def _root() -> None:
        pass

    result = CliRunner().invoke(broken, ["ghost"])
    assert isinstance(result.exception, RuntimeError)
    assert "'ghost'" in str(result.exception) and "server.cli_db" in str(result.exception)
