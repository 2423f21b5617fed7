"""Experiments: similar actions approved together, a random share held back (with the operator's consent).

When the operator approves several actions of one kind at once and asks for a control group, a random
share of them is held back: not executed, ``withdrawn`` with a ``hold_back`` decision (never counted as
a rejection). Once enough days have passed, the lift is the treated targets' change less the held-back
targets' change over the same days, with its interval. While it runs, nothing treats a held-back page or
SKU (``tools.standing``). The operator sees each experiment and its lift
(``experiments.read``) and may end one early (``experiments.end``): consent given can be taken back, and
the held-back targets are free again; the lift measured so far is kept, marked final.
"""

from __future__ import annotations

import secrets
from collections import defaultdict
from datetime import date
from statistics import fmean
from typing import Any

from policies import outcomes as po
from policies.lifecycle import DECIDABLE, Status
from policies.principal import Principal
from tools.audit import record
from tools.deps import Deps, Tx
from tools.errors import Conflict, InvalidInput, NotFound
from tools.pii import protect_text
from tools.registry import enforce, operation
from tools.validation import parse_action_id

#: the longest reason for ending an experiment that is kept
REASON_MAX = 500


async def hold_back(deps: Deps, principal: Principal, items: list[Any], share: float) -> tuple[list[Any],
                                                                                                list[dict[str, Any]]]:
    """Split the approvals among ``items`` kind by kind: a random ``share`` is held back as a control.

    Returns the items still to decide (the treated approvals and everything else) and one result per
    held-back action. Kinds with fewer than ``policies.outcomes.MIN_EXPERIMENT`` approvals are left whole.
    """
    if not 0 < share <= po.MAX_SHARE:
        raise InvalidInput(f"hold back a share above 0 and at most {po.MAX_SHARE:g} of the approvals, not {share:g}",
                           code="invalid_holdout")
    approvals = {}
    for item in items:
        if item.verdict == "approve" and _int(item.action_id) is not None:
            approvals[_int(item.action_id)] = item
    if not approvals:
        return items, []
    rows = await deps.db.query(principal.tenant, lambda tx: tx.outcomes.actions(list(approvals)))
    by_kind: dict[str, list[int]] = defaultdict(list)
    for r in rows:
        by_kind[r["kind"]].append(r["id"])
    held: dict[int, tuple[str, int]] = {}
    plans = []
    for kind, ids in by_kind.items():
        if kind not in po.METRICS or po.METRICS[kind][1] == "order" or len(ids) < po.MIN_EXPERIMENT:
            continue
        plan = po.holdout(ids, share, secrets.randbits(32))
        plans.append((kind, plan))
    if not plans:
        return items, []
    for kind, plan in plans:
        for i in plan.control:
            held[i] = (kind, approvals[i].version)
    # holding back is deciding: the principal must be allowed to approve them (same gate, same tiers)
    actions = await deps.db.query(principal.tenant, lambda tx: _load_many(tx, list(held)))
    for a in actions.values():
        await enforce(deps, principal, "actions.approve", principal.tenant, risk_tier=a.risk_tier)

    async def txn(tx: Tx) -> list[dict[str, Any]]:
        now = deps.now()
        out = []
        for kind, plan in plans:
            exp_id = await tx.outcomes.add_experiment(
                kind=kind, treated=plan.treated, control=plan.control, share=share, by=principal.subject,
                note=f"random split (seed {plan.seed}) of {len(plan.treated) + len(plan.control)} approvals",
                now=now)
            for i in plan.control:
                moved = await tx.actions.transition(i, from_statuses=DECIDABLE, to=Status.WITHDRAWN, now=now,
                                                    version=held[i][1],
                                                    fields={"decided_by": principal.subject, "decided_at": now})
                if moved is None:
                    out.append({"action_id": i, "ok": False, "code": "already_decided",
                                "message": f"action #{i} changed or was decided before it could be held back"})
                    continue
                reason = f"held back as the control group of experiment #{exp_id} (not executed)"
                await tx.actions.add_decision(action=moved, verdict="hold_back", principal=principal.subject,
                                              role=principal.role.value, reason=reason, until=None, now=now)
                await record(tx, deps, actor=principal.subject, event="action.held_back", subject=f"action:{i}",
                             data={"experiment": exp_id, "version": moved.version})
                out.append({"action_id": i, "ok": True, "status": Status.WITHDRAWN.value, "held_back": True,
                            "experiment_id": exp_id, "execution": None})
        return out

    results = await deps.db.transact(principal.tenant, txn)
    for r in results:
        await deps.changed(principal.tenant, r["action_id"])
    remaining = [i for i in items if not (i.verdict == "approve" and _int(i.action_id) in held)]
    return remaining, results


