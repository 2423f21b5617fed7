"""Connections per tenant, driven through the real `growth` process against the Shopify test server.

The token goes in on stdin or from a file, never on the command line; it is stored only
encrypted (the database is searched for it), never printed, never audited; `growth
connections` shows the scopes the token really has and what each action kind lacks.
Every test runs on SQLite and on PostgreSQL.
"""

from __future__ import annotations

import asyncio
import json
import os
import subprocess
import sys
from collections.abc import AsyncIterator
from pathlib import Path

import pytest
from pydantic import SecretStr
from sqlalchemy import text
from sqlalchemy.engine import make_url

from policies.kinds import KINDS
from policies.principal import Principal
from policies.shopify_scopes import NEEDS, missing
from server.app import App, create_app
from server.demo.shopify_admin import ShopifyAdmin, serve
from server.demo.shopify_admin.serve import free_port
from server.persistence.keyring import rotate
from server.settings import Settings
from tests.conftest import TEST_SECRET
from tools.connections import credentials
from tools.registry import invoke

GROWTH = Path(sys.executable).with_name("growth")
TOKEN = "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"
SHOP = "acme.myshopify.com"
SEED = {"shop": {"name": "Acme Goods", "myshopifyDomain": SHOP},
        "products": [{"handle": "tote", "title": "Tote", "variants": [{"sku": "T-1", "price": "20"}]}]}
SOME = ["read_products", "write_products", "read_orders"]
OTHER_SECRET = "another-secret-for-growth-engine-rotation"


async def growth(db_url: str, *args: str, stdin: str = "", env: dict[str, str] | None = None,
                 code: int | None = 0) -> subprocess.CompletedProcess[str]:
    """The `growth` console script as the operator runs it (the test server keeps serving meanwhile)."""
    base = {k: v for k, v in os.environ.items() if not k.startswith("GROWTH_")}
    full = base | {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET, "GROWTH_TENANT": "demo",
                   "COLUMNS": "200"} | (env or {})
    done = await asyncio.to_thread(subprocess.run, [str(GROWTH), *args], input=stdin, capture_output=True,
                                   text=True, env=full, timeout=120)
    if code is not None:
        assert done.returncode == code, (args, done.stdout, done.stderr)
    assert TOKEN not in done.stdout + done.stderr
    return done


@pytest.fixture
async def shop(app: App) -> AsyncIterator[tuple[ShopifyAdmin, str]]:
    admin = ShopifyAdmin.seeded(SEED, tokens={TOKEN: SOME})
    async with serve(admin) as url:
        yield admin, url


async def database_holds(db_url: str, needle: str) -> bool:
    """Whether ``needle`` appears anywhere in the database: every byte of an SQLite file (and its WAL),
    every row of every table on PostgreSQL."""
    url = make_url(db_url)
    if url.get_backend_name() == "sqlite":
        path = Path(url.database or "")
        return any(needle.encode() in f.read_bytes() for f in path.parent.glob(path.name + "*"))
    import asyncpg

    conn = await asyncpg.connect(host=url.host, port=url.port, user=url.username, database=url.database)
    try:
        tables = [r["tablename"] for r in await conn.fetch(
            "SELECT tablename FROM pg_tables WHERE schemaname = 'public'")]
        for table in tables:
            if await conn.fetchval(f'SELECT count(*) FROM "{table}" t WHERE t::text LIKE $1', f"%{needle}%"):
                return True
        return False
    finally:
        await conn.close()


async def audit_events(app: App) -> list[tuple[str, str]]:
    async with app.db.read("demo") as tx:
        return [(e.event, e.data) for e in await tx.audit.chain()]


async def test_connect_takes_the_token_on_stdin_and_stores_it_only_encrypted(
        app: App, db_url: str, shop: tuple[ShopifyAdmin, str]) -> None:
    admin, url = shop
    done = await growth(db_url, "connect", "shopify", "--shop", SHOP, "--api-url", url, stdin=TOKEN + "\n")
    assert f"connected to {SHOP} (Acme Goods)" in done.stdout and "shpat_…a6e5" in done.stdout
    assert "read_products" in done.stdout and "risk.hold_order" in done.stdout
    assert not await database_holds(db_url, TOKEN)
    assert not await database_holds(db_url, TOKEN[6:])  # not even the secret part
    stored = await credentials(app.deps, "demo", "shopify")
    assert stored is not None and stored.token == TOKEN and stored.api_url == url
    events = await audit_events(app)
    assert [e for e, _ in events] == ["connection.connected"]
    assert TOKEN not in events[0][1] and SHOP in events[0][1]
    assert [r.outcome for r in admin.requests] == ["ok"]  # checked once, before storing


