"""The shape of a proposal as it arrives from an agent, before any policy runs."""

from __future__ import annotations

from datetime import datetime
from typing import Annotated, Any

from pydantic import AwareDatetime, BaseModel, ConfigDict, Field

from policies.kinds import TARGET_RE

Short = Annotated[str, Field(min_length=1, max_length=200)]


class Evidence(BaseModel):
    """One datum an action stands on: where it came from and what it said."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    source: Short
    query: Annotated[str, Field(min_length=1, max_length=2000)]
    metric: Short
    value: float | str
    window: Short
    observed_at: AwareDatetime


class RollbackPlan(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True)

    description: Annotated[str, Field(min_length=5, max_length=2000)]
    steps: Annotated[list[Annotated[str, Field(max_length=500)]], Field(max_length=20)] = []


class RevenueInput(BaseModel):
    """One named input of the expected-revenue arithmetic, with its source.

    ``shown`` is how the value reads in the formula ("$145.99", "2.08%"), and ``value`` is exactly
    that; ``working`` is the arithmetic the value comes from ("35 units sold ÷ 28 days"), if any."""

    model_config = ConfigDict(extra="forbid", frozen=True)

    name: Short
    value: float
    source: Short
    shown: Annotated[str, Field(max_length=40)] = ""
    working: Annotated[str, Field(max_length=300)] = ""
    #: what an edit works the value out again from (a markdown's stock, pace, price, cost and holding rate)
    model: Annotated[dict[str, float], Field(max_length=12)] | None = None


class Proposal(BaseModel):
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True)

    kind: Annotated[str, Field(min_length=3, max_length=100)]
    target: Annotated[str, Field(min_length=3, max_length=2000, pattern=TARGET_RE.pattern)]
    params: dict[str, Any]
    agent: Annotated[str, Field(min_length=1, max_length=60)]
    title: Annotated[str, Field(min_length=1, max_length=300)]
    rationale: Annotated[str, Field(max_length=4000)] = ""
    expected_revenue: Annotated[float, Field(ge=0, le=1e9)]
    confidence: Annotated[float, Field(ge=0, le=1)]
    ease: Annotated[float, Field(ge=0, le=1)]
    evidence: Annotated[list[Evidence], Field(max_length=50)] = []
    rollback_plan: RollbackPlan | None = None
    revenue_inputs: Annotated[list[RevenueInput], Field(max_length=30)] = []
    revenue_formula: Annotated[str, Field(max_length=500)] = ""

    def evidence_at(self) -> datetime:
        """Freshness of the proposal: its newest piece of evidence."""
        return max(e.observed_at for e in self.evidence)
