"""The README's first steps, run as a new user would on a fresh clone: ``make run`` in the checkout,
then the command line from another folder reaches the same store.

The clone is a copy of the working tree (what a clone of it would hold). It reuses this
checkout's ``.venv`` and ``.venv-adapters`` by symlink, with ``pyproject.toml`` older than the
environment's stamp, so ``make`` installs nothing. HOME is a temporary folder, so the user data
folder (``~/.local/share/growth-engine``) is a new user's, and the port is a free one.
"""

from __future__ import annotations

import json
import os
import re
import shlex
import signal
import socket
import subprocess
import sys
import time
from collections.abc import Iterator
from pathlib import Path

import anyio
import httpx
import pytest

from tests.server.conftest import http_client
from tests.worktree import working_tree

ROOT = Path(__file__).resolve().parents[1]
STAMP = ROOT / ".venv" / ".installed"
README = ROOT / "README.md"


def first_run_steps() -> list[str]:
    """The README's first-run commands, comments dropped."""
    block = re.search(r"<!-- steps: first-run -->\s*```sh\n(.*?)```", README.read_text(), re.S)
    assert block, "the README lost its first-run steps"
    return [line.split("#", 1)[0].strip() for line in block.group(1).splitlines() if line.split("#", 1)[0].strip()]


def free_port() -> int:
    with socket.socket() as s:
        s.bind(("127.0.0.1", 0))
        return int(s.getsockname()[1])


@pytest.fixture
def clone(tmp_path: Path) -> Path:
    if Path(sys.prefix).resolve() != (ROOT / ".venv").resolve() or not STAMP.exists():
        pytest.fail("run the suite with `make test`: this test reuses the checkout's .venv that make set up")
    copy = working_tree(tmp_path / "growth-engine")
    for env in (".venv", ".venv-adapters"):
        (copy / env).symlink_to(ROOT / env, target_is_directory=True)
    stamp = STAMP.stat().st_mtime
    os.utime(copy / "pyproject.toml", (stamp - 60, stamp - 60))  # make: the environment is up to date
    return copy


@pytest.fixture
def running(clone: Path, tmp_path: Path) -> Iterator[tuple[subprocess.Popen[bytes], dict[str, str], Path]]:
    """``make run`` in the clone, as the README's first step says, until the test is done with it."""
    steps = first_run_steps()
    assert steps[0] == "make run"
    home = tmp_path / "home"
    home.mkdir()
    env = {k: v for k, v in os.environ.items() if not k.startswith(("GROWTH_", "XDG_", "VIRTUAL_ENV", "PYTHON"))}
    env |= {"HOME": str(home), "PATH": "/usr/local/bin:/usr/bin:/bin", "GROWTH_HTTP_PORT": str(free_port())}
    log = tmp_path / "make-run.log"
    with log.open("wb") as sink:
        server = subprocess.Popen(shlex.split(steps[0]), cwd=clone, env=env, stdout=sink, stderr=subprocess.STDOUT,
                                  stdin=subprocess.DEVNULL, start_new_session=True)
    try:
        yield server, env, log
    finally:
        if server.poll() is None:
            os.killpg(server.pid, signal.SIGINT)  # Ctrl-C in its terminal: make and the server it started
            try:
                server.wait(timeout=30)
            except subprocess.TimeoutExpired:
                os.killpg(server.pid, signal.SIGKILL)
                server.wait(timeout=30)


def wait_healthy(server: subprocess.Popen[bytes], url: str, log: Path, *, within: float = 300) -> None:
    """Until /healthz answers 200; the waiting is the server process's own (it must not exit meanwhile)."""
    deadline = time.monotonic() + within
    while time.monotonic() < deadline:
        try:
            if httpx.get(url, timeout=2).status_code == 200:
                return
        except httpx.TransportError:
            pass
        try:
            server.wait(timeout=0.25)
        except subprocess.TimeoutExpired:
            continue
        pytest.fail(f"make run exited ({server.returncode}) before serving:\n{log.read_text()}")
    pytest.fail(f"make run was not healthy within {within:.0f} s:\n{log.read_text()}")


@pytest.mark.slow
def test_make_run_then_the_command_line_from_another_folder_reaches_the_same_store(
        running: tuple[subprocess.Popen[bytes], dict[str, str], Path], clone: Path, tmp_path: Path) -> None:
    server, env, log = running
    base = f"http://127.0.0.1:{env['GROWTH_HTTP_PORT']}"
    wait_healthy(server, f"{base}/healthz", log)

    printed = " ".join(log.read_text().split())
    database = Path(env["HOME"]) / ".local" / "share" / "growth-engine" / "growth.db"
    assert f"created a new, empty database at {database}" in printed  # a new user's first run says so
    assert f"{base}/mcp" in printed and "token create --role operator" in printed and '"mcpServers"' in printed

    # the README's next step, as written, with this clone's path: from the home folder
    step = first_run_steps()[1].replace("/path/to/growth-engine", str(clone))
    shown = subprocess.run(["bash", "-c", step], env=env, capture_output=True, text=True, timeout=120)
    assert shown.returncode == 0, shown.stderr
    assert "best first" in shown.stdout and "created" not in shown.stderr  # the store make run built

    elsewhere = tmp_path / "elsewhere"
    elsewhere.mkdir()
    growth = str(clone / ".venv" / "bin" / "growth")

    def cli(*args: str) -> str:
        done = subprocess.run([growth, *args], cwd=elsewhere, env=env, capture_output=True, text=True, timeout=120)
        assert done.returncode == 0, (args, done.stderr)
        return done.stdout

    assert f"database {database} · tenant demo" in cli("status")
    listed = [row["id"] for row in json.loads(cli("actions", "list", "--json"))]
    token = json.loads(cli("token", "create", "--role", "operator", "--json"))["token"]

    async def served() -> list[int]:
        with anyio.fail_after(60):
            async with http_client(base, token, "2026-07-28") as client:
                result = await client.call_tool("list_actions", {"limit": len(listed)})
        assert not result.is_error and result.structured_content is not None, result
        return [row["id"] for row in result.structured_content["actions"]]

    assert listed and anyio.run(served) == listed  # the server and the command line read one store
    assert list(elsewhere.iterdir()) == [] and not (clone / ".growth").exists()