async def test_connect_reads_the_token_from_a_file(app: App, db_url: str, shop: tuple[ShopifyAdmin, str],
                                                   tmp_path: Path) -> None:
    _, url = shop
    token_file = tmp_path / "token"
    token_file.write_text(TOKEN + "\n")
    token_file.chmod(0o600)
    done = await growth(db_url, "connect", "shopify", "--shop", f"https://{SHOP}/admin", "--api-url", url,
                        "--token-file", str(token_file), "--json")
    view = json.loads(done.stdout)
    assert view["shop"] == SHOP and view["status"] == "reachable" and view["token"] == "shpat_…a6e5"
    assert TOKEN not in done.stdout and "warning" not in done.stderr
    token_file.chmod(0o644)
    shared = await growth(db_url, "connect", "shopify", "--shop", SHOP, "--api-url", url, "--token-file",
                          str(token_file))
    assert "replaced the connection" in shared.stdout and "group or others" in shared.stderr
    assert not await database_holds(db_url, TOKEN)


async def test_the_token_has_no_place_on_the_command_line(app: App, db_url: str,
                                                           shop: tuple[ShopifyAdmin, str]) -> None:
    _, url = shop
    for argv in (["--token", TOKEN], [f"--token={TOKEN}"], [TOKEN]):
        refused = await asyncio.to_thread(subprocess.run, [str(GROWTH), "connect", "shopify", "--shop", SHOP,
                                                           "--api-url", url, *argv],
                                          input="", capture_output=True, text=True, timeout=120,
                                          env=os.environ | {"GROWTH_DATABASE_URL": db_url,
                                                            "GROWTH_SECRET_KEY": TEST_SECRET})
        assert refused.returncode == 2, refused.stderr
    assert await credentials(app.deps, "demo", "shopify") is None
    empty = await growth(db_url, "connect", "shopify", "--shop", SHOP, "--api-url", url, stdin="\n", code=2)
    assert "no access token" in empty.stderr


async def test_a_token_the_store_refuses_is_not_stored(app: App, db_url: str, shop: tuple[ShopifyAdmin, str]) -> None:
    _, url = shop
    wrong = "shpat_ffffffffffffffffffffffffffffffff"
    done = await growth(db_url, "connect", "shopify", "--shop", SHOP, "--api-url", url, stdin=wrong, code=1)
    assert "credentials_refused" in done.stderr and "nothing was stored" in done.stderr
    assert await credentials(app.deps, "demo", "shopify") is None
    assert not await database_holds(db_url, wrong)
    bad_shop = await growth(db_url, "connect", "shopify", "--shop", "shop.example", stdin=TOKEN, code=1)
    assert "invalid_shop" in bad_shop.stderr
    clear = await growth(db_url, "connect", "shopify", "--shop", SHOP, "--api-url", "http://shop.example",
                         stdin=TOKEN, code=1)
    assert "invalid_api_url" in clear.stderr


async def test_connections_shows_the_real_scopes_and_what_each_kind_lacks(
        app: App, db_url: str, shop: tuple[ShopifyAdmin, str]) -> None:
    admin, url = shop
    await growth(db_url, "connect", "shopify", "--shop", SHOP, "--api-url", url, stdin=TOKEN)
    rows = json.loads((await growth(db_url, "connections", "--json")).stdout)
    assert len(rows) == 1
    row = rows[0]
    assert (row["status"], row["source"], row["shop_name"]) == ("reachable", "stored", "Acme Goods")
    assert row["scopes"] == sorted(SOME)
    assert set(row["missing"]) == {"content.rewrite_title", "content.rewrite_meta_description",
                                   "content.add_internal_links", "content.create_landing_page",
                                   "risk.hold_order", "risk.release_order"}
    assert row["missing"]["content.rewrite_title"] == [{
        "what": "Online Store pages (pageCreate, pageUpdate)",
        "any_of": ["write_online_store_pages", "write_content"], "only_if": ""}]
    assert [n["any_of"] for n in row["missing"]["risk.hold_order"]] == [
        ["write_merchant_managed_fulfillment_orders"], ["write_third_party_fulfillment_orders"]]
    # the store grants more: the next check shows it
    admin.grant(TOKEN, [*SOME, "write_merchant_managed_fulfillment_orders", "write_content"])
    human = (await growth(db_url, "connections")).stdout
    assert "reachable" in human and "write_content" in human and "content.create_landing_page" not in human
    assert "risk.hold_order" in human and "only if a fulfilment service ships" in human


