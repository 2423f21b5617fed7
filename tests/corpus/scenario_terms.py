"""The operator corpus's shared terms: the demo actions it names (``HANDLES``, which the held-out corpus
reuses), groups of them by kind, agent and risk, and the effect helpers (``operator_scenarios`` and its
two halves)."""

from __future__ import annotations

from tests.corpus.dsl import scenario

#: handle -> (action kind, case-insensitive substring of the action's title)
HANDLES: dict[str, tuple[str, str]] = {
    "repair_oakley": ("perf.repair_page", "oakley-velvet-cushion-cover"),
    "investigate_umber": ("analytics.investigate", "umber-cotton-throw-blanket"),
    "repair_willow_runner": ("perf.repair_page", "willow-cotton-table-runner"),
    "markdown_orchard": ("inventory.markdown", "Orchard Alpaca Throw Blanket"),
    "markdown_socks": ("inventory.markdown", "Linden Cotton Socks"),
    "markdown_tea_towel": ("inventory.markdown", "Flint Cotton Tea Towel"),
    "reorder_tshirt": ("inventory.reorder", "Pebble Organic Cotton T-Shirt"),
    "reorder_alpaca": ("inventory.reorder", "Prairie Alpaca Throw Blanket"),
    "reorder_mug": ("inventory.reorder", "Birch Stoneware Coffee Mug"),
    "reorder_bowl": ("inventory.reorder", "North Stoneware Serving Bowl"),
    "title_sparrow": ("content.rewrite_title", "sparrow-velvet-cushion-cover"),
    "meta_rowan": ("content.rewrite_meta_description", "rowan-jute-tote-bag"),
    "meta_iris": ("content.rewrite_meta_description", "iris-stoneware-serving-bowl"),
    "meta_birch_bowl": ("content.rewrite_meta_description", "birch-stoneware-serving-bowl"),
    "meta_flint_tee": ("content.rewrite_meta_description", "flint-organic-cotton-t-shirt"),
    "meta_ridge_apron": ("content.rewrite_meta_description", "ridge-canvas-apron"),
    "meta_dune_candle": ("content.rewrite_meta_description", "dune-beeswax-scented-candle"),
    "meta_hazel_board": ("content.rewrite_meta_description", "hazel-maple-cutting-board"),
    "title_flint_runner": ("content.rewrite_title", "flint-cotton-table-runner"),
    "links_candle": ("content.add_internal_links", "north-beeswax-scented-candle"),
    "links_scarf": ("content.add_internal_links", "kindle-cashmere-scarf"),
    "landing_backpack": ("content.create_landing_page", "vegan leather backpack"),
    "landing_mug": ("content.create_landing_page", "personalized coffee mug"),
    "hold_9307": ("risk.hold_order", "#9307"),
    "hold_9329": ("risk.hold_order", "#9329"),
    "refunds_dune": ("analytics.investigate", "NW-0202-1"),
}

# ---------------------------------------------------------------------------
# groups of handles (by kind / agent / risk), and effect helpers
# ---------------------------------------------------------------------------
METAS = ("meta_rowan", "meta_iris", "meta_birch_bowl", "meta_flint_tee", "meta_ridge_apron", "meta_dune_candle",
         "meta_hazel_board")
CONTENT = (
    "title_sparrow", "title_flint_runner", *METAS,
    "links_candle", "links_scarf", "landing_backpack", "landing_mug",
)
MARKDOWNS = ("markdown_orchard", "markdown_socks", "markdown_tea_towel")
REORDERS = ("reorder_tshirt", "reorder_alpaca", "reorder_mug", "reorder_bowl")
INVENTORY = MARKDOWNS + REORDERS
HOLDS = ("hold_9307", "hold_9329")
REFUNDS = ("refunds_dune",)
REPAIRS = ("repair_oakley", "repair_willow_runner")
TITLES = ("title_sparrow", "title_flint_runner")
LANDINGS = ("landing_backpack", "landing_mug")
#: the content actions a list of "the content ones" shows (the best 10 of 13; the three last in the queue left out:
#: the two landing pages, valued at the store's collections' conversion rate, and the smallest description)
CONTENT_SHOWN = tuple(h for h in CONTENT if h not in ("landing_backpack", "meta_hazel_board", "landing_mug"))
LINKS = ("links_candle", "links_scarf")
LOW_RISK = ("investigate_umber",) + REFUNDS
HIGH_RISK = MARKDOWNS + REORDERS + HOLDS


def _ranks(*positions: int) -> tuple[str, ...]:
    return tuple(f"rank{p}" for p in positions)


def ex(*handles: str) -> dict[str, str]:
    return {h: "executed" for h in handles}


def rej(*handles: str) -> dict[str, str]:
    return {h: "rejected" for h in handles}


def snz(*handles: str) -> dict[str, str]:
    return {h: "snoozed" for h in handles}


def rb(*handles: str) -> dict[str, str]:
    return {h: "rolled_back" for h in handles}


S = scenario  # short alias
