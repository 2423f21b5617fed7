"""A standing rule holds on every proposing path, each started in a fresh process.

The rule "never discount Wick Studio" is stored by one process; then `growth run`,
`growth chat`, and the MCP tools `run_specialist`, `run_all_specialists` and `delegate`
(over stdio, the official client launching `growth serve`) each run the inventory agent in
processes that have never opened a conversation: none of them proposes the forbidden
markdown (the demo store plants one on a Wick Studio tea towel). An action proposed before
the rule exists cannot be approved after it: refused with `rule_forbids`.
"""

from __future__ import annotations

import asyncio
import os
import shutil
import subprocess
import sys
from pathlib import Path
from typing import Any

import pytest
from mcp import Client, StdioServerParameters

from policies.principal import Principal
from server.app import create_app
from tests.corpus.runner import TEST_SECRET, settings_for
from tools.actions import list_actions, propose
from tools.rules import add

GROWTH = str(Path(sys.executable).with_name("growth"))
OP = Principal.operator("demo")
TEA_TOWEL = "sku:NW-0423-1"  # a Wick Studio variant the demo store overstocks


def _env(db: Path) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if not k.startswith("GROWTH_")}
    return env | {"GROWTH_DATABASE_URL": f"sqlite+aiosqlite:///{db}", "GROWTH_SECRET_KEY": TEST_SECRET,
                  "GROWTH_TENANT": "demo", "GROWTH_BRAIN": "rules"}


async def _with_rule(template: Path, folder: Path) -> Path:
    folder.mkdir(parents=True, exist_ok=True)
    db = folder / "growth.db"
    shutil.copy(template, db)
    app = await create_app(settings_for(f"sqlite+aiosqlite:///{db}"))
    try:
        await add(app.deps, OP, text="never discount Wick Studio")
    finally:
        await app.close()
    return db


async def _markdowns(db: Path) -> list[Any]:
    app = await create_app(settings_for(f"sqlite+aiosqlite:///{db}"))
    try:
        return [a for a in await list_actions(app.deps, OP, status="all", kind="inventory.markdown")]
    finally:
        await app.close()


async def _mcp(db: Path, tool: str, args: dict[str, Any]) -> Any:
    params = StdioServerParameters(command=GROWTH, args=["serve"], env=_env(db), cwd=str(db.parent))
    async with Client(params) as client:
        return await client.call_tool(tool, args)


PATHS = ["cli run", "cli chat", "mcp run_specialist", "mcp run_all_specialists", "mcp delegate"]


@pytest.mark.slow
@pytest.mark.parametrize("path", PATHS)
def test_a_stored_rule_blocks_the_forbidden_proposal_on_every_path(path: str, bare_demo_template: Path,
                                                                   tmp_path: Path) -> None:
    db = asyncio.run(_with_rule(bare_demo_template, tmp_path))
    env = _env(db)
    if path == "cli run":
        out = subprocess.run([GROWTH, "run", "inventory"], env=env, cwd=tmp_path, capture_output=True, text=True,
                             timeout=300)
        assert out.returncode == 0, out.stderr
        assert "rule_forbids" in out.stdout + out.stderr or "Wick Studio" in out.stdout + out.stderr
    elif path == "cli chat":
        out = subprocess.run([GROWTH, "chat"], env=env, cwd=tmp_path, input="run the inventory agent\n",
                             capture_output=True, text=True, timeout=300)
        assert out.returncode == 0, out.stderr
        assert "inventory agent is done" in out.stdout
    else:
        tool = path.split()[1]
        args = {"run_specialist": {"agent": "inventory"}, "run_all_specialists": {},
                "delegate": {"agent": "inventory", "task": "check stock and markdowns"}}[tool]
        result = asyncio.run(_mcp(db, tool, args))
        assert not result.is_error, result.content
    markdowns = asyncio.run(_markdowns(db))
    assert markdowns, "the inventory agent proposed its other markdowns"
    assert TEA_TOWEL not in {a.target for a in markdowns}


@pytest.mark.slow
def test_approving_an_action_a_later_rule_forbids_is_refused(bare_demo_template: Path, tmp_path: Path) -> None:
    folder = tmp_path / "store"
    folder.mkdir()
    db = folder / "growth.db"
    shutil.copy(bare_demo_template, db)

    async def setup() -> int:
        app = await create_app(settings_for(f"sqlite+aiosqlite:///{db}"))
        try:
            from tests.factories import proposal

            action = (await propose(app.deps, Principal.for_agent("demo", "inventory"), proposal(
                "inventory.markdown", target=TEA_TOWEL, params={"percent_off": 20}))).action
            await add(app.deps, OP, text="never discount Wick Studio")
            return action.id
        finally:
            await app.close()

    action_id = asyncio.run(setup())
    out = subprocess.run([GROWTH, "actions", "approve", str(action_id)], env=_env(db), cwd=tmp_path,
                         capture_output=True, text=True, timeout=120)
    assert out.returncode != 0 and "rule_forbids" in out.stdout + out.stderr
