"""How a specialist shows its work: evidence items and expected revenue as named factors.

Every expected revenue is a product of named factors, each with its value, how it reads
and the source it came from, so ``get_action`` can print the whole sum and a reader can
check it. A factor is rounded to the precision it is shown with before anything is
multiplied (``policies.figures``): the inputs a reader sees multiply to exactly the total
shown. A factor worked out from other figures carries that working ("35 units sold ÷ 28
days"), computed from those figures as shown, so it holds too. A proposal dict built here
is what ``tools.actions.propose`` takes.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from decimal import Decimal
from typing import Any

from policies.figures import Unit, cents, figure

#: operator precedence, for brackets: a sum inside a product is bracketed, a product inside a sum is not
_ATOM, _PRODUCT, _SUM = 3, 2, 1


@dataclass(frozen=True, slots=True)
class Calc:
    """Arithmetic on figures as shown: ``text`` is the working, ``value`` exactly what it gives."""

    value: Decimal
    text: str
    level: int = _ATOM

    def _join(self, op: str, other: Calc | float | int, level: int, *, right_strict: bool) -> Calc:
        rhs = other if isinstance(other, Calc) else num(other)
        left = self.text if self.level >= level else f"({self.text})"
        # a - (b - c) and a ÷ (b × c) need their brackets; a + (b + c) and a × (b × c) do not
        right = rhs.text if rhs.level > level or (rhs.level == level and not right_strict) else f"({rhs.text})"
        value = {"×": self.value * rhs.value, "÷": self.value / rhs.value if rhs.value else Decimal(0),
                 "+": self.value + rhs.value, "−": self.value - rhs.value}[op]
        return Calc(value, f"{left} {op} {right}", level)

    def __mul__(self, other: Calc | float | int) -> Calc:
        return self._join("×", other, _PRODUCT, right_strict=False)

    def __truediv__(self, other: Calc | float | int) -> Calc:
        return self._join("÷", other, _PRODUCT, right_strict=True)

    def __add__(self, other: Calc | float | int) -> Calc:
        return self._join("+", other, _SUM, right_strict=False)

    def __sub__(self, other: Calc | float | int) -> Calc:
        return self._join("−", other, _SUM, right_strict=True)

    def grouped(self) -> Calc:
        """Bracketed for the reader even where precedence would not need it."""
        return Calc(self.value, f"({self.text})", _ATOM) if self.level != _ATOM else self


def clip(text: str, limit: int) -> str:
    """``text`` within ``limit`` characters, cut at a word and marked "…" when it had to be cut: a sentence
    that stops mid-word reads as a fault."""
    if len(text) <= limit:
        return text
    cut = text[:limit - 1]
    space = cut.rfind(" ")
    return (cut[:space] if space > limit // 2 else cut).rstrip(" ,;:(") + "…"


def num(value: float | int | Decimal, unit: Unit | str = "count", label: str = "") -> Calc:
    """A figure in a working, rounded as shown, with what it counts ("2,203 sessions")."""
    # a label is words only: the working's numbers are its figures, nothing else
    assert not any(c.isdigit() for c in label), label
    shown = figure(value, unit)
    return Calc(shown.value, f"{shown.text} {label}".strip())


@dataclass(frozen=True, slots=True)
class Factor:
    name: str
    value: float
    source: str
    #: how the value reads in the formula: "money", "pct", "count" or "ratio"
    unit: str = "ratio"
    #: the arithmetic it comes from, when it is worked out from other figures
    working: str = ""

    @classmethod
    def worked(cls, name: str, calc: Calc, source: str, unit: Unit | str = "count") -> Factor:
        return cls(name, float(calc.value), source, unit, calc.text)

    def figure(self) -> tuple[Decimal, str]:
        shown = figure(self.value, self.unit)
        return shown.value, shown.text

    def shown(self) -> str:
        return self.figure()[1]


@dataclass(frozen=True, slots=True)
class Revenue:
    value: float
    inputs: list[dict[str, Any]]
    formula: str


def multiply(*factors: Factor) -> Revenue:
    """The product of the factors as shown, to the cent, with the formula that says so."""
    total = Decimal(1)
    inputs = []
    for f in factors:
        value, text = f.figure()
        total *= value
        inputs.append({"name": f.name, "value": float(value), "shown": text, "source": clip(f.source, 200),
                       **({"working": clip(f.working, 300)} if f.working else {})})
    value = float(cents(max(Decimal(0), min(total, Decimal(10) ** 9))))
    formula = " × ".join(f"{i['name']} {i['shown']}" for i in inputs) + f" = {figure(value, 'money').text}"
    return Revenue(value, inputs, formula[:500])


def evidence(source: str, query: str, metric: str, value: float | str, window: str,
             observed_at: datetime) -> dict[str, Any]:
    return {"source": clip(source, 200), "query": query[:2000], "metric": clip(metric, 200),
            "value": float(f"{value:.6g}") if isinstance(value, float) else value, "window": window[:200],
            "observed_at": observed_at}


def proposal(*, kind: str, target: str, agent: str, title: str, rationale: str, params: dict[str, Any],
             revenue: Revenue, confidence: float, ease: float, evidence: list[dict[str, Any]],
             rollback: str, steps: list[str] | None = None) -> dict[str, Any]:
    return {"kind": kind, "target": target, "agent": agent, "title": clip(title, 300),
            "rationale": clip(rationale, 4000),
            "params": params, "expected_revenue": revenue.value, "confidence": round(min(1.0, confidence), 3),
            "ease": ease, "evidence": evidence[:50], "revenue_inputs": revenue.inputs[:30],
            "revenue_formula": revenue.formula, "rollback_plan": {"description": rollback, "steps": steps or []}}
