"""`growth secret status` and `growth secret rotate`, driven as an operator would."""

from __future__ import annotations

import asyncio
import json
import stat
from pathlib import Path

import pytest
from typer.testing import CliRunner

from server.app import create_app
from server.cli import app as cli
from server.persistence.keyring import WrongSecret
from server.settings import Settings
from tests.conftest import TEST_SECRET, make_settings
from tests.test_keyring import (EMAIL, OPERATOR, OTHER_SECRET, WHY, other_settings, vault_rows,
                                write_as_before_the_keyring, write_pii)
from tools.pii import reveal


def growth(env: dict[str, str | None], *args: str, stdin: str | None = None, code: int = 0) -> str:
    result = CliRunner().invoke(cli, list(args), env={"GROWTH_TENANT": "demo", **env}, input=stdin,
                                catch_exceptions=False)
    assert result.exit_code == code, (args, result.stdout, result.stderr)
    return result.stdout + result.stderr


async def seed(settings: Settings, n: int = 3) -> list[str]:
    app = await create_app(settings)
    try:
        return await write_pii(app.deps, n)
    finally:
        await app.close()


async def revealed(settings: Settings, ref: str) -> str:
    app = await create_app(settings)
    try:
        return (await reveal(app.deps, OPERATOR, ref=ref, reason=WHY))["value"]
    finally:
        await app.close()


def test_rotate_with_the_secret_in_the_environment_reads_the_new_one_from_stdin(db_url: str) -> None:
    refs = asyncio.run(seed(make_settings(db_url)))
    before = asyncio.run(vault_rows(db_url))
    env: dict[str, str | None] = {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET}
    out = json.loads(growth(env, "secret", "rotate", "--json", stdin=OTHER_SECRET + "\n"))
    after = asyncio.run(vault_rows(db_url))
    assert out["reencrypted"] == len(before) == len(after) > 0 and out["vault_generation"] == 2
    assert set(after) == set(before) and all(after[i] != before[i] for i in before)
    assert asyncio.run(revealed(other_settings(db_url), refs[0])) == EMAIL
    new_env = env | {"GROWTH_SECRET_KEY": OTHER_SECRET}
    assert "intact" in growth(new_env, "audit", "verify")
    assert "sealed with a different secret" in " ".join(growth(env, "audit", "verify", code=2).split())
    with pytest.raises(WrongSecret):
        asyncio.run(create_app(make_settings(db_url)))
    assert "the new secret is refused" in growth(new_env, "secret", "rotate", stdin="too-short\n", code=2)


@pytest.mark.parametrize("backend", ["sqlite"])
def test_rotate_with_a_secret_file_replaces_the_file_and_reencrypts_the_vault(tmp_path: Path, backend: str) -> None:
    url = f"sqlite+aiosqlite:///{tmp_path / 'growth.db'}"
    env: dict[str, str | None] = {"GROWTH_DATABASE_URL": url, "GROWTH_SECRET_KEY": None}
    settings = Settings(database_url=url, secret_key=None, tenant="demo", brain="rules")
    refs = asyncio.run(seed(settings))
    key_file = tmp_path / "secret.key"
    old = key_file.read_text()
    count = len(asyncio.run(vault_rows(url)))
    status = " ".join(growth(env, "secret", "status").split())
    assert f"the file {key_file}" in status and "owner only" in status and "opens the database: yes" in status
    assert old.strip() not in status
    out = " ".join(growth(env, "secret", "rotate").split())
    assert f"vault rows re-encrypted: {count}" in out and old.strip() not in out
    assert key_file.read_text() != old and stat.S_IMODE(key_file.stat().st_mode) == 0o600
    assert not (tmp_path / "secret.key.new").exists()
    assert len(asyncio.run(vault_rows(url))) == count
    assert asyncio.run(revealed(settings, refs[0])) == EMAIL
    assert "intact" in growth(env, "audit", "verify")
    old_env = env | {"GROWTH_SECRET_KEY": old.strip()}
    assert "sealed with a different secret" in " ".join(growth(old_env, "audit", "verify", code=2).split())
    state = json.loads(growth(env, "secret", "status", "--json"))
    assert [e["generation"] for e in state["keyring"]["entries"]] == [1, 2] and state["keyring"]["opens"] is True


@pytest.mark.parametrize("backend", ["sqlite"])
def test_a_database_written_under_the_development_secret_moves_to_a_generated_secret_file(
        tmp_path: Path, backend: str) -> None:
    from server.persistence.migrate import upgrade
    from server.settings import DEFAULT_SECRET

    url = f"sqlite+aiosqlite:///{tmp_path / 'growth.db'}"
    asyncio.run(upgrade(url))
    refs = asyncio.run(write_as_before_the_keyring(url, DEFAULT_SECRET))
    env: dict[str, str | None] = {"GROWTH_DATABASE_URL": url, "GROWTH_SECRET_KEY": None}
    refused = " ".join(growth(env, "status", code=2).split())
    assert "--from-development-secret" in refused and not (tmp_path / "secret.key").exists()
    out = growth(env, "secret", "rotate", "--from-development-secret")
    assert "vault rows re-encrypted" in out and "public development secret" in " ".join(out.split())
    assert stat.S_IMODE((tmp_path / "secret.key").stat().st_mode) == 0o600
    settings = Settings(database_url=url, secret_key=None, tenant="demo", brain="rules")
    assert asyncio.run(revealed(settings, refs[0])) == EMAIL
    assert "intact" in growth(env, "audit", "verify")
    assert "public development secret" in " ".join(
        growth(env | {"GROWTH_SECRET_KEY": DEFAULT_SECRET}, "status", code=2).split())


def test_rotate_from_an_old_secret_file_moves_the_database_to_the_current_secret(db_url: str,
                                                                                 tmp_path: Path) -> None:
    refs = asyncio.run(seed(make_settings(db_url), 1))
    old_file = tmp_path / "old.key"
    old_file.write_text(TEST_SECRET + "\n")
    env: dict[str, str | None] = {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": OTHER_SECRET}
    out = json.loads(growth(env, "secret", "rotate", "--from-old-secret-file", str(old_file), "--json"))
    assert out["adopted"] is False and out["reencrypted"] == len(asyncio.run(vault_rows(db_url)))
    assert asyncio.run(revealed(other_settings(db_url), refs[0])) == EMAIL
    again = growth(env, "secret", "rotate", "--from-old-secret-file", str(old_file), code=2)
    assert "sealed with a different secret" in " ".join(again.split()) and "nothing was changed" in again
