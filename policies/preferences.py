"""The operator's standing rules: read from a sentence, echoed as understood, checked on proposals.

"never discount Wick Studio", "no markdowns before January", "don't touch prices this
month", "always ask before rewriting titles" become a ``Rule``: what it covers (a kind,
or a category such as *discounts* = markdowns and price cuts, *pricing* = every price
change), whom it is about (a vendor, a product, or everything), its effect (forbid, or
ask first) and its time window. A sentence the engine cannot enforce is refused with
the reason, never stored as something it is not. Pure: the caller passes the store's
vendors and products, and ``now``.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, timedelta
from typing import Any

from policies.decision import Decision, allow, deny, require_approval

PRICE_KINDS = frozenset({"inventory.markdown", "pricing.adjust"})

#: what a rule covers: a category or one action kind, with the words that name it
COVERS: dict[str, tuple[str, frozenset[str]]] = {
    "discounts": ("markdowns and price cuts", PRICE_KINDS),
    "pricing": ("price changes and markdowns", PRICE_KINDS),
    "inventory.markdown": ("markdowns", frozenset({"inventory.markdown"})),
    "inventory.reorder": ("reorders", frozenset({"inventory.reorder"})),
    "content.rewrite_title": ("title rewrites", frozenset({"content.rewrite_title"})),
    "content.rewrite_meta_description": ("meta description rewrites",
                                         frozenset({"content.rewrite_meta_description"})),
    "content.create_landing_page": ("new landing pages", frozenset({"content.create_landing_page"})),
    "content.add_internal_links": ("internal links", frozenset({"content.add_internal_links"})),
    "risk.hold_order": ("order holds", frozenset({"risk.hold_order"})),
    "email.send": ("customer emails", frozenset({"email.send"})),
    # "don't touch the umber blanket page": every change the agents make to a product, its stock or its page
    # (not an investigation, which changes nothing, and not an order hold, which is about an order)
    "changes": ("changes", frozenset({"content.rewrite_title", "content.rewrite_meta_description",
                                      "content.add_internal_links", "content.create_landing_page", "perf.repair_page",
                                      "inventory.reorder", "inventory.markdown", "pricing.adjust"})),
    # "don't touch the umber blanket page": its page only (a reorder of it still comes to you)
    "page": ("page changes", frozenset({"content.rewrite_title", "content.rewrite_meta_description",
                                        "content.add_internal_links", "perf.repair_page"})),
}
_COVER_WORDS: tuple[tuple[str, str], ...] = (
    (r"discount(?:s|ing|ed)?|mark(?:ing|ed)?\s*downs?|put(?:ting)? (?:\w+ )?on sale|sales? on|reduc(?:e|ing) (?:the )?prices?"
     r"|cut(?:ting)? (?:the )?prices?|price cuts?|lower(?:ing)? (?:the )?prices?", "discounts"),
    (r"(?:touch|chang(?:e|ing)|adjust(?:ing)?|alter(?:ing)?|rais(?:e|ing)|mess(?:ing)? with) (?:the |any |our )?"
     r"prices?|price changes?|pricing|prices", "pricing"),
    (r"markdowns?", "inventory.markdown"),
    (r"re-?order(?:s|ing)?|restock(?:s|ing)?|purchase orders?|\bpos\b", "inventory.reorder"),
    (r"(?:rewrit(?:e|ing)|chang(?:e|ing)|touch(?:ing)?|edit(?:ing)?) (?:the |any |our )?(?:seo )?titles?|title (?:rewrites?|changes?)"
     r"|titles?", "content.rewrite_title"),
    (r"(?:meta )?descriptions?", "content.rewrite_meta_description"),
    (r"(?:(?:creat(?:e|ing)|add(?:ing)?|mak(?:e|ing)|propos(?:e|ing)|suggest(?:ing)?|build(?:ing)?)\s+(?:any\s+|new\s+"
     r"|more\s+)*)?(?:landing pages?|new pages?)|creat(?:e|ing) pages?", "content.create_landing_page"),
    (r"internal links?|links?", "content.add_internal_links"),
    (r"hold(?:ing)? (?:any )?orders?|order holds?|holds?", "risk.hold_order"),
    (r"e-?mails?|newsletters?", "email.send"),
    # last: a change of any kind, once no kind was named ("never touch the umber blanket page")
    (r"touch(?:ing)?|mess(?:ing)? with|chang(?:e|es|ing)|edit(?:s|ing)?|alter(?:ing)?|modify(?:ing)?"
     r"|do anything (?:to|with|on)", "changes"),
)
_EVERYTHING = re.compile(r"^(?:anything|everything|any ?thing|all|any|any products?|all products?|products?|items?"
                         r"|the store|the shop|stuff|at all)$")
_MONTHS = ("january", "february", "march", "april", "may", "june", "july", "august", "september", "october",
           "november", "december")


@dataclass(frozen=True, slots=True)
class Rule:
    #: "forbid" | "ask_first"
    effect: str
    #: a key of COVERS
    covers: str
    #: ("vendor" | "product" | "words" | "all", value): "words" is a family of products ("alpaca blankets")
    subject: tuple[str, str]
    #: the rule holds from ``starts`` (inclusive) until ``until`` (exclusive); None = open
    starts: date | None = None
    until: date | None = None

    def as_dict(self) -> dict[str, Any]:
        return {"effect": self.effect, "covers": self.covers, "subject": list(self.subject),
                "starts": self.starts.isoformat() if self.starts else None,
                "until": self.until.isoformat() if self.until else None}

    @classmethod
    def from_dict(cls, data: dict[str, Any]) -> Rule:
        return cls(data["effect"], data["covers"], (data["subject"][0], data["subject"][1]),
                   date.fromisoformat(data["starts"]) if data.get("starts") else None,
                   date.fromisoformat(data["until"]) if data.get("until") else None)

    def describe(self) -> str:
        """The rule in plain words, as the engine understood it."""
        what = COVERS[self.covers][0]
        who = {"vendor": f"products from {self.subject[1]}", "product": self.subject[1],
               "words": f"every product whose name has “{self.subject[1]}”", "all": "any product"}[self.subject[0]]
        if self.effect == "forbid":
            text = f"no {what} on {who}"
        else:
            text = f"ask you before any {what.rstrip('s') if what.endswith('s') else what} on {who}"
        if self.until:
            text += f" until {self.until.strftime('%-d %b %Y')}"
        return text

    def active(self, today: date) -> bool:
        return (self.starts is None or today >= self.starts) and (self.until is None or today < self.until)


@dataclass(frozen=True, slots=True)
class Parsed:
    rule: Rule | None
    #: why the sentence cannot be enforced (set when ``rule`` is None)
    problem: str = ""


def _covers(text: str) -> tuple[str, re.Match[str]] | None:
    for pattern, key in _COVER_WORDS:
        m = re.search(r"\b(?:" + pattern + r")\b", text)
        if m:
            return key, m
    return None


def _window(text: str, today: date) -> tuple[date | None, str]:
    """(until, the words it came from); ("", "") when the sentence names no time."""
    t = text
    m = re.search(r"\b(?:before|until|till|til|through|thru)\s+(?:the end of\s+)?(?:(\d{1,2})(?:st|nd|rd|th)?\s+)?"
                  r"(" + "|".join(m[:3] + r"[a-z]*" for m in _MONTHS) + r")\b(?:\s+(\d{1,2}))?", t)
    if m:
        month = next(i for i, name in enumerate(_MONTHS, 1) if m.group(2).startswith(name[:3]))
        day = int(m.group(1) or m.group(3) or 1)
        year = today.year if (month, day) > (today.month, today.day) else today.year + 1
        until = date(year, month, min(day, 28))
        if "end of" in m.group(0) or "through" in m.group(0) or "thru" in m.group(0):
            until = _month_after(date(year, month, 1)) if not (m.group(1) or m.group(3)) else until + timedelta(days=1)
        return until, m.group(0)
    m = re.search(r"\b(?:this|the rest of (?:the|this))\s+(week|month|year)\b", t)
    if m:
        unit = m.group(1)
        if unit == "week":
            return today + timedelta(days=7 - today.weekday()), m.group(0)
        if unit == "month":
            return _month_after(today), m.group(0)
        return date(today.year + 1, 1, 1), m.group(0)
    m = re.search(r"\bfor (?:the next )?(\d+|a|one|two|three|four)\s+(day|week|month)s?\b", t)
    if m:
        n = {"a": 1, "one": 1, "two": 2, "three": 3, "four": 4}.get(m.group(1)) or int(m.group(1))
        days = {"day": 1, "week": 7, "month": 30}[m.group(2)] * n
        return today + timedelta(days=days), m.group(0)
    m = re.search(r"\b(?:(?:until|till|til)\s+after|after)\s+(christmas|xmas|boxing day|the holidays|the new year"
                  r"|new year'?s?)\b", t)
    if m:
        # "till after christmas": the rule holds through the day and ends the morning after it
        christmas = date(today.year if (today.month, today.day) <= (12, 25) else today.year + 1, 12, 25)
        if m.group(1) in ("christmas", "xmas"):
            return christmas + timedelta(days=1), m.group(0)
        if m.group(1) == "boxing day":
            return christmas + timedelta(days=2), m.group(0)
        return date(christmas.year + 1, 1, 2), m.group(0)
    m = re.search(r"\b(?:until|till|before)\s+(next (?:week|month|year)|the new year|new year'?s?|christmas"
                  r"|black friday|the holidays)\b", t)
    if m:
        word = m.group(1)
        if word == "next week":
            return today + timedelta(days=7 - today.weekday()), m.group(0)
        if word == "next month":
            return _month_after(today), m.group(0)
        if word == "black friday":
            return None, m.group(0)  # a moving date the engine does not know: refuse rather than guess
        if word == "christmas":
            return date(today.year if (today.month, today.day) < (12, 25) else today.year + 1, 12, 25), m.group(0)
        return date(today.year + 1, 1, 1), m.group(0)
    return None, ""


#: words of a time a rule's sentence may hold ("till the sale ends", "after black friday", "for a while")
_UNREAD_TIME = re.compile(r"\b(?:until|till|til|through|thru|after(?! all\b))\b(?:\s+\S+){1,4}|\bfor a (?:while|bit)\b"
                          r"|\btemporar(?:y|ily)\b|\bthis (?:season|weekend|quarter)\b")


def _month_after(day: date) -> date:
    return date(day.year + (day.month == 12), day.month % 12 + 1, 1)


def parse_rule(text: str, *, today: date, vendors: list[str] | None = None,
               products: list[str] | None = None) -> Parsed:
    """The enforceable rule in an operator's sentence, or why there is none."""
    t = " ".join(text.lower().replace("’", "'").split()).strip(" .!")
    t = re.sub(r"\bput(?:ting)?\s+(.+?)\s+on sale\b", r"discount \1", t)
    t = re.sub(r"\bmark(?:ing)?\s+((?!down\b)\S.*?)\s+down\b", r"discount \1", t)  # "don't mark anything down"
    ask = re.search(r"\b(?:always ask|ask me (?:first|before)|check with me|never auto[- ]?(?:approve|execute|run)"
                    r"|run (?:it )?by me|get my (?:ok|approval))\b", t)
    forbid = re.search(r"\b(?:never|don'?t|do not|dont|no|stop|avoid|without)\b", t)
    if not ask and not forbid:
        return Parsed(None, "it does not say what to never do or what to ask you about first")
    limit = re.search(r"\b(?:more than|over|above|under|below|less than|beyond|deeper than|bigger than)\s+"
                      r"[$€£]?\d[\d.,]*\s*%?", t)
    if limit:
        return Parsed(None, f"a limit such as “{limit.group(0).strip()}” is not something a rule can hold yet: a rule "
                            "forbids a kind of change, or makes it wait for you, for a vendor, a product or everything "
                            "(markdowns past 30% in total already wait for you)")
    found = _covers(t)
    if found is None:
        return Parsed(None, "it is not about something the agents propose (prices and markdowns, reorders, "
                            "titles, descriptions, landing pages, links, order holds, emails)")
    covers, m = found
    if covers == "changes" and re.search(r"\b(?:page|listing)s?\b", t[m.end():]):
        covers = "page"
    until, window_words = _window(t, today)
    if window_words and until is None:
        return Parsed(None, f"I can't tell which date \"{window_words}\" is; say a date, e.g. \"until 1 December\"")
    unread = None if window_words else _UNREAD_TIME.search(t)
    if unread:
        # a time said but not read would make the rule permanent: refused with the words, never stored without them
        return Parsed(None, f"I can't tell when \"{unread.group(0).strip()}\" ends; say a date, e.g. \"until 26 "
                            "December\" (or leave the time out for a rule that holds until you forget it)")
    rest = re.sub(r"\bfor (?:now|the time being)\b", " ", t[m.end():])  # until the operator forgets it
    if window_words:
        rest = rest.replace(window_words, " ")
    rest = re.sub(r"\b(?:on|of|for|from|by|to|with|at|in|the|any|our|my|brand|vendor|products?|items?|ever|again"
                  r"|please|first|personally|anymore|any ?more|stuff|things?|gets?|be|being|pages?|listings?"
                  r"|product pages?)\b", " ", rest)
    rest = re.sub(r"\b(?:before|until|till)\b.*$", " ", rest)
    who = " ".join(rest.split()).strip(" ,.'\"")
    if not who:
        # "Harbor Textiles stuff never gets discounted": the subject can come first
        before = re.sub(r"\b(?:from now on|going forward|please|remember(?: that)?|note(?: that)?|never|don'?t|do not|no"
                        r"|(?:i|we) (?:don'?t|do not|dont) (?:want|need)"
                        r"|always|ask me|ask|before|gets?|be|being|should|must|will|stuff|things?|products?|items?|the"
                        r"|any|our|my|brand|vendor|more|new|ever|again"
                        # "never add internal links", "stop proposing landing pages": the verb, not a name
                        r"|add(?:ing)?|propos(?:e|ing)|suggest(?:ing)?|creat(?:e|ing)|mak(?:e|ing)|build(?:ing)?"
                        r"|send(?:ing)?|do(?:ing)?)\b", " ", t[:m.start()])
        who = " ".join(before.split()).strip(" ,.'\"")
    who = re.sub(r"^(?:anything|everything|any ?thing|all|any)\s+(?=\S)", "", who)  # "anything from loom & hearth"
    subject = _subject(who, vendors or [], products or [])
    if subject is None:
        return Parsed(None, f"I don't know a vendor or product called \"{who}\" in this store")
    return Parsed(Rule("ask_first" if ask else "forbid", covers, subject, None, until))


