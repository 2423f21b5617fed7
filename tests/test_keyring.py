"""The master secret and the keyring: where the secret comes from, who it opens, and what survives it.

Database behaviours run on SQLite and PostgreSQL; secret-file behaviours on SQLite (the only
engine that gets a generated secret file).
"""

from __future__ import annotations

import asyncio
import re
import stat
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import func, select, text

from policies.pii.detect import Entity
from policies.pii.tokens import customer_reference, tenant_key
from policies.principal import Principal
from server.app import create_app
from server.persistence import models as m
from server.persistence.db import connect_database, open_database
from server.persistence.keyring import DataKeys, KeysRotated, WrongSecret, rotate
from server.persistence.vault import legacy_vault_key
from server.secret import SecretRefused, resolve, stage
from server.settings import DEFAULT_SECRET, Settings
from tests.conftest import TEST_SECRET, make_settings
from tests.factories import proposal
from tools.actions import propose
from tools.audit import verify
from tools.deps import Deps, EngineConfig
from tools.pii import customer_ref_for, reveal, tokenizer

OTHER_SECRET = "another-secret-that-is-long-enough-to-use"
EMAIL, PHONE = "jane.doe@example.com", "+44 20 7946 0958"
OPERATOR = Principal.operator("demo")
WHY = "customer asked for a callback"


def other_settings(db_url: str) -> Settings:
    return Settings(database_url=db_url, secret_key=OTHER_SECRET, tenant="demo", brain="rules")


def refs_in(summary: str) -> list[str]:
    return re.findall(r"\[\w+:(\w+_[a-z0-9]+)\]", summary)


async def write_pii(deps: Deps, n: int = 1) -> list[str]:
    """Escalations whose summaries carry PII; the references the vault now holds."""
    found: list[str] = []
    for i in range(n):
        raw = proposal("support.escalation", target=f"conversation:t-{i}",
                       params={"summary": f"Jane ({EMAIL}, {PHONE}) and c{i}.buyer@example.org want refunds"})
        action = (await propose(deps, Principal.for_agent("demo", "customer_front"), raw)).action
        found += refs_in(action.params["summary"])
    return found


async def vault_rows(db_url: str) -> dict[int, str]:
    db = connect_database(db_url)
    try:
        async with db.raw(write=False) as conn:
            rows = (await conn.execute(select(m.PiiVaultEntry.id, m.PiiVaultEntry.ciphertext))).all()
    finally:
        await db.close()
    return {r.id: r.ciphertext for r in rows}


async def write_as_before_the_keyring(db_url: str, secret: str) -> list[str]:
    """A database as the code before the keyring left it: every key derived from the master secret
    itself, and no keyring rows (written with a keyring in place, then the keyring deleted)."""
    db = await open_database(db_url, secret=secret.encode())
    try:
        db._use(DataKeys(root=secret.encode(), vault=legacy_vault_key(secret.encode())))
        refs = await write_pii(Deps(db=db, config=EngineConfig(secret=secret.encode())))
        async with db.raw(write=True) as conn:
            await conn.execute(text("DELETE FROM keyring"))
    finally:
        await db.close()
    return refs


# --- where the secret comes from -------------------------------------------------------------------

@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_fresh_sqlite_database_gets_a_private_secret_file_and_works(tmp_path: Path, backend: str) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'store' / 'growth.db'}", secret_key=None,
                        brain="rules")
    app = await create_app(settings)
    try:
        key_file = tmp_path / "store" / "secret.key"
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert len(key_file.read_text().strip()) >= 43  # 32 random bytes, URL-safe
        ref = (await write_pii(app.deps))[0]
        assert (await reveal(app.deps, OPERATOR, ref=ref, reason=WHY))["value"] in (EMAIL, PHONE)
    finally:
        await app.close()
    again = await create_app(settings)  # the same file opens it again, with the same references
    try:
        assert tokenizer(again.deps, "demo")(Entity.EMAIL, EMAIL) == tokenizer(app.deps, "demo")(Entity.EMAIL, EMAIL)
        assert (await verify(again.deps, "demo")).ok
    finally:
        await again.close()


