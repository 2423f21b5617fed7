"""The demo store, end to end: generated exports → importers → specialists → the ranked queue.

Every planted opportunity (18) must be proposed with the right kind and target,
at least 15 of them in the top 20 of a queue longer than 20 (distractors: the
same effects, weaker, on quieter products), each above every unplanted action of
its kind; a store with nothing planted must give the specialists little to say.
"""

from __future__ import annotations

import asyncio
import json
import shutil
import subprocess
import sys
from collections.abc import Iterator
from datetime import datetime, timezone
from pathlib import Path
from typing import Any

import pytest

from policies.principal import Principal
from server.app import create_app
from server.demo.build import yesterday
from tests.conftest import TEST_SECRET, make_settings
from tools.registry import invoke

#: the store's yesterday: the specialists refuse data older than a few days, as they should
END = yesterday(datetime.now(timezone.utc))


def _build(folder: Path, url: str, *, opportunities: bool) -> dict[str, Any]:
    from server.demo.build import build

    async def go() -> dict[str, Any]:
        app = await create_app(make_settings(url))
        try:
            return await build(app.deps, Principal.operator("demo"), folder / "files", end=END,
                               opportunities=opportunities)
        finally:
            await app.close()

    return asyncio.run(go())


def _cli(url: str, *args: str, timeout: float = 120) -> subprocess.CompletedProcess[str]:
    env = {"GROWTH_DATABASE_URL": url, "GROWTH_SECRET_KEY": TEST_SECRET, "PATH": "/usr/bin:/bin"}
    return subprocess.run([sys.executable, "-m", "server.cli", *args], env=env, capture_output=True, text=True,
                          timeout=timeout)


