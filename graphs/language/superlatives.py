"""Superlatives that read the queue in another order than its ranking: "the riskiest", "the 3 biggest",
"the 2 safest", "the cheapest reorder". Pure, like ``slots``, which asks here for a reference's order.
"""

from __future__ import annotations

import re


#: superlatives that order the queue another way than its ranking ("the riskiest", "the most valuable")
_ORDERS = (("risk", r"riskiest|most risky|most risk|most dangerous|highest[- ]risk(?= (?:one|action|item)s?\b)"),
           ("-risk", r"least risky|safest|lowest[- ]risk(?= (?:one|action|item)s?\b)"),
           ("value", r"most valuable|most lucrative|most profitable|biggest|largest|highest[- ]value[d]?"),
           ("-value", r"least valuable|smallest|lowest[- ]value[d]?"),
           ("-cost", r"cheapest|least expensive|lowest[- ]cost"),
           ("cost", r"most expensive|priciest|costliest|highest[- ]cost"))


def order_in(text: str) -> tuple[str | None, int | None, str]:
    """The order a superlative asks for, how many ("the 2 riskiest", "the two biggest"), and the text without
    it (so "the most risky one" names no risk agent and no risk tier)."""
    for order, words in _ORDERS:
        m = re.search(r"\b(?:(\d{1,2}) )?(?:" + words + r")\b", text)
        if m:
            return order, int(m.group(1)) if m.group(1) else None, text[:m.start()] + text[m.end():]
    return None, None, text
