"""Held-out operator conversations, how a request is phrased: several intents in one message, typos,
number words, negation and hedges, questions about the state, and the kill switch."""

from __future__ import annotations

from tests.corpus.dsl import Scenario, T, scenario
from tests.corpus.heldout_terms import APP, EX, REJ, SNZ

SCENARIOS: list[Scenario] = [
    # ------------------------------------------------------------------ multi_intent
    scenario(
        "multi_approve_and_reject",
        "multi_intent",
        T(
            "approve {title_sparrow} and reject {markdown_socks}, too much discount",
            effects={"title_sparrow": EX, "markdown_socks": REJ},
        ),
        T("what's left for inventory?"),
    ),
    scenario(
        "multi_snooze_and_approve",
        "multi_intent",
        T(
            "snooze {landing_mug} until monday and approve {meta_iris}",
            effects={"landing_mug": SNZ, "meta_iris": EX},
        ),
    ),
    scenario(
        "multi_two_writes_and_question",
        "multi_intent",
        T(
            "approve {meta_rowan}, snooze {links_candle} for 3 days, and how were sales yesterday?",
            effects={"meta_rowan": EX, "links_candle": SNZ},
        ),
    ),
    scenario(
        "multi_medium_runs_high_waits",
        "multi_intent",
        T(
            "approve {title_sparrow}, and also approve {hold_9329}",
            effects={"title_sparrow": EX},
            pending=("hold_9329",),
        ),
        T("yes", effects={"hold_9329": EX}),
    ),
    scenario(
        "multi_rule_and_approve",
        "multi_intent",
        T(
            "never discount Wick Studio. also approve {title_flint_runner}",
            effects={"rules": 1, "title_flint_runner": EX},
            pending=("markdown_tea_towel",),
        ),
        T("yes", effects={"markdown_tea_towel": REJ}),
    ),
    scenario(
        "multi_voice_run_on",
        "multi_intent",
        T(
            "ok so um approve the sparrow title one and then uh yeah snooze the mug landing page "
            "till monday i think thats it",
            effects={"title_sparrow": EX, "landing_mug": SNZ},
        ),
    ),
    scenario(
        "multi_freeze_and_question",
        "multi_intent",
        T(
            "freeze everything and tell me what ran overnight",
            effects={"kill_switch": True},
        ),
        T("ok"),
    ),
    # ------------------------------------------------------------------ typos
    scenario(
        "typo_aprove_id",
        "typos",
        T("aprove {title_sparrow}", effects={"title_sparrow": EX}),
        T("thnx"),
    ),
    scenario(
        "typo_rejcet",
        "typos",
        T("rejcet {markdown_socks} to much discount", effects={"markdown_socks": REJ}),
    ),
    scenario(
        "typo_snoze_mug",
        "typos",
        T("snoze the mug landing page til monady", effects={"landing_mug": SNZ}),
    ),
    scenario(
        "typo_sparow_titel",
        "typos",
        T("aprove the sparow titel", effects={"title_sparrow": EX}),
        T("gr8"),
    ),
    scenario(
        "typo_relase_kil_switch",
        "typos",
        T("relase the kil switch", pending=("kill_switch",)),
        T("yess", effects={"kill_switch": False}),
        kill_switch=True,
    ),
    scenario(
        "typo_yeh_confirm",
        "typos",
        T("aprove {hold_9307}", pending=("hold_9307",)),
        T("yeh", effects={"hold_9307": EX}),
    ),
    scenario(
        "typo_caps_stopp",
        "typos",
        T("STOPP EVERYTHNG NOW", effects={"kill_switch": True}),
    ),
    # ------------------------------------------------------------------ number_words
    scenario(
        "numword_number_one",
        "number_words",
        T("approve number one on the list", pending=("rank1",)),
        T("yes", effects={"rank1": EX}),
    ),
    scenario(
        "numword_top_three_cancel",
        "number_words",
        T("approve the top three", pending=("rank1", "rank2", "rank3")),
        T("no"),
    ),
    scenario(
        "numword_snooze_weeks_days",
        "number_words",
        T("snooze {landing_backpack} for two weeks", effects={"landing_backpack": SNZ}),
        T("snooze {links_scarf} for ten days", effects={"links_scarf": SNZ}),
    ),
    scenario(
        "numword_markdown_five",
        "number_words",
        T(
            "approve {markdown_socks} but make it five percent, not ten",
            pending=("markdown_socks",),
        ),
        T("yes", effects={"markdown_socks": EX}),
    ),
    scenario(
        "numword_reorder_sixty",
        "number_words",
        T("approve {reorder_tshirt} but only order sixty", pending=("reorder_tshirt",)),
        T("sure", effects={"reorder_tshirt": EX}),
    ),
    scenario(
        "numword_second_and_fifth",
        "number_words",
        T("reject the second and the fifth ones, not now", pending=("rank2", "rank5")),
        T("yep", effects={"rank2": REJ, "rank5": REJ}),
    ),
    # ------------------------------------------------------------------ negation_hedge
    scenario(
        "hedge_dont_approve_yet",
        "negation_hedge",
        T("don't approve {title_sparrow} yet"),
        T("maybe later"),
    ),
    scenario(
        "hedge_not_sure_hold_off",
        "negation_hedge",
        T("i'm not sure about {hold_9307}"),
        T("hold off on {reorder_tshirt} for now"),
    ),
    scenario(
        "hedge_socks_later",
        "negation_hedge",
        T("maybe approve the socks markdown later, not today"),
        T("yeah leave it for now"),
    ),
    scenario(
        "hedge_let_me_think",
        "negation_hedge",
        T("I wouldn't approve {meta_rowan} just yet, let me think about it"),
        T("still thinking..."),
    ),
    scenario(
        "hedge_second_thoughts_cancel",
        "negation_hedge",
        T("approve {markdown_orchard}", pending=("markdown_orchard",)),
        T("hmm actually don't, not yet"),
    ),
    scenario(
        "hedge_do_not_reject",
        "negation_hedge",
        T("do not reject {hold_9329}, I still need to look at it"),
        T("probably tomorrow"),
    ),
    # ------------------------------------------------------------------ state_questions
    scenario(
        "state_whats_pending",
        "state_questions",
        T("what's pending?"),
        T("anything high risk in there?"),
        T("which one's the most urgent?"),
    ),
    scenario(
        "state_switch_and_autonomy",
        "state_questions",
        T("is the kill switch on?"),
        T("and what autonomy are we on"),
    ),
    scenario(
        "state_what_did_you_do",
        "state_questions",
        T("approve {title_sparrow}", effects={"title_sparrow": EX}),
        T("what did you just do?", says=("#{title_sparrow}",)),
    ),
    scenario(
        "state_status_of_ids",
        "state_questions",
        T("what's the status of {hold_9329}?"),
        T("and {markdown_socks}?"),
    ),
    scenario(
        "state_questions_keep_pending",
        "state_questions",
        T("approve {reorder_alpaca}", pending=("reorder_alpaca",)),
        T("wait, what's the kill switch status", pending=("reorder_alpaca",)),
        T("what autonomy level are we at?", pending=("reorder_alpaca",)),
        T("ok go ahead", effects={"reorder_alpaca": EX}),
    ),
    # ------------------------------------------------------------------ kill_switch
    scenario(
        "kill_caps_stop",
        "kill_switch",
        T("STOP EVERYTHING", effects={"kill_switch": True}),
        T("is it stopped?"),
    ),
    scenario(
        "kill_something_off",
        "kill_switch",
        T("something's off with the prices, freeze it all", effects={"kill_switch": True}),
    ),
    scenario(
        "kill_pause_holiday",
        "kill_switch",
        T("pause everything for now pls, i'm off on holiday", effects={"kill_switch": True}),
        T("what does the kill switch actually do?"),
    ),
    scenario(
        "kill_release_confirmed",
        "kill_switch",
        T("release the kill switch", pending=("kill_switch",)),
        T("yes", effects={"kill_switch": False}),
        kill_switch=True,
    ),
    scenario(
        "kill_resume_declined",
        "kill_switch",
        T("ok resume executions", pending=("kill_switch",)),
        T("no not yet"),
        T("is the kill switch still on?"),
        kill_switch=True,
    ),
    scenario(
        "kill_on_approvals_queue",
        "kill_switch",
        T("approve {title_sparrow}", effects={"title_sparrow": APP}),
        T("approve {reorder_alpaca}", pending=("reorder_alpaca",)),
        T("yes", effects={"reorder_alpaca": APP}),
        kill_switch=True,
    ),
    scenario(
        "kill_halt_then_approve",
        "kill_switch",
        T("halt. halt all of it.", effects={"kill_switch": True}),
        T("approve {meta_iris}", effects={"meta_iris": APP}),
    ),
    scenario(
        "kill_engage_replaces_pending",
        "kill_switch",
        T("approve {reorder_alpaca}", pending=("reorder_alpaca",)),
        T("wait STOP everything", effects={"kill_switch": True}),
        T("yes"),
    ),
]
