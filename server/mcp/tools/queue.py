"""Reading the action queue: the ranked list and one action explained."""

from typing import Annotated, Any, Literal

from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from server.app import App
from server.mcp import apps, render, views
from server.mcp.identity import current
from server.mcp.results import ok, ok_data
from server.mcp.tools.base import READ, Body, ToolSpec, ann, dump
from tools import actions
from tools.validation import ActionId

Detail = Annotated[views.Detail, Field(description=views.DETAIL_HELP)]


class ActionsOut(BaseModel):
    actions: list[views.ActionRow]


class ActionOut(BaseModel):
    action: dict[str, Any]
    versions: list[dict[str, Any]] = []
    decisions: list[dict[str, Any]] = []
    execution: dict[str, Any] | None = None
    outbox: list[dict[str, Any]] = []
    #: where the live store stands (delivered, conflict with both values, waiting and why), beside the status
    delivery: dict[str, Any] | None = None
    explanation: dict[str, Any] = {}
    #: what it earned, measured against untouched controls, with its interval (None until first measured)
    outcome: dict[str, Any] | None = None


def list_actions(app: App) -> Body:
    async def list_actions(status: str = "live", agent: str | None = None, kind: str | None = None,
                           risk_tier: Literal["low", "medium", "high", "critical"] | None = None,
                           limit: Annotated[int, Field(ge=1, le=200)] = 20,
                           detail: Detail = "summary") -> Annotated[CallToolResult, ActionsOut]:
        found = await actions.list_actions(app.deps, current(), status=status, agent=agent, kind=kind,
                                           risk_tier=risk_tier, limit=limit)
        items = [r.model_dump(mode="json") for r in found]
        # the rows are ActionsOut's wire shape already (views.row): no second validation per call
        return ok_data({"actions": views.rows(items, detail)}, render.actions(items))

    return list_actions


def get_action(app: App) -> Body:
    async def get_action(action_id: ActionId, detail: Detail = "summary") -> Annotated[CallToolResult, ActionOut]:
        found = dump(await actions.get_action(app.deps, current(), action_id=action_id))
        out = ActionOut(**views.action_detail(found, detail))
        return ok(out, render.action(found))

    return get_action


TOOLS = (
    ToolSpec("list_actions", "actions.list", ann("List actions", **READ),
             "The action queue ranked best first (score = expected profit × confidence × ease): id, version (name "
             "it when you decide), kind, title, target, risk, status, expected profit (expected_revenue: gross profit over four weeks), score and why it waits. "
             "status: live (default), pending, all, or a status such as executed. detail=full adds params, "
             "digests, confidence, ease and dates.", list_actions,
             meta=apps.tool_meta(apps.INBOX)),
    ToolSpec("get_action", "actions.get", ann("Explain an action", **READ),
             "One action: why this rank (the expected-revenue arithmetic with every input and its source), the "
             "evidence, the risk, the rollback plan, versions, decisions and execution. detail=full adds digests, "
             "the execution's before and after states and the outbox payloads.", get_action,
             meta=apps.tool_meta(apps.ACTION)),
)
