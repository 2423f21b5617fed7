"""Held-out operator conversations, settings and memory: autonomy, standing rules, rejections,
snooze dates, edits and rollback."""

from __future__ import annotations

from tests.corpus.dsl import Scenario, T, scenario
from tests.corpus.heldout_terms import EX, MARKDOWNS, RB, REJ, SNZ, all_

SCENARIOS: list[Scenario] = [
    # ------------------------------------------------------------------ autonomy
    scenario(
        "autonomy_raise_confirmed",
        "autonomy",
        T("switch me to semi autonomous", pending=("autonomy",)),
        T("yes", effects={"autonomy": "semi_autonomous"}),
    ),
    scenario(
        "autonomy_raise_declined",
        "autonomy",
        T("can you run more on your own? semi-autonomous mode please", pending=("autonomy",)),
        T("nah forget it"),
    ),
    scenario(
        "autonomy_lower_at_once",
        "autonomy",
        T("put autonomy back to supervised", effects={"autonomy": "supervised"}),
        autonomy="semi_autonomous",
    ),
    scenario(
        "autonomy_questions",
        "autonomy",
        T("what autonomy level are we on?"),
        T("what does semi autonomous mean exactly?"),
    ),
    scenario(
        "autonomy_lower_non_native",
        "autonomy",
        T(
            "i want check everything myself again, go back to supervised pls",
            effects={"autonomy": "supervised"},
        ),
        T("thank you"),
        autonomy="semi_autonomous",
    ),
    scenario(
        "autonomy_raise_question_then_ok",
        "autonomy",
        T("bump autonomy up to semi-autonomous", pending=("autonomy",)),
        T("what would change?", pending=("autonomy",)),
        T("ok", effects={"autonomy": "semi_autonomous"}),
    ),
    # ------------------------------------------------------------------ rules
    scenario(
        "rule_never_discount_wick",
        "rules",
        T("never discount Wick Studio", effects={"rules": 1}, pending=("markdown_tea_towel",)),
        T("yes", effects={"markdown_tea_towel": REJ}),
    ),
    scenario(
        "rule_no_markdowns_until_january",
        "rules",
        T("no markdowns until January", effects={"rules": 1}, pending=MARKDOWNS),
        T("yes", effects=all_(MARKDOWNS, REJ)),
    ),
    scenario(
        "rule_prices_this_month_keep_pending",
        "rules",
        T("don't touch prices this month", effects={"rules": 1}, pending=MARKDOWNS),
        T("no, leave the ones already proposed"),
    ),
    scenario(
        "rule_ask_before_titles",
        "rules",
        T("always ask me before rewriting titles", effects={"rules": 1}),
    ),
    scenario(
        "rule_unenforceable",
        "rules",
        T("be nice to customers"),
        T("and always smile 😊"),
    ),
    scenario(
        "rule_list_and_forget",
        "rules",
        T("what rules do I have", says=("Wick Studio",)),
        T("forget the Wick Studio rule", effects={"rules": -1}),
        rules=["Never discount Wick Studio."],
    ),
    scenario(
        "rule_harbor_from_now_on",
        "rules",
        T(
            "from now on Harbor Textiles stuff never gets discounted",
            effects={"rules": 1},
            pending=("markdown_socks",),
        ),
        T("go ahead", effects={"markdown_socks": REJ}),
    ),
    # ------------------------------------------------------------------ rejections
    scenario(
        "reject_id_with_reason",
        "rejections",
        T("reject {markdown_socks}, too much discount", effects={"markdown_socks": REJ}),
        T("what else is in the queue for inventory?"),
    ),
    scenario(
        "reject_non_native_socks",
        "rejections",
        T("i want reject the socks, is too much discount", effects={"markdown_socks": REJ}),
    ),
    scenario(
        "reject_british_bin",
        "rejections",
        T("bin the tea towel one, margins are thin already", effects={"markdown_tea_towel": REJ}),
        T("cheers"),
    ),
    scenario(
        "reject_asks_why_then_reason",
        "rejections",
        T("reject {hold_9329}", pending=None),
        T("the customer is a regular, I know her personally", effects={"hold_9329": REJ}),
    ),
    scenario(
        "reject_all_markdowns_waits",
        "rejections",
        T(
            "reject all the markdown proposals, prices were only set last week",
            pending=MARKDOWNS,
        ),
        T("yes", effects=all_(MARKDOWNS, REJ)),
    ),
    scenario(
        "reject_alpaca_reason_later",
        "rejections",
        T("reject {reorder_alpaca} pls", pending=None),
        T("we have 200 of them in the warehouse already", effects={"reorder_alpaca": REJ}),
    ),
    # ------------------------------------------------------------------ snooze_dates
    scenario(
        "snooze_until_monday",
        "snooze_dates",
        T("snooze {landing_mug} until monday", effects={"landing_mug": SNZ}),
        T("thanks"),
    ),
    scenario(
        "snooze_name_high_risk",
        "snooze_dates",
        T("snooze the alpaca reorder till next week", effects={"reorder_alpaca": SNZ}),
        T("what's still pending then?"),
    ),
    scenario(
        "snooze_question_form",
        "snooze_dates",
        T("can we snooze {hold_9307} for 3 days", effects={"hold_9307": SNZ}),
    ),
    scenario(
        "snooze_fortnight",
        "snooze_dates",
        T("snooze the socks markdown for a fortnight", effects={"markdown_socks": SNZ}),
        T("cheers"),
    ),
    scenario(
        "snooze_top_one_waits",
        "snooze_dates",
        T("snooze the top one till monday", pending=("rank1",)),
        T("yes", effects={"rank1": SNZ}),
    ),
    scenario(
        "snooze_friday_non_native",
        "snooze_dates",
        T("please you can snooze {meta_iris} until friday?", effects={"meta_iris": SNZ}),
    ),
    # ------------------------------------------------------------------ edits
    scenario(
        "edit_title_medium",
        "edits",
        T(
            "approve {title_sparrow} but make the title "
            "'Sparrow Velvet Cushion Cover – Hand-Stitched & Machine Washable'",
            effects={"title_sparrow": EX},
        ),
    ),
    scenario(
        "edit_meta_medium",
        "edits",
        T(
            "approve {meta_rowan} but change the description to: Sturdy jute tote for market "
            "runs and beach days. Free shipping over $50.",
            effects={"meta_rowan": EX},
        ),
    ),
    scenario(
        "edit_markdown_high_waits",
        "edits",
        T("approve {markdown_tea_towel} but make it 10% instead", pending=("markdown_tea_towel",)),
        T("yes", effects={"markdown_tea_towel": EX}),
    ),
    scenario(
        "edit_reorder_quantity",
        "edits",
        T("approve {reorder_alpaca} with 40 units not 50", pending=("reorder_alpaca",)),
        T("ok", effects={"reorder_alpaca": EX}),
    ),
    scenario(
        "edit_flint_runner_title",
        "edits",
        T(
            "approve {title_flint_runner} but use 'Flint Cotton Table Runner | Wick Studio' "
            "as the title",
            effects={"title_flint_runner": EX},
        ),
    ),
    scenario(
        "edit_pending_high_revised",
        "edits",
        T("approve {markdown_socks}", pending=("markdown_socks",)),
        T("actually approve {markdown_socks} at 5% instead", pending=("markdown_socks",)),
        T("yep", effects={"markdown_socks": EX}),
    ),
    # ------------------------------------------------------------------ rollback
    scenario(
        "rollback_by_id",
        "rollback",
        T("approve {title_sparrow}", effects={"title_sparrow": EX}),
        T("actually roll back {title_sparrow}", effects={"title_sparrow": RB}),
    ),
    scenario(
        "rollback_pronoun_waits",
        "rollback",
        T("approve {meta_rowan}", effects={"meta_rowan": EX}),
        T("what did that change?"),
        T("hmm undo that", pending=("meta_rowan",)),
        T("yes", effects={"meta_rowan": RB}),
    ),
    scenario(
        "rollback_never_ran",
        "rollback",
        T("roll back {links_candle}"),
    ),
    scenario(
        "rollback_by_name",
        "rollback",
        T("approve {links_scarf}", effects={"links_scarf": EX}),
        T("revert the Kindle scarf links change", effects={"links_scarf": RB}),
    ),
    scenario(
        "rollback_mug_page_caps",
        "rollback",
        T("approve {landing_mug}", effects={"landing_mug": EX}),
        T("UGH the mug page looks awful. roll back {landing_mug}", effects={"landing_mug": RB}),
    ),
]
