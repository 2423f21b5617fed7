"""One action explained to the operator: what it does and why, its arithmetic, evidence, risk and
rollback, what was changed since it was proposed, and how long it has waited ("explain 8", "how much
will 8 make me?", "how long has 8 been waiting?").
"""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graphs.brains.rules.render import STATUS_WORD, money
from tools import plain


def _edited(versions: list[dict[str, Any]]) -> str:
    """"Changed in version 2: quantity 37 → 20; the “Why” is the agent's reasoning for version 1." (else "")."""
    if len(versions) < 2:
        return ""
    first, last = versions[0].get("params") or {}, versions[-1].get("params") or {}
    changed = [f"{k.replace('_', ' ')} {plain.value(first.get(k))} → {plain.value(v)}" for k, v in last.items()
               if first.get(k) != v and not k.startswith("current_")]
    if not changed:
        return ""
    return (f"Changed in version {versions[-1]['version']}: {'; '.join(changed)}; the “Why” is the agent's reasoning "
            "for version 1.")


def worth(detail: dict[str, Any]) -> str:
    """What an action is expected to earn, and how that is worked out ("how much will 8 make me?")."""
    a = detail["action"]
    head = f"#{a['id']} {a['title']}"
    score = (detail.get("explanation") or {}).get("score", "")
    how = a.get("revenue_formula") or "the agent gave no working for this figure"
    params = a.get("params") or {}
    spend = (f"The order itself costs ${params['quantity'] * params['unit_cost']:,.2f} ({params['quantity']} × "
             f"${params['unit_cost']:,.2f} from {params.get('supplier') or 'the supplier'}).\n"
             if a.get("kind") == "inventory.reorder" and params.get("quantity") and params.get("unit_cost") else "")
    return (f"{head}: expected profit {money(a['expected_revenue'])} over the next four weeks, an estimate "
            f"({STATUS_WORD.get(a['status'], a['status'].replace('_', ' '))}).\n"
            f"How: {how}.\n" + spend
            + (f"Rank: {score}.\n" if score else "")
            + f"Say \"explain {a['id']}\" for where each figure comes from, the evidence and the rollback plan.")


def _at(value: Any) -> datetime | None:
    if value is None or isinstance(value, datetime):
        return value
    return datetime.fromisoformat(str(value).replace("Z", "+00:00"))


_UNITS = (("day", 86_400), ("hour", 3_600), ("minute", 60))


