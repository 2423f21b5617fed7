"""Proposing, listing and reading actions."""

from __future__ import annotations

from dataclasses import dataclass
from decimal import ROUND_HALF_UP, Decimal
from typing import Any

from pydantic import ValidationError

from policies import calibration, memory
from policies.autonomy import decide_autonomy
from policies.decision import Outcome
from policies.digest import canonical_json, version_digest
from policies.guardrails import check_proposal
from policies.kinds import KINDS
from policies.lifecycle import LIVE, SUPERSEDABLE, Status, expires_at
from policies.principal import Principal
from policies.proposal import Proposal
from policies.ranking import score
from policies.risk import classify
from policies.tiers import RiskTier
from tools.audit import record
from tools import delivery_view
from tools.deps import Deps, Tx
from tools.learning import calibration_for
from tools.outcomes import outcome_of
from tools.errors import Conflict, Forbidden, InvalidInput, NotFound, ToolError
from tools.pii import protect, protect_text
from tools.limits import tier_in_total
from tools.rules import check_action
from tools.standing import Standing, standing
from tools.records import ActionRecord, NewAction
from tools.registry import operation
from tools.validation import describe, parse_action_id
from tools.views import ActionSummaryView, ActionView, action_view, summary_view


@dataclass(frozen=True, slots=True)
class ProposeResult:
    action: ActionView
    #: "created", "superseded" (an older live proposal was replaced) or "unchanged"
    outcome: str
    superseded_id: int | None = None
    execution: dict[str, Any] | None = None


def validate_proposal(deps: Deps, raw: dict[str, Any] | Proposal) -> tuple[Proposal, Any]:
    """Every check that needs no database: shape, sizes, kind, params, target, guardrails."""
    if isinstance(raw, dict):
        params_size = len(canonical_json(raw.get("params", {})).encode())
        if params_size > deps.config.max_params_bytes:
            raise InvalidInput(f"params are {params_size} bytes; the limit is {deps.config.max_params_bytes}",
                               code="payload_too_large")
        evidence_size = len(canonical_json(raw.get("evidence", [])).encode())
        if evidence_size > deps.config.max_evidence_bytes:
            raise InvalidInput(f"evidence is {evidence_size} bytes; the limit is "
                               f"{deps.config.max_evidence_bytes}", code="payload_too_large")
        try:
            proposal = Proposal.model_validate(raw)
        except ValidationError as exc:
            raise InvalidInput(f"invalid proposal: {describe(exc)}", code="invalid_proposal") from exc
    else:
        proposal = raw
    spec = KINDS.get(proposal.kind)
    if spec is None:
        raise InvalidInput(f"unknown action kind {proposal.kind!r}; known kinds: {', '.join(sorted(KINDS))}",
                           code="unknown_kind")
    try:
        params = spec.params.model_validate(proposal.params)
    except ValidationError as exc:
        raise InvalidInput(f"params do not fit {proposal.kind}: {describe(exc)}", code="invalid_params") from exc
    prefix = proposal.target.split(":", 1)[0]
    if prefix not in spec.target_prefixes:
        raise InvalidInput(f"{proposal.kind} targets {' or '.join(p + ':…' for p in spec.target_prefixes)}, "
                           f"not {prefix}:…", code="invalid_target")
    guard = check_proposal(proposal)
    if guard.denied:
        raise InvalidInput(guard.reason, code=guard.code)
    return proposal, params


@dataclass(frozen=True, slots=True)
class _Prepared:
    proposal: Proposal
    params: dict[str, Any]
    tier: RiskTier
    digest: str


def _prepare(deps: Deps, raw: dict[str, Any] | Proposal) -> _Prepared:
    proposal, params = validate_proposal(deps, raw)
    params_json = params.model_dump(mode="json")
    return _Prepared(proposal, params_json, classify(proposal.kind, params),
                     version_digest(proposal.kind, proposal.target, params_json))


