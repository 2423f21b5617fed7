"""Department metrics week by week: what each agent proposed, how people decided, what was executed and what
it realised, and the store's orders, revenue and conversion, for the console's charts and the MCP ``chart``.

Weeks are ISO weeks (Monday 00:00 UTC), oldest first, the current (unfinished) week last; a week with nothing
in it is all zeros. As in ``tools.performance``, only people's decisions count towards an approval rate: the
engine's auto-approvals are reported apart, and a week without a human decision has no rate (None). Executions
count in the week they finished (rolled back later or not); realised revenue comes from measured outcomes only,
in the week the action was executed, set against the revenue those same actions were expected to bring.
Every figure is a SQL aggregate (``tools.repos``); Python only lays the buckets out.

The result: ``{"tenant", "weeks": [{"week": "2026-W47", "start": "2026-11-16"}, ...], "agents": [{"agent",
"kind", "weeks": [one row per week], "total": {the same, summed}}], "store": [{"week", "start", "orders",
"revenue", "sessions", "conversion", "orders_change", "revenue_change", "conversion_change"}]}``, an agent
row holding proposed, approved, rejected, rolled_back, auto_approved, human_decisions, approval_rate, executed,
expected_revenue, measured, realised_revenue and expected_revenue_measured.
"""

from __future__ import annotations

from datetime import date, datetime, time, timedelta, timezone
from typing import Any

from policies.principal import Principal
from tools.deps import Deps, Tx
from tools.errors import InvalidInput
from tools.registry import operation

MAX_WEEKS = 104
APPROVE = frozenset({"approve", "edit_approve"})
#: verdicts that decide nothing about the proposal's merit (a snooze; an experiment's held-back control)
NEUTRAL = frozenset({"snooze", "hold_back"})
_COUNTS = ("proposed", "approved", "rejected", "rolled_back", "auto_approved", "executed", "measured")
_MONEY = ("expected_revenue", "realised_revenue", "expected_revenue_measured")


def week_starts(today: date, weeks: int) -> list[date]:
    """The Mondays of the last ``weeks`` ISO weeks, oldest first, the one holding ``today`` last."""
    monday = today - timedelta(days=today.weekday())
    return [monday - timedelta(weeks=weeks - 1 - i) for i in range(weeks)]


def _label(start: date) -> str:
    year, week, _ = start.isocalendar()
    return f"{year}-W{week:02d}"


def _at(day: date) -> datetime:
    return datetime.combine(day, time(), tzinfo=timezone.utc)


def _change(current: float | None, previous: float | None) -> float | None:
    """The relative change against the week before (0.25: up a quarter); None when there is nothing to compare."""
    if current is None or not previous:
        return None
    return round((current - previous) / previous, 4)


def _blank(start: date) -> dict[str, Any]:
    return {"week": _label(start), "start": start.isoformat(), **dict.fromkeys(_COUNTS, 0),
            **dict.fromkeys(_MONEY, 0.0)}


def _finish(row: dict[str, Any]) -> dict[str, Any]:
    decided = row["approved"] + row["rejected"] + row["rolled_back"]
    row["human_decisions"] = decided
    # no human decision, no rate: auto-approvals never make an agent look trusted
    row["approval_rate"] = round(row["approved"] / decided, 4) if decided else None
    for key in _MONEY:
        row[key] = round(row[key], 2)
    return row


async def _read(tx: Tx, days: list[date]) -> dict[str, list[dict[str, Any]]]:
    edges = [_at(d) for d in days]
    return {"proposed": await tx.actions.proposed_by_week(edges), "decided": await tx.actions.decided_by_week(edges),
            "executed": await tx.actions.executed_by_week(edges), "orders": await tx.commerce.orders_by_week(edges),
            "sessions": await tx.ga4.sessions_by_week(days)}