@operation("experiments.read")
async def list_experiments(deps: Deps, principal: Principal) -> list[dict[str, Any]]:
    """Every experiment of the store, newest first: its groups, whether it still holds its control back, and
    the lift measured so far."""
    now = deps.now()
    rows = await deps.db.query(principal.tenant, lambda tx: tx.outcomes.experiments())
    return [experiment_view(e, now) for e in reversed(rows)]


@operation("experiments.end")
async def end_experiment(deps: Deps, principal: Principal, *, experiment_id: int, reason: str) -> dict[str, Any]:
    """End a running experiment early: its held-back targets may be treated again; its result is final."""
    try:
        experiment_id = parse_action_id(experiment_id)  # the same forms and bounds as an action's id
    except InvalidInput:
        raise InvalidInput(f"{str(experiment_id)[:40]!r} is not an experiment id (a number such as 3)",
                           code="malformed_id") from None
    reason = " ".join(str(reason or "").split())
    if not reason:
        raise InvalidInput("say why the experiment ends (it is kept with the result)", code="reason_required")
    if len(reason) > REASON_MAX:
        raise InvalidInput(f"the reason is {len(reason)} characters; at most {REASON_MAX}", code="reason_too_long")

    async def txn(tx: Tx) -> dict[str, Any]:
        now = deps.now()
        e = await tx.outcomes.experiment(experiment_id)
        if e is None:
            raise NotFound(f"no experiment #{experiment_id} in this store (growth experiments list shows them)",
                           code="no_experiment")
        if e["state"] == "ended":
            raise Conflict(f"experiment #{experiment_id} was already ended: {e['result'].get('ended_reason', '')}",
                           code="already_ended")
        stored = await protect_text(tx, deps, reason)
        result = {**(e["result"] or {}), "state": "ended", "final": True,
                  "ended_at": now.isoformat(timespec="seconds"), "ended_by": principal.subject, "ended_reason": stored}
        await tx.outcomes.finish_experiment(experiment_id, state="ended", significant=bool(e["significant"]),
                                            result=result)
        await record(tx, deps, actor=principal.subject, event="experiment.ended", subject=f"experiment:{experiment_id}",
                     data={"reason": stored, "released": list(e["control"]), "lift": result.get("lift_per_day")})
        return experiment_view({**e, "state": "ended", "result": result}, now)

    return await deps.db.transact(principal.tenant, txn)


def experiment_view(e: dict[str, Any], now: Any) -> dict[str, Any]:
    until = po.held_back_until(e["created_at"])
    holding = e["state"] != "ended" and now < until
    return {"id": e["id"], "kind": e["kind"], "state": e["state"], "created_at": e["created_at"].isoformat(),
            "created_by": e["created_by"], "share": e["share"], "treated": list(e["treated"]),
            "held_back": list(e["control"]), "holding_until": until.isoformat() if holding else None,
            "note": e["note"], "result": dict(e["result"] or {})}


def describe(view: dict[str, Any]) -> list[str]:
    """An experiment in words, for the command line and the MCP text: its groups, then its result."""
    held = ", ".join(f"#{i}" for i in view["held_back"])
    holding = f" until {view['holding_until'][:10]}" if view["holding_until"] else ""
    lines = [f"#{view['id']} {view['kind']}: {view['state']} · {len(view['treated'])} treated, "
             f"{len(view['held_back'])} held back ({held}){holding}",
             f"  started {view['created_at'][:10]} by {view['created_by']}: {view['note']}"]
    r = view["result"]
    if r.get("lift_per_day") is not None:
        lines.append(f"  lift: {r['lift_per_day']:+,.2f} {r.get('metric', '')} ({r.get('level', po.LEVEL):.0%} "
                     f"interval {r['low']:+,.2f} to {r['high']:+,.2f}) — {str(r.get('verdict', '')).replace('_', ' ')}"
                     f"; {r.get('treated', 0)} treated against {r.get('held_back', 0)} held back, "
                     f"{r.get('days_after', 0)} days after the split" + (" (final)" if r.get("final") else ""))
    elif r.get("reason"):
        lines.append(f"  not measured: {r['reason']}")
    else:
        lines.append("  not measured yet: outcomes are measured each cycle")
    if view["state"] == "ended":
        lines.append(f"  ended {str(r.get('ended_at', ''))[:10]} by {r.get('ended_by', '?')}: "
                     f"{r.get('ended_reason', '')}; the held-back targets may be treated again")
    return lines


