"""The store's settings and safety: status, autonomy level, kill switch."""

from typing import Annotated, Any, Literal

from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from server.app import App
from server.mcp import render
from server.mcp.identity import current
from server.mcp.results import ok, ok_data
from server.mcp.tools.base import READ, Body, ToolSpec, ann, dump
from tools import killswitch
from tools import tenants as tenant_ops


class StatusOut(BaseModel):
    status: dict[str, Any]


class AutonomyOut(BaseModel):
    tenant: str
    previous: str
    level: str
    changed: bool = True
    #: actions waiting for a decision: the level applies to proposals from now on, so they still wait
    still_waiting: int = 0
    note: str = ""


class KillSwitchOut(BaseModel):
    scope: str
    engaged: bool
    effective: bool
    source: str
    reason: str
    released_work: dict[str, list[int]] | None = None


def get_status(app: App) -> Body:
    async def get_status() -> Annotated[CallToolResult, StatusOut]:
        status = dump(await tenant_ops.get_status(app.deps, current()))  # JSON-ready: StatusOut's wire shape
        return ok_data({"status": status}, render.status(status))

    return get_status


def set_autonomy(app: App) -> Body:
    async def set_autonomy(level: Literal["supervised", "semi_autonomous", "autonomous"]
                           ) -> Annotated[CallToolResult, AutonomyOut]:
        out = AutonomyOut(**await tenant_ops.set_autonomy(app.deps, current(), level=level))
        said = f"Autonomy {out.previous} → {out.level}" if out.changed else f"Autonomy is already {out.level}"
        return ok(out, said + (f": {out.note}." if out.note else "."))

    return set_autonomy


def set_kill_switch(app: App) -> Body:
    async def set_kill_switch(engaged: bool, reason: Annotated[str, Field(min_length=3)],
                              scope: Literal["tenant", "global"] = "tenant"
                              ) -> Annotated[CallToolResult, KillSwitchOut]:
        res = await killswitch.set_kill_switch(app.deps, current(), engaged=engaged, reason=reason, scope=scope)
        out = KillSwitchOut(**res.as_dict())
        return ok(out, render.kill_switch(out.model_dump()))

    return set_kill_switch


TOOLS = (
    ToolSpec("get_status", "status.get", ann("Store status", **READ),
             "Queue counts, autonomy level, kill switch and recent runs.", get_status),
    ToolSpec("set_autonomy", "autonomy.set", ann("Set autonomy", destructive=True, idempotent=True),
             "supervised: everything waits for you; semi_autonomous: low-risk actions run alone; autonomous: "
             "everything but critical runs alone. Work for people and irreversible actions always wait.",
             set_autonomy),
    ToolSpec("set_kill_switch", "kill_switch.set", ann("Kill switch", destructive=True, idempotent=True),
             "Engage (stop every execution; approved work waits, nothing is lost) or release the kill switch.",
             set_kill_switch),
)
