"""The rules brain understands the operator: 80+ utterances in varied phrasing, clause by clause."""

from __future__ import annotations

from datetime import datetime, timezone
from typing import Any

import pytest

from graphs.language.intents import parse

NOW = datetime(2026, 11, 21, 15, 0, tzinfo=timezone.utc)  # a Saturday afternoon
MON = datetime(2026, 11, 23, 9, 0, tzinfo=timezone.utc)
TOMORROW = datetime(2026, 11, 22, 9, 0, tzinfo=timezone.utc)
FRI = datetime(2026, 11, 27, 9, 0, tzinfo=timezone.utc)

# (utterance, intent, expected slots)
CASES: list[tuple[str, str, dict[str, Any]]] = [
    # briefings
    ("what should I do today?", "briefing", {}),
    ("What should I focus on today", "briefing", {}),
    ("Good morning! Anything urgent?", "briefing", {}),
    ("give me the daily briefing", "briefing", {}),
    ("catch me up", "briefing", {}),
    ("where do we stand?", "briefing", {}),
    ("what needs my attention", "briefing", {}),
    # lists and references
    ("show my top actions", "list", {}),
    ("list pending actions", "list", {"status": "pending"}),
    ("what's in my queue?", "list", {}),
    ("show me the top 5", "list", {"limit": 5}),
    ("what needs my approval?", "list", {}),
    ("show everything from the content agent", "list", {"ref.agent": "content"}),
    ("list the inventory ones", "list", {"ref.agent": "inventory"}),
    ("show me all low-risk ones", "list", {"ref.risk": "low", "ref.every": True}),
    ("any critical actions?", "list", {"ref.risk": "critical"}),
    ("show the price changes", "list", {"ref.kind": "pricing.adjust"}),
    ("list executed actions", "list", {"status": "executed"}),
    ("what got rejected?", "list", {"status": "rejected"}),
    ("show the reorders waiting", "list", {"ref.kind": "inventory.reorder"}),
    # explanations
    ("why is #12 risky?", "explain", {"ids": (12,)}),
    ("explain 12", "explain", {"ids": (12,)}),
    ("tell me more about #7", "explain", {"ids": (7,)}),
    ("what's the evidence for 31?", "explain", {"ids": (31,)}),
    ("#12", "explain", {"ids": (12,)}),
    ("explain the inventory one", "explain", {"ref.agent": "inventory"}),
    ("why the top one?", "explain", {"ref.position": 1}),
    ("what's the rollback plan for 9", "explain", {"ids": (9,)}),
    ("how confident are you about 44?", "explain", {"ids": (44,)}),
    # approvals
    ("approve 12", "approve", {"ids": (12,)}),
    ("approve 12, 14 and 15", "approve", {"ids": (12, 14, 15)}),
    ("Approve #12 and #14", "approve", {"ids": (12, 14)}),
    ("go ahead with 8", "approve", {"ids": (8,)}),
    ("ship it", "approve", {"ref.focus": True}),
    ("yes, do it", "ack", {}),  # a bare yes confirms a pending question, and nothing else
    ("approve the inventory one", "approve", {"ref.agent": "inventory"}),
    ("approve all low-risk ones", "approve", {"ref.risk": "low", "ref.every": True}),
    ("approve everything from the content agent", "approve", {"ref.agent": "content", "ref.every": True}),
    ("ok approve the top one", "approve", {"ref.position": 1}),
    ("lgtm on 21", "approve", {"ids": (21,)}),
    ("green light 5-7", "approve", {"ids": (5, 6, 7)}),
    ("approve it", "approve", {"ref.focus": True}),
    # rejections
    ("reject 14 because we're overstocked", "reject", {"ids": (14,), "reason": "we're overstocked"}),
    ("no to #14, we have plenty of stock", "reject", {"ids": (14,), "reason": "we have plenty of stock"}),
    ("decline 9: off-brand wording", "reject", {"ids": (9,), "reason": "off-brand wording"}),
    ("reject the inventory one, the supplier is closed", "reject",
     {"ref.agent": "inventory", "reason": "the supplier is closed"}),
    ("don't do 33 since the sale ends tomorrow", "hold_back", {"ids": (33,)}),  # a negation never acts
    ("reject 40", "reject", {"ids": (40,), "reason": None}),
    ("skip 18 - too aggressive", "reject", {"ids": (18,), "reason": "too aggressive"}),
    ("veto all critical ones because it's peak season", "reject",
     {"ref.risk": "critical", "reason": "it's peak season"}),
    # edits
    ("approve 12 but make the price 45", "edit_approve", {"ids": (12,), "params": {"new_price": 45.0}}),
    ("approve #3 at $39.90", "edit_approve", {"ids": (3,), "params": {"new_price": 39.9}}),
    ("change the title of 7 to \"Linen Tote Bag – Handwoven\" and approve", "edit_approve",
     {"ids": (7,), "params": {"new_title": "Linen Tote Bag – Handwoven"}}),
    ("approve 11 with 200 units", "edit_approve", {"ids": (11,), "params": {"quantity": 200}}),
    ("approve 4 but only 15% off", "edit_approve", {"ids": (4,), "params": {"percent_off": 15.0}}),
    ("set the price of 12 to 42", "edit_approve", {"ids": (12,), "params": {"new_price": 42.0}}),
    # snoozes
    ("snooze 12 until monday", "snooze", {"ids": (12,), "until": MON}),
    ("remind me about #14 tomorrow", "snooze", {"ids": (14,), "until": TOMORROW}),
    ("postpone 9 until friday", "snooze", {"ids": (9,), "until": FRI}),
    ("snooze 3 for 2 days", "snooze", {"ids": (3,), "until": datetime(2026, 11, 23, 15, 0, tzinfo=timezone.utc)}),
    ("park the content one until next week", "snooze", {"ref.agent": "content", "until": MON}),
    ("not now, later", "hold_back", {}),
    # rollbacks
    ("roll back 12", "rollback", {"ids": (12,)}),
    ("undo #8", "rollback", {"ids": (8,)}),
    ("revert the price change", "rollback", {"ref.kind": "pricing.adjust"}),
    # delegation and runs
    ("run the inventory agent", "delegate", {"agent": "inventory"}),
    ("ask the content agent to look at the linen tote page", "delegate", {"agent": "content"}),
    ("check for fraud", "delegate", {"agent": "risk"}),
    ("have the analyst look into mobile conversion", "delegate", {"agent": "analytics"}),
    ("get the SEO specialist to review our titles", "delegate", {"agent": "content"}),
    ("can you check stock levels", "delegate", {"agent": "inventory"}),
    ("run all specialists", "run_all", {}),
    ("run everything", "run_all", {}),
    ("kick off a full analysis", "run_all", {}),
    ("how did the last run go?", "run_status", {}),
    ("status of run 3", "run_status", {"run_id": 3}),
    ("show recent runs", "run_status", {}),
    # audit
    ("what did the agents do overnight?", "audit_digest", {}),
    ("what happened while I was away", "audit_digest", {}),
    ("show me the audit log", "audit_digest", {}),
    ("verify the audit log", "audit_verify", {}),
    ("has anyone tampered with the log?", "audit_verify", {}),
    ("show handoffs", "handoffs", {}),
    # settings and safety
    ("set autonomy to semi-autonomous", "autonomy", {"level": "semi_autonomous"}),
    ("go supervised", "autonomy", {"level": "supervised"}),
    ("let low-risk things run on their own", "autonomy", {"level": "semi_autonomous"}),
    ("put us on autopilot", "autonomy", {"level": "autonomous"}),
    ("stop everything", "kill_on", {}),
    ("emergency stop — the site is down", "kill_on", {}),
    ("engage the kill switch", "kill_on", {}),
    ("turn the kill switch off", "kill_off", {}),
    ("resume executions", "kill_off", {}),
    # memory
    ("never discount brand Atelier Nord", "add_rule", {"text": "never discount brand Atelier Nord"}),
    ("remember that I don't like emoji in titles", "add_rule", {"text": "I don't like emoji in titles"}),
    ("always ask me before rewriting titles", "add_rule", {}),
    ("what are my preferences?", "list_rules", {}),
    ("forget the rule about Atelier Nord", "forget_rule", {"text": "Atelier Nord"}),
    # a time inside a reason, a change the operator asks for, a version, one agent, a complaint
    ("reject 16 because our copywriter will redo it next week", "reject",
     {"ids": (16,), "reason": "our copywriter will redo it next week"}),
    ("no to 8, we restock next week anyway", "reject", {"ids": (8,), "reason": "we restock next week anyway"}),
    ("approve 13 but make the title Flint Cotton Table Runner – Handwoven | Northwind Goods", "edit_approve",
     {"ids": (13,), "params": {"new_title": "Flint Cotton Table Runner – Handwoven | Northwind Goods"}}),
    ("approve 18 but change the description to: Soft organic cotton, made to last.", "edit_approve",
     {"ids": (18,), "params": {"new_description": "Soft organic cotton, made to last."}}),
    ("approve 21 but make the anchor text 'merino wool scarf'", "edit_approve",
     {"ids": (21,), "params": {"anchor": "merino wool scarf"}}),
    ("approve 12 but make the title shorter", "edit_approve", {"ids": (12,), "params": {}}),
    ("approve version 3 of #29", "approve", {"ids": (29,), "version": 3}),
    ("approve 28 v3", "approve", {"ids": (28,), "version": 3}),
    ("stop the content agent, its suggestions are rubbish", "agent_off",
     {"agent": "content", "reason": "its suggestions are rubbish"}),
    ("turn the inventory agent off", "agent_off", {"agent": "inventory"}),
    ("I said autonomous", "status", {"level": "autonomous"}),
    # misc
    ("how is the content agent performing?", "performance", {"agent": "content"}),
    ("what's the approval rate of the agents", "performance", {}),
    ("status", "status", {}),
    ("hello", "greeting", {}),
    ("thanks!", "ack", {}),
    ("what can you do?", "help", {}),
    ("the weather in Lisbon", "unknown", {}),
]


#: the words a store's actions are known by (what ``tools.queue`` gives the brain)
NAMES = frozenset("""prairie alpaca throw blanket rust linen tote bag atelier nord wick studio flint cotton table runner
sparrow velvet cushion cover order #9459 #9437 reorder markdown title rewrite page repair investigation socks
""".split())


def _get(intent: Any, key: str) -> Any:
    value = intent
    for part in key.split("."):
        value = getattr(value, part)
    return value


def test_the_table_has_at_least_eighty_utterances() -> None:
    assert len(CASES) >= 80


@pytest.mark.parametrize(("text", "name", "slots"), CASES, ids=[c[0][:40] for c in CASES])
def test_operator_utterance(text: str, name: str, slots: dict[str, Any]) -> None:
    intent = parse(text, NOW, names=NAMES)[0]
    assert intent.name == name, intent
    for key, expected in slots.items():
        assert _get(intent, key) == expected, (key, intent)
