"""An independent client: langchain-mcp-adapters (in its own environment, on the 1.x SDK) loads the
tools over HTTP and a scripted LangChain agent uses them."""

from __future__ import annotations

import asyncio
import json
import subprocess
import sys
from pathlib import Path

import pytest

from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tests.server.conftest import Tokens
from tools.actions import get_action, propose

ROOT = Path(__file__).resolve().parents[2]
VENV = ROOT / ".venv-adapters"
REQUIREMENTS = ROOT / "requirements" / "adapters.txt"


@pytest.fixture(scope="session")
def adapters_python() -> Path:
    """The adapters' environment (`make test` builds it; built here too when missing)."""
    python = VENV / "bin" / "python"
    stamp = VENV / ".installed"
    if not stamp.exists() or stamp.stat().st_mtime < REQUIREMENTS.stat().st_mtime:
        subprocess.run([sys.executable, "-m", "venv", str(VENV)], check=True, timeout=300)
        subprocess.run([str(python), "-m", "pip", "install", "--quiet", "-r", str(REQUIREMENTS)], check=True,
                       timeout=900)
        stamp.touch()
    return python


async def test_langchain_mcp_adapters_load_and_use_the_tools(served: tuple[App, str], tokens: Tokens,
                                                             adapters_python: Path) -> None:
    app, url = served
    action = (await propose(app.deps, Principal.for_agent("demo", "content"), proposal())).action
    proc = await asyncio.to_thread(
        subprocess.run, [str(adapters_python), str(Path(__file__).with_name("adapters_client.py")), f"{url}/mcp",
                         tokens.operator], capture_output=True, text=True, timeout=300)
    assert proc.returncode == 0, proc.stderr[-3000:]
    report = json.loads(proc.stdout.strip().splitlines()[-1])
    assert {"chat", "list_actions", "approve_action", "get_status"} <= set(report["tools"])
    assert report["approved"] == action.id and "executed" in report["approve_result"]
    detail = await get_action(app.deps, Principal.operator("demo"), action_id=action.id)
    assert detail["action"]["status"] == "executed"
