"""An approval "as is" is an approval of what was proposed, and keeps another action's change its own.

"approve 18 as suggested, thanks" rewrote a page's title to "suggested, thanks" and executed it: "approve N
as …" was read as "approve N with the new text …", whatever followed. And "approve 9 but only 40 units, and
10 as is" echoed both reorders cut to 40 units. An approval "as is" / "as proposed" / "unchanged" now approves
the proposal unchanged, a lower-case text after "as" is asked about (never dropped, never guessed), and a
change said of one action of several stays with that one.
"""

from __future__ import annotations

from typing import Any

import pytest

from policies.principal import Principal
from server.app import App
from tests.factories import proposal
from tests.graphs.chat import status_of, waiting
from tools.actions import get_action, propose

OP = Principal.operator("demo")


async def _made(app: App, kind: str, **extra: Any) -> int:
    agent = Principal.for_agent("demo", kind.split(".")[0])
    return (await propose(app.deps, agent, proposal(kind, **extra))).action.id


async def _params(app: App, action_id: int) -> dict[str, Any]:
    return dict((await get_action(app.deps, OP, action_id=action_id))["action"]["params"])


@pytest.mark.parametrize("say", ["approve {n} as suggested, thanks", "approve {n} as is", "Approve {n} as it is please",
                                 "approve {n} as proposed", "ok approve {n} unchanged", "approve #{n} as-is"])
async def test_approving_as_proposed_approves_the_proposal_unchanged(agents_app: App, say: str) -> None:
    title = await _made(agents_app, "content.rewrite_title")
    before = await _params(agents_app, title)
    turn = await (await agents_app.agents()).send(OP, say.format(n=title), thread="as1")
    assert await status_of(agents_app, title) != "pending_approval", turn.reply
    assert await _params(agents_app, title) == before, turn.reply
    assert "suggested" not in turn.reply and "with title" not in turn.reply, turn.reply


@pytest.mark.parametrize("say", ["approve {n} as sparrow velvet cushion", "approve {n} as linen tote for laptops"])
async def test_a_lower_case_text_after_as_is_asked_never_dropped_nor_approved(agents_app: App, say: str) -> None:
    title = await _made(agents_app, "content.rewrite_title")
    before = await _params(agents_app, title)
    turn = await (await agents_app.agents()).send(OP, say.format(n=title), thread="as2")
    assert await status_of(agents_app, title) == "pending_approval", turn.reply
    assert await _params(agents_app, title) == before
    assert not turn.pending and "couldn't read the change" in turn.reply, turn.reply


async def test_a_capitalised_or_quoted_text_after_as_is_still_the_new_title(agents_app: App) -> None:
    title = await _made(agents_app, "content.rewrite_title")
    chat = await agents_app.agents()
    turn = await chat.send(OP, f"approve {title} as 'Linen Tote | Handwoven in Lisbon'", thread="as3")
    assert await status_of(agents_app, title) != "pending_approval", turn.reply
    assert (await _params(agents_app, title))["new_title"] == "Linen Tote | Handwoven in Lisbon"


@pytest.mark.parametrize("say", ["approve {a} but only 40 units, and {b} as is",
                                 "approve {b} as is and {a} but only 40 units",
                                 "approve {a} (40 units) and {b} unchanged",
                                 "approve {a} at 40 units and {b} as it is, thanks"])
async def test_a_change_said_of_one_action_stays_with_that_one(agents_app: App, say: str) -> None:
    a = await _made(agents_app, "inventory.reorder")
    b = await _made(agents_app, "inventory.reorder", target="sku:LIN-TOT-02")
    chat = await agents_app.agents()
    turn = await chat.send(OP, say.format(a=a, b=b), thread="as4")
    assert waiting(turn) == {("edit_approve", a), ("approve", b)}, turn.reply
    assert "quantity 40" in turn.reply and turn.reply.count("quantity 40") == 1, turn.reply
    await chat.send(OP, "yes", thread="as4")
    assert (await _params(agents_app, a))["quantity"] == 40
    assert (await _params(agents_app, b))["quantity"] == 120
    assert {await status_of(agents_app, a), await status_of(agents_app, b)} <= {"executed", "failed", "approved"}
