"""The agents' way to the operator's workflows (``Deps.workflows``): start and list them from chat.

In a process that runs the durable engine (``growth serve``, ``growth worker``) through the engine itself;
anywhere else (``growth chat``) through a DBOS client on the engine's system database, as ``growth
workflows`` does, so a workflow started from chat runs on whichever server or worker is up. The engine is
loaded on the first call, not when the app starts.
"""

from __future__ import annotations

from collections.abc import AsyncIterator
from contextlib import asynccontextmanager
from typing import TYPE_CHECKING, Any

from policies.principal import Principal
from server.durable.templates import TEMPLATES
from tools.deps import Deps

if TYPE_CHECKING:
    from server.durable.workflows import Control
    from server.settings import Settings


class Desk:
    templates = {name: t.title for name, t in TEMPLATES.items()}

    def __init__(self, deps: Deps, settings: Settings) -> None:
        self.deps = deps
        self.settings = settings

    async def start(self, principal: Principal, template: str) -> dict[str, Any]:
        from server.durable import workflows

        async with self._control() as control:
            return await workflows.start(self.deps, control, principal, template)

    async def recent(self, principal: Principal, limit: int) -> list[dict[str, Any]]:
        from server.durable import workflows

        async with self._control() as control:
            return await workflows.list_workflows(self.deps, control, principal, limit=limit)

    @asynccontextmanager
    async def _control(self) -> AsyncIterator[Control]:
        from server.durable import workflows
        from server.durable.engine import is_running

        if is_running():
            yield workflows.Control()
            return
        async with workflows.client_control(self.settings) as control:
            yield control
