"""Superlatives that read the queue in another order than its ranking: "the riskiest", "the 3 biggest",
"the 2 safest", "the cheapest reorder". Pure, like ``slots``, which asks here for a reference's order.
"""

from __future__ import annotations

import re


_BY = r"(?:(?:sorted|ordered|ranked|sort(?:ed)?|order(?:ed)?) )?by "
#: superlatives that order the queue another way than its ranking ("the riskiest", "the most valuable"); the
#: flag says the words ask for several by default ("is anything about to expire?": the ones soonest to expire)
_ORDERS = (("risk", r"riskiest|most risky|most risk|most dangerous|biggest risk|highest[- ]risk(?= (?:one|action|item)s?\b)",
            False),
           ("-risk", r"least risky|least risk|safest|lowest[- ]risk(?= (?:one|action|item)s?\b)", False),
           ("value", r"most valuable|most lucrative|most profitable|biggest|largest|highest[- ]value[d]?", False),
           ("-value", r"least valuable|smallest|lowest[- ]value[d]?", False),
           ("-cost", r"cheapest|least expensive|lowest[- ]cost", False),
           ("cost", r"most expensive|priciest|costliest|highest[- ]cost", False),
           ("expiry", r"expires? (?:first|soonest|next)|expiring (?:first|soonest|next)|(?:soonest|first|next) to expire",
            False),
           ("expiry", r"(?:about|going|due|set|close) to expire|expiring soon|expires? soon|(?:running|run) out of time",
            True),
           # "what can wait?", "is there anything I can ignore?": the least at stake first (no judgement beyond that)
           ("-value", r"(?:can|could) (?:wait|be ignored|be skipped|be left)|(?:i|we) (?:can|could) (?:safely )?(?:ignore"
            r"|skip|leave)|least important|(?:not|isn'?t|aren'?t) urgent|(?:i|we) should (?:reject|say no to|turn down)",
            True),
           # "sort the reorders by cost", "show them by risk": the whole group in that order
           ("-cost", _BY + r"(?:cost|spend|what (?:they|it) costs?)", True),
           ("risk", _BY + r"risk", True),
           ("value", _BY + r"(?:value|estimate|worth|revenue|profit)", True),
           ("expiry", _BY + r"(?:expiry|deadline|expiration|when (?:they|it) expires?)", True))


def order_in(text: str) -> tuple[str | None, int | None, bool, str]:
    """The order a superlative asks for, how many ("the 2 riskiest", "the two biggest"), whether it means several
    when it does not say how many, and the text without it (so "the most risky one" names no risk agent and no
    risk tier)."""
    for order, words, several in _ORDERS:
        m = re.search(r"\b(?:(\d{1,2}) )?(?:" + words + r")\b", text)
        if m:
            return order, int(m.group(1)) if m.group(1) else None, several, text[:m.start()] + text[m.end():]
    return None, None, False, text