def _subject(who: str, vendors: list[str], products: list[str]) -> tuple[str, str] | None:
    """A vendor, one product, or a family of products ("the alpaca blankets") the store has; else None."""
    if not who or _EVERYTHING.match(who):
        return ("all", "")
    for vendor in vendors:
        if who == vendor.lower() or who.replace("and", "&") == vendor.lower():
            return ("vendor", vendor)
    for product in products:
        if who == product.lower():
            return ("product", product)
    for vendor in vendors:
        if who in vendor.lower() and len(who) >= 4:
            return ("vendor", vendor)
    matches = [p for p in products if who in p.lower() and len(who) >= 4]
    if len(matches) == 1:
        return ("product", matches[0])
    # "the alpaca blankets", "tshirts", "the flint tea towels": every word said is in the product's name
    wanted = _stems(who)
    family = [p for p in products if wanted and wanted <= _stems(p)] if len("".join(wanted)) >= 4 else []
    if len(family) == 1:
        return ("product", family[0])
    if family:
        return ("words", who)
    return None


def _stems(text: str) -> frozenset[str]:
    """A name's words, hyphens closed up and plurals taken off ("T-Shirts" -> tshirt, "blankets" -> blanket)."""
    words = re.findall(r"[a-z0-9&]+", re.sub(r"(?<=\w)-(?=\w)", "", text.lower()))
    return frozenset(w[:-1] if len(w) > 3 and w.endswith("s") and not w.endswith("ss") else w
                     for w in words if w not in ("the", "a", "an", "of", "and", "&"))