async def _store(tx: Tx, deps: Deps, principal: Principal, item: _Prepared, standing: Standing,
                 run_id: int | None) -> ProposeResult:
    """Dedupe, supersede, classify for autonomy and insert one prepared proposal, in the caller's transaction.
    ``standing`` (rules, held-back controls, changes being measured: ``tools.standing``) is read once in it by
    the caller."""
    proposal, params_json, tier, digest = item.proposal, item.params, item.tier, item.digest
    spec = KINDS[proposal.kind]
    now = deps.now()
    tenant_row = await tx.tenants.ensure(name=principal.tenant, now=now)
    # What people wrote travels as PII references; the raw values go to the vault.
    title, rationale = await protect_text(tx, deps, proposal.title), await protect_text(tx, deps, proposal.rationale)
    params_stored = await protect(tx, deps, params_json) if spec.customer_text else params_json
    live = await tx.actions.get_live(proposal.kind, proposal.target)
    if live is not None and live.digest == digest and live.status in SUPERSEDABLE:
        return ProposeResult(action_view(live), "unchanged")
    if live is not None and live.status not in SUPERSEDABLE:
        raise Conflict(f"action #{live.id} for {proposal.target} is already {live.status}; "
                       "a new proposal can follow once it finishes", code="in_flight", action_id=live.id)
    standing.refuse(proposal, params_json)
    # remembered refusals hold for a newer version of a returning proposal too
    # the learning loop's correction for this agent's kind (tools.learning); a returning proposal is compared
    # with its refused self as corrected alike, so a calibration never makes evidence look changed
    learned = await calibration_for(tx, proposal.agent, proposal.kind)
    recalled = await _recall(tx, proposal, now, revenue_ratio=learned.revenue_ratio)
    if recalled.blocked:
        raise Conflict(f"{recalled.note} It stays away until {recalled.until:%-d %b} unless its evidence changes "
                       "materially", code="recently_refused")
    confidence = proposal.confidence * (memory.RETURNING_CONFIDENCE if recalled.returning else 1.0)
    if recalled.note:
        rationale = f"{recalled.note} {rationale}".strip()
    # the correction, named in the arithmetic
    cal = calibration.apply(learned, confidence=confidence, expected_revenue=proposal.expected_revenue,
                            revenue_inputs=[r.model_dump(mode="json", exclude_defaults=True)
                                            for r in proposal.revenue_inputs],
                            revenue_formula=proposal.revenue_formula)
    confidence = cal.confidence
    if cal.note:
        rationale = f"{rationale} {cal.note}".strip()
    # price changes and markdowns classify by the total they bring the price to (limits across actions)
    tier, _ = await tier_in_total(tx, proposal.kind, proposal.target, params_json, tier, now)
    level = tenant_row.overrides.get(proposal.kind, tenant_row.autonomy_level)
    verdict = decide_autonomy(level, tier, spec)
    if standing.rules:
        ruled = await check_action(tx, deps, proposal.kind, proposal.target, params_json, standing.rules)
        if ruled.denied:
            raise Forbidden(ruled.reason, code=ruled.code)
        if ruled.outcome is Outcome.REQUIRE_APPROVAL:
            verdict = ruled
    status = Status.AUTO_APPROVED if verdict.allowed else Status.PENDING_APPROVAL
    if live is not None:
        await tx.actions.transition(live.id, from_statuses=SUPERSEDABLE, to=Status.SUPERSEDED, now=now)
    new = await tx.actions.insert(NewAction(
        kind=proposal.kind, target=proposal.target, agent=proposal.agent, title=title,
        rationale=rationale, status=status, digest=digest, params=params_stored, risk_tier=tier,
        expected_revenue=cal.expected_revenue, confidence=confidence, ease=proposal.ease,
        score=score(cal.expected_revenue, confidence, proposal.ease),
        evidence=[e.model_dump(mode="json") for e in proposal.evidence],
        evidence_at=proposal.evidence_at(),
        rollback_plan=proposal.rollback_plan.model_dump(mode="json") if proposal.rollback_plan else {},
        revenue_inputs=cal.revenue_inputs, revenue_formula=cal.revenue_formula, run_id=run_id,
        expires_at=None if verdict.allowed else expires_at(tier, now),
    ), now=now, created_by=principal.subject)
    await record(tx, deps, actor=principal.subject, event="action.proposed", subject=f"action:{new.id}",
                 data={"kind": new.kind, "target": new.target, "risk_tier": tier.value, "status": status.value,
                       "score": new.score, "version": 1, "digest": digest, "autonomy": verdict.reason,
                       "returning": recalled.note or None})
    superseded_id = None
    if live is not None:
        superseded_id = live.id
        await tx.actions.transition(live.id, from_statuses=frozenset({Status.SUPERSEDED}),
                                    to=Status.SUPERSEDED, now=now, fields={"superseded_by": new.id})
        await record(tx, deps, actor=principal.subject, event="action.superseded", subject=f"action:{live.id}",
                     data={"superseded_by": new.id})
    if verdict.allowed:
        await tx.actions.add_decision(action=new, verdict="auto_approve", principal="system:autonomy",
                                      role="system", reason=verdict.reason, until=None, now=now)
        await record(tx, deps, actor="system:autonomy", event="action.auto_approved",
                     subject=f"action:{new.id}", data={"reason": verdict.reason})
    return ProposeResult(action_view(new), "superseded" if live else "created", superseded_id)


