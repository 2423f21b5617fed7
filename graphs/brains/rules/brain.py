"""The rules brain: the engine's own deterministic understanding, no model needed.

The operator's agent reads clauses and references (``operator``); the shoppers' agent
searches, answers from the catalogue and policies, and escalates (``shopper``). Its
plans live in the turn's scratch, so a plan survives a handoff to a specialist or a
process restart; its writes are proposals the graph's gate decides on.
"""

from __future__ import annotations

from graphs.brains.base import Reply, Step, Turn
from graphs.brains.rules.operator import OperatorPlan
from graphs.brains.rules.shopper import ShopperPlan


class RulesBrain:
    name = "rules"

    async def step(self, turn: Turn) -> Step:
        if turn.agent == "ceo_front":
            return OperatorPlan(turn).step()
        if turn.agent == "customer_front":
            return ShopperPlan(turn).step()
        return Reply("This agent works without a conversation.")
