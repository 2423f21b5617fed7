"""'Don't touch the Linen Tote page', said in the conversation: stored as understood, and held on proposals.

The reading of such a sentence is pinned in ``tests/policies/test_hands_off_rules.py``.
"""

from __future__ import annotations

import pytest

from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tools.actions import propose
from tools.errors import ToolError
from tools.rules import list_rules

OP = Principal.operator("demo")
CONTENT = Principal.for_agent("demo", "content")
INVENTORY = Principal.for_agent("demo", "inventory")


async def test_said_in_chat_the_page_rule_holds_on_proposals_and_leaves_a_reorder_alone(agents_app: App) -> None:
    waiting = (await propose(agents_app.deps, CONTENT, proposal("content.rewrite_title"))).action
    chat = await agents_app.agents()
    turn = await chat.send(OP, "dont touch the linen tote page", thread="h1")
    assert "no page changes on Linen Tote" in turn.reply and f"#{waiting.id}" in turn.reply, turn.reply
    assert [r["understood"] for r in await list_rules(agents_app.deps, OP)] == ["no page changes on Linen Tote"]
    with pytest.raises(ToolError, match="no page changes on Linen Tote"):
        await propose(agents_app.deps, CONTENT, proposal("content.rewrite_meta_description"))
    reorder = await propose(agents_app.deps, INVENTORY, proposal("inventory.reorder"))
    assert reorder.action.status == "pending_approval"