async def _recall(tx: Tx, proposal: Proposal, now: Any, *, revenue_ratio: float = 1.0) -> memory.Recall:
    """What the operator decided before on this kind and target, and whether it may come back now."""
    row = await tx.actions.last_refusal(proposal.kind, proposal.target)
    if row is None:
        return memory.Recall(False)
    tier = RiskTier(row["risk_tier"])
    refusal = memory.Refusal(row["id"], row["status"], row["reason"], row["at"], tier,
                             memory.measure(proposal.kind, row["evidence"], row["expected_revenue"]))
    now_measure = memory.measure(proposal.kind, [e.model_dump(mode="json") for e in proposal.evidence],
                                 proposal.expected_revenue * revenue_ratio)
    return memory.recall(proposal.kind, refusal, now_measure, now)


async def _after(deps: Deps, tenant: str, result: ProposeResult, execute_now: bool) -> ProposeResult:
    await deps.changed(tenant, result.action.id)
    if execute_now and result.outcome != "unchanged" and result.action.status == Status.AUTO_APPROVED:
        from tools.execution import execute

        outcome = await execute(deps, tenant, result.action.id)
        current = outcome.record or await deps.db.query(tenant, lambda tx: load(tx, result.action.id))
        return ProposeResult(action_view(current), result.outcome, result.superseded_id, outcome.as_dict())
    return result


async def propose(deps: Deps, principal: Principal, raw: dict[str, Any] | Proposal, *,
                  run_id: int | None = None, execute_now: bool = True) -> ProposeResult:
    """Validate, classify, dedupe, rank and store one proposal; auto-execute if policy allows."""
    item = _prepare(deps, raw)

    async def txn(tx: Tx) -> ProposeResult:
        return await _store(tx, deps, principal, item, await standing(tx, deps.now()), run_id)

    result = await deps.db.transact(principal.tenant, txn)
    return await _after(deps, principal.tenant, result, execute_now)


