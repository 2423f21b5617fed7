"""The held-out operator corpus's shared terms: the demo actions it names, groups of them, and the
statuses its effects expect (``operator_heldout`` and its two halves)."""

from __future__ import annotations

from tests.corpus import operator_scenarios

# the same demo actions the first corpus names (one table, so the two corpora cannot drift apart)
HANDLES = operator_scenarios.HANDLES

EX = "executed"
REJ = "rejected"
SNZ = "snoozed"
RB = "rolled_back"
APP = "approved"

MARKDOWNS = ("markdown_orchard", "markdown_socks", "markdown_tea_towel")
METAS = ("meta_rowan", "meta_iris", "meta_birch_bowl", "meta_flint_tee", "meta_ridge_apron", "meta_dune_candle",
         "meta_hazel_board")
REORDERS = ("reorder_tshirt", "reorder_alpaca", "reorder_mug", "reorder_bowl")
CONTENT = (
    "title_sparrow",
    *METAS,
    "title_flint_runner",
    "links_candle",
    "links_scarf",
    "landing_backpack",
    "landing_mug",
)
REPAIRS = ("repair_oakley", "repair_willow_runner")
RISK = ("hold_9307", "hold_9329", "refunds_dune")


def all_(handles: tuple[str, ...], status: str) -> dict[str, str]:
    return {h: status for h in handles}
