"""A question waits, the process is SIGKILLed, restarted, answered — through the real `growth chat`.

The pending question survives the restart (it is in the checkpointed thread); a decision
taken through the CLI meanwhile is honoured; nothing is ever applied twice.
"""

from __future__ import annotations

import os
import signal
import subprocess
import sys
import threading
import time
from pathlib import Path

import pytest
from sqlalchemy import func, select

from policies.principal import Principal
from server.app import create_app
from server.persistence import models as m
from tests.conftest import TEST_SECRET, make_settings
from tests.factories import proposal, seed_store
from tools.actions import propose

GROWTH = str(Path(sys.executable).with_name("growth"))


class Chat:
    """A `growth chat` process whose output we can wait on."""

    def __init__(self, db_url: str, thread: str, cwd: Path) -> None:
        env = os.environ | {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET,
                            "GROWTH_BRAIN": "rules", "PYTHONUNBUFFERED": "1"}
        self.proc = subprocess.Popen([GROWTH, "chat", "--thread", thread], stdin=subprocess.PIPE,
                                     stdout=subprocess.PIPE, stderr=subprocess.STDOUT, env=env, cwd=cwd)
        self.buffer = b""
        self.lock = threading.Lock()
        self.pump = threading.Thread(target=self._pump, daemon=True)
        self.pump.start()

    def _pump(self) -> None:
        assert self.proc.stdout is not None
        while chunk := os.read(self.proc.stdout.fileno(), 4096):
            with self.lock:
                self.buffer += chunk

    def wait_for(self, marker: str, timeout: float = 60) -> str:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            with self.lock:
                text = self.buffer.decode(errors="replace")
            if marker in text:
                return text
            if self.proc.poll() is not None and marker not in text:
                break
            time.sleep(0.05)
        raise AssertionError(f"{marker!r} not seen; output so far:\n{self.buffer.decode(errors='replace')}")

    def say(self, line: str) -> None:
        assert self.proc.stdin is not None
        self.proc.stdin.write((line + "\n").encode())
        self.proc.stdin.flush()

    def finish(self, timeout: float = 60) -> str:
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.proc.wait(timeout=timeout)
        return self.close()

    def kill(self) -> None:
        os.kill(self.proc.pid, signal.SIGKILL)
        self.proc.wait(timeout=30)
        assert self.proc.stdin is not None
        self.proc.stdin.close()
        self.close()

    def close(self) -> str:
        self.pump.join(timeout=30)
        assert self.proc.stdout is not None
        self.proc.stdout.close()
        return self.buffer.decode(errors="replace")


async def _critical_action(db_url: str) -> int:
    app = await create_app(make_settings(db_url))
    try:
        await seed_store(app)
        return (await propose(app.deps, Principal.for_agent("demo", "inventory"), proposal(
            "pricing.adjust", params={"current_price": 40.0, "new_price": 48.0}))).action.id
    finally:
        await app.close()


async def _executions(db_url: str) -> tuple[int, str]:
    app = await create_app(make_settings(db_url))
    try:
        async with app.db.read("demo") as tx:
            conn = tx.conn  # type: ignore[attr-defined]
            n = int((await conn.execute(select(func.count()).select_from(m.Execution))).scalar_one())
            status = (await conn.execute(select(m.Action.status))).scalar_one()
        return n, status
    finally:
        await app.close()


def _paused_then_killed(db_url: str, action_id: int, cwd: Path) -> None:
    chat = Chat(db_url, "restart-1", cwd)
    chat.wait_for("you> ")
    chat.say(f"approve {action_id}")
    chat.wait_for("yes / no")
    chat.kill()


@pytest.mark.slow
async def test_a_cli_decision_during_the_pause_is_honoured_after_restart(db_url: str, tmp_path: Path) -> None:
    action_id = await _critical_action(db_url)
    _paused_then_killed(db_url, action_id, tmp_path)
    env = os.environ | {"GROWTH_DATABASE_URL": db_url, "GROWTH_SECRET_KEY": TEST_SECRET}
    cli = subprocess.run([GROWTH, "actions", "approve", str(action_id)], env=env, capture_output=True, text=True,
                         timeout=120, cwd=tmp_path)
    assert cli.returncode == 0, cli.stderr
    chat = Chat(db_url, "restart-1", tmp_path)
    chat.wait_for("Still waiting for your answer")  # the question survived the restart
    chat.wait_for("you> ")
    chat.say("yes")
    out = chat.finish()
    assert "decided elsewhere" in out
    assert await _executions(db_url) == (1, "executed")


@pytest.mark.slow
async def test_resume_after_restart_applies_once_and_only_once(db_url: str, tmp_path: Path) -> None:
    action_id = await _critical_action(db_url)
    _paused_then_killed(db_url, action_id, tmp_path)
    chat = Chat(db_url, "restart-1", tmp_path)
    text = chat.wait_for("Still waiting for your answer")
    assert f"Approve #{action_id}" in text and "critical risk" in text
    chat.wait_for("you> ")
    chat.say("yes")
    out = chat.finish()
    assert f"#{action_id} executed" in out
    assert await _executions(db_url) == (1, "executed")
    # a third process finds nothing waiting, and a repeated resume changes nothing
    chat = Chat(db_url, "restart-1", tmp_path)
    chat.wait_for("you> ")
    out = chat.finish()
    assert "Still waiting" not in out
    app = await create_app(make_settings(db_url))
    try:
        service = await app.agents()
        again = await service.resume(Principal.operator("demo"), "restart-1",
                                     [{"action_id": action_id, "version": 1, "approve": True}])
        assert "Nothing is waiting" in again.reply
    finally:
        await app.close()
    assert await _executions(db_url) == (1, "executed")
