"""Ranking order, risk tiers with amount thresholds, and the whole autonomy matrix."""

from __future__ import annotations

from datetime import datetime, timedelta, timezone

import pytest

from policies.autonomy import auto_executes, decide_autonomy
from policies.kinds import KINDS
from policies.ranking import Rankable, rank, score
from policies.risk import classify
from policies.tiers import AutonomyLevel, RiskTier

T0 = datetime(2026, 11, 1, tzinfo=timezone.utc)


def test_score_is_revenue_times_confidence_times_ease() -> None:
    assert score(1000, 0.8, 0.5) == 400
    assert score(-5, 1, 1) == 0


def test_rank_orders_by_score_then_fresher_evidence_then_lower_tier() -> None:
    items = [
        Rankable(1, 100.0, T0, RiskTier.LOW),
        Rankable(2, 300.0, T0, RiskTier.CRITICAL),
        Rankable(3, 100.0, T0 + timedelta(days=1), RiskTier.HIGH),
        Rankable(4, 100.0, T0 + timedelta(days=1), RiskTier.MEDIUM),
        Rankable(5, 100.0, T0, RiskTier.LOW),
    ]
    assert [i.id for i in rank(items)] == [2, 4, 3, 1, 5]


BASE_TIERS = {
    "analytics.investigate": "low", "content.rewrite_title": "medium",
    "content.rewrite_meta_description": "medium", "content.add_internal_links": "medium",
    "content.create_landing_page": "medium", "perf.repair_page": "medium", "inventory.reorder": "high",
    "inventory.markdown": "high", "pricing.adjust": "high", "risk.hold_order": "high",
    "risk.release_order": "medium", "support.escalation": "medium", "email.send": "critical",
    "policy.grant_autonomy": "critical",
}


def test_base_tiers_match_the_design_table() -> None:
    assert {k: v.base_tier.value for k, v in KINDS.items()} == BASE_TIERS


@pytest.mark.parametrize(("kind", "params", "tier"), [
    ("pricing.adjust", {"current_price": 100, "new_price": 110}, "high"),        # exactly 10 %
    ("pricing.adjust", {"current_price": 100, "new_price": 110.01}, "critical"),
    ("pricing.adjust", {"current_price": 100, "new_price": 90}, "high"),         # a 10 % cut
    ("pricing.adjust", {"current_price": 100, "new_price": 85}, "critical"),
    ("inventory.markdown", {"percent_off": 30}, "high"),
    ("inventory.markdown", {"percent_off": 30.5}, "critical"),
    ("inventory.reorder", {"quantity": 1000, "unit_cost": 25}, "high"),          # 25,000 exactly
    ("inventory.reorder", {"quantity": 1001, "unit_cost": 25}, "critical"),
    ("content.rewrite_title", {"new_title": "A Better Title"}, "medium"),
])
def test_amounts_raise_the_tier(kind: str, params: dict[str, float], tier: str) -> None:
    assert classify(kind, KINDS[kind].params.model_validate(params)).value == tier


AUTONOMY = {  # (level, tier) -> runs without the operator
    ("supervised", "low"): False, ("supervised", "medium"): False,
    ("supervised", "high"): False, ("supervised", "critical"): False,
    ("semi_autonomous", "low"): True, ("semi_autonomous", "medium"): False,
    ("semi_autonomous", "high"): False, ("semi_autonomous", "critical"): False,
    ("autonomous", "low"): True, ("autonomous", "medium"): True,
    ("autonomous", "high"): True, ("autonomous", "critical"): False,
}


@pytest.mark.parametrize("level", list(AutonomyLevel))
@pytest.mark.parametrize("tier", list(RiskTier))
def test_autonomy_matrix(level: AutonomyLevel, tier: RiskTier) -> None:
    assert auto_executes(level, tier) is AUTONOMY[(level.value, tier.value)]


def test_guardrails_keep_human_work_and_irreversible_actions_with_the_operator() -> None:
    for name in ("perf.repair_page", "support.escalation"):
        assert not decide_autonomy(AutonomyLevel.AUTONOMOUS, RiskTier.MEDIUM, KINDS[name]).allowed
    assert decide_autonomy(AutonomyLevel.AUTONOMOUS, RiskTier.MEDIUM, KINDS["content.rewrite_title"]).allowed
    # email.send is not reversible by the engine: even a hypothetical non-critical send waits
    assert not decide_autonomy(AutonomyLevel.AUTONOMOUS, RiskTier.HIGH, KINDS["email.send"]).allowed


def test_an_edits_note_is_kept_whole_and_the_source_shortened_at_a_word() -> None:
    from policies.edits import rederive

    long_source = "Shopify orders: the pace of the last 28 days, selling " + "steadily " * 20 + "at full price"
    inputs = [{"name": "days of sales saved", "value": 28.0, "source": long_source},
              {"name": "margin per unit", "value": 30.0, "source": "Shopify products"}]
    out = rederive("inventory.reorder", title="Reorder 51 x Tote", expected_revenue=840.0, revenue_inputs=inputs,
                   old={"quantity": 51}, new={"quantity": 40})
    source = out.revenue_inputs[0]["source"]
    assert len(source) <= 200 and source.endswith("edited: 40 units instead of 51 (fewer cover fewer days)")
    assert "… — edited" in source and out.title == "Reorder 40 x Tote"
