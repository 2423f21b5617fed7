"""Decisions on actions: approve, reject, edit-and-approve, snooze, and bulk.

A decision names the version it was taken on; if the action has changed since
(an edit, a newer proposal) the decision fails closed. Approving hands the action
to the executor at once; the kill switch or a rate limit may hold it, approved.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from enum import StrEnum
from typing import Any

from pydantic import ValidationError

from policies.digest import version_digest
from policies.edits import rederive
from policies.ranking import score
from policies.kinds import KINDS
from policies.lifecycle import DECIDABLE, MAX_SNOOZE, Status, is_expired
from policies.abac import authorize
from policies.principal import Principal
from policies.risk import classify
from policies.tiers import RiskTier
from tools.actions import load
from tools.audit import record
from tools.deps import Deps, Tx
from tools.errors import Conflict, InvalidInput, ToolError
from tools.execution import execute
from tools.pii import protect, protect_text
from tools.records import ActionRecord
from tools.registry import enforce, operation
from tools.limits import tier_in_total
from tools.rules import check_action
from tools.validation import describe, parse_action_id
from tools.views import ActionView, action_view


class Verdict(StrEnum):
    APPROVE = "approve"
    REJECT = "reject"
    EDIT_APPROVE = "edit_approve"
    SNOOZE = "snooze"


_OPERATION = {Verdict.APPROVE: "actions.approve", Verdict.REJECT: "actions.reject",
              Verdict.EDIT_APPROVE: "actions.edit_approve", Verdict.SNOOZE: "actions.snooze"}
_PAST = {Verdict.APPROVE: Status.APPROVED, Verdict.REJECT: Status.REJECTED,
         Verdict.EDIT_APPROVE: Status.APPROVED, Verdict.SNOOZE: Status.SNOOZED}


@dataclass(frozen=True, slots=True)
class DecisionResult:
    action: ActionView
    verdict: str
    #: set for approvals: what the executor did with it
    execution: dict[str, Any] | None = None
    #: set for edit-and-approve when policy re-classified the edit
    reclassified: dict[str, str] | None = None


def _check_current(action: ActionRecord, version: int, now: datetime) -> str | None:
    """Why a decision on ``version`` cannot stand (None when it can).

    A version above the current one never existed (versions count up from 1 and only an edit adds
    one): that is a mistake about the action, not a change to it, and is named as such first.
    """
    if version > action.version:
        return "unknown_version"
    if action.status not in DECIDABLE:
        return "already_decided"
    if action.version != version:
        return "version_mismatch"
    if action.status == Status.PENDING_APPROVAL and is_expired(action.expires_at, now):
        return "expired"
    return None


def _conflict(action: ActionRecord, code: str, version: int) -> ToolError:
    if code == "unknown_version":
        has = ("it has only version 1, the current one" if action.version == 1 else
               f"its versions are 1 to {action.version}, and {action.version} is the current one")
        return InvalidInput(f"action #{action.id} has no version {version}: {has}. Nothing changed; review version "
                            f"{action.version} and decide on it (its version is shown by growth actions show, and by "
                            "get_action over MCP)",
                            code="unknown_version", action_id=action.id, status=action.status.value,
                            current_version=action.version)
    messages = {
        "already_decided": f"action #{action.id} is already {action.status.value}; nothing changed",
        "version_mismatch": f"action #{action.id} changed after you reviewed it: you decided on version {version}, "
                            f"it is now version {action.version}. Nothing changed; review version "
                            f"{action.version} and decide on it",
        "expired": f"action #{action.id} expired before it was decided; it was not executed",
    }
    return Conflict(messages[code], code=code, action_id=action.id, status=action.status.value,
                    current_version=action.version)


async def decide(deps: Deps, principal: Principal, *, action_id: Any, version: int, verdict: Verdict | str,
                 reason: str = "", params: dict[str, Any] | None = None,
                 until: datetime | None = None) -> DecisionResult:
    """Take one decision bound to one action version."""
    verdict = Verdict(verdict)
    action_id = parse_action_id(action_id)
    if not isinstance(version, int) or isinstance(version, bool) or version < 1:
        raise InvalidInput("version must be the positive version number you reviewed", code="invalid_version")
    reason = (reason or "").strip()
    if verdict is Verdict.REJECT and not reason:
        raise InvalidInput("say why you reject it: the reason teaches the agent", code="reason_required")
    if verdict is Verdict.EDIT_APPROVE and not params:
        raise InvalidInput("edit-and-approve needs the params to change", code="invalid_params")
    if verdict is Verdict.SNOOZE:
        _check_snooze(until, deps.now())
    tenant = principal.tenant
    operation_name = _OPERATION[verdict]

    async def txn(tx: Tx) -> tuple[DecisionResult | None, ToolError | None, RiskTier | None]:
        now = deps.now()
        action = await load(tx, action_id)
        problem = _check_current(action, version, now)
        if problem == "expired":
            await tx.actions.transition(action.id, from_statuses=frozenset({Status.PENDING_APPROVAL}),
                                        to=Status.EXPIRED, now=now)
            await record(tx, deps, actor="system:expiry", event="action.expired", subject=f"action:{action.id}",
                         data={"reason": "not decided before its deadline; not executed"})
        if problem:
            return None, _conflict(action, problem, version), None
        edited = preview_edit(action, params) if verdict is Verdict.EDIT_APPROVE else None
        if edited is not None:
            # an edited price classifies by the total it brings the price to, like a proposal
            edited = (edited[0], edited[1], (await tier_in_total(tx, action.kind, action.target, edited[0],
                                                                  edited[2], now))[0])
        # The tier-dependent rule (only the operator approves a critical action) is decided on the
        # tier of the exact version being approved: for an edit, the edited version's tier.
        tier = edited[2] if edited else (await tier_in_total(tx, action.kind, action.target, action.params,
                                                              action.risk_tier, now))[0]
        if not authorize(principal, operation_name, tenant, risk_tier=tier).allowed:
            return None, None, tier
        if verdict in (Verdict.APPROVE, Verdict.EDIT_APPROVE):
            # a rule made after the proposal still holds: what it forbids is never approved
            standing = await check_action(tx, deps, action.kind, action.target, edited[0] if edited else action.params)
            if standing.denied:
                return None, Conflict(f"action #{action.id} breaks {standing.reason}; reject it, or forget the rule "
                                      "first", code="rule_forbids", action_id=action.id,
                                      status=action.status.value), None
        reclassified = None
        if edited is not None:
            new_params, digest, new_tier = edited
            if KINDS[action.kind].customer_text:
                new_params = await protect(tx, deps, new_params)  # as a proposal's: references, never raw
            again = rederive(action.kind, title=action.title, expected_revenue=action.expected_revenue,
                             revenue_inputs=action.revenue_inputs, old=action.params, new=new_params)
            derived = {"title": again.title, "expected_revenue": again.expected_revenue,
                       "revenue_inputs": again.revenue_inputs,
                       "score": score(again.expected_revenue, action.confidence, action.ease)}
            if again.revenue_formula:
                derived["revenue_formula"] = again.revenue_formula
            changed = await tx.actions.new_version(action.id, expected_version=version, params=new_params,
                                                   digest=digest, risk_tier=new_tier, by=principal.subject, now=now,
                                                   derived=derived)
            if changed is None:
                return None, _conflict(await load(tx, action.id), "already_decided", version), None
            if new_tier != action.risk_tier:
                reclassified = {"from": action.risk_tier.value, "to": new_tier.value}
            await record(tx, deps, actor=principal.subject, event="action.edited", subject=f"action:{action.id}",
                         data={"version": changed.version, "digest": digest, "params": new_params,
                               "risk_tier": new_tier.value, "reclassified": reclassified})
            action = changed
        fields: dict[str, Any] = {"decided_by": principal.subject, "decided_at": now}
        stored_reason = await protect_text(tx, deps, reason)
        if verdict is Verdict.SNOOZE:
            fields["snoozed_until"] = until
        moved = await tx.actions.transition(action.id, from_statuses=DECIDABLE, to=_PAST[verdict], now=now,
                                            version=action.version, fields=fields)
        if moved is None:
            return None, _conflict(await load(tx, action.id), "already_decided", version), None
        await tx.actions.add_decision(action=moved, verdict=verdict.value, principal=principal.subject,
                                      role=principal.role.value, reason=stored_reason, until=until, now=now)
        await record(tx, deps, actor=principal.subject, event=f"action.{_PAST[verdict].value}",
                     subject=f"action:{moved.id}",
                     data={"version": moved.version, "digest": moved.digest, "reason": reason,
                           "until": until.isoformat() if until else None, "risk_tier": moved.risk_tier.value})
        return DecisionResult(action_view(moved), verdict.value, reclassified=reclassified), None, None

    result, conflict, denied_tier = await deps.db.transact(tenant, txn)
    if denied_tier is not None:
        await enforce(deps, principal, operation_name, tenant, risk_tier=denied_tier)  # audits, then raises
    if conflict is not None:
        raise conflict
    assert result is not None
    await deps.changed(tenant, action_id)
    if verdict in (Verdict.APPROVE, Verdict.EDIT_APPROVE):
        outcome = await execute(deps, tenant, action_id)
        current = outcome.record or await deps.db.query(tenant, lambda tx: load(tx, action_id))
        await deps.changed(tenant, action_id)
        return DecisionResult(action_view(current), result.verdict, outcome.as_dict(), result.reclassified)
    return result


def preview_edit(action: ActionRecord, patch: dict[str, Any] | None) -> tuple[dict[str, Any], str, RiskTier]:
    """Validate and re-classify edited params: (params, digest, tier). Raises InvalidInput."""
    spec = KINDS[action.kind]
    try:
        model = spec.params.model_validate({**action.params, **(patch or {})})
    except ValidationError as exc:
        raise InvalidInput(f"the edit does not fit {action.kind}: {describe(exc)}", code="invalid_params") from exc
    new_params = model.model_dump(mode="json")
    return new_params, version_digest(action.kind, action.target, new_params), classify(action.kind, model)


def _check_snooze(until: datetime | None, now: datetime) -> None:
    if until is None:
        raise InvalidInput("snooze needs a time to come back (until)", code="invalid_until")
    if until.tzinfo is None:
        raise InvalidInput("until must carry a timezone", code="invalid_until")
    if until <= now:
        raise InvalidInput("until must be in the future", code="invalid_until")
    if until - now > MAX_SNOOZE:
        # the day asked for is named: "after black friday" said just after it is next year's
        raise InvalidInput(f"{until:%a %-d %b %Y} is {(until - now).days} days away, and a snooze lasts at most "
                           f"{MAX_SNOOZE.days} days (until {now + MAX_SNOOZE:%a %-d %b %Y}); nothing changed",
                           code="invalid_until")


@operation("actions.approve")
async def approve_op(deps: Deps, principal: Principal, *, action_id: Any, version: int,
                     reason: str = "") -> DecisionResult:
    return await decide(deps, principal, action_id=action_id, version=version, verdict=Verdict.APPROVE,
                        reason=reason)


@operation("actions.reject")
async def reject_op(deps: Deps, principal: Principal, *, action_id: Any, version: int,
                    reason: str) -> DecisionResult:
    return await decide(deps, principal, action_id=action_id, version=version, verdict=Verdict.REJECT,
                        reason=reason)


@operation("actions.edit_approve")
async def edit_approve_op(deps: Deps, principal: Principal, *, action_id: Any, version: int,
                          params: dict[str, Any], reason: str = "") -> DecisionResult:
    return await decide(deps, principal, action_id=action_id, version=version, verdict=Verdict.EDIT_APPROVE,
                        params=params, reason=reason)


@operation("actions.snooze")
async def snooze_op(deps: Deps, principal: Principal, *, action_id: Any, version: int,
                    until: datetime, reason: str = "") -> DecisionResult:
    return await decide(deps, principal, action_id=action_id, version=version, verdict=Verdict.SNOOZE,
                        until=until, reason=reason)


@dataclass(frozen=True, slots=True)
class BulkItem:
    action_id: Any
    version: int
    verdict: str
    reason: str = ""
    params: dict[str, Any] | None = None
    until: datetime | None = None


@operation("actions.bulk_decide")
async def bulk_decide(deps: Deps, principal: Principal, *, items: list[BulkItem],
                      holdout_share: float | None = None) -> list[dict[str, Any]]:
    """Each decision is bound to its own item and reported on its own; one failure stops nothing.

    ``holdout_share`` (the operator's consent to an experiment): of four or more approvals of one kind,
    that random share is held back, not executed, as a control group (``tools.experiments``).
    """
    if not items:
        raise InvalidInput("bulk decision without items", code="invalid_input")
    if len(items) > 200:
        raise InvalidInput("at most 200 decisions at once", code="payload_too_large")
    results: list[dict[str, Any]] = []
    if holdout_share:
        from tools.experiments import hold_back

        items, results = await hold_back(deps, principal, items, holdout_share)
    for item in items:
        try:
            res = await decide(deps, principal, action_id=item.action_id, version=item.version,
                               verdict=item.verdict, reason=item.reason, params=item.params, until=item.until)
            results.append({"action_id": res.action.id, "ok": True, "status": res.action.status,
                            "execution": res.execution})
        except ToolError as exc:
            results.append({"action_id": str(item.action_id), "ok": False, **exc.to_dict()})
        except (ValueError, OverflowError) as exc:
            results.append({"action_id": str(item.action_id)[:40], "ok": False, "code": "invalid_input",
                            "message": str(exc)[:300]})
    return results