@pytest.fixture(scope="module")
def planted_store(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[tuple[str, dict]]:
    """Built the way a user builds it: ``growth demo`` in its own process."""
    folder = tmp_path_factory.mktemp("demo")
    shutil.copy(sqlite_template, folder / "growth.db")
    url = f"sqlite+aiosqlite:///{folder / 'growth.db'}"
    demo = _cli(url, "demo", "--folder", str(folder / "files"), "--end", END.isoformat(), "--json", timeout=300)
    assert demo.returncode == 0, demo.stderr
    yield url, json.loads(demo.stdout)


@pytest.fixture(scope="module")
def plain_store(tmp_path_factory: pytest.TempPathFactory, sqlite_template: Path) -> Iterator[tuple[str, dict]]:
    folder = tmp_path_factory.mktemp("plain")
    shutil.copy(sqlite_template, folder / "growth.db")
    url = f"sqlite+aiosqlite:///{folder / 'growth.db'}"
    yield url, _build(folder, url, opportunities=False)


def _queue(url: str, limit: int = 20) -> list[Any]:
    async def go() -> list[Any]:
        app = await create_app(make_settings(url))
        try:
            return await invoke(app.deps, Principal.operator("demo"), "actions.list", status="live", limit=limit)
        finally:
            await app.close()

    return asyncio.run(go())


def _matches(action: Any, plant: dict[str, Any]) -> bool:
    if action.kind != plant["kind"]:
        return False
    if action.target == plant["target"]:
        return True
    # internal links are added on a strong page, pointing to the page that lost its rankings
    page = plant["target"].split(":", 1)[1]
    return plant.get("match") == "links_to" and any(link["to_url"].endswith(page)
                                                   for link in action.params.get("links", []))


def test_the_demo_store_is_realistic_in_size_and_shape(planted_store: tuple[str, dict]) -> None:
    _, result = planted_store
    assert result["products"] == 500 and result["orders"] > 5000 and result["gsc_rows"] > 200_000
    assert {i["format"] for i in result["imports"]} == {"shopify-products", "shopify-orders", "gsc-bulk", "gsc-api",
                                                        "gsc-ui", "ga4-json", "ga4-csv"}
    assert all(i["status"] == "imported" and i["rows_skipped"] == 0 for i in result["imports"])
    assert {r["agent"]: r["status"] for r in result["runs"]} == {"analytics": "ok", "inventory": "ok",
                                                                 "content": "ok", "risk": "ok"}
    kinds = {p["kind"] for p in result["planted"]}
    assert kinds == {"content.rewrite_title", "content.rewrite_meta_description", "content.create_landing_page",
                     "content.add_internal_links", "analytics.investigate", "perf.repair_page", "inventory.reorder",
                     "inventory.markdown", "risk.hold_order"}


def test_the_demo_store_plants_18_opportunities_and_8_distractors(planted_store: tuple[str, dict]) -> None:
    _, result = planted_store
    assert len(result["planted"]) == 18
    assert len(result["distractors"]) == 8
    planted_targets = {p["target"] for p in result["planted"]}
    assert not planted_targets & {d["target"] for d in result["distractors"]}


def test_every_plant_is_proposed_and_leads_a_queue_longer_than_20(planted_store: tuple[str, dict]) -> None:
    url, result = planted_store
    queue = _queue(url, limit=200)
    assert len(queue) > 20, f"the queue must hold more than the top 20: {[(a.kind, a.target) for a in queue]}"
    planted = result["planted"]
    missing = [p for p in planted if not any(_matches(a, p) for a in queue)]
    assert not missing, f"not proposed: {missing}\nqueue: {[(a.kind, a.target, a.score) for a in queue]}"
    # the plants lead: the top 20 holds mostly plants (new landing pages, speculative, may rank below it)
    hits = sum(1 for a in queue[:20] if any(_matches(a, p) for p in planted))
    assert hits >= 15, f"only {hits} plants in the top 20: {[(a.kind, a.target, a.score) for a in queue]}"


def test_planted_actions_outrank_every_unplanted_action_of_the_same_kind(planted_store: tuple[str, dict]) -> None:
    url, result = planted_store
    queue = _queue(url, limit=200)
    planted = result["planted"]
    is_plant = [any(_matches(a, p) for p in planted) for a in queue]
    assert sum(is_plant) >= 18
    for kind in {a.kind for a in queue}:
        ranks = [(n, hit) for n, (a, hit) in enumerate(zip(queue, is_plant)) if a.kind == kind]
        last_plant = max((n for n, hit in ranks if hit), default=-1)
        first_other = min((n for n, hit in ranks if not hit), default=len(queue))
        assert last_plant < first_other, (
            f"{kind}: an unplanted action ranks above a planted one: "
            f"{[(queue[n].target, round(queue[n].score, 2), hit) for n, hit in ranks]}")


def test_a_store_with_nothing_planted_yields_few_low_ranked_actions(
        planted_store: tuple[str, dict], plain_store: tuple[str, dict]) -> None:
    url, result = plain_store
    assert result["planted"] == []
    queue = _queue(url, limit=200)
    planted_scores = sorted(a.score for a in _queue(planted_store[0]) if any(_matches(a, p)
                                                                            for p in planted_store[1]["planted"]))
    assert len(queue) <= 5
    # "low-ranked": each would sit in the bottom half of a queue holding the real opportunities
    assert all(a.score < planted_scores[len(planted_scores) // 2] for a in queue)


def test_get_action_shows_the_expected_revenue_arithmetic_with_every_input_and_source(
        planted_store: tuple[str, dict]) -> None:
    url, _ = planted_store

    async def go() -> list[dict[str, Any]]:
        app = await create_app(make_settings(url))
        try:
            me = Principal.operator("demo")
            top = await invoke(app.deps, me, "actions.list", status="live", limit=30)
            return [await invoke(app.deps, me, "actions.get", action_id=a.id) for a in top]
        finally:
            await app.close()

    details = asyncio.run(go())
    for detail in details:
        a, explained = detail["action"], detail["explanation"]["expected_revenue"]
        assert explained["inputs"] and explained["formula"].endswith(f"= ${a['expected_revenue']:,.2f}")
        product = 1.0
        for item in explained["inputs"]:
            assert item["source"] and item["name"]
            product *= item["value"]
        assert product == pytest.approx(a["expected_revenue"], rel=1e-3, abs=0.02)
        assert a["evidence"] and a["rollback_plan"]["description"]


def test_every_run_is_recorded_with_its_counts_and_duration(planted_store: tuple[str, dict]) -> None:
    url, _ = planted_store

    async def go() -> list[dict[str, Any]]:
        app = await create_app(make_settings(url))
        try:
            return await invoke(app.deps, Principal.operator("demo"), "runs.list", limit=10)
        finally:
            await app.close()

    runs = asyncio.run(go())
    assert {r["agent"] for r in runs} == {"analytics", "inventory", "content", "risk"}
    for r in runs:
        assert r["status"] == "succeeded" and r["progress"] == 1.0 and r["trigger"] == "run"
        assert r["duration_s"] is not None and r["counts"]["proposed"] == len(r["result"]["action_ids"])


def test_growth_demo_if_missing_keeps_a_built_store_and_growth_run_reports(planted_store: tuple[str, dict]) -> None:
    url, _ = planted_store
    again = _cli(url, "demo", "--if-missing")
    assert again.returncode == 0 and "already has data" in again.stderr
    run = _cli(url, "run", "inventory")
    assert run.returncode == 0, run.stderr
    assert "inventory" in run.stdout and "top of the queue" in run.stdout


def test_a_stock_answer_counts_the_same_28_days_as_the_reorder_it_sits_beside(planted_store: tuple[str, dict]) -> None:
    """"stock of the alpaca throw" said 20 sold in the last 28 days while reorder #9 said 19: one window."""
    url, _ = planted_store

    async def go() -> list[tuple[dict[str, Any], dict[str, Any]]]:
        from tools.insights import stock

        app = await create_app(make_settings(url))
        try:
            me = Principal.operator("demo")
            reorders = await invoke(app.deps, me, "actions.list", kind="inventory.reorder", limit=10)
            return [(await invoke(app.deps, me, "actions.get", action_id=a.id),
                     await stock(app.deps, me, query=a.target.removeprefix("sku:"))) for a in reorders]
        finally:
            await app.close()

    pairs = asyncio.run(go())
    assert pairs
    for detail, answer in pairs:
        sku = detail["action"]["target"].removeprefix("sku:")
        said = next(e for e in detail["action"]["evidence"] if e["metric"] == "units sold")
        variant = next(v for v in answer["variants"] if v["sku"] == sku)
        assert variant["sold_28d"] == said["value"], (sku, variant, said)
        assert said["window"] in answer["source"], (said, answer["source"])
