"""The operator's read-only questions and the one tool each asks: status, runs, audit, the store's numbers."""

from __future__ import annotations

from datetime import datetime
from typing import Any

from graphs.language.dates import period_in
from graphs.language.intent import Intent
from graphs.language.data_questions import product_words, sales_product_words

#: questions a short follow-up can ask again for another period ("and last week?")
FOLLOWED = frozenset({"sales", "top_products", "channels", "agent_stats", "traffic"})


def tool_for(intent: Intent, now: datetime) -> tuple[str, dict[str, Any]] | None:
    """The tool and its arguments that answer a read-only question, or None when it is not one."""
    text = intent.text or ""
    name = intent.name
    if name == "run_status":
        return ("get_run", {"run_id": intent.run_id}) if intent.run_id else (
            "list_runs", {"limit": intent.limit or 5, "agent": intent.agent})
    table: dict[str, tuple[str, dict[str, Any]]] = {
        "status": ("get_status", {}), "agent_state": ("get_status", {}), "audit_verify": ("verify_audit", {}), "handoffs": ("handoff_log", {"limit": 10}),
        "performance": ("agent_performance", {"agent": intent.agent}), "on_order": ("on_order", {}),
        "channels": ("channel_changes", {}), "agent_stats": ("agent_activity", {}),
        "outcomes": ("action_outcomes", {"kind": intent.ref.kind if intent.ref else None}),
        "escalations": ("list_actions", {"status": "pending", "kind": "support.escalation", "limit": 20}),
    }
    if name in table:
        return table[name]
    if name in ("sales", "traffic"):
        return ("store_sales" if name == "sales" else "store_traffic"), {"period": period_in(text, now)}
    if name == "top_products":
        return "top_products", {"period": period_in(text, now, default="28d")}
    if name == "product_sales":
        return "product_sales", {"query": sales_product_words(text), "period": period_in(text, now, default="28d")}
    if name == "stock":
        return "product_stock", {"query": product_words(text)}
    return None