def _span(seconds: float) -> str:
    """"2 days 23 hours", "5 hours 10 minutes", "1 minute", "under a minute": how long, in the two largest units."""
    parts = []
    for unit, size in _UNITS:
        n = int(seconds // size)
        if n or parts:
            if n:
                parts.append(f"{n} {unit}{'s' if n != 1 else ''}")
            seconds -= n * size
            if len(parts) == 2 or unit == "minute" or (parts and not n):
                break
    return " ".join(parts) or "under a minute"


def timing(a: dict[str, Any], now: datetime | None) -> str:
    """When it was proposed and, while it waits, until when (and, given ``now``, for how long so far and to go:
    "how long has 8 been waiting?")."""
    created, expires, until = _at(a.get("created_at")), _at(a.get("expires_at")), _at(a.get("snoozed_until"))
    if created is None:
        return ""
    waiting = a["status"] in ("pending_approval", "snoozed")
    if not waiting:
        return f"Proposed {plain.when(created)}."
    line = (f"Waiting since {plain.when(created)}" if now is None
            else f"Waiting since {plain.when(created)} ({_span((now - created).total_seconds())})")
    if a["status"] == "snoozed":
        # a snoozed action does not expire: it comes back at the end of the snooze with a new deadline
        back = f"until {plain.when(until)}" if until is not None else ""
        return line + f"; snoozed {back}: it comes back then, with a fresh deadline to decide."
    if expires is not None and (now is None or expires > now):
        left = "" if now is None else f" (in {_span((expires - now).total_seconds())})"
        line += f"; expires {plain.when(expires)}{left} unless you decide"
    elif expires is not None:
        line += f"; past its expiry ({plain.when(expires)}): it expires at the next sweep"
    return line + "."


def explanation(detail: dict[str, Any], *, now: datetime | None = None) -> str:
    a = detail["action"]
    ex = detail.get("explanation") or {}
    lines = [f"#{a['id']} {a['title']} — version {a['version']}, "
             f"{STATUS_WORD.get(a['status'], a['status'].replace('_', ' '))}."]
    when = timing(a, now)
    if when:
        lines.append(when)
    decided = detail.get("decisions") or []
    if decided:
        # what the operator (or the autonomy policy) decided, and why: a rejection's reason is remembered
        lines.append("Decided: " + "; ".join(plain.decision(d) for d in decided[-3:])
                     + (f" (and {len(decided) - 3} earlier)" if len(decided) > 3 else "") + ".")
    delivery = detail.get("delivery") or {}
    if delivery.get("deliveries"):
        # "executed" is the engine's own copy; this says whether the live store has it
        where = "Delivery" if delivery.get("channel") in ("email", "task") else "Live store"
        lines.append(f"{where}: {delivery['summary']}.")
        if delivery.get("retry"):
            lines.append(f"To retry: {delivery['retry']}.")
    if a.get("rationale"):
        lines.append(f"Why: {a['rationale']}")
    edited = _edited(detail.get("versions") or [])
    if edited:
        # the agent's reasoning is about what it proposed; what was changed since is said beside it
        lines.append(edited)
    lines.append(f"Rank: {ex.get('score', '')}.")
    if a.get("revenue_formula"):
        inputs = "; ".join(f"{i['name']} {i.get('shown') or _num(i['value'])}"
                           + (f" = {i['working']}" if i.get("working") else "") + f" ({i['source']})"
                           for i in a.get("revenue_inputs", []))
        lines.append(f"Estimated profit: {a['revenue_formula']}" + (f" — inputs: {inputs}" if inputs else ""))
    lines.append(f"Risk: {ex.get('risk', a['risk_tier'])}.")
    if a.get("evidence"):
        ev = "; ".join(f"{e['metric']} {_num(e['value'])} ({e['source']}, {e['window']})" for e in a["evidence"][:4])
        lines.append(f"Evidence: {ev}.")
    rollback = (a.get("rollback_plan") or {}).get("description")
    if rollback:
        lines.append(f"Rollback: {rollback}" + ("" if a.get("reversible") else " (the engine cannot undo this itself)"))
    if a["params"]:
        params = a["params"]
        if a["status"] in ("executed", "approved", "auto_approved", "executing"):
            # once it ran (or is about to), the text it replaced is no longer current
            params = {(f"previous {k.removeprefix('current_')}" if k.startswith("current_") else k): v
                      for k, v in params.items()}
        lines.append("Change: " + plain_params(params))
    if a["kind"] == "support.escalation" and a["status"] == "pending_approval":
        lines.append(f"A customer is waiting for a person. Their contact is behind the reference "
                     f"{a['params'].get('customer_ref') or 'in the request'}: reveal it with reveal_pii (operator only, "
                     f"with a reason; audited). Say \"mark {a['id']} handled\" when you have answered them.")
    elif a["status"] == "pending_approval":
        lines.append(f"Say \"approve {a['id']}\", \"reject {a['id']} because …\" or \"snooze {a['id']} until Monday\".")
    return "\n".join(lines)


def _num(value: Any) -> str:
    return plain.value(value)


def plain_params(params: dict[str, Any]) -> str:
    """Params in words, never a Python structure."""
    out = []
    for k, v in params.items():
        if isinstance(v, list):
            text = "; ".join(str(x.get("anchor") or x.get("to_url") or plain.mapping(x)) if isinstance(x, dict)
                             else plain.value(x) for x in v)
        else:
            text = plain.value(v)
        out.append(f"{k.replace('_', ' ')}: {text}")
    return "; ".join(out)
