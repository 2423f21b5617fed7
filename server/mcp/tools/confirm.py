"""Asking the person to confirm a high or critical approval, where the client can ask."""

from typing import Any

from mcp.server.elicitation import AcceptedElicitation, ElicitationResult
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.resolve import Elicit
from pydantic import BaseModel, Field

from policies.tiers import RiskTier
from server.app import App
from server.mcp.identity import current
from tools import actions, decisions
from tools.errors import ToolError
from tools.plain import mapping

CONFIRM_TIERS = (RiskTier.HIGH.value, RiskTier.CRITICAL.value)


class Confirm(BaseModel):
    """What the person is asked when approving a high or critical action."""

    confirm: bool = Field(description="Approve and execute it now")


def is_confirmed(outcome: ElicitationResult[Confirm]) -> bool:
    return isinstance(outcome, AcceptedElicitation) and bool(outcome.data.confirm)


async def confirmation(app: App, ctx: Context, action_ids: int | list[int],
                       params: dict[str, Any] | None) -> Elicit[Confirm] | Confirm:
    """Ask the person to confirm high and critical approvals, where the client can ask.

    A client without elicitation (Claude Desktop, scripts) approves through the tool
    call itself. The question names each action's id, version, risk, change and
    rollback, so an answer can only ever be about what was shown.
    """
    caps = ctx.client_capabilities
    if caps is None or caps.elicitation is None:
        return Confirm(confirm=True)
    principal = current()
    lines = []
    for action_id in (action_ids if isinstance(action_ids, list) else [action_ids]):
        try:
            record = await app.deps.db.query(principal.tenant, lambda tx, i=action_id: actions.load(tx, i))
            tier = record.risk_tier.value
            change = record.params
            if params is not None:
                change, _, new_tier = decisions.preview_edit(record, params)
                tier = new_tier.value
        except ToolError:
            continue  # the decision itself reports the problem precisely
        if tier in CONFIRM_TIERS:
            lines.append(f"#{record.id} v{record.version} ({tier}): {record.title} — {record.kind} on "
                         f"{record.target}; change {mapping(change)}; rollback: "
                         f"{record.rollback_plan.get('description', 'none')}")
    if not lines:
        return Confirm(confirm=True)
    return Elicit("Approve and execute now?\n" + "\n".join(lines), Confirm)