async def test_an_unreachable_shop_is_shown_as_such(app: App, db_url: str) -> None:
    nowhere = f"http://127.0.0.1:{free_port()}"
    stored = await growth(db_url, "connect", "shopify", "--shop", SHOP, "--api-url", nowhere, stdin=TOKEN, code=1)
    assert "shop_unreachable" in stored.stderr and "--no-check" in stored.stderr
    await growth(db_url, "connect", "shopify", "--shop", SHOP, "--api-url", nowhere, "--no-check", stdin=TOKEN)
    shown = await growth(db_url, "connections", code=1)
    assert "UNREACHABLE" in shown.stdout and "cannot reach" in shown.stdout
    row = json.loads((await growth(db_url, "connections", "--json", code=1)).stdout)[0]
    assert row["status"] == "unreachable" and row["missing"] is None
    quiet = json.loads((await growth(db_url, "connections", "--no-check", "--json", code=1)).stdout)[0]
    assert quiet["status"] == "unreachable" and quiet["checked_at"]


async def test_disconnect_forgets_the_connection_and_its_token(app: App, db_url: str,
                                                                shop: tuple[ShopifyAdmin, str]) -> None:
    _, url = shop
    await growth(db_url, "connect", "shopify", "--shop", SHOP, "--api-url", url, stdin=TOKEN)
    gone = await growth(db_url, "disconnect", "shopify")
    assert f"disconnected Shopify ({SHOP})" in gone.stdout
    assert "no connections" in (await growth(db_url, "connections")).stdout
    assert await credentials(app.deps, "demo", "shopify") is None
    again = await growth(db_url, "disconnect", "shopify", code=1)
    assert "not_connected" in again.stderr
    assert [e for e, _ in await audit_events(app)] == ["connection.connected", "connection.disconnected"]


async def test_the_settings_shortcut_is_shown_and_a_stored_connection_takes_precedence(
        app: App, db_url: str, shop: tuple[ShopifyAdmin, str]) -> None:
    _, url = shop
    env = {"GROWTH_SHOPIFY_SHOP": SHOP, "GROWTH_SHOPIFY_TOKEN": TOKEN, "GROWTH_SHOPIFY_API_URL": url}
    only = json.loads((await growth(db_url, "connections", "--json", env=env)).stdout)
    assert [(r["source"], r["status"], r["active"]) for r in only] == [("settings", "reachable", True)]
    assert only[0]["token"] == "(GROWTH_SHOPIFY_TOKEN)"
    other = await growth(db_url, "connections", "--tenant", "other", env=env)
    assert "no connections" in other.stdout  # the shortcut connects the default tenant only
    await growth(db_url, "connect", "shopify", "--shop", SHOP, "--api-url", url, stdin=TOKEN, env=env)
    both = json.loads((await growth(db_url, "connections", "--json", env=env)).stdout)
    assert [(r["source"], r["active"]) for r in both] == [("stored", True), ("settings", False)]
    human = (await growth(db_url, "connections", env=env)).stdout
    assert "from settings, not used" in human


async def test_connections_are_per_tenant(app: App, db_url: str, shop: tuple[ShopifyAdmin, str]) -> None:
    _, url = shop
    await growth(db_url, "connect", "shopify", "--shop", SHOP, "--api-url", url, "--tenant", "north", stdin=TOKEN)
    assert await credentials(app.deps, "demo", "shopify") is None
    north = await credentials(app.deps, "north", "shopify")
    assert north is not None and north.token == TOKEN
    assert "no connections" in (await growth(db_url, "connections")).stdout


async def test_rotating_the_secret_reencrypts_the_stored_token(app: App, db_url: str) -> None:
    await invoke(app.deps, Principal.operator("demo"), "connections.connect", provider="shopify", shop=SHOP,
                 token=TOKEN, probe=None)
    read = text("SELECT token_ciphertext FROM store_connections")
    async with app.db.read("demo") as tx:
        before = (await tx.conn.execute(read)).scalar()  # type: ignore[attr-defined]
    result = await rotate(app.db, old=TEST_SECRET.encode(), new=OTHER_SECRET.encode())
    assert result.credentials == 1
    moved = await create_app(Settings(database_url=db_url, secret_key=SecretStr(OTHER_SECRET), tenant="demo",
                                      brain="rules"))
    try:
        async with moved.db.read("demo") as tx:
            after = (await tx.conn.execute(read)).scalar()  # type: ignore[attr-defined]
        reopened = await credentials(moved.deps, "demo", "shopify")
    finally:
        await moved.close()
    assert after != before and reopened is not None and reopened.token == TOKEN


def test_the_scope_table_names_only_real_kinds_and_write_grants_read() -> None:
    assert set(NEEDS) <= set(KINDS)
    assert missing("pricing.adjust", ["write_products"]) == ()
    assert [n.any_of for n in missing("risk.release_order", ["write_merchant_managed_fulfillment_orders"])] == [
        ("read_orders",), ("write_third_party_fulfillment_orders",)]
    assert missing("risk.hold_order", ["write_orders", "write_merchant_managed_fulfillment_orders",
                                       "write_third_party_fulfillment_orders"]) == ()
    assert missing("email.send", []) == ()