def _int(raw: Any) -> int | None:
    """The action id an item names ("12", "#12", 12), or None: a bad id is reported by its own decision."""
    try:
        return parse_action_id(raw)
    except (InvalidInput, TypeError, ValueError, OverflowError):
        return None


async def _load_many(tx: Tx, ids: list[int]) -> dict[int, Any]:
    out = {}
    for i in ids:
        a = await tx.actions.get(i)
        if a is not None:
            out[i] = a
    return out


def _measured(action: dict[str, Any]) -> list[str]:
    return po.measured_pages(action["kind"], action["target"], action.get("params") or {})


def _target_change(daily: dict[date, tuple[float, float]], w: po.Windows, index: int) -> tuple[float, float]:
    assert w.after is not None
    before = [float(daily.get(d, (0, 0))[index]) for d in po.days(w.before)]
    after = [float(daily.get(d, (0, 0))[index]) for d in po.days(w.after)]
    return fmean(after) - fmean(before), fmean(before)


async def measure_experiments(tx: Tx, *, newest: dict[str, date | None], now: Any) -> list[dict[str, Any]]:
    """The lift of every experiment with enough days behind it: treated change less held-back change."""
    out = []
    for e in await tx.outcomes.experiments():
        if e["result"].get("final"):
            out.append({"id": e["id"], "kind": e["kind"], **e["result"]})
            continue
        metric, family = po.METRICS[e["kind"]]
        w = po.windows(e["created_at"].date(), newest["page" if family == "page" else "sku"])
        rows = {r["id"]: r for r in await tx.outcomes.actions([*e["treated"], *e["control"]])}
        # what each action meant to move: a page, a SKU, or for internal links the pages they point to
        treated = [_measured(rows[i]) for i in e["treated"] if rows.get(i, {}).get("status") == "executed"]
        control = [_measured(rows[i]) for i in e["control"] if rows.get(i, {}).get("status") == "withdrawn"]
        if w.after_days < po.MIN_AFTER_DAYS or w.after is None:
            result = {"state": "running", "reason": f"not enough data yet: {w.after_days} of the "
                                                     f"{po.MIN_AFTER_DAYS} days after the split needed"}
            await tx.outcomes.finish_experiment(e["id"], state="running", significant=False, result=result)
            out.append({"id": e["id"], "kind": e["kind"], **result})
            continue
        keys = sorted({k for keys in treated + control for k in keys})
        if family == "page":
            daily: dict[str, dict[date, tuple[float, float]]] = {
                k: {d: (float(c), float(i)) for d, (c, i) in v.items()}
                for k, v in (await tx.outcomes.page_daily(keys, w.before[0], w.after[1])).items()}
        else:
            daily = await tx.outcomes.sku_daily(keys, w.before[0], w.after[1])
        t_changes = [_target_change(po.sum_series(daily, k), w, 0) for k in treated]
        c_changes = [_target_change(po.sum_series(daily, k), w, 0) for k in control]
        if not t_changes or not c_changes:
            result = {"state": "measured", "reason": "no executed treated action or no held-back action is left"}
            await tx.outcomes.finish_experiment(e["id"], state="measured", significant=False, result=result)
            out.append({"id": e["id"], "kind": e["kind"], **result})
            continue
        baseline = fmean([b for _, b in t_changes + c_changes])
        est = po.lift([c for c, _ in t_changes], [c for c, _ in c_changes], baseline)
        result = {"state": "measured", "metric": metric, "lift_per_day": round(est.effect, 4),
                  "low": round(est.low, 4), "high": round(est.high, 4), "level": po.LEVEL,
                  "baseline_per_day": round(baseline, 4), "treated": len(t_changes), "held_back": len(c_changes),
                  "verdict": est.verdict, "days_after": w.after_days, "final": w.after_days >= po.AFTER_DAYS,
                  "method": est.method}
        await tx.outcomes.finish_experiment(e["id"], state="measured", significant=est.significant, result=result)
        out.append({"id": e["id"], "kind": e["kind"], **result})
    return out
