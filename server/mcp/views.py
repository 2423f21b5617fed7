"""Compact views of actions for MCP results: what a model needs to decide, and nothing it must skip.

A row keeps the id and version a decision names, what the action is (kind, title, target), its risk,
status and money, and why it is waiting. Digests, params, confidence, ease and timestamps are one
``detail="full"`` (or ``get_action``) away.
"""

from __future__ import annotations

from datetime import datetime
from typing import Any, Literal
from urllib.parse import urlsplit

from pydantic import BaseModel, ConfigDict, Field

Detail = Literal["summary", "full"]
DETAIL_HELP = "summary (default): what you need to decide; full: every stored field, digests included"

#: targets longer than this are shown with their middle elided (the id, not the target, names an action)
TARGET_MAX = 60


class ActionRow(BaseModel):
    """One action as a list shows it; ``detail="full"`` rows carry every stored field besides these."""

    model_config = ConfigDict(extra="allow")

    id: int
    version: int = Field(description="the version a decision must name")
    kind: str
    title: str
    target: str
    risk_tier: str
    status: str
    expected_revenue: float
    score: float = Field(description="expected profit × confidence × ease; the queue's order")
    waiting: str | None = Field(default=None, description="why it waits and for whom; null when it no longer waits")


def short_title(title: str) -> str:
    """What the action does, without the reason a title carries after ": " (get_action has the reason)."""
    return title.split(": ", 1)[0]


def short_target(target: str) -> str:
    """The target without what the store already implies (a page's scheme and host), the middle of a very
    long one elided; ``detail="full"`` keeps it whole."""
    kind, _, ref = target.partition(":")
    if kind == "page" and ref.startswith(("http://", "https://")):
        parts = urlsplit(ref)
        target = f"page:{parts.path or '/'}" + (f"?{parts.query}" if parts.query else "")
    if len(target) <= TARGET_MAX:
        return target
    return f"{target[:TARGET_MAX - 17]}…{target[-16:]}"


def waiting(a: dict[str, Any]) -> str | None:
    """Why a live action is waiting, and until when, in a few words; None once it is done with."""
    status = a.get("status")
    if status == "pending_approval":
        if a.get("kind") == "support.escalation":
            return "a customer waits for a person"
        by = day(a.get("expires_at"))
        return f"decide by {by}" if by else "needs your decision"
    if status == "snoozed":
        return f"snoozed until {day(a.get('snoozed_until')) or 'further notice'}"
    if status in ("approved", "auto_approved"):
        held = day(a.get("not_before"))
        return f"approved; held until {held}" if held else "approved; not executed yet (kill switch or rate limit)"
    if status == "executing":
        return "executing now"
    if status == "proposed":
        return "being checked by policy"
    return None


def row(a: dict[str, Any]) -> dict[str, Any]:
    """The compact row of an action (a list summary or a full action view): the title up to its reason."""
    # ActionRow's fields in its order, built as the dict it dumps to: every list call makes one per row,
    # from values already validated on the way into the store, so a model round trip only costs time
    return {"id": int(a["id"]), "version": int(a["version"]), "kind": str(a["kind"]),
            "title": short_title(a["title"]), "target": short_target(a["target"]), "risk_tier": str(a["risk_tier"]),
            "status": str(a["status"]), "expected_revenue": round(float(a["expected_revenue"]), 2),
            "score": round(float(a["score"]), 1), "waiting": waiting(a)}


def full_row(a: dict[str, Any]) -> dict[str, Any]:
    return {**a, "waiting": waiting(a)}


def rows(items: list[dict[str, Any]], detail: Detail) -> list[dict[str, Any]]:
    return [full_row(a) if detail == "full" else row(a) for a in items]


#: fields of a full action view a person deciding reads; the rest (digest, run id, …) is for "full"
_DETAIL_FIELDS = ("agent", "rationale", "params", "confidence", "ease", "evidence", "revenue_formula",
                  "revenue_inputs", "rollback_plan", "reversible", "created_at", "expires_at", "decided_by",
                  "decided_at", "superseded_by")


def action_detail(detail: dict[str, Any], level: Detail) -> dict[str, Any]:
    """``get_action``'s result: the full record, or the compact one (no digests, no repeated evidence)."""
    a = detail["action"]
    if level == "full":
        return {**detail, "action": full_row(a)}
    execution = detail.get("execution")
    explanation = detail.get("explanation") or {}
    return {
        # one action: its whole title (with the reason) and its whole target
        "action": {**row(a), "title": a["title"], "target": a["target"], **{k: a.get(k) for k in _DETAIL_FIELDS}},
        "versions": [{k: v for k, v in version.items() if k != "digest"} for version in detail.get("versions", [])],
        "decisions": detail.get("decisions", []),
        "execution": None if execution is None else {k: execution.get(k) for k in
                                                     ("status", "version", "executor", "at", "rolled_back_at")},
        "outbox": [{"topic": o.get("topic"), "at": o.get("at")} for o in detail.get("outbox", [])],
        "delivery": _delivery(detail.get("delivery")),
        "explanation": {k: explanation[k] for k in ("score", "risk", "calibration") if explanation.get(k)},
        "outcome": _outcome(detail.get("outcome")),
    }


def _outcome(outcome: dict[str, Any] | None) -> dict[str, Any] | None:
    """The measured effect and realised revenue with their intervals, and why when there are none yet."""
    if outcome is None:
        return None
    keep = ("state", "metric", "verdict", "effect", "low", "high", "revenue", "revenue_low", "revenue_high",
            "expected_revenue", "experiment_id")
    details = outcome.get("details") or {}
    return {**{k: outcome.get(k) for k in keep},
            **{k: details[k] for k in ("reason", "method", "controls", "days_after") if k in details}}


def _delivery(delivery: dict[str, Any] | None) -> dict[str, Any] | None:
    """Where the live store stands: the state, the sentence, and per delivery its values and remote ids."""
    if delivery is None:
        return None
    keep = ("id", "op", "channel", "resource", "state", "attempts", "summary", "values", "remote_ids", "error_code",
            "delivered_at")
    extra = {k: delivery[k] for k in ("channel", "retry") if delivery.get(k)}  # only once there is one
    return {"state": delivery["state"], "summary": delivery["summary"], **extra,
            "deliveries": [{k: d.get(k) for k in keep} for d in delivery.get("deliveries", [])]}


_HASHES = frozenset({"digest", "hash", "prev_hash"})


def event(e: dict[str, Any], level: Detail) -> dict[str, Any]:
    """An audit event without its chain hashes and digests unless asked (verify_audit checks those)."""
    if level == "full":
        return e
    data = e.get("data")
    out = {k: v for k, v in e.items() if k not in _HASHES}
    if isinstance(data, dict):
        out["data"] = {k: v for k, v in data.items() if k not in _HASHES and v is not None}
    return out


def day(value: Any) -> str | None:
    """A timestamp as a day a person reads ("2 Dec"), or None; deadlines here are days or weeks away."""
    if value in (None, ""):
        return None
    try:
        when = value if isinstance(value, datetime) else datetime.fromisoformat(str(value).replace("Z", "+00:00"))
    except ValueError:
        return str(value)[:10]
    return f"{when.day} {when:%b}"