async def propose_many(deps: Deps, principal: Principal, raws: list[dict[str, Any]], *,
                       run_id: int | None = None) -> list[ProposeResult | ToolError]:
    """A run's proposals in one transaction, each in its own savepoint: one refused proposal
    (invalid, in flight, against a standing preference) is reported and the rest still land."""
    out: list[ProposeResult | ToolError | None] = []
    prepared: list[tuple[int, _Prepared]] = []
    for raw in raws:
        try:
            prepared.append((len(out), _prepare(deps, raw)))
            out.append(None)
        except ToolError as exc:
            out.append(exc)
    async def txn(tx: Tx) -> list[tuple[int, ProposeResult | ToolError]]:
        done: list[tuple[int, ProposeResult | ToolError]] = []
        holds = await standing(tx, deps.now())
        for i, item in prepared:
            try:
                async with tx.savepoint():
                    done.append((i, await _store(tx, deps, principal, item, holds, run_id)))
            except ToolError as exc:
                done.append((i, exc))
        return done

    for i, result in await deps.db.transact(principal.tenant, txn):
        out[i] = result if isinstance(result, ToolError) else await _after(deps, principal.tenant, result, True)
    return [r for r in out if r is not None]


async def withdraw_stale(deps: Deps, principal: Principal, *, agent: str, keep: set[tuple[str, str]],
                         run_id: int) -> list[int]:
    """An agent's earlier waiting proposals that its fresh run no longer finds: ``withdrawn``, audited."""
    async def txn(tx: Tx) -> list[int]:
        now = deps.now()
        gone = []
        for a in await tx.actions.ranked(statuses=frozenset({Status.PENDING_APPROVAL}), agent=agent, limit=1000):
            if (a.kind, a.target) in keep:
                continue
            moved = await tx.actions.transition(a.id, from_statuses=frozenset({Status.PENDING_APPROVAL}),
                                                to=Status.WITHDRAWN, now=now, version=a.version)
            if moved is not None:
                gone.append(a.id)
                await record(tx, deps, actor=principal.subject, event="action.withdrawn", subject=f"action:{a.id}",
                             data={"run_id": run_id, "reason": "the agent's fresh run no longer finds it"})
        return gone

    gone = await deps.db.transact(principal.tenant, txn)
    for action_id in gone:
        await deps.changed(principal.tenant, action_id)
    return gone


@operation("actions.propose")
async def propose_op(deps: Deps, principal: Principal, *, proposal: dict[str, Any]) -> ProposeResult:
    return await propose(deps, principal, proposal)


PENDING = frozenset({Status.PENDING_APPROVAL})


def parse_statuses(raw: str | None) -> frozenset[Status] | None:
    """``None``/"live" -> live statuses; "all" -> no filter; "pending" -> pending approval."""
    if raw in (None, "", "live"):
        return LIVE
    if raw == "all":
        return None
    if raw == "pending":
        return PENDING
    try:
        return frozenset(Status(s.strip()) for s in raw.split(","))
    except ValueError as exc:
        raise InvalidInput(f"unknown status in {raw!r}; use one of: live, all, pending, "
                           + ", ".join(s.value for s in Status), code="invalid_status") from exc


@operation("actions.list")
async def list_actions(deps: Deps, principal: Principal, *, status: str | None = None,
                       agent: str | None = None, kind: str | None = None, risk_tier: str | None = None,
                       limit: int = 50, offset: int = 0) -> list[ActionSummaryView]:
    """Actions ranked best first (score, then evidence freshness, then lower risk); ``offset`` pages on."""
    if not 1 <= limit <= 1000:
        raise InvalidInput("limit must be between 1 and 1000", code="invalid_limit")
    if not 0 <= offset <= 1_000_000:
        raise InvalidInput("offset must be between 0 and 1,000,000", code="invalid_offset")
    try:
        tier = RiskTier(risk_tier) if risk_tier else None
    except ValueError as exc:
        raise InvalidInput(f"unknown risk tier {risk_tier!r}", code="invalid_risk_tier") from exc
    agents = sorted({k.agent for k in KINDS.values()})
    if agent is not None and agent not in agents:
        raise InvalidInput(f"unknown agent {agent!r}; agents that propose: {', '.join(agents)}", code="unknown_agent")
    if kind is not None and kind not in KINDS:
        raise InvalidInput(f"unknown kind {kind!r}; kinds: {', '.join(sorted(KINDS))}", code="unknown_kind")
    statuses = parse_statuses(status)
    rows = await deps.db.query(principal.tenant, lambda tx: tx.actions.ranked(
        statuses=statuses, agent=agent, kind=kind, risk_tier=tier, limit=limit, offset=offset))
    return [summary_view(r) for r in rows]