def _matches(subject: tuple[str, str], facts: dict[str, Any]) -> bool:
    field, value = subject
    if field == "all":
        return True
    if field == "product":
        return any(isinstance(facts.get(k), str) and facts[k].casefold() == value.casefold()
                   for k in ("title", "product"))
    if field == "words":
        return any(isinstance(facts.get(k), str) and _stems(value) <= _stems(facts[k]) for k in ("title", "product"))
    have = facts.get(field)
    return isinstance(have, str) and have.casefold() == value.casefold()


def applies(rule: Rule, kind: str, params: dict[str, Any]) -> bool:
    """Does the rule cover this kind of change (whoever it is about)?"""
    if kind not in COVERS[rule.covers][1]:
        return False
    if rule.covers == "discounts" and kind == "pricing.adjust":
        return float(params.get("new_price", 0) or 0) < float(params.get("current_price", 0) or 0)
    return True


def check(kind: str, params: dict[str, Any], facts: dict[str, Any], rules: list[Rule], *, today: date) -> Decision:
    """Does a proposal (or a decision, or an execution) stand against the operator's standing rules?

    ``facts`` describe the target: vendor, product handle, title and SKU.
    """
    outcome = allow()
    for rule in rules:
        if not rule.active(today) or not applies(rule, kind, params) or not _matches(rule.subject, facts):
            continue
        if rule.effect == "forbid":
            return deny(f"your rule: {rule.describe()}", code="rule_forbids")
        outcome = require_approval(f"your rule: {rule.describe()}")
    return outcome

