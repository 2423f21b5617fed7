"""Deciding actions: approve, edit and approve, reject, snooze, several at once, and roll back.

Every decision names the version the caller reviewed; the result carries the action's compact row
(``get_action`` has the rest) and, for approvals, what the executor did.
"""

from datetime import datetime, timezone
from typing import Annotated, Any, Literal

from mcp.server.elicitation import ElicitationResult
from mcp.server.mcpserver import Context
from mcp.server.mcpserver.resolve import Elicit, Resolve
from mcp_types import CallToolResult
from pydantic import BaseModel, Field

from graphs.language.dates import parse_when
from server.app import App
from server.mcp import render, views
from server.mcp.identity import current
from server.mcp.results import error, ok
from server.mcp.tools.base import Body, ToolSpec, ann, dump
from server.mcp.tools.confirm import Confirm, confirmation, is_confirmed
from tools import decisions, rollback
from tools.errors import InvalidInput
from tools.plain import mapping
from tools.validation import ActionId, Version


class DecisionOut(BaseModel):
    action: views.ActionRow
    verdict: str
    execution: dict[str, Any] | None = None
    reclassified: dict[str, str] | None = None


class BulkOut(BaseModel):
    results: list[dict[str, Any]]


class RollbackOut(BaseModel):
    action_id: ActionId
    status: str
    restored: dict[str, Any]
    #: why the live store is not restored yet (the kill switch holds deliveries), else empty
    held: str = ""


class BulkDecision(BaseModel):
    action_id: ActionId
    version: Version
    decision: Literal["approve", "reject", "snooze"]
    reason: str = ""
    until: str | None = Field(default=None, description="for snooze: ISO time or words like 'monday'")


def _decided(result: decisions.DecisionResult) -> CallToolResult:
    full = dump(result)
    out = DecisionOut(**{**full, "action": views.row(full["action"])})
    return ok(out, render.decision(full))


def approve_action(app: App) -> Body:
    async def confirm(action_id: ActionId, version: Version, ctx: Context) -> Elicit[Confirm] | Confirm:
        return await confirmation(app, ctx, action_id, None)

    async def approve_action(action_id: ActionId, version: Version,
                             confirmed: Annotated[ElicitationResult[Confirm], Resolve(confirm)],
                             reason: str = "") -> Annotated[CallToolResult, DecisionOut]:
        if not is_confirmed(confirmed):
            return error("not_confirmed", f"approval of #{action_id} was not confirmed; nothing changed")
        return _decided(await decisions.decide(app.deps, current(), action_id=action_id, version=version,
                                               verdict="approve", reason=reason))

    return approve_action


def edit_and_approve(app: App) -> Body:
    async def confirm(action_id: ActionId, version: Version, params: dict[str, Any], ctx: Context
                      ) -> Elicit[Confirm] | Confirm:
        return await confirmation(app, ctx, action_id, params)

    async def edit_and_approve(action_id: ActionId, version: Version, params: dict[str, Any],
                               confirmed: Annotated[ElicitationResult[Confirm], Resolve(confirm)],
                               reason: str = "") -> Annotated[CallToolResult, DecisionOut]:
        if not is_confirmed(confirmed):
            return error("not_confirmed", f"the edit of #{action_id} was not confirmed; nothing changed")
        return _decided(await decisions.decide(app.deps, current(), action_id=action_id, version=version,
                                               verdict="edit_approve", params=params, reason=reason))

    return edit_and_approve


def reject_action(app: App) -> Body:
    async def reject_action(action_id: ActionId, version: Version,
                            reason: Annotated[str, Field(min_length=1)]) -> Annotated[CallToolResult, DecisionOut]:
        return _decided(await decisions.decide(app.deps, current(), action_id=action_id, version=version,
                                               verdict="reject", reason=reason))

    return reject_action


def snooze_action(app: App) -> Body:
    async def snooze_action(action_id: ActionId, version: Version, until: str,
                            reason: str = "") -> Annotated[CallToolResult, DecisionOut]:
        return _decided(await decisions.decide(app.deps, current(), action_id=action_id, version=version,
                                               verdict="snooze", until=when(until, app.deps.now()), reason=reason))

    return snooze_action


