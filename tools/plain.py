"""Values in words for people: no Python structure ever reaches human text.

``{'purchase_order': None}`` reads "purchase order: none"; ``['a', 'b']`` reads "a; b";
``True`` reads "yes". Shared by the command line and the agents' replies; ``--json`` and
structured results keep the data as data.
"""

from __future__ import annotations

from collections.abc import Mapping
from datetime import date, datetime, timezone
from typing import Any


def when(value: datetime | str | None) -> str:
    """A moment as a person reads it, in UTC: 2026-11-29 14:23 UTC."""
    if value is None:
        return "never"
    if isinstance(value, str):
        try:
            value = datetime.fromisoformat(value.replace("Z", "+00:00"))
        except ValueError:
            return value
    if value.tzinfo is not None:
        value = value.astimezone(timezone.utc)
    return f"{value:%Y-%m-%d %H:%M} UTC"


VERDICT_WORDS = {"approve": "approved", "reject": "rejected", "edit_approve": "edited and approved",
                 "snooze": "snoozed", "rollback": "rolled back", "auto_approve": "approved by the autonomy policy"}


def who(principal: str) -> str:
    """"operator:cli" -> "the operator (cli)", "agent:content" -> "the content agent"."""
    kind, _, name = principal.partition(":")
    return {"agent": f"the {name} agent", "operator": f"the operator ({name})" if name else "the operator",
            "system": f"the system ({name})", "executor": "the executor"}.get(kind, principal)


def decision(d: Mapping[str, Any]) -> str:
    """One decision on an action, with its reason: "rejected v1 by the operator (cli), 2026-11-30 14:55 UTC: “…”"."""
    verb = VERDICT_WORDS.get(d["verdict"], d["verdict"].replace("_", " "))
    until = f" until {when(d['until'])}" if d.get("until") else ""
    reason = f": “{d['reason']}”" if d.get("reason") else " (no reason given)" if d["verdict"] in (
        "reject", "rollback") else ""
    return f"{verb} v{d['version']}{until} by {who(d['principal'])}, {when(d['at'])}{reason}"


def join(parts: list[str]) -> str:
    """"#1", "#1 and #2", "#1, #2 and #3"."""
    return parts[0] if len(parts) == 1 else ", ".join(parts[:-1]) + " and " + parts[-1]


def number(value: float | int) -> str:
    if isinstance(value, bool):
        return "yes" if value else "no"
    if isinstance(value, int) or float(value).is_integer():
        return f"{int(value):,}"
    if 100 <= abs(value) < 1000 and round(value, 2) == value and float(f"{value:.4g}") != value:
        return f"{value:,.2f}"  # a price of 155.99 is 155.99, never "156"
    return f"{value:,.4g}" if abs(value) < 1000 else f"{value:,.2f}"


def _key(key: str) -> str:
    return key.replace("_", " ")


def value(v: Any) -> str:
    """Any value in words: none, yes/no, numbers, lists joined, mappings as "key: value"."""
    if v is None or v == "":
        return "none"
    if isinstance(v, bool):
        return "yes" if v else "no"
    if isinstance(v, (int, float)):
        return number(v)
    if isinstance(v, datetime):
        return when(v)
    if isinstance(v, date):
        return v.isoformat()
    if isinstance(v, Mapping):
        return mapping(v)
    if isinstance(v, (list, tuple, set, frozenset)):
        items = [f"({mapping(x)})" if isinstance(x, Mapping) else value(x) for x in v]
        return "; ".join(items) if items else "none"
    return str(v)


def mapping(m: Mapping[str, Any]) -> str:
    """A mapping as "key: value, key: value"; an id reads "#N" ("task #1"), and is left out beside the name
    the operator knows the thing by ("purchase_order": "PO-000012" stands for "purchase_order_id")."""
    parts = []
    for k, v in m.items():
        if k.endswith("_id") and m.get(k[:-3]) is not None:
            continue
        if k.endswith("_id") and isinstance(v, int) and not isinstance(v, bool):
            parts.append(f"{_key(k[:-3])} #{v}")
        elif k.endswith("_ids") and isinstance(v, (list, tuple)) and all(isinstance(x, int) for x in v):
            name = _key(k[:-4]) + ("s" if len(v) > 1 else "")
            parts.append(f"{name} " + ", ".join(f"#{x}" for x in v) if v else f"{name}: none")
        elif isinstance(v, Mapping):
            parts.append(f"{_key(k)} ({mapping(v)})")
        elif isinstance(v, str) and " " in v.strip():
            parts.append(f"{_key(k)}: “{v}”")  # text with spaces stays one value, however it is punctuated
        else:
            parts.append(f"{_key(k)}: {value(v)}")
    return ", ".join(parts) if parts else "nothing"