async def load(tx: Tx, raw_id: Any) -> ActionRecord:
    action_id = parse_action_id(raw_id)
    action = await tx.actions.get(action_id)
    if action is None:
        raise NotFound(f"there is no action #{action_id} in this store", action_id=action_id)
    return action


@operation("actions.get")
async def get_action(deps: Deps, principal: Principal, *, action_id: Any) -> dict[str, Any]:
    """One action with its versions, decisions, execution and outbox events."""
    async def q(tx: Tx) -> tuple[Any, ...]:
        action = await load(tx, action_id)
        return (action, await tx.executions.for_action(action.id), await tx.outbox.for_action(action.id),
                await tx.actions.versions(action.id), await tx.actions.decisions(action.id),
                await tx.deliveries.for_action(action.id), await outcome_of(tx, action.id))

    action, execution, outbox, versions, decisions, deliveries, outcome = await deps.db.query(principal.tenant, q)
    return {
        "action": action_view(action).model_dump(mode="json"),
        "versions": versions,
        "decisions": decisions,
        "execution": None if execution is None else {
            "status": execution.status, "version": execution.version, "executor": execution.executor,
            "before": execution.before_state, "after": execution.after_state,
            "at": execution.finished_at, "rolled_back_at": execution.rolled_back_at,
            **({"error": execution.error} if execution.error else {}),
        },
        "outbox": [{"topic": o.topic, "payload": o.payload, "at": o.created_at, "delivered_at": o.delivered_at}
                   for o in outbox],
        # where the live store stands, beside the action's own status (executed means the engine's copy only)
        "delivery": delivery_view.view(deliveries, executed=execution is not None),
        "explanation": explain(action),
        # what the action earned, measured against untouched controls (None until first measured)
        "outcome": outcome,
    }


def explain(a: ActionRecord) -> dict[str, Any]:
    """Why this rank: the score arithmetic with each input and its source."""
    return {
        # every factor with the digits it has, so the shown factors multiply to the shown score
        "score": f"{exact(a.expected_revenue, ',.2f')} expected profit × {exact(a.confidence)} confidence × "
                 f"{exact(a.ease)} ease = {half_up(a.score)}",
        "expected_revenue": {"formula": a.revenue_formula, "inputs": a.revenue_inputs},
        # the learning loop's correction, when one applied (None: the agent's own forecast stands)
        "calibration": next((i["source"] for i in a.revenue_inputs if i.get("name") == "calibration"), None),
        "risk": f"{a.risk_tier.value}: set by policy for {a.kind}"
                + (" (raised by its amount)" if a.risk_tier != KINDS[a.kind].base_tier else ""),
        "rollback": a.rollback_plan,
        "evidence": a.evidence,
    }


def half_up(value: float) -> str:
    """Cents rounded as on paper: 31.50 × 0.25 × 0.60 = 4.725 shows 4.73 (the float 4.72499… would show 4.72)."""
    return format(Decimal(repr(value)).quantize(Decimal("0.01"), rounding=ROUND_HALF_UP), ",.2f")


def exact(value: float, spec: str = ".2f") -> str:
    """``value`` formatted by ``spec``, with more decimals (up to six) where ``spec`` would round it."""
    text = format(value, spec)
    for places in range(3, 7):
        if float(text.replace(",", "")) == round(value, 6):
            break
        text = format(value, spec.replace(".2f", f".{places}f"))
    return text
