"""One database wherever you stand: the default lives in the user's data folder, every command can
say which database and tenant it uses, and a new, empty database never appears silently."""

from __future__ import annotations

import json
from pathlib import Path
from typing import Any

import pytest
from sqlalchemy.engine import make_url
from typer.testing import CliRunner

from server.cli import app as cli
from server.serve import next_steps
from server.settings import Settings
from tests.conftest import TEST_SECRET


def growth(env: dict[str, str | None], *args: str, code: int = 0) -> tuple[str, str]:
    result = CliRunner().invoke(cli, list(args), env=env, catch_exceptions=False)
    assert result.exit_code == code, (args, result.output)
    return result.stdout, result.stderr


def label(url: str) -> str:
    parsed = make_url(url)
    if parsed.get_backend_name() == "sqlite":
        return str(Path(str(parsed.database)).resolve())
    return parsed.render_as_string(hide_password=True)


def test_the_default_database_and_its_folders_live_in_the_user_data_folder(tmp_path: Path,
                                                                           monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv("XDG_DATA_HOME", str(tmp_path))
    monkeypatch.delenv("GROWTH_DATABASE_URL", raising=False)
    monkeypatch.chdir(tmp_path)
    home = tmp_path / "growth-engine"
    settings = Settings()
    assert settings.database_url == f"sqlite+aiosqlite:///{home / 'growth.db'}"
    assert (settings.demo_dir, settings.import_dir) == (home / "demo", home / "imports")
    # a database chosen by URL keeps its folders (and its secret file) beside it
    chosen = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'shop' / 'store.db'}")
    assert (chosen.demo_dir, chosen.import_dir) == (tmp_path / "shop" / "demo", tmp_path / "shop" / "imports")
    assert Settings(database_url="postgresql+asyncpg://db/x").demo_dir == home / "demo"
    assert Settings(demo_dir=tmp_path / "elsewhere").demo_dir == tmp_path / "elsewhere"


def test_status_names_the_database_and_the_tenant(db_url: str) -> None:
    env = {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET, "GROWTH_TENANT": "demo"}
    out, _ = growth(env, "status")
    assert out.splitlines()[0] == f"database {label(db_url)} · tenant demo"
    out, _ = growth(env, "status", "--tenant", "other")
    assert out.splitlines()[0] == f"database {label(db_url)} · tenant other"
    assert json.loads(growth(env, "status", "--json")[0])["database"] == label(db_url)


def test_where_says_which_database_and_tenant_any_command_uses_on_stderr(db_url: str) -> None:
    env = {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET, "GROWTH_TENANT": "demo"}
    out, err = growth(env, "--where", "actions", "list", "--tenant", "other", "--json")
    assert json.loads(out) == []  # stdout stays the script's
    assert err.strip() == f"database {label(db_url)} · tenant other"
    assert growth(env, "actions", "list", "--json")[1] == ""  # without --where, nothing extra


def test_a_command_on_a_missing_database_says_it_created_a_new_empty_one(tmp_path: Path) -> None:
    database = tmp_path / "nowhere-yet" / "growth.db"
    env = {"GROWTH_DATABASE_URL": f"sqlite+aiosqlite:///{database}", "GROWTH_SECRET_KEY": TEST_SECRET}
    out, _ = growth(env, "db", "current")
    assert "no database yet" in out and not database.exists()  # looking does not create it
    out, err = growth(env, "actions", "list", "--json")
    assert json.loads(out) == [] and err.strip() == f"created a new, empty database at {database}"
    assert growth(env, "status")[1] == ""  # said once, when it happened


def test_a_new_default_database_points_to_an_older_one_in_the_working_folder(tmp_path: Path,
                                                                              monkeypatch: pytest.MonkeyPatch) -> None:
    old = tmp_path / "checkout" / ".growth" / "growth.db"
    old.parent.mkdir(parents=True)
    old.write_bytes(b"")
    monkeypatch.chdir(tmp_path / "checkout")
    env = {"GROWTH_DATABASE_URL": None, "GROWTH_SECRET_KEY": None, "XDG_DATA_HOME": str(tmp_path / "data")}
    _, err = growth(env, "status")
    new = tmp_path / "data" / "growth-engine" / "growth.db"
    assert f"created a new, empty database at {new}" in err
    assert f"GROWTH_DATABASE_URL=sqlite+aiosqlite:///{old}" in " ".join(err.split())
    _, err = growth(env | {"GROWTH_DATABASE_URL": f"sqlite+aiosqlite:///{tmp_path / 'mine.db'}"}, "status")
    assert "earlier version" not in err  # a database chosen on purpose needs no hint


def stdio_snippet(text: str) -> dict[str, Any]:
    line = next(line for line in text.splitlines() if "MCP over stdio" in line)
    return dict(json.loads(line[line.index("{"):line.rindex("}") + 1]))


def test_next_steps_name_the_url_the_token_command_and_a_stdio_snippet_that_parses(
        monkeypatch: pytest.MonkeyPatch) -> None:
    for name in ("GROWTH_DATABASE_URL", "GROWTH_TENANT", "GROWTH_SECRET_KEY"):
        monkeypatch.delenv(name, raising=False)
    text = next_steps(Settings(), host="127.0.0.1", port=8765, command="growth")
    assert "http://127.0.0.1:8765/mcp" in text and "growth token create --role operator" in text
    assert stdio_snippet(text) == {"mcpServers": {"growth-engine": {"command": "growth", "args": ["serve"]}}}
    chosen = Settings(database_url="sqlite+aiosqlite:///relative/store.db", tenant="shop")
    text = next_steps(chosen, host="0.0.0.0", port=9000, command="/opt/growth/bin/growth")
    # a client starts the server from its own folder: the database it is told is absolute
    assert stdio_snippet(text)["mcpServers"]["growth-engine"] == {
        "command": "/opt/growth/bin/growth", "args": ["serve"],
        "env": {"GROWTH_DATABASE_URL": f"sqlite+aiosqlite:///{Path('relative/store.db').resolve()}",
                "GROWTH_TENANT": "shop"}}
    assert "http://127.0.0.1:9000/mcp" in text
    text = next_steps(Settings(database_url="postgresql+asyncpg://u:pw@db/x"), host="127.0.0.1", port=1,
                      command="growth")
    assert ":pw@" not in text and "postgresql+asyncpg://u:***@db/x" in text