def bulk_decide(app: App) -> Body:
    async def confirm(items: list[BulkDecision], ctx: Context) -> Elicit[Confirm] | Confirm:
        approvals = [i.action_id for i in items if i.decision == "approve"]
        return await confirmation(app, ctx, approvals, None) if approvals else Confirm(confirm=True)

    async def bulk_decide(items: Annotated[list[BulkDecision], Field(min_length=1, max_length=200)],
                          confirmed: Annotated[ElicitationResult[Confirm], Resolve(confirm)],
                          hold_back_share: Annotated[float, Field(
                              ge=0, le=0.5, description="with the operator's consent: of 4 or more approvals of "
                              "one kind, hold this random share back (not executed) as an experiment's control "
                              "group; its lift is reported once enough data has come in")] = 0.0,
                          ) -> Annotated[CallToolResult, BulkOut]:
        now = app.deps.now()
        ok_to_approve = is_confirmed(confirmed)
        batch = []
        results: list[dict[str, Any]] = []
        for item in items:
            if item.decision == "approve" and not ok_to_approve:
                results.append({"action_id": item.action_id, "ok": False, "code": "not_confirmed",
                                "message": "approval not confirmed; nothing changed"})
                continue
            try:
                until = when(item.until, now) if item.decision == "snooze" else None
            except InvalidInput as exc:
                results.append({"action_id": item.action_id, "ok": False, **exc.to_dict()})
                continue
            batch.append(decisions.BulkItem(item.action_id, item.version, item.decision, item.reason, None, until))
        if batch:
            results += await decisions.bulk_decide(app.deps, current(), items=batch,
                                                   holdout_share=hold_back_share or None)
        out = BulkOut(results=dump(results))
        return ok(out, render.bulk(out.results))

    return bulk_decide


def rollback_action(app: App) -> Body:
    async def rollback_action(action_id: ActionId, reason: str = "") -> Annotated[CallToolResult, RollbackOut]:
        out = RollbackOut(**dump(await rollback.rollback(app.deps, current(), action_id=action_id, reason=reason)))
        return ok(out, f"#{out.action_id} rolled back; restored {mapping(out.restored)}"
                       + (f"; {out.held}." if out.held else "."))

    return rollback_action


def when(text: str | None, now: datetime) -> datetime:
    """An ISO time, or words such as 'tomorrow', 'monday', 'in 3 days'."""
    if not text:
        raise InvalidInput("until is required: an ISO time or words such as 'monday'", code="invalid_until")
    try:
        value = datetime.fromisoformat(text)
        return value if value.tzinfo else value.replace(tzinfo=timezone.utc)
    except ValueError:
        pass
    found = parse_when(text, now)
    if found is None:
        raise InvalidInput(f"cannot read {text!r} as a time; use ISO 8601 or words like 'tomorrow'",
                           code="invalid_until")
    return found


TOOLS = (
    ToolSpec("approve_action", "actions.approve", ann("Approve an action", destructive=True, idempotent=True),
             "Approve the version you reviewed; it executes at once unless the kill switch or a rate limit holds it. "
             "High and critical actions ask you to confirm where the client can ask.", approve_action),
    ToolSpec("edit_and_approve", "actions.edit_approve", ann("Edit and approve", destructive=True, idempotent=True),
             "Change some params of the version you reviewed (validated and re-classified) and approve the new "
             "version.", edit_and_approve),
    ToolSpec("reject_action", "actions.reject", ann("Reject an action", idempotent=True),
             "Reject the version you reviewed, with the reason the proposing agent learns from.", reject_action),
    ToolSpec("snooze_action", "actions.snooze", ann("Snooze an action", idempotent=True),
             "Put an action aside until a time (ISO 8601, or words such as 'tomorrow', 'monday', 'in 3 days').",
             snooze_action),
    ToolSpec("bulk_decide", "actions.bulk_decide", ann("Decide several actions", destructive=True, idempotent=True),
             "Several decisions at once, each bound to its own action version and reported on its own.", bulk_decide),
    ToolSpec("rollback_action", "actions.rollback", ann("Roll an action back", destructive=True, idempotent=True),
             "Restore what an executed action changed, from its recorded before-state. Refuses when the target "
             "changed since.", rollback_action),
)
