"""Fixtures for the browser tests: a fresh demo store served over HTTP, tokens, and Debian's Chromium.

The demo store is built once per session (the real importers and specialists, as `growth demo` does) into a
SQLite file; each test serves its own copy, so every test starts from the same fresh store. The browser is
Debian's Chromium driven by Playwright (no browser download): `make test` installs it.
"""

from __future__ import annotations

import asyncio
import shutil
from collections.abc import AsyncIterator
from dataclasses import dataclass
from pathlib import Path

import pytest

from policies.principal import Principal
from server.app import App, create_app
from server.demo.build import yesterday
from tests.conftest import make_settings
from tests.server.conftest import serve_http
from tools.tokens import create_token

CHROMIUM = "/usr/bin/chromium"
#: how the probe of this machine starts Chromium: headless, and nothing reaching for the network
CHROMIUM_ARGS = ["--headless=new", "--no-sandbox", "--disable-gpu", "--disable-quic", "--no-first-run",
                 "--disable-background-networking", "--disable-component-update", "--disable-sync"]
#: screenshots the tests take for the README
SHOTS = Path(__file__).resolve().parents[2] / "docs" / "screenshots"


@pytest.fixture(scope="session")
def demo_template(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Path:
    """A demo store built once (generate → import → specialists), copied by every test that serves it."""
    from datetime import datetime, timezone

    from server.demo.build import build

    folder = tmp_path_factory.mktemp("demo-web")
    path = folder / "demo.db"
    shutil.copy(sqlite_template, path)

    async def go() -> None:
        app = await create_app(make_settings(f"sqlite+aiosqlite:///{path}"))
        try:
            await build(app.deps, Principal.operator("demo"), folder / "files",
                        end=yesterday(datetime.now(timezone.utc)))
        finally:
            await app.close()

    asyncio.run(go())
    return path


@dataclass
class Served:
    app: App
    url: str
    operator: str
    viewer: str
    assistant: str
    other_operator: str


@pytest.fixture
async def demo(demo_template: Path, tmp_path: Path) -> AsyncIterator[Served]:
    """A fresh copy of the demo store, served by `growth serve --http`'s app on a loopback port."""
    path = tmp_path / "growth.db"
    shutil.copy(demo_template, path)
    app = await create_app(make_settings(f"sqlite+aiosqlite:///{path}"))
    op = Principal.operator("demo")

    async def mint(tenant: str, role: str, scopes: list[str]) -> str:
        secret, _ = await create_token(app.deps, op, tenant=tenant, role=role, scopes=scopes)
        return secret

    try:
        async with serve_http(app) as url:
            yield Served(app, url, operator=await mint("demo", "operator", []), viewer=await mint("demo", "viewer", []),
                         assistant=await mint("demo", "assistant", ["read", "decide"]),
                         other_operator=await mint("other", "operator", []))
    finally:
        await app.close()


@pytest.fixture
async def browser() -> AsyncIterator[object]:
    from playwright.async_api import async_playwright

    if not Path(CHROMIUM).exists():
        pytest.fail(f"{CHROMIUM} is missing: `make test` installs Debian's chromium package")
    async with async_playwright() as p:
        chromium = await p.chromium.launch(executable_path=CHROMIUM, args=CHROMIUM_ARGS)
        try:
            yield chromium
        finally:
            await chromium.close()


async def axe_serious(page: object) -> list[str]:
    """axe-core's serious and critical violations on the page, as readable lines (empty when it passes)."""
    from axe_playwright_python.async_playwright import Axe

    result = await Axe().run(page)
    bad = [v for v in result.response["violations"] if v.get("impact") in ("serious", "critical")]
    return [f"{v['id']} ({v['impact']}): {v['help']} — {[n['target'] for n in v['nodes']][:3]}" for v in bad]
