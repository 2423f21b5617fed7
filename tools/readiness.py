"""Per-agent readiness: switched on, data fresh enough, configured, and (when a store is connected) the
connection holding the scopes its actions need. Shown by ``get_status``, ``/readyz`` and ``growth status``;
the specialist subgraph asks ``freshness`` before it analyses, and a stale source stops its proposals.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from policies.freshness import NEEDS, Freshness, judge
from policies.kinds import KINDS
from policies.shopify_scopes import missing_by_kind
from tools.agent_flags import ALL, states
from tools.deps import Deps, Tx


async def newest_by_source(tx: Tx) -> dict[str, datetime | None]:
    """When each source was last imported or synced, from the telemetry import records."""
    return {s["source"]: s["last_import_at"] for s in await tx.telemetry.sources()}


async def freshness(deps: Deps, tenant: str, agent: str) -> Freshness:
    newest = await deps.db.query(tenant, newest_by_source)
    return judge(agent, newest, deps.now())


def _configuration(agent: str, settings: list[dict[str, Any]]) -> list[str]:
    """What the agent still needs configured (empty: nothing), as words with the command to fix it."""
    if agent == "inventory" and not settings:
        return ["no supplier lead times set: reorder points use the default "
                "(growth inventory set --lead-time DAYS --vendor NAME)"]
    return []


async def readiness(deps: Deps, tenant: str) -> dict[str, Any]:
    """``{"ready": bool, "agents": [...]}``: each specialist with what keeps it from proposing, if anything."""
    return await deps.db.query(tenant, lambda tx: readiness_in(tx, deps))


async def readiness_in(tx: Tx, deps: Deps, sources: list[dict[str, Any]] | None = None) -> dict[str, Any]:
    """``readiness``, read in a transaction the caller holds (with the telemetry sources if it has them)."""
    now = deps.now()
    flags, connections, inv_settings = (await states(tx, deps), await tx.connections.list(),
                                        await tx.commerce.inventory_settings())
    rows = sources if sources is not None else await tx.telemetry.sources()
    newest = {s["source"]: s["last_import_at"] for s in rows}
    watermarks = {s["source"]: s["watermark"] for s in rows}
    shopify = next((c for c in connections if c.provider == "shopify"), None)
    gaps = missing_by_kind(shopify.scopes) if shopify is not None and shopify.status == "reachable" else {}
    agents = []
    for agent in NEEDS:
        fresh = judge(agent, newest, now)
        state = flags[agent]
        missing_scopes = sorted({scope for kind, needs in gaps.items() if KINDS[kind].agent == agent
                                 for need in needs if not need.only_if for scope in need.any_of[:1]})
        blockers = ([state.reason] if not state.enabled else []) + ([fresh.reason()] if fresh.stale else []) + [
            f"no {s.source} data imported yet" for s in fresh.sources if s.state == "missing"]
        agents.append({
            "agent": agent, "ready": not blockers, "enabled": state.enabled, "blockers": blockers,
            "sources": [{"source": s.source, "state": s.state, "imported_at": s.newest, "age_days": s.age_days,
                         "limit_days": s.limit_days, "newest_data": watermarks.get(s.source)}
                        for s in fresh.sources],
            "configuration": _configuration(agent, inv_settings),
            "connection": None if shopify is None else {
                "provider": "shopify", "status": shopify.status, "missing_scopes": missing_scopes},
        })
    return {"ready": flags[ALL].enabled and all(a["ready"] for a in agents), "enabled": flags[ALL].enabled,
            "reason": flags[ALL].reason, "agents": agents}


def readiness_lines(r: dict[str, Any]) -> list[str]:
    """One line per agent, in words: ready, or what keeps it from proposing."""
    if not r.get("agents"):
        return []
    lines = [] if r.get("enabled", True) else [f"agents OFF: {r.get('reason')}"]
    for a in r["agents"]:
        # (the age of the last import: the data line of ``growth status`` gives the age of the newest day in it)
        ages = ", ".join(f"{s['source']} imported {s['age_days']:g} d ago" if s["age_days"] is not None
                         else f"{s['source']} never imported" for s in a["sources"])
        state = "ready" if a["ready"] else "NOT READY: " + "; ".join(a["blockers"])
        extra = "".join(f" · {c}" for c in a["configuration"])
        conn = a.get("connection") or {}
        if conn.get("missing_scopes"):
            extra += f" · shopify lacks {', '.join(conn['missing_scopes'])}"
        lines.append(f"{a['agent']}: {state} ({ages}){extra}")
    return lines