def test_a_secret_file_open_to_others_or_holding_the_development_secret_is_refused(tmp_path: Path) -> None:
    path = tmp_path / "secret"
    path.write_text(OTHER_SECRET)
    path.chmod(0o640)
    settings = Settings(database_url="postgresql+asyncpg://db/x", secret_file=path)
    with pytest.raises(SecretRefused, match="chmod 600"):
        resolve(settings)
    path.chmod(0o600)
    assert resolve(settings).value == OTHER_SECRET.encode()
    path.write_text(DEFAULT_SECRET + "\n")
    with pytest.raises(SecretRefused, match="public development secret"):
        resolve(settings)


def test_postgres_without_a_secret_is_refused_rather_than_invented() -> None:
    with pytest.raises(SecretRefused, match="every process that shares this database needs the same secret"):
        resolve(Settings(database_url="postgresql+asyncpg://db/x", secret_key=None))
    with pytest.raises(SecretRefused, match="GROWTH_SECRET_KEY or GROWTH_SECRET_FILE"):
        resolve(Settings(database_url="sqlite+aiosqlite:///:memory:", secret_key=None))


# --- the keyring -----------------------------------------------------------------------------------

async def test_a_wrong_secret_on_an_existing_database_is_refused_with_a_clear_message(db_url: str) -> None:
    app = await create_app(make_settings(db_url))
    await write_pii(app.deps)
    await app.close()
    with pytest.raises(WrongSecret, match="sealed with a different secret"):
        await create_app(other_settings(db_url))


async def test_processes_opening_a_new_database_at_once_agree_on_its_keys(db_url: str) -> None:
    dbs = await asyncio.gather(*(open_database(db_url, secret=TEST_SECRET.encode()) for _ in range(4)))
    try:
        assert len({db.root_key for db in dbs}) == 1 and len({db.keys.vault for db in dbs}) == 1
    finally:
        for db in dbs:
            await db.close()


async def test_a_database_from_before_the_keyring_keeps_its_references_vault_and_chain(db_url: str) -> None:
    refs = await write_as_before_the_keyring(db_url, TEST_SECRET)
    with pytest.raises(WrongSecret, match="before the keyring"):
        await create_app(other_settings(db_url))  # not adopted under a wrong secret
    app = await create_app(make_settings(db_url))
    try:
        assert app.db.root_key == TEST_SECRET.encode()
        assert (await reveal(app.deps, OPERATOR, ref=refs[0], reason=WHY))["value"] == EMAIL
        assert tokenizer(app.deps, "demo")(Entity.EMAIL, EMAIL) == refs[0]
        assert customer_ref_for(app.deps, "demo", EMAIL) == customer_reference(
            EMAIL, tenant_key(TEST_SECRET.encode(), "demo"))
        await write_pii(app.deps, 2)  # and the chain goes on under the same key
        assert (await verify(app.deps, "demo")).ok
        async with app.db.raw(write=False) as conn:
            origins = dict((await conn.execute(select(m.KeyringEntry.name, m.KeyringEntry.origin))).all())
        assert origins == {"root": "legacy", "vault": "legacy"}
    finally:
        await app.close()


async def test_rotation_reencrypts_every_vault_row_and_keeps_references_and_the_chain(db_url: str) -> None:
    app = await create_app(make_settings(db_url))
    refs = await write_pii(app.deps, 3)
    root = app.db.root_key
    await app.close()
    before = await vault_rows(db_url)
    db = connect_database(db_url)
    try:
        result = await rotate(db, old=TEST_SECRET.encode(), new=OTHER_SECRET.encode())
    finally:
        await db.close()
    after = await vault_rows(db_url)
    assert result.reencrypted == len(before) == len(after) and set(after) == set(before)
    assert all(after[i] != before[i] for i in before) and result.vault_generation == 2
    with pytest.raises(WrongSecret):
        await create_app(make_settings(db_url))
    app = await create_app(other_settings(db_url))
    try:
        assert app.db.root_key == root
        assert (await reveal(app.deps, OPERATOR, ref=refs[0], reason=WHY))["value"] == EMAIL
        assert tokenizer(app.deps, "demo")(Entity.EMAIL, EMAIL) == refs[0]
        assert (await verify(app.deps, "demo")).ok
    finally:
        await app.close()


