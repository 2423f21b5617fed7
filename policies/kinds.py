"""The action kinds: parameter schema, base risk tier and what the engine can do alone.

The registry is data. A kind's schema is the only shape its params may take; the
base tier is raised by amounts in :mod:`policies.risk`, never lowered.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Annotated, Literal

from pydantic import BaseModel, ConfigDict, Field, HttpUrl, field_validator

from policies.tiers import AutonomyLevel, RiskTier

TARGET_RE = re.compile(r"^(page|sku|order|product|customer|query|kind|segment|conversation):\S.{0,1999}$")


class Params(BaseModel):
    # allow_inf_nan=False: an amount of "Infinity" or "NaN" (JSON accepts both) is refused, never classified or stored
    model_config = ConfigDict(extra="forbid", frozen=True, str_strip_whitespace=True, allow_inf_nan=False)


Text = Annotated[str, Field(min_length=1, max_length=2000)]


class InvestigateParams(Params):
    question: Text
    metric: Annotated[str, Field(min_length=1, max_length=100)]
    window_days: Annotated[int, Field(ge=1, le=365)] = 28


class RewriteTitleParams(Params):
    new_title: Annotated[str, Field(min_length=5, max_length=70)]
    current_title: Annotated[str, Field(max_length=500)] = ""


class RewriteMetaParams(Params):
    new_description: Annotated[str, Field(min_length=20, max_length=320)]
    current_description: Annotated[str, Field(max_length=2000)] = ""


class InternalLink(Params):
    anchor: Annotated[str, Field(min_length=1, max_length=120)]
    to_url: HttpUrl


class AddInternalLinksParams(Params):
    links: Annotated[list[InternalLink], Field(min_length=1, max_length=20)]


class CreateLandingPageParams(Params):
    path: Annotated[str, Field(pattern=r"^/[a-z0-9][a-z0-9/_-]{0,199}$")]
    title: Annotated[str, Field(min_length=5, max_length=70)]
    query: Annotated[str, Field(min_length=1, max_length=200)]
    outline: Annotated[list[Text], Field(min_length=1, max_length=30)]


class RepairPageParams(Params):
    issue: Text
    metric: Annotated[str, Field(min_length=1, max_length=100)]
    current_value: float
    target_value: float


class ReorderParams(Params):
    quantity: Annotated[int, Field(gt=0, le=1_000_000)]
    unit_cost: Annotated[float, Field(ge=0)] = 0.0
    supplier: Annotated[str, Field(max_length=200)] = ""


class MarkdownParams(Params):
    percent_off: Annotated[float, Field(gt=0, lt=100)]


class PricingParams(Params):
    current_price: Annotated[float, Field(gt=0)]
    new_price: Annotated[float, Field(gt=0)]

    @property
    def change_pct(self) -> float:
        # rounded so that exactly 10 % is 10 % and not 10.000000000000009 %
        return round(abs(self.new_price - self.current_price) / self.current_price * 100.0, 6)


class HoldOrderParams(Params):
    reason: Text
    score: Annotated[float, Field(ge=0, le=1)] = 0.0
    signals: Annotated[list[Annotated[str, Field(max_length=200)]], Field(max_length=50)] = []


class ReleaseOrderParams(Params):
    reason: Text


class EscalationParams(Params):
    summary: Text
    customer_ref: Annotated[str, Field(max_length=100)] = ""
    conversation: Annotated[str, Field(max_length=200)] = ""


class EmailParams(Params):
    segment: Annotated[str, Field(min_length=1, max_length=200)]
    subject: Annotated[str, Field(min_length=1, max_length=200)]
    body: Annotated[str, Field(min_length=1, max_length=20000)]


class GrantAutonomyParams(Params):
    kind: Annotated[str, Field(min_length=3, max_length=100)]
    level: AutonomyLevel

    @field_validator("kind")
    @classmethod
    def _known_kind(cls, value: str) -> str:
        if value not in KINDS:
            raise ValueError(f"unknown action kind {value!r}")
        return value


@dataclass(frozen=True, slots=True)
class KindSpec:
    """What the engine knows about one kind of action."""

    name: str
    agent: str
    base_tier: RiskTier
    params: type[Params]
    target_prefixes: tuple[str, ...]
    #: the engine itself can undo it from the recorded before-state
    reversible: bool
    #: executing it hands work to a person, so it is never auto-executed
    creates_human_work: bool
    summary: str
    #: its params carry text about customers (tokenized through the PII broker when stored)
    customer_text: bool = False


def _k(name: str, agent: str, tier: RiskTier, params: type[Params], prefixes: tuple[str, ...],
       *, reversible: bool, human: bool, summary: str, customer_text: bool = False) -> KindSpec:
    return KindSpec(name, agent, tier, params, prefixes, reversible, human, summary, customer_text)


L, M, H, C = RiskTier.LOW, RiskTier.MEDIUM, RiskTier.HIGH, RiskTier.CRITICAL

KINDS: dict[str, KindSpec] = {
    s.name: s
    for s in (
        _k("analytics.investigate", "analytics", L, InvestigateParams, ("page", "segment", "query", "sku"),
           reversible=True, human=False, summary="open an investigation task for the analytics agent"),
        _k("content.rewrite_title", "content", M, RewriteTitleParams, ("page",),
           reversible=True, human=False, summary="rewrite a page's SEO title"),
        _k("content.rewrite_meta_description", "content", M, RewriteMetaParams, ("page",),
           reversible=True, human=False, summary="rewrite a page's meta description"),
        _k("content.add_internal_links", "content", M, AddInternalLinksParams, ("page",),
           reversible=True, human=False, summary="add internal links to a page"),
        _k("content.create_landing_page", "content", M, CreateLandingPageParams, ("query", "page"),
           reversible=True, human=False, summary="create a landing page for a query"),
        _k("perf.repair_page", "analytics", M, RepairPageParams, ("page",),
           reversible=True, human=True, summary="open a repair ticket for a slow or broken page"),
        _k("inventory.reorder", "inventory", H, ReorderParams, ("sku",),
           reversible=True, human=False, summary="raise a draft purchase order"),
        _k("inventory.markdown", "inventory", H, MarkdownParams, ("sku",),
           reversible=True, human=False, summary="mark a variant down"),
        _k("pricing.adjust", "inventory", H, PricingParams, ("sku",),
           reversible=True, human=False, summary="change a variant's price"),
        _k("risk.hold_order", "risk", H, HoldOrderParams, ("order",),
           reversible=True, human=False, summary="hold an order for review", customer_text=True),
        _k("risk.release_order", "risk", M, ReleaseOrderParams, ("order",),
           reversible=True, human=False, summary="release a held order", customer_text=True),
        _k("support.escalation", "customer_front", M, EscalationParams, ("customer", "conversation", "order"),
           reversible=True, human=True, summary="put a customer's request in the operator's inbox",
           customer_text=True),
        _k("email.send", "content", C, EmailParams, ("segment", "customer"),
           reversible=False, human=False, summary="send an email to customers"),
        _k("policy.grant_autonomy", "ceo_front", C, GrantAutonomyParams, ("kind",),
           reversible=True, human=False, summary="change the autonomy level of one action kind"),
    )
}
