"""Held-out operator conversations, deciding on the queue: acknowledgements, explicit approvals,
confirmations, and actions named by name, kind, ordinal and count, or pronoun."""

from __future__ import annotations

from tests.corpus.dsl import Scenario, T, scenario
from tests.corpus.heldout_terms import CONTENT, EX, METAS, REJ, REORDERS, REPAIRS, RISK, SNZ, all_

SCENARIOS: list[Scenario] = [
    # ------------------------------------------------------------------ acknowledgement
    scenario(
        "ack_morning_coffee",
        "acknowledgement",
        T("morning! coffee's still kicking in ☕"),
        T("how's it all looking today"),
        T("cool, thanks"),
    ),
    scenario(
        "ack_after_approval_aussie",
        "acknowledgement",
        T("approve {meta_iris}", effects={"meta_iris": EX}),
        T("ta"),
        T("legend, cheers mate"),
        T("ok thanks"),
    ),
    scenario(
        "ack_emoji_only",
        "acknowledgement",
        T("👍"),
        T("🙏🙏"),
        T("lol ok"),
    ),
    scenario(
        "ack_non_native_polite",
        "acknowledgement",
        T("thank you very much for the help, you are very kind"),
        T("ok good, now I understand"),
        T("bye bye, have good day"),
    ),
    scenario(
        "ack_sarcasm_approve_everything",
        "acknowledgement",
        T("yeah right, approve everything, sure 🙄", pending=None),
        T("obviously not. I was being sarcastic"),
        T("anyway. thanks"),
    ),
    # ------------------------------------------------------------------ explicit_approval
    scenario(
        "approve_two_medium_ids_in_turn",
        "explicit_approval",
        T("approve {title_sparrow}", effects={"title_sparrow": EX}),
        T("approve {meta_rowan} pls", effects={"meta_rowan": EX}),
    ),
    scenario(
        "approve_non_native_number",
        "explicit_approval",
        T("pls approve the number {links_candle}", effects={"links_candle": EX}),
        T("also you approve {links_scarf} please", effects={"links_scarf": EX}),
    ),
    scenario(
        "approve_british_crack_on",
        "explicit_approval",
        T("cheers, crack on with {landing_backpack}", effects={"landing_backpack": EX}),
        T("go on then, approve {landing_mug} as well", effects={"landing_mug": EX}),
        T("brilliant"),
    ),
    scenario(
        "approve_caps_broken_pages",
        "explicit_approval",
        T(
            "APPROVE {repair_oakley} NOW the page is broken and customers are complaining",
            effects={"repair_oakley": EX},
        ),
        T("and approve {repair_willow_runner} as well", effects={"repair_willow_runner": EX}),
    ),
    scenario(
        "approve_high_risk_waits",
        "explicit_approval",
        T("approve {reorder_tshirt}", pending=("reorder_tshirt",), says=("#{reorder_tshirt}",)),
        T("yes", effects={"reorder_tshirt": EX}),
    ),
    scenario(
        "approve_two_low_ids_voice",
        "explicit_approval",
        T(
            "ok so approve {investigate_umber} and {refunds_dune} both of them thanks",
            effects={"investigate_umber": EX, "refunds_dune": EX},
        ),
    ),
    scenario(
        "approve_same_twice",
        "explicit_approval",
        T("approve {meta_iris}", effects={"meta_iris": EX}),
        T("approve {meta_iris}"),
    ),
    # ------------------------------------------------------------------ confirmation
    scenario(
        "confirm_after_cost_question",
        "confirmation",
        T("approve {reorder_alpaca}", pending=("reorder_alpaca",)),
        T("how much would that cost roughly?", pending=("reorder_alpaca",)),
        T("ok go ahead", effects={"reorder_alpaca": EX}),
    ),
    scenario(
        "confirm_no_wait_then_stray_yes",
        "confirmation",
        T("approve {hold_9329}", pending=("hold_9329",)),
        T("no wait"),
        T("yes"),
    ),
    scenario(
        "confirm_replaced_by_new_request",
        "confirmation",
        T("approve {markdown_socks}", pending=("markdown_socks",)),
        T("actually approve {hold_9307} instead", pending=("hold_9307",)),
        T("yep", effects={"hold_9307": EX}),
    ),
    scenario(
        "confirm_hmm_no_then_again",
        "confirmation",
        T("approve {markdown_orchard}", pending=("markdown_orchard",)),
        T("hmm no"),
        T("ok fine approve {markdown_orchard}", pending=("markdown_orchard",)),
        T("confirm", effects={"markdown_orchard": EX}),
    ),
    scenario(
        "confirm_ok_thanks",
        "confirmation",
        T("approve {hold_9307}", pending=("hold_9307",)),
        T("ok thanks", effects={"hold_9307": EX}),
    ),
    scenario(
        "confirm_nothing_pending",
        "confirmation",
        T("yes"),
        T("sure"),
        T("go ahead"),
    ),
    scenario(
        "confirm_question_then_sure",
        "confirmation",
        T("approve {markdown_tea_towel}", pending=("markdown_tea_towel",)),
        T("is that the Wick Studio one?", pending=("markdown_tea_towel",)),
        T("sure", effects={"markdown_tea_towel": EX}),
    ),
    scenario(
        "confirm_aussie_too_right",
        "confirmation",
        T("approve {hold_9329}", pending=("hold_9329",)),
        T("too right, go for it", effects={"hold_9329": EX}),
    ),
    scenario(
        "confirm_yeah_nah",
        "confirmation",
        T("approve {markdown_orchard}", pending=("markdown_orchard",)),
        T("yeah nah"),
        T("all good, leave it"),
    ),
    scenario(
        "confirm_nah",
        "confirmation",
        T("approve {reorder_tshirt}", pending=("reorder_tshirt",)),
        T("nah"),
    ),
    # ------------------------------------------------------------------ names
    scenario(
        "name_sparrow_title",
        "names",
        T("approve the Sparrow title rewrite", effects={"title_sparrow": EX}),
        T("nice one"),
    ),
    scenario(
        "name_oakley_fix",
        "names",
        T("go ahead and approve the Oakley page fix", effects={"repair_oakley": EX}),
    ),
    scenario(
        "name_alpaca_reorder_high",
        "names",
        T("approve the alpaca reorder", pending=("reorder_alpaca",)),
        T("yes", effects={"reorder_alpaca": EX}),
    ),
    scenario(
        "name_pasted_supplier_email",
        "names",
        T(
            "my supplier just emailed me this:\n\n"
            "> Hi there, we can ship the Prairie Alpaca Throw Blankets (Rust) by Friday if you\n"
            "> confirm the PO today. Kind regards, Loom & Hearth\n\n"
            "so approve the Prairie Alpaca reorder",
            pending=("reorder_alpaca",),
        ),
        T("confirm", effects={"reorder_alpaca": EX}),
    ),
    scenario(
        "name_reject_orchard",
        "names",
        T(
            "reject the Orchard Alpaca Throw Blanket markdown, it's our bestseller",
            effects={"markdown_orchard": REJ},
        ),
    ),
    scenario(
        "name_meta_rowan_and_iris_bowl",
        "names",
        T("approve the meta description for the Rowan jute tote", effects={"meta_rowan": EX}),
        T("approve the Iris serving bowl meta too", effects={"meta_iris": EX}),
    ),
    scenario(
        "name_candle_and_kindle_links",
        "names",
        T("approve the candle internal links", effects={"links_candle": EX}),
        T("approve the Kindle scarf links as well", effects={"links_scarf": EX}),
    ),
    scenario(
        "name_refund_investigations",
        "names",
        T("approve investigating the umber blanket", effects={"investigate_umber": EX}),
        T("and approve the Dune hemp refunds one", effects={"refunds_dune": EX}),
    ),
    scenario(
        "name_order_number_hold",
        "names",
        T("approve the hold on order #9329", pending=("hold_9329",)),
        T("yep do it", effects={"hold_9329": EX}),
    ),
    # ------------------------------------------------------------------ kinds
    scenario(
        "kind_meta_descriptions",
        "kinds",
        T("approve all the meta description rewrites", pending=METAS),
        T("yes", effects=all_(METAS, EX)),
    ),
    scenario(
        "kind_content_agent",
        "kinds",
        T("just approve whatever the content agent has queued up", pending=CONTENT),
        T("yes", effects=all_(CONTENT, EX)),
    ),
    scenario(
        "kind_page_repairs_with_question",
        "kinds",
        T("approve both page repairs", pending=REPAIRS),
        T("what's actually wrong with those pages?", pending=REPAIRS),
        T("ok go", effects={"repair_oakley": EX, "repair_willow_runner": EX}),
    ),
    scenario(
        "kind_order_holds_cancelled",
        "kinds",
        T("can u approve the order holds", pending=("hold_9307", "hold_9329")),
        T("no"),
    ),
    scenario(
        "kind_reorders",
        "kinds",
        T("approve all the reorders", pending=REORDERS),
        T("sure", effects=all_(REORDERS, EX)),
    ),
    scenario(
        "kind_risk_agent",
        "kinds",
        T("approve all the risk agent's stuff", pending=RISK),
        T("yes", effects=all_(RISK, EX)),
    ),
    scenario(
        "kind_landing_pages",
        "kinds",
        T("the new landing pages - approve them", pending=("landing_backpack", "landing_mug")),
        T("yep", effects={"landing_backpack": EX, "landing_mug": EX}),
    ),
    # ------------------------------------------------------------------ ordinals_counts
    scenario(
        "ordinal_top_one",
        "ordinals_counts",
        T("approve the top one", pending=("rank1",)),
        T("yes", effects={"rank1": EX}),
    ),
    scenario(
        "ordinal_first_three",
        "ordinals_counts",
        T("approve the first 3", pending=("rank1", "rank2", "rank3")),
        T("yep", effects={"rank1": EX, "rank2": EX, "rank3": EX}),
    ),
    scenario(
        "ordinal_snooze_second",
        "ordinals_counts",
        T("snooze the 2nd one till next week", pending=("rank2",)),
        T("ok", effects={"rank2": SNZ}),
    ),
    scenario(
        "ordinal_reject_fourth",
        "ordinals_counts",
        T("reject the 4th one, not a priority right now", pending=("rank4",)),
        T("yes", effects={"rank4": REJ}),
    ),
    scenario(
        "count_question_then_top_two",
        "ordinals_counts",
        T("how many things are waiting for me?", says=("26",)),
        T("approve the top 2", pending=("rank1", "rank2")),
        T("cancel"),
    ),
    scenario(
        "ordinal_last_one",
        "ordinals_counts",
        T("approve the last one on the list", pending=("rank26",)),
        T("go ahead", effects={"rank26": EX}),
    ),
    # ------------------------------------------------------------------ pronouns
    scenario(
        "pronoun_tell_then_approve",
        "pronouns",
        T("tell me about {title_sparrow}"),
        T("ok approve it", pending=("title_sparrow",)),
        T("yes", effects={"title_sparrow": EX}),
    ),
    scenario(
        "pronoun_top_of_list",
        "pronouns",
        T("what's at the top of the list?"),
        T("approve that one", pending=("rank1",)),
        T("confirm", effects={"rank1": EX}),
    ),
    scenario(
        "pronoun_reject_it_with_reason",
        "pronouns",
        T("what's {markdown_socks} about"),
        T("reject it, 10% is way too much", pending=("markdown_socks",)),
        T("yes", effects={"markdown_socks": REJ}),
    ),
    scenario(
        "pronoun_snooze_it",
        "pronouns",
        T("show me {landing_mug}"),
        T("snooze it until monday", pending=("landing_mug",)),
        T("yep", effects={"landing_mug": SNZ}),
    ),
    scenario(
        "pronoun_them_both",
        "pronouns",
        T("explain {links_scarf} and {links_candle} to me"),
        T("approve them both", pending=("links_scarf", "links_candle")),
        T("yes", effects={"links_scarf": EX, "links_candle": EX}),
    ),
    scenario(
        "pronoun_non_native_this",
        "pronouns",
        T("what is this {meta_iris}, explain me please"),
        T("ok this one I approve", pending=("meta_iris",)),
        T("yes please", effects={"meta_iris": EX}),
    ),
]
