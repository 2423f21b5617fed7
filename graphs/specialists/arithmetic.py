"""How a specialist shows its work: evidence items and expected revenue as named factors.

Every expected revenue is a product of named factors, each with its value and the
source it came from, so ``get_action`` can print the whole sum and a reader can
check it. A proposal dict built here is what ``tools.actions.propose`` takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import Any


@dataclass(frozen=True, slots=True)
class Factor:
    name: str
    value: float
    source: str
    #: how the value reads in the formula: "money", "pct", "count" or "ratio"
    unit: str = "ratio"

    def shown(self) -> str:
        match self.unit:
            case "money":
                return f"${self.value:,.2f}"
            case "pct":
                return f"{self.value:.2%}"
            case "count":
                return f"{self.value:,.1f}" if self.value % 1 else f"{self.value:,.0f}"
        return f"{self.value:.3g}"


@dataclass(frozen=True, slots=True)
class Revenue:
    value: float
    inputs: list[dict[str, Any]]
    formula: str


def multiply(*factors: Factor) -> Revenue:
    value = 1.0
    for f in factors:
        value *= f.value
    value = round(max(0.0, min(value, 1e9)), 2)
    formula = " x ".join(f"{f.name} {f.shown()}" for f in factors) + f" = ${value:,.2f}"
    return Revenue(value, [{"name": f.name, "value": round(f.value, 6), "source": f.source[:200]} for f in factors],
                   formula[:500])


def evidence(source: str, query: str, metric: str, value: float | str, window: str,
             observed_at: datetime) -> dict[str, Any]:
    return {"source": source[:200], "query": query[:2000], "metric": metric[:200],
            "value": round(value, 6) if isinstance(value, float) else value, "window": window[:200],
            "observed_at": observed_at}


def proposal(*, kind: str, target: str, agent: str, title: str, rationale: str, params: dict[str, Any],
             revenue: Revenue, confidence: float, ease: float, evidence: list[dict[str, Any]],
             rollback: str, steps: list[str] | None = None) -> dict[str, Any]:
    return {"kind": kind, "target": target, "agent": agent, "title": title[:300], "rationale": rationale[:4000],
            "params": params, "expected_revenue": revenue.value, "confidence": round(min(1.0, confidence), 3),
            "ease": ease, "evidence": evidence[:50], "revenue_inputs": revenue.inputs[:30],
            "revenue_formula": revenue.formula, "rollback_plan": {"description": rollback, "steps": steps or []}}
