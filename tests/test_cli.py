"""The `growth` command line, driven as a user would (in-process runner, and once as a real process)."""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
from pathlib import Path

import pytest
from typer.testing import CliRunner

from policies.principal import Principal
from server.app import create_app
from server.cli import app as cli
from tests.conftest import TEST_SECRET, make_settings
from tests.factories import proposal, seed_store
from tools.actions import propose


@pytest.fixture
def run(db_url: str):  # type: ignore[no-untyped-def]
    runner = CliRunner()
    env = {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET, "GROWTH_TENANT": "demo"}

    def invoke(*args: str, stdin: str | None = None, code: int = 0) -> str:
        result = runner.invoke(cli, list(args), env=env, input=stdin, catch_exceptions=False)
        assert result.exit_code == code, (args, result.output, result.stderr if result.stderr_bytes else "")
        return result.stdout

    return invoke


def seed(db_url: str) -> list[int]:
    async def go() -> list[int]:
        app = await create_app(make_settings(db_url))
        try:
            await seed_store(app)
            content = Principal.for_agent("demo", "content")
            inventory = Principal.for_agent("demo", "inventory")
            ids = [(await propose(app.deps, content, proposal(revenue=500))).action.id,
                   (await propose(app.deps, inventory, proposal("inventory.reorder", revenue=4000))).action.id,
                   (await propose(app.deps, content, proposal("content.rewrite_meta_description",
                                                              revenue=1500))).action.id]
            return ids
        finally:
            await app.close()

    return asyncio.run(go())


def test_actions_list_json_is_ranked_with_the_documented_fields(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    ids = seed(db_url)
    rows = json.loads(run("actions", "list", "--json"))
    assert [r["id"] for r in rows] == [ids[1], ids[2], ids[0]]
    for key in ("id", "kind", "target", "status", "risk_tier", "score", "expected_revenue", "confidence", "ease",
                "agent"):
        assert key in rows[0]
    assert rows[0]["target"] == "sku:LIN-TOT-01" and rows[0]["risk_tier"] == "high"
    assert len(json.loads(run("actions", "list", "--json", "--limit", "1"))) == 1
    assert json.loads(run("actions", "list", "--json", "--status", "executed")) == []
    assert "inventory.reorder" in run("actions", "list")


def test_approve_reject_show_and_verify(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    ids = seed(db_url)
    approved = json.loads(run("actions", "approve", f"#{ids[0]}", "--json"))
    assert approved["action"]["status"] == "executed"
    rejected = json.loads(run("actions", "reject", str(ids[1]), "--reason", "overstocked already", "--json"))
    assert rejected["action"]["status"] == "rejected"
    shown = json.loads(run("actions", "show", str(ids[0]), "--json"))
    assert shown["execution"]["after"] == {"seo_title": "Linen Tote Bag – Handwoven, Washable"}
    page = run("actions", "show", str(ids[0]))
    assert "Rollback:" in page and "approved v1 by the operator (cli)" in page and "Execution: executed" in page
    assert json.loads(run("audit", "verify", "--json"))["ok"] is True
    assert "intact" in run("audit", "verify")


def test_errors_are_clean_and_coded(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    seed(db_url)
    runner = CliRunner()
    env = {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET}
    result = runner.invoke(cli, ["actions", "show", "12abc"], env=env)
    assert result.exit_code == 1 and "[malformed_id]" in result.stderr
    result = runner.invoke(cli, ["actions", "approve", "999999"], env=env)
    assert result.exit_code == 1 and "[not_found]" in result.stderr


def test_kill_switch_on_and_off(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    ids = seed(db_url)
    run("kill-switch", "on", "--reason", "incident")
    held = json.loads(run("actions", "approve", str(ids[1]), "--json"))
    assert held["execution"]["status"] == "held" and held["action"]["status"] == "approved"
    assert json.loads(run("status", "--json"))["kill_switch"]["engaged"] is True
    released = json.loads(run("kill-switch", "off", "--reason", "resolved", "--json"))
    assert released["released_work"]["executed"] == [ids[1]]


def test_token_create_prints_the_token_once(run, db_url: str) -> None:  # type: ignore[no-untyped-def]
    out = json.loads(run("token", "create", "--role", "assistant", "--scope", "read", "--scope", "decide",
                         "--tenant", "demo", "--json"))
    assert out["token"].startswith("ge_") and out["scopes"] == ["decide", "read"]

    async def lookup() -> str | None:
        app = await create_app(make_settings(db_url))
        try:
            from tools.tokens import principal_for_token
            p = await principal_for_token(app.deps, out["token"])
            return p.role.value if p else None
        finally:
            await app.close()

    assert asyncio.run(lookup()) == "assistant"


def test_pii_redact_keeps_lines_and_reports_spans(run) -> None:  # type: ignore[no-untyped-def]
    text = "Hi,\nmail jane@example.com\nor call +44 20 7946 0958\nthanks\n"
    out = run("pii", "redact", stdin=text)
    assert out.count("\n") == text.count("\n")
    assert "jane@example.com" not in out and "[email]" in out and "[phone]" in out
    report = json.loads(run("pii", "redact", "--json", stdin=text))
    assert [f["entity"] for f in report["findings"]] == ["email", "phone"]
    assert report["findings"][0]["start"] == text.index("jane")


@pytest.mark.parametrize("backend", ["sqlite"])
def test_the_console_script_keeps_one_database_in_the_user_data_folder_from_any_folder(tmp_path: Path,
                                                                                        backend: str) -> None:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROWTH_")} | {"XDG_DATA_HOME": str(tmp_path)}
    growth = Path(os.sys.executable).with_name("growth")  # type: ignore[attr-defined]
    here, there = tmp_path / "here", tmp_path / "there"
    here.mkdir()
    there.mkdir()

    def cli(*args: str, cwd: Path) -> subprocess.CompletedProcess[str]:
        done = subprocess.run([str(growth), *args], cwd=cwd, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, done.stderr
        return done

    up = cli("db", "upgrade", cwd=here)
    database = tmp_path / "growth-engine" / "growth.db"
    assert database.exists() and (database.parent / "secret.key").exists() and not (here / ".growth").exists()
    assert f"created a new, empty database at {database}" in up.stderr
    status = cli("status", cwd=there)
    assert f"database {database} · tenant demo" in status.stdout and "created" not in status.stderr
    assert json.loads(cli("actions", "list", "--json", cwd=there).stdout) == []
    assert list(there.iterdir()) == []


def test_every_command_in_the_readme_exists_with_the_options_it_documents() -> None:
    import re

    readme = (Path(__file__).resolve().parents[1] / "README.md").read_text()
    rows = re.findall(r"^\| `(growth [^`]+)`", readme, re.M)
    assert len(rows) >= 25
    runner = CliRunner()
    for row in rows:
        for variant in row.split(" / "):
            words = [w for w in variant.replace("\\|", "|").split()[1:] if re.fullmatch(r"[a-z][a-z-]*", w)]
            help_text = runner.invoke(cli, [*words, "--help"], catch_exceptions=False)
            assert help_text.exit_code == 0, (variant, help_text.output)
            for option in re.findall(r"--[a-z][a-z-]*", variant):
                assert option in help_text.output, (variant, option)
