"""The operator's standing preferences, and the check proposals must pass against them.

Preferences are sentences the operator says ("never discount Atelier Nord"); the ones
the engine can enforce are parsed into rules here. Pure: the caller supplies the
target's facts (vendor, product, SKU).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from typing import Any

from policies.decision import Decision, allow, deny, require_approval


@dataclass(frozen=True, slots=True)
class Rule:
    #: no_discount | no_price_change | ask_first
    kind: str
    #: what it is about: ("vendor" | "sku" | "product" | "kind", value), or ("all", "")
    subject: tuple[str, str]


_KIND_WORDS = {
    "title": "content.rewrite_title", "titles": "content.rewrite_title",
    "meta description": "content.rewrite_meta_description", "meta descriptions": "content.rewrite_meta_description",
    "descriptions": "content.rewrite_meta_description", "reorder": "inventory.reorder",
    "reorders": "inventory.reorder", "purchase orders": "inventory.reorder", "markdowns": "inventory.markdown",
    "price changes": "pricing.adjust", "prices": "pricing.adjust", "holds": "risk.hold_order",
    "order holds": "risk.hold_order", "emails": "email.send", "landing pages": "content.create_landing_page",
    "internal links": "content.add_internal_links",
}

_DISCOUNT = re.compile(r"(?i)\b(?:never|don'?t|do not|no)\s+(?:ever\s+)?(?:discount|mark\s*down|put on sale|reduce the price of)"
                       r"(?:s|ing)?\s+(?:anything\s+(?:from|by)\s+|products?\s+(?:from|by)\s+|items?\s+(?:from|by)\s+)?"
                       r"(?:the\s+)?(?:(?P<what>brand|vendor|sku|product)\s+)?(?P<subject>.+?)\s*[.!]?$")
_PRICE = re.compile(r"(?i)\b(?:never|don'?t|do not)\s+(?:ever\s+)?(?:change|touch|adjust|raise|alter)\s+(?:the\s+)?"
                    r"prices?\s+(?:of|for|on)\s+(?:the\s+)?(?:(?P<what>brand|vendor|sku|product)\s+)?(?P<subject>.+?)\s*[.!]?$")
_ASK = re.compile(r"(?i)\b(?:always\s+ask(?:\s+me)?\s+(?:before|first\s+(?:on|for))|never\s+auto[- ]?(?:approve|execute|run))\s+"
                  r"(?:any\s+|all\s+)?(?P<subject>.+?)\s*[.!]?$")


def parse_rule(text: str) -> Rule | None:
    """The enforceable rule in an operator's sentence, if there is one."""
    text = text.strip()
    for pattern, kind in ((_DISCOUNT, "no_discount"), (_PRICE, "no_price_change")):
        m = pattern.search(text)
        if m:
            what = (m.group("what") or "").lower()
            subject = m.group("subject").strip().strip('"\'')
            if re.fullmatch(r"[A-Z0-9]+(?:-[A-Z0-9]+)+", subject):
                what = what or "sku"
            field = {"brand": "vendor", "vendor": "vendor", "sku": "sku", "product": "product"}.get(what, "vendor")
            return Rule(kind, (field, subject))
    m = _ASK.search(text)
    if m:
        subject = m.group("subject").lower().strip()
        subject = re.sub(r"^(?:rewriting|changing|sending|creating|placing|adding)\s+", "", subject)
        for words, kind_name in sorted(_KIND_WORDS.items(), key=lambda kv: -len(kv[0])):
            if words in subject:
                return Rule("ask_first", ("kind", kind_name))
    return None


def _matches(subject: tuple[str, str], facts: dict[str, Any]) -> bool:
    field, value = subject
    if field == "all":
        return True
    have = facts.get(field)
    return isinstance(have, str) and _norm(have) == _norm(value)


def _norm(text: str) -> str:
    return re.sub(r"[\s.!,;]+$", "", text).casefold()


def check(kind: str, params: dict[str, Any], facts: dict[str, Any], rules: list[Rule]) -> Decision:
    """Does a proposal stand against the operator's standing preferences?

    ``facts`` describe the target: vendor, product (handle or title) and SKU.
    """
    lowers_price = kind == "inventory.markdown" or (
        kind == "pricing.adjust" and params.get("new_price", 0) < params.get("current_price", 0))
    changes_price = kind in ("inventory.markdown", "pricing.adjust")
    outcome = allow()
    for rule in rules:
        if rule.kind == "no_discount" and lowers_price and _matches(rule.subject, facts):
            return deny(f"the operator said never to discount {rule.subject[1]}", code="preference_blocked")
        if rule.kind == "no_price_change" and changes_price and _matches(rule.subject, facts):
            return deny(f"the operator said never to change prices of {rule.subject[1]}", code="preference_blocked")
        if rule.kind == "ask_first" and rule.subject == ("kind", kind):
            outcome = require_approval(f"the operator asked to approve every {kind} personally")
    return outcome