def _series(starts: list[date], raw: dict[str, list[dict[str, Any]]], shift: int) -> list[dict[str, Any]]:
    """Per (agent, kind): one row per week. ``shift``: how many leading buckets of ``raw`` are not shown."""
    out: dict[tuple[str, str], list[dict[str, Any]]] = {}

    def cell(r: dict[str, Any]) -> dict[str, Any] | None:
        index = int(r["week"]) - shift
        if index < 0:
            return None
        weeks = out.setdefault((r["agent"], r["kind"]), [_blank(s) for s in starts])
        return weeks[index]

    for r in raw["proposed"]:
        if (c := cell(r)) is not None:
            c["proposed"] += int(r["count"])
    for r in raw["decided"]:
        verdict = r["verdict"]
        if verdict in NEUTRAL or (c := cell(r)) is None:
            continue
        if not r["human"]:
            c["auto_approved"] += int(r["count"]) if verdict == "auto_approve" else 0
        elif verdict == "rollback":
            c["rolled_back"] += int(r["count"])
        else:
            c["approved" if verdict in APPROVE else "rejected"] += int(r["count"])
    for r in raw["executed"]:
        if (c := cell(r)) is not None:
            c["executed"] += int(r["executed"])
            c["measured"] += int(r["measured"] or 0)
            for key in _MONEY:
                c[key] += float(r[key] or 0.0)
    rows = []
    for (agent, kind), weeks in sorted(out.items()):
        weeks = [_finish(w) for w in weeks]
        total = _blank(starts[0]) | {"week": "total", "start": starts[0].isoformat()}
        for w in weeks:
            for key in (*_COUNTS, *_MONEY):
                total[key] += w[key]
        rows.append({"agent": agent, "kind": kind, "weeks": weeks, "total": _finish(total)})
    return rows


def _store(starts: list[date], before: date, raw: dict[str, list[dict[str, Any]]]) -> list[dict[str, Any]]:
    """The store week over week; bucket 0 is the week before the first shown, read only for the first change."""
    n = len(starts) + 1
    orders, revenue, sessions = [0] * n, [0.0] * n, [0] * n
    for r in raw["orders"]:
        orders[int(r["week"])], revenue[int(r["week"])] = int(r["orders"]), float(r["revenue"] or 0.0)
    for r in raw["sessions"]:
        sessions[int(r["week"])] = int(r["sessions"] or 0)
    conversion = [round(o / s, 4) if s else None for o, s in zip(orders, sessions, strict=True)]
    out = []
    for i, start in enumerate([before, *starts]):
        if i == 0:
            continue
        out.append({"week": _label(start), "start": start.isoformat(), "orders": orders[i],
                    "revenue": round(revenue[i], 2), "sessions": sessions[i], "conversion": conversion[i],
                    "orders_change": _change(orders[i], orders[i - 1]),
                    "revenue_change": _change(revenue[i], revenue[i - 1]),
                    "conversion_change": _change(conversion[i], conversion[i - 1])})
    return out


@operation("metrics.read")
async def department_metrics(deps: Deps, principal: Principal, *, weeks: int = 12) -> dict[str, Any]:
    """The last ``weeks`` ISO weeks for the principal's tenant: ``agents`` (per agent and kind, a row per week
    and a total) and ``store`` (orders, revenue, sessions, conversion, each with its change on the week before)."""
    if not 1 <= weeks <= MAX_WEEKS:
        raise InvalidInput(f"weeks must be between 1 and {MAX_WEEKS}, not {weeks}")
    starts = week_starts(deps.now().astimezone(timezone.utc).date(), weeks)
    before = starts[0] - timedelta(weeks=1)
    # one bucket more at the front: the store's first week is compared with the week before it
    days = [before, *starts, starts[-1] + timedelta(weeks=1)]
    raw = await deps.db.query(principal.tenant, lambda tx: _read(tx, days))
    return {"tenant": principal.tenant, "weeks": [{"week": _label(s), "start": s.isoformat()} for s in starts],
            "agents": _series(starts, raw, shift=1), "store": _store(starts, before, raw)}