async def test_a_process_started_before_a_rotation_refuses_to_write_the_vault(db_url: str) -> None:
    app = await create_app(make_settings(db_url))
    try:
        await write_pii(app.deps)
        db = connect_database(db_url)
        try:
            await rotate(db, old=TEST_SECRET.encode(), new=OTHER_SECRET.encode())
        finally:
            await db.close()
        count = len(await vault_rows(db_url))
        with pytest.raises(KeysRotated, match="restart"):
            await write_pii(app.deps)
        assert len(await vault_rows(db_url)) == count
    finally:
        await app.close()


async def test_rotating_from_the_development_secret_moves_a_database_written_under_it(db_url: str) -> None:
    refs = await write_as_before_the_keyring(db_url, DEFAULT_SECRET)
    db = connect_database(db_url)
    try:
        result = await rotate(db, old=DEFAULT_SECRET.encode(), new=TEST_SECRET.encode(),
                              legacy_origin="legacy-development")
    finally:
        await db.close()
    assert result.adopted and result.root_origin == "legacy-development" and result.reencrypted >= 2
    app = await create_app(make_settings(db_url))
    try:
        assert (await reveal(app.deps, OPERATOR, ref=refs[0], reason=WHY))["value"] == EMAIL
        assert (await verify(app.deps, "demo")).ok
    finally:
        await app.close()
    with pytest.raises(SecretRefused, match="public development secret"):
        await create_app(Settings.model_construct(database_url=db_url, secret_key=SecretStr(DEFAULT_SECRET)))


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_rotation_interrupted_after_the_database_switched_is_finished_on_the_next_start(
        tmp_path: Path, backend: str) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'growth.db'}", secret_key=None)
    app = await create_app(settings)
    ref = (await write_pii(app.deps))[0]
    await app.close()
    key_file = tmp_path / "secret.key"
    old = key_file.read_text().strip()
    pending = stage(key_file, OTHER_SECRET)  # what `growth secret rotate` does first...
    db = connect_database(settings.database_url)
    try:
        await rotate(db, old=old.encode(), new=OTHER_SECRET.encode())  # ...then the database switches: crash here
    finally:
        await db.close()
    app = await create_app(settings)
    try:
        assert key_file.read_text().strip() == OTHER_SECRET and not pending.exists()
        assert stat.S_IMODE(key_file.stat().st_mode) == 0o600
        assert (await reveal(app.deps, OPERATOR, ref=ref, reason=WHY))["value"] == EMAIL
    finally:
        await app.close()


@pytest.mark.parametrize("backend", ["sqlite"])
async def test_a_restored_database_without_its_secret_file_is_refused_and_no_stray_secret_is_left(
        tmp_path: Path, backend: str) -> None:
    settings = Settings(database_url=f"sqlite+aiosqlite:///{tmp_path / 'growth.db'}", secret_key=None)
    app = await create_app(settings)
    await write_pii(app.deps)
    await app.close()
    (tmp_path / "secret.key").unlink()  # a backup of the database alone
    with pytest.raises(WrongSecret, match="restore the secret file"):
        await create_app(settings)
    assert not (tmp_path / "secret.key").exists()
    db = connect_database(settings.database_url)
    try:
        async with db.raw(write=False) as conn:
            assert (await conn.execute(select(func.count()).select_from(m.KeyringEntry))).scalar_one() == 2
    finally:
        await db.close()
