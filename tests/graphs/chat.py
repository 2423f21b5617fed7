"""What the chat tests read back: an action's status on the store, and what a turn left waiting for a yes."""

from __future__ import annotations

from typing import Any

from policies.principal import Principal
from server.app import App
from tools.actions import get_action


async def status_of(app: App, action_id: int, tenant: str = "demo") -> str:
    return str((await get_action(app.deps, Principal.operator(tenant), action_id=action_id))["action"]["status"])


def waiting(turn: Any) -> set[tuple[str, int | None]]:
    """(verb, action id) of each item the turn echoed and left waiting for a yes."""
    return {(p["verb"], p.get("action_id")) for p in turn.pending or []}
