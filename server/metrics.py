"""Prometheus metrics, in a registry of the app's own (never the process-global one)."""

from __future__ import annotations

import hashlib
from typing import TYPE_CHECKING

from prometheus_client import CollectorRegistry, Counter, Gauge, generate_latest

from tools.deps import Deps

if TYPE_CHECKING:
    from server.sessions import SessionLedger
from tools.execution import kill_state


class Metrics:
    def __init__(self) -> None:
        self.registry = CollectorRegistry()
        self.http = Counter("growth_http_requests", "HTTP requests by route and status", ["route", "status"],
                            registry=self.registry)
        self.tool_calls = Counter("growth_tool_calls", "MCP tool calls by tool and outcome", ["tool", "outcome"],
                                  registry=self.registry)
        self.actions = Gauge("growth_actions", "Actions by tenant and status", ["tenant", "status"],
                             registry=self.registry)
        self.kill_switch = Gauge("growth_kill_switch_engaged", "1 while executions are held", ["tenant"],
                                 registry=self.registry)
        self.sessions = Gauge("growth_mcp_sessions", "Open session-era MCP sessions: awake, or asleep (idle, ~1 KB "
                              "each)", ["state"], registry=self.registry)
        #: the HTTP server's session ledger, when there is one (``server/sessions.py``)
        self.ledger: SessionLedger | None = None

    def count_tool_call(self, tool: str, outcome: str) -> None:
        self.tool_calls.labels(tool, outcome).inc()

    async def render(self, deps: Deps, *, name_tenants: bool = False) -> bytes:
        """Refresh the gauges from the database, then render the text format (stores named by a digest)."""
        for tenant in await deps.db.tenant_ids():
            label = tenant if name_tenants else "t_" + hashlib.sha256(deps.config.secret + tenant.encode()).hexdigest()[:10]
            async def q(tx, tenant=tenant):  # type: ignore[no-untyped-def]
                return await tx.actions.count_by_status(), await kill_state(tx, deps)

            counts, kill = await deps.db.query(tenant, q)
            for status, n in counts.items():
                self.actions.labels(label, status).set(n)
            self.kill_switch.labels(label).set(1 if kill.engaged else 0)
        if self.ledger is not None:
            self.sessions.labels("awake").set(self.ledger.open - self.ledger.asleep)
            self.sessions.labels("asleep").set(self.ledger.asleep)
        return generate_latest(self.registry)
