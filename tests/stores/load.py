"""A random store through the real path: export files → ``telemetry.ingest`` → specialists → the ranked queue.

``score`` compares the queue with the ground truth: for each plant, the rank of
the first action that answers it (kind and target), what that action expects to
earn, and what it says is at stake (its expected revenue with the named "share
recovered" assumption taken back out: the loss it measured, before it guesses how
much of it a fix wins back; for a markdown, the carrying cost of the excess it
states); every action that answers no plant is an alarm.
"""

from __future__ import annotations

import shutil
import tempfile
from dataclasses import dataclass, field
from datetime import datetime, time, timedelta, timezone
from pathlib import Path
from collections.abc import Sequence
from typing import Any

from tests.stores.plants import Truth
from tests.stores.world import VENDORS, Store

TENANT = "power"


@dataclass
class Found:
    truth: Truth
    rank: int | None = None
    proposed: float | None = None
    stake: float | None = None


@dataclass
class Outcome:
    pages: int
    queue: list[Any]
    found: list[Found] = field(default_factory=list)
    alarms: list[Any] = field(default_factory=list)


def answers(action: Any, truth: Truth) -> bool:
    """Whether an action in the queue is the one a good specialist proposes for this plant."""
    if action.kind not in truth.kinds:
        return False
    if action.target == truth.target:
        return True
    if truth.cls == "ranking_loss":  # links are added on a strong page, pointing at the page that slid
        page = truth.target.removeprefix("page:")
        return any(str(link.get("to_url", "")).endswith(page) for link in action.params.get("links", []))
    if truth.cls == "missing_page":
        return action.target.removeprefix("query:") in truth.detail["queries"]
    return False


#: the assumption an action's worth multiplies its measured loss by (every specialist names it so)
RECOVERY_FACTOR = "share recovered"


#: what a markdown states its excess stock costs a year to hold (the problem it answers; its expected revenue
#: is the net gain of the markdown itself over four weeks, a different quantity)
CARRYING = "carrying cost of the excess a year"


def stake(expected: float, inputs: list[dict[str, Any]], evidence: Sequence[dict[str, Any]] = ()) -> float:
    """What an action says is at stake: the carrying cost of the excess it measured, for stock; otherwise its
    expected revenue with the recovery share taken back out."""
    for e in evidence:
        if e.get("metric") == CARRYING:
            return float(e["value"])
    share = 1.0
    for i in inputs:
        if i.get("name") == RECOVERY_FACTOR and i.get("value"):
            share *= float(i["value"])
    return expected / share


def score(store: Store, queue: list[Any], inputs: dict[int, list[dict[str, Any]]] | None = None,
          evidence: dict[int, list[dict[str, Any]]] | None = None) -> Outcome:
    out = Outcome(pages=len(store.pages), queue=queue)
    for t in store.truth:
        hit = next(((n, a) for n, a in enumerate(queue, 1) if answers(a, t)), None)
        if hit is None:
            out.found.append(Found(t))
            continue
        expected = float(hit[1].expected_revenue)
        out.found.append(Found(t, hit[0], expected, stake(expected, (inputs or {}).get(hit[1].id, []),
                                                                  (evidence or {}).get(hit[1].id, []))))
    out.alarms = [a for a in queue if not any(answers(a, t) for t in store.truth)]
    return out


async def run(store: Store, db_url: str, *, folder: Path | None = None) -> Outcome:
    """Import the store's exports into the (migrated, empty) database at ``db_url`` and run every specialist."""
    from graphs.runs import run_all
    from policies.principal import Principal
    from server.app import create_app
    from server.settings import Settings
    from tests.stores.export import write
    from tools.ingest.ingest import IngestOptions
    from tools.ingest.upload import Upload
    from tools.registry import invoke

    own = folder is None
    where = folder or Path(tempfile.mkdtemp(prefix="growth-store-"))
    try:
        files = write(store, where)
        app = await create_app(Settings(database_url=db_url, secret_key="power-test-secret-not-for-production",
                                        tenant=TENANT, brain="rules"))
        try:
            # the store's next morning: its exports are a day old, as a daily sync leaves them
            morning = datetime.combine(store.spec.end + timedelta(days=1), time(15, 0), tzinfo=timezone.utc)
            app.deps.clock = lambda: morning
            me = Principal.operator(TENANT)
            await app.deps.db.transact(TENANT, lambda tx: tx.tenants.ensure(name=TENANT, now=app.deps.now()))
            for source, path in files:
                result = await invoke(app.deps, me, "telemetry.ingest", source=source,
                                      upload=Upload.from_path(path), options=IngestOptions())
                if result["status"] != "imported" or result["rows_skipped"]:
                    raise RuntimeError(f"{path.name} did not import cleanly: {result}")
            for vendor, days in VENDORS.items():
                await invoke(app.deps, me, "inventory.settings", scope="vendor", key=vendor, lead_time_days=days)
            runs = await run_all(app.deps, me)
            queue = await invoke(app.deps, me, "actions.list", status="live", limit=1000)
            answering = [a for a in queue if any(answers(a, t) for t in store.truth)]
            full = {a.id: (await invoke(app.deps, me, "actions.get", action_id=a.id))["action"] for a in answering}
            failed = [r for r in runs if r["status"] != "ok"]
            if failed:
                raise RuntimeError(f"specialists did not run on the store: {failed}")
        finally:
            await app.close()
    finally:
        if own:
            shutil.rmtree(where, ignore_errors=True)
    return score(store, list(queue), {i: a["revenue_inputs"] for i, a in full.items()},
                 {i: a["evidence"] for i, a in full.items()})


async def run_fresh(store: Store, template: Path) -> Outcome:
    """On a copy of a migrated SQLite file, removed afterwards."""
    folder = Path(tempfile.mkdtemp(prefix="growth-power-"))
    try:
        shutil.copy(template, folder / "growth.db")
        return await run(store, f"sqlite+aiosqlite:///{folder / 'growth.db'}", folder=folder / "files")
    finally:
        shutil.rmtree(folder, ignore_errors=True)


async def migrated_template(folder: Path) -> Path:
    from server.persistence.migrate import upgrade

    path = folder / "template.db"
    if not path.exists():
        await upgrade(f"sqlite+aiosqlite:///{path}")
    return path
